"""The workbook's stylesheet, added to: a cell's own style with a fill (and a number format),
and the few plain styles a new sheet needs. Each style asked for twice is added once.

The same stylesheet asked for the same styles in the same order comes out the same: what
each step gives (the style's index, the stylesheet's bytes after it) is remembered for the
next copy of the same template (``_DONE``), which then parses nothing (a feedback copy of a
partner's file asks for a dozen styles, and half of its stylesheet work was this)."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from lxml import etree

from .package import Package, Unmarkable, q

BUILT_IN_FORMATS = 163  # number formats up to this id are Excel's own
# (a stylesheet's bytes, the styles asked of it) -> (the last one's index, the stylesheet's
# bytes after it, the fills added by then); with nothing asked, a stylesheet parsed once
_DONE: OrderedDict[tuple[bytes, tuple], tuple[int, bytes, dict]] = OrderedDict()
_KEPT = 256  # steps remembered (each a stylesheet of a few kilobytes)
_DONE_LOCK = threading.Lock()


class Styles:
    """``xl/styles.xml`` of a package, to add styles to."""

    def __init__(self, package: Package) -> None:
        part = package.related(package.workbook, "styles")
        if part is None:
            raise Unmarkable("it has no stylesheet")
        self.package, self.part = package, part
        self.original = package.raw(part)
        self._root: etree._Element | None = None
        self._asked: tuple = ()  # the styles asked for that were added, in order
        self._made: dict[tuple, int] = {}
        if (self.original, ()) not in _DONE:  # a stylesheet not seen before is parsed now,
            self._root = package.xml(part)  # so that one that is not XML is refused here
            with _DONE_LOCK:
                _DONE[(self.original, ())] = (-1, self.original, {})

    @property
    def root(self) -> etree._Element:
        """The stylesheet's XML, parsed (as it stands after the styles asked for so far)."""
        if self._root is None:
            self._root = self.package.xml(self.part)
        return self._root

    def marked(self, xf: int, fill: str, number_format: str | None = None) -> int:
        """The style of a cell styled ``xf``, filled ``fill`` (RGB, e.g. ``FFC7CE``) and, where
        given, showing numbers as ``number_format``: the cell keeps its font and borders."""
        return self._ask(("marked", xf, fill, number_format))

    def plain(self, bold: bool = False, size: float = 10, colour: str | None = None,
              underline: bool = False, wrap: bool = False, font: str = "Arial") -> int:  # fmt: skip
        """A style for a new sheet's cell: its font, aligned to the top, wrapped or not."""
        return self._ask(("plain", bold, size, colour, underline, wrap, font))

    def _ask(self, key: tuple) -> int:
        """The index of the style ``key`` says, added where it is not yet (as an earlier copy
        of the same stylesheet had it added, where one did)."""
        if key in self._made:
            return self._made[key]
        self._asked += (key,)
        step = (self.original, self._asked)
        with _DONE_LOCK:  # (copies may be written by threads of one process)
            done = _DONE.get(step) if self._root is None else None
            if done is not None:
                _DONE.move_to_end(step)
        if done is not None:
            index, after, fills = done
            self.package.put(self.part, after)
            self._made.update(fills)
        else:
            index = self._marked(*key[1:]) if key[0] == "marked" else self._plain(*key[1:])
            fills = {k: v for k, v in self._made.items() if k[0] == "fill"}
            after = self.package.raw(self.part)
            with _DONE_LOCK:
                _DONE[step] = (index, after, fills)
                while len(_DONE) > _KEPT:
                    _DONE.popitem(last=False)
        self._made[key] = index
        return index

    def _marked(self, xf: int, fill: str, number_format: str | None) -> int:
        xfs = self._list("cellXfs")
        base = xfs[xf] if 0 <= xf < len(xfs) else (xfs[0] if len(xfs) else None)
        clone = copy.deepcopy(base) if base is not None else etree.Element(q("xf"))
        clone.set("fillId", str(self._fill(fill)))
        clone.set("applyFill", "1")
        if number_format:
            clone.set("numFmtId", str(self._number_format(number_format)))
            clone.set("applyNumberFormat", "1")
        return self._append("cellXfs", clone)

    def _plain(self, bold: bool, size: float, colour: str | None, underline: bool, wrap: bool,
               font: str) -> int:  # fmt: skip
        element = etree.Element(q("font"))
        for tag, wanted in (("b", bold), ("u", underline)):
            if wanted:
                etree.SubElement(element, q(tag))
        etree.SubElement(element, q("sz"), val=f"{size:g}")
        if colour:
            etree.SubElement(element, q("color"), rgb=f"FF{colour}")
        etree.SubElement(element, q("name"), val=font)
        xf = etree.Element(q("xf"), numFmtId="0", fontId=str(self._append("fonts", element)),
                           fillId="0", borderId="0", xfId="0", applyFont="1",
                           applyAlignment="1")  # fmt: skip
        alignment = etree.SubElement(xf, q("alignment"), vertical="top")
        if wrap:
            alignment.set("wrapText", "1")
        return self._append("cellXfs", xf)

    def _fill(self, rgb: str) -> int:
        if ("fill", rgb) in self._made:
            return self._made[("fill", rgb)]
        fill = etree.Element(q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb=f"FF{rgb}")
        etree.SubElement(pattern, q("bgColor"), indexed="64")
        self._made[("fill", rgb)] = self._append("fills", fill)
        return self._made[("fill", rgb)]

    def _number_format(self, code: str) -> int:
        formats = self._list("numFmts")
        for existing in formats:
            if existing.get("formatCode") == code:
                return int(existing.get("numFmtId", "0"))
        ids = [int(f.get("numFmtId", "0")) for f in formats]
        number = max([BUILT_IN_FORMATS, *ids]) + 1
        self._append("numFmts", etree.Element(q("numFmt"), numFmtId=str(number), formatCode=code))
        return number

    def _list(self, tag: str) -> etree._Element:
        """The stylesheet's list ``tag``, made (in the schema's place) if it has none."""
        found = self.root.find(q(tag))
        if found is None:
            found = etree.Element(q(tag), count="0")
            earlier = [self.root.find(q(t)) for t in _ORDER[: _ORDER.index(tag)]]
            earlier = [e for e in earlier if e is not None]
            if earlier:
                earlier[-1].addnext(found)
            else:
                self.root.insert(0, found)
        return found

    def _append(self, tag: str, element: etree._Element) -> int:
        """Add ``element`` to the list ``tag``; returns its index there."""
        listed = self._list(tag)
        listed.append(element)
        listed.set("count", str(len(listed)))
        return len(listed) - 1


_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")
