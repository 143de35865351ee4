"""The package's own parts a copy reads and edits — its content types, its relationships, its
workbook's list of sheets — each read or edit a pure function of the part's XML and of what it
is given, so that it is remembered for the next copy of the same template
(``remembered.read_part``, ``remembered.edit_part``): the same for every copy of a template,
and two fifths of what a marked-up copy's bookkeeping cost when parsed every time."""

from __future__ import annotations

from lxml import etree

from ..naming import sheet_ref
from .names import DOC_REL, PKG_REL, TYPES, new_defined_names, q

Relationship = tuple[str, str, str, str | None]  # its id, type, target (as written), mode


def relationships(rels: etree._Element) -> tuple[tuple[Relationship, ...], frozenset]:
    """A relationships part's relationships, and every id its children take."""
    listed = tuple((rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", ""),
                    rel.get("TargetMode"))
                   for rel in rels.findall(q("Relationship", PKG_REL)))  # fmt: skip
    return listed, frozenset(child.get("Id") for child in rels)


def with_relationship(rels: etree._Element, rid: str, kind: str, target: str) -> None:
    """The relationships part with one more: ``rid`` of type ``kind`` to ``target``."""
    etree.SubElement(rels, q("Relationship", PKG_REL), Id=rid, Type=kind, Target=target)


def with_types(types: etree._Element, changes: tuple[tuple[str, str | None], ...]) -> None:
    """The content types with each of ``changes`` made in turn: ``(part, content type)``
    gives the part (named from the root, ``/xl/...``) its own type; ``(part, None)`` takes its
    entry away. Part names are compared ignoring case."""
    for part, content_type in changes:
        wanted = part.casefold()
        override = next((o for o in types.iterfind(q("Override", TYPES))
                         if (o.get("PartName") or "").casefold() == wanted), None)  # fmt: skip
        if content_type is None:
            if override is not None:
                override.getparent().remove(override)
            continue
        if override is None:
            override = etree.SubElement(types, q("Override", TYPES), PartName=part)
        override.set("ContentType", content_type)


def sheet_entries(book: etree._Element) -> tuple[tuple[str, str], ...] | None:
    """The workbook's sheets in order, each ``(name, relationship id)``; None where the
    workbook is not in the usual (transitional) format."""
    if book.tag != q("workbook"):
        return None
    return tuple((sheet.get("name", ""), sheet.get(q("id", DOC_REL)) or "")
                 for sheet in book.iterfind(f"{q('sheets')}/{q('sheet')}"))  # fmt: skip


def date1904(book: etree._Element) -> bool:
    """Whether the workbook counts its dates from 1904 (as a Mac once did)."""
    properties = book.find(q("workbookPr"))
    return properties is not None and properties.get("date1904") in ("1", "true")


def with_first_sheet(book: etree._Element, name: str, rid: str, print_rows: str | None) -> None:
    """The workbook with the sheet ``rid`` put first as ``name`` (in place of any sheet of
    that name there), its ``print_rows`` repeated at the top of each printed page, and opening
    on it."""
    sheets = book.find(q("sheets"))
    listed = list(sheets)
    gone = [s for s in listed if (s.get("name") or "").casefold() == name.casefold()]
    for old in gone:
        sheets.remove(old)
    # Names scoped to a sheet count sheets by position: the new sheet moves every one on.
    moved = {old: new + 1 for new, old in enumerate(i for i, s in enumerate(listed)
                                                      if s not in gone)}  # fmt: skip
    names = book.find(q("definedNames"))
    for defined in list(names) if names is not None else ():
        local = defined.get("localSheetId")
        if local is None:
            continue
        if local.isdigit() and int(local) in moved:
            defined.set("localSheetId", str(moved[int(local)]))
        else:
            names.remove(defined)
    ids = [int(s.get("sheetId")) for s in sheets if (s.get("sheetId") or "").isdigit()]
    entry = etree.Element(q("sheet"), name=name, sheetId=str(max(ids, default=0) + 1))
    entry.set(q("id", DOC_REL), rid)
    sheets.insert(0, entry)
    if print_rows:
        if names is None:
            names = new_defined_names(book)
        defined = etree.Element(q("definedName"), name="_xlnm.Print_Titles", localSheetId="0")
        defined.text = sheet_ref(name, "$" + print_rows.replace(":", ":$"))
        names.insert(0, defined)
    # Open on the first sheet (a sheet selected beside it is unselected in its own part).
    for view in book.iterfind(f"{q('bookViews')}/{q('workbookView')}"):
        view.set("activeTab", "0")
        view.attrib.pop("firstSheet", None)
