"""The Office Open XML names an .xlsx package is edited by: its namespaces, the content types
of the parts the pipeline adds, a tag's qualified name, where a part's relationships are and
what a relationship's target names, and the fixed pieces of the parts it writes; and a
worksheet as the workbook lists it."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE_REL = f"{PKG_REL}/metadata/core-properties"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VTYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_XLSX = "application/vnd.openxmlformats-officedocument"
CONTENT = {  # content type of each kind of part the pipeline adds
    "workbook": f"{_XLSX}.spreadsheetml.sheet.main+xml",
    "worksheet": f"{_XLSX}.spreadsheetml.worksheet+xml",
    "comments": f"{_XLSX}.spreadsheetml.comments+xml",
    "vmlDrawing": f"{_XLSX}.vmlDrawing",
    "styles": f"{_XLSX}.spreadsheetml.styles+xml",
    "custom-properties": f"{_XLSX}.custom-properties+xml",
    "core-properties": "application/vnd.openxmlformats-package.core-properties+xml",
}


class Unmarkable(Exception):
    """The package cannot be edited as this module does: the sentence says why."""


def q(tag: str, ns: str = MAIN) -> str:
    """A tag's qualified name: ``q("sheet")`` is ``{main namespace}sheet``."""
    return f"{{{ns}}}{tag}"


@dataclass(frozen=True)
class SheetPart:
    """A worksheet as the workbook lists it: its name, its part and its place."""

    name: str
    part: str  # e.g. xl/worksheets/sheet2.xml
    index: int  # its position among the workbook's sheets (what localSheetId counts)


def rels_of(part: str) -> str:
    """The relationships part of ``part`` (``""``: the package's own, ``_rels/.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(source: str, target: str) -> str:
    """A relationship's target as a part name: relative to the source part's folder, or
    from the package's root where it starts with ``/``."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@functools.lru_cache(maxsize=1024)  # (the same few in every copy: relpath asks for the cwd)
def relative(target: str, base: str) -> str:
    """The part ``target`` named from the folder ``base`` (both from the package's root), as
    a relationship's target names it."""
    return posixpath.relpath(target, base)


USER_DEFINED = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
BLANK_CORE = (
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="'
    b'http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)


def new_defined_names(book: etree._Element) -> etree._Element:
    """An empty list of defined names, where the schema puts it: after the sheets, function
    groups and external references."""
    names = etree.Element(q("definedNames"))
    after = book.find(q("sheets"))
    for tag in ("functionGroups", "externalReferences"):
        after = book.find(q(tag)) if book.find(q(tag)) is not None else after
    after.addnext(names)
    return names
