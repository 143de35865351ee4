"""An .xlsx package opened for editing part by part, without loading the workbook.

Loading and saving a partner's workbook with openpyxl costs a tenth of a second or more and
drops what openpyxl does not know (images, charts, form controls). Editing the package's own
XML parts costs a few milliseconds and keeps everything it does not touch byte for byte.

A part is kept as read, still compressed, until it is asked for (``raw``, ``xml``); a part
never changed is written back as it was read, still compressed (``archive``), and only the
parts asked for as XML, or put, are written again (a part only read, for its relationships or
its list of sheets, is not). What every copy of a template does the same to its content types,
relationships and workbook is remembered (``package_parts``, ``remembered``). The parser
refuses entities and DTDs (the inbox's checks have refused such a file already; this is a
second lock on the same door).
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime
from pathlib import Path

from lxml import etree

from . import archive
from .package_parts import (
    relationships,
    sheet_entries,
    with_first_sheet,
    with_relationship,
    with_types,
)
from .properties import stamped, with_property, without_sheet_list
from .remembered import edit_part, read_part

from .names import (  # isort: skip
    BLANK_CORE, CONTENT, CORE_REL, CUSTOM, DOC_REL, MAIN, PKG_REL, TYPES, VTYPES, SheetPart,
    Unmarkable, q, relative, rels_of, resolve,
)  # fmt: skip

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
)
_DOCUMENT = f"{DOC_REL}/officeDocument"
_DECLARED = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # as lxml declares
_TYPES_PART = "[Content_Types].xml"


class Package:
    """The parts of one .xlsx, edited in memory and saved as a new file."""

    def __init__(self, parts: dict[str, bytes], members: dict[str, archive.Member] | None = None):
        self._members = members or {}  # parts as read, untouched: written back as they are
        self._bytes = parts  # parts put, or changed as bytes
        self._xml: dict[str, etree._Element] = {}
        self._related: dict[str, list[tuple[str, str, str]]] = {}  # by part, until changed
        # Changes to the content types, held back to be made at once when they are asked for
        # or saved (each copy of a template makes the same: ``package_parts.with_types``).
        self._types: list[tuple[str, str | None]] = []

    @classmethod
    def open(cls, path: Path) -> Package:
        """The package of the .xlsx at ``path`` (read whole: returns are small)."""
        try:
            return cls({}, archive.read(path))
        except (archive.ArchiveError, OSError) as err:
            raise Unmarkable(f"it could not be opened again ({err})") from None

    @classmethod
    def blank(cls) -> Package:
        """A package with a workbook of no sheets yet, a plain stylesheet and properties."""
        r = f'xmlns:r="{DOC_REL}"'
        return cls({
            "[Content_Types].xml": (
                f'<Types xmlns="{TYPES}">'
                '<Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT["workbook"]}"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT["styles"]}"/></Types>'
            ).encode(),
            "_rels/.rels": (
                f'<Relationships xmlns="{PKG_REL}">'
                f'<Relationship Id="rId1" Type="{_DOCUMENT}" Target="xl/workbook.xml"/>'
                "</Relationships>"
            ).encode(),
            "xl/workbook.xml": (
                f'<workbook xmlns="{MAIN}" {r}><bookViews><workbookView/></bookViews>'
                "<sheets/></workbook>"
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                f'Type="{DOC_REL}/styles" Target="styles.xml"/></Relationships>'
            ).encode(),
            "xl/styles.xml": (
                f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="10"/>'
                '<name val="Arial"/></font></fonts><fills count="2"><fill><patternFill '
                'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
                '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
                '</cellStyleXfs><cellXfs count="1"><xf xfId="0"/></cellXfs><cellStyles '
                'count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                "</styleSheet>"
            ).encode(),
        })  # fmt: skip

    # parts

    def parts(self) -> list[str]:
        """Every part's name."""
        return sorted(set(self._members) | set(self._bytes) | set(self._xml))

    def has(self, part: str) -> bool:
        """Whether the package holds ``part`` (part names are the same ignoring case)."""
        if part in self._members or part in self._bytes or part in self._xml:
            return True
        wanted = part.casefold()
        return any(name.casefold() == wanted for name in (*self._members, *self._bytes, *self._xml))

    def xml(self, part: str) -> etree._Element:
        """The part's XML root, parsed once; what is changed in it is saved."""
        if part not in self._xml:
            self._xml[part] = self.parse(part)
        return self._xml[part]

    def parse(self, part: str) -> etree._Element:
        """The part's XML root, parsed anew and not kept (what is changed in it is not saved)."""
        try:
            root = etree.fromstring(self.raw(part), _PARSER)
        except KeyError:
            raise Unmarkable(f"its part {part} is missing") from None
        except etree.XMLSyntaxError as err:
            raise Unmarkable(f"its part {part} is not well-formed XML ({err})") from None
        info = root.getroottree().docinfo
        if info.doctype or info.internalDTD is not None:
            raise Unmarkable(f"its part {part} declares a DTD, which Excel never writes")
        return root

    def raw(self, part: str) -> bytes:
        """The part's bytes as they are now."""
        if part == _TYPES_PART and self._types:
            self._retype()
        if part in self._xml:
            return etree.tostring(self._xml[part], xml_declaration=True, encoding="UTF-8",
                                  standalone=True)  # fmt: skip
        if part in self._bytes:
            return self._bytes[part]
        try:
            return self._members[part].data()
        except archive.ArchiveError as err:
            raise Unmarkable(str(err)) from None

    def parsed(self, part: str) -> bool:
        """Whether ``part`` has been asked for as XML (and is to be edited so)."""
        return part in self._xml

    def _untouched(self, part: str) -> bool:
        """Whether ``part`` is as it was read (never parsed, nor put)."""
        return part in self._members and part not in self._xml and part not in self._bytes

    def put(self, part: str, content: bytes | etree._Element, kind: str | None = None) -> None:
        """Add or replace a part (with its content type where ``kind`` names one)."""
        self._xml.pop(part, None)
        self._bytes.pop(part, None)
        self._members.pop(part, None)
        if isinstance(content, bytes):
            self._bytes[part] = content
        else:
            self._xml[part] = content
        if kind is not None:
            self._override(part, CONTENT[kind])

    def drop(self, part: str) -> None:
        """Remove a part, its relationships and its content type."""
        self._related.pop(part, None)
        for gone in (part, rels_of(part)):
            self._xml.pop(gone, None)
            self._bytes.pop(gone, None)
            self._members.pop(gone, None)
        self._types.append((f"/{part}", None))

    def free_name(self, pattern: str) -> str:
        """The first part name ``pattern.format(n)`` not in the package (n from 1)."""
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def _override(self, part: str, content_type: str) -> None:
        """Give ``part`` its own content type (when the content types are next asked for)."""
        if not self._types:  # (a package whose content types are not XML is refused now)
            read_part(self, _TYPES_PART, _nothing)
        self._types.append((f"/{part}", content_type))

    def _retype(self) -> None:
        """Make the changes to the content types held back (``_override``, ``drop``)."""
        changes, self._types = tuple(self._types), []
        edit_part(self, _TYPES_PART, with_types, changes)

    # relationships

    def relations(self, part: str) -> list[tuple[str, str, str]]:
        """``(id, type, target part)`` of each relationship of ``part`` (internal ones)."""
        if part not in self._related:
            rels = rels_of(part)
            listed = read_part(self, rels, relationships)[0] if self.has(rels) else ()
            self._related[part] = [(rid, kind, resolve(part, target))
                                   for rid, kind, target, mode in listed
                                   if mode != "External"]  # fmt: skip
        return self._related[part]

    def related(self, part: str, kind: str) -> str | None:
        """The first part ``part`` is related to as ``kind`` (e.g. ``styles``), if any."""
        return next((t for _, k, t in self.relations(part) if k.rsplit("/", 1)[-1] == kind), None)

    def relate(self, part: str, kind: str, target: str) -> str:
        """Relate ``part`` to ``target`` (a part name) as ``kind`` (a type under the office
        document's relationships, or a full type); returns the new relationship's id."""
        rels = rels_of(part)
        self._related.pop(part, None)
        if not self.has(rels):  # (as lxml writes it: edited as copies before edited it)
            self.put(rels, _DECLARED + f'<Relationships xmlns="{PKG_REL}"/>'.encode())
        taken = read_part(self, rels, relationships)[1]
        n = len(taken) + 1
        while f"rId{n}" in taken:
            n += 1
        kind = kind if "/" in kind else f"{DOC_REL}/{kind}"
        base = posixpath.dirname(part) if part else ""
        edit_part(self, rels, with_relationship, f"rId{n}", kind,
                  relative(target, base or "."))  # fmt: skip
        return f"rId{n}"

    def unrelate(self, part: str, rel_id: str) -> None:
        """Remove one relationship of ``part``."""
        self._related.pop(part, None)
        root = self.xml(rels_of(part))
        for rel in root.findall(q("Relationship", PKG_REL)):
            if rel.get("Id") == rel_id:
                root.remove(rel)

    def without_macros(self) -> None:
        """Make the package a plain workbook (.xlsx): a macro-enabled one (.xlsm) or a template
        loses its macros and says it is a workbook, as Excel requires of a .xlsx file."""
        book = self.workbook
        for rid, kind, target in list(self.relations(book)):
            if kind.endswith("/vbaProject"):
                self.drop(target)
                self.unrelate(book, rid)
        self._override(book, CONTENT["workbook"])

    # the workbook

    @property
    def workbook(self) -> str:
        """The workbook part's name (xl/workbook.xml, as the package's root says)."""
        found = self.related("", "officeDocument")
        if found is None:
            raise Unmarkable("it has no workbook part")
        return found

    def sheets(self) -> list[SheetPart]:
        """The workbook's worksheets in order (chart sheets and others are passed over, but
        still counted in ``index``)."""
        entries = read_part(self, self.workbook, sheet_entries)
        if entries is None:
            raise Unmarkable("its workbook is not in the usual (transitional) format")
        targets = {rid: (kind, target) for rid, kind, target in self.relations(self.workbook)}
        found = []
        for index, (name, rid) in enumerate(entries):
            kind, target = targets.get(rid, ("", ""))
            if kind.endswith("/worksheet"):
                found.append(SheetPart(name, target, index))
        return found

    def add_sheet_first(
        self, name: str, sheet: bytes | etree._Element, print_rows: str | None
    ) -> str:
        """Put ``sheet`` first in the workbook as ``name`` and show it on opening, in place of
        any sheet of that name already there (an earlier copy of it); ``print_rows`` (e.g.
        ``4:4``) repeat at the top of each printed page. Returns the new sheet's part."""
        book_part = self.workbook
        for listed, rid in read_part(self, book_part, sheet_entries):
            if listed.casefold() != name.casefold():
                continue
            for other_id, _, target in list(self.relations(book_part)):
                if other_id == rid:
                    self.drop(target)
                    self.unrelate(book_part, rid)
        part = self.free_name("xl/worksheets/sheet{}.xml")
        self.put(part, sheet, "worksheet")
        rid = self.relate(book_part, "worksheet", part)
        edit_part(self, book_part, with_first_sheet, name, rid, print_rows)
        self._unselect_others()
        return part

    def _unselect_others(self) -> None:
        """No sheet but the first selected (selected together, sheets are edited together)."""
        targets = {rid: target for rid, _, target in self.relations(self.workbook)}
        for _, rid in read_part(self, self.workbook, sheet_entries)[1:]:
            part = targets.get(rid, "")
            if part in self._xml:  # a worksheet's, a chart sheet's: any sheet may be selected
                for view in self._xml[part].iter(q("sheetView"), q("chartsheetView")):
                    view.attrib.pop("tabSelected", None)
            elif part in self._members or part in self._bytes:
                self._unselect(part)

    def _unselect(self, part: str) -> None:
        """The sheet ``part``, not selected, edited in its bytes: its views come before its
        cells, so only they are looked at (and inflated, where it is as it was read)."""
        member = self._members[part] if self._untouched(part) else None
        try:
            head = member.head(b"<sheetData") if member else self.raw(part)
        except archive.ArchiveError as err:
            raise Unmarkable(str(err)) from None
        cells = head.find(b"<sheetData")
        views = head if cells < 0 else head[:cells]
        if _SELECTED.search(views):
            rest = memoryview(self.raw(part))[len(views) :]  # (not copied twice: it is large)
            self.put(part, b"".join((_SELECTED.sub(b"", views), rest)))

    def save(self, path: Path, modified: datetime) -> None:
        """Write the package to ``path``, its document properties saying ``modified``."""
        self._set_modified(modified)
        if self._types:
            self._retype()
        others = [part for part in self.parts() if part != _TYPES_PART]
        members = [  # the content types first, as Office writes
            self._members[part]
            if self._untouched(part)
            else archive.packed(part, self.raw(part), modified)
            for part in (_TYPES_PART, *others)
        ]
        try:
            archive.write(path, members)
        except archive.ArchiveError as err:
            raise Unmarkable(str(err)) from None

    def set_custom_property(self, name: str, value: str) -> None:
        """Set a text property of the document (File > Properties > Custom)."""
        part = "docProps/custom.xml"
        if not self.has(part):
            self.put(part, _DECLARED + f'<Properties xmlns="{CUSTOM}" xmlns:vt="{VTYPES}"/>'
                     .encode(), "custom-properties")  # fmt: skip
            self.relate("", f"{DOC_REL}/custom-properties", part)
        edit_part(self, part, with_property, name, value)

    def _set_modified(self, when: datetime) -> None:
        part = "docProps/core.xml"
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        if not self.has(part):
            self.put(part, etree.fromstring(BLANK_CORE), "core-properties")
            self.relate("", CORE_REL, part)
        stamped(self.xml(part), stamp)  # (each partner's own times: not remembered)
        # The app properties list the sheets by name: a list now out of date, and optional.
        if self.has("docProps/app.xml"):
            edit_part(self, "docProps/app.xml", without_sheet_list)


_SELECTED = re.compile(rb"""\stabSelected=["'](?:1|true)["']""")


def _nothing(root: etree._Element) -> None:
    """Nothing read (a part parsed only to see that it is XML)."""
