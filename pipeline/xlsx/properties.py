"""The document properties' edits a saved copy makes: a pure function of the part's XML and
of what it is given, so that each may be remembered (``remembered.edit_part``)."""

from __future__ import annotations

from lxml import etree

from .names import CUSTOM, DCTERMS, USER_DEFINED, VTYPES, XSI, q


def stamped(core: etree._Element, stamp: str) -> None:
    """The core properties saying they were modified at ``stamp`` (and created then, where
    they do not say when)."""
    for tag in ("created", "modified"):
        element = core.find(q(tag, DCTERMS))
        if element is None:  # (its value's type names the prefix: declared here)
            element = etree.SubElement(core, q(tag, DCTERMS),
                                       nsmap={"dcterms": DCTERMS, "xsi": XSI})  # fmt: skip
            element.set(q("type", XSI), "dcterms:W3CDTF")
        if tag == "modified" or not (element.text or "").strip():
            element.text = stamp


def without_sheet_list(app: etree._Element) -> None:
    """The app properties without their list of the sheets by name (out of date once a sheet
    is added, and optional)."""
    for child in list(app):
        if etree.QName(child).localname in ("HeadingPairs", "TitlesOfParts"):
            app.remove(child)


def with_property(custom: etree._Element, name: str, value: str) -> None:
    """The custom properties with the text property ``name`` saying ``value`` (in place of
    any it had of that name)."""
    for prop in custom.findall(q("property", CUSTOM)):
        if prop.get("name") == name:
            custom.remove(prop)
    pids = [int(p.get("pid", "1")) for p in custom if p.get("pid", "").isdigit()]
    prop = etree.SubElement(custom, q("property", CUSTOM), fmtid=USER_DEFINED,
                            pid=str(max(pids, default=1) + 1), name=name)  # fmt: skip
    etree.SubElement(prop, q("lpwstr", VTYPES)).text = value
