"""Whose a rejected file is, so that its organisation can be told why it could not be used.

A file that cannot be used has no plan to say whose it is, but it may still say so itself:

- its contents: the stamp of the template it was made from, or the organisation its plan
  names where the register has none spelt quite so ("Leeds Community Safety Partnership");
- its sender: the message it came attached to is from a register contact's address;
- its name: the file's name holds a register name or code, loosely ("Leeds CSP return
  v2.xlsx", "HSG plan.docx").

Each clue gives the register entries it could mean. It is matched only when the clues that
say anything agree on exactly one; otherwise to nobody, and the Returns Log says why ("its
name could be Luton (Priority 44) or Luton CSP (Hallmarks)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..declare import LAYOUTS
from ..returns import LoadedReturn
from .registers import Register, RegisterEntry, contact_of, organisation_key

# Words a register name may end with that a file name often leaves out ("Luton CSP" sent as
# "Luton return.xlsx"); the name without them is matched too.
_TRAILING = (("community", "safety", "partnership"), ("csp",), ("cdrp",), ("partnership",))
_APOSTROPHE = re.compile(r"['’‘`]")
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class Owner:
    """The organisation a rejected file is matched to, and how (for the Returns Log)."""

    layout: str
    organisation: str  # as its register spells it
    how: str  # "its name", "its sender and its name", ...


@dataclass(frozen=True)
class Matching:
    """What matching a rejected file found: its owner, if one, and in words how it was
    matched or why it was not (None where no clue said anything)."""

    owner: Owner | None = None
    said: str | None = None


_Candidate = tuple[str, RegisterEntry]  # (layout name, register entry)


def words(text: str) -> list[str]:
    """The words of a name, as matched: lower case, ``&`` as "and", apostrophes dropped
    ("King's Lynn" and "Kings Lynn" are alike), everything else a space."""
    return _WORD.findall(_APOSTROPHE.sub("", text.casefold()).replace("&", " and "))


def _spelt(entry: RegisterEntry) -> list[list[str]]:
    """The ways a file name may hold an organisation: its name (and its name without a
    trailing "CSP" or "Partnership"), and its code."""
    name = words(entry.organisation)
    ways = [name]
    for tail in _TRAILING:
        if len(name) > len(tail) and tuple(name[-len(tail) :]) == tail:
            ways.append(name[: -len(tail)])
    if entry.code:
        ways.append(words(entry.code))
    return [way for way in ways if way]


def _spans(haystack: list[str], needle: list[str]) -> list[tuple[int, int]]:
    n = len(needle)
    return [(i, i + n) for i in range(len(haystack) - n + 1) if haystack[i : i + n] == needle]


def named_in(text: str, registers: Mapping[str, Register], layout: str | None = None
             ) -> list[_Candidate]:  # fmt: skip
    """The register entries whose name or code ``text`` holds as whole words (of
    ``layout``'s register only, when given). Where one name is part of a longer one found in
    the same place ("Leeds" in "Leeds North"), only the longer counts."""
    said = words(text)
    found: list[tuple[_Candidate, tuple[int, int]]] = []
    for name, register in registers.items():
        if layout is not None and name != layout:
            continue
        for entry in register.entries:
            spans = {span for way in _spelt(entry) for span in _spans(said, way)}
            found += [((name, entry), span) for span in spans]

    def inside(span: tuple[int, int]) -> bool:
        return any(o[0] <= span[0] and span[1] <= o[1] and o != span for _, o in found)

    return _distinct(candidate for candidate, span in found if not inside(span))


def _key(candidate: _Candidate) -> tuple[str, str]:
    return candidate[0], organisation_key(candidate[1].organisation)


def _distinct(candidates: Iterable[_Candidate]) -> list[_Candidate]:
    seen: dict[tuple[str, str], _Candidate] = {}
    for candidate in candidates:
        seen.setdefault(_key(candidate), candidate)
    return list(seen.values())


def by_contents(loaded: LoadedReturn, registers: Mapping[str, Register]) -> list[_Candidate]:
    """The entries the file's own contents name: the template's stamp, else the
    organisation (or code) its plan gives, read loosely."""
    stamp = loaded.stamp
    if stamp is not None and stamp.organisation and stamp.layout in registers:
        entry = registers[stamp.layout].find(stamp.organisation)
        if entry is not None:
            return [(stamp.layout, entry)]
    if loaded.layout is None or loaded.layout not in registers:
        return []
    layout = LAYOUTS[loaded.layout]
    given = [loaded.organisation, loaded.value(layout.key)]
    given += [loaded.value(layout.code_key)] if layout.code_key else []
    texts = [str(value) for value in dict.fromkeys(given) if value not in (None, "")]
    return _distinct(c for text in texts for c in named_in(text, registers, loaded.layout))


def by_sender(loaded: LoadedReturn, registers: Mapping[str, Register]) -> list[_Candidate]:
    """The entries whose register contact sent the message the file came attached to."""
    envelope = loaded.source.envelope
    if envelope is None or not envelope.sender:
        return []
    return [(name, entry) for name, register in registers.items()
            for entry in register.entries
            if envelope.sent_by(contact_of(register.layout, entry)[1])]  # fmt: skip


def by_name(loaded: LoadedReturn, registers: Mapping[str, Register]) -> list[_Candidate]:
    """The entries the file's name holds (its own name first; else the folders and the
    message it came in)."""
    own = loaded.source.own_name
    return named_in(PurePosixPath(own).stem, registers) or named_in(
        str(PurePosixPath(loaded.source.name).with_suffix("")), registers
    )


CLUES = (("its contents", by_contents), ("its sender", by_sender), ("its name", by_name))


def owner_of(loaded: LoadedReturn, registers: Mapping[str, Register]) -> Matching:
    """Whose the rejected return ``loaded`` is, where the clues that say anything (see the
    module) agree on exactly one register entry."""
    said = [(how, found) for how, clue in CLUES if (found := clue(loaded, registers))]
    if not said:
        return Matching()
    common = {_key(c) for c in said[0][1]}
    for _, found in said[1:]:
        common &= {_key(c) for c in found}
    if len(common) == 1:
        [(layout, entry)] = [c for c in said[0][1] if _key(c) in common]
        how = " and ".join(how for how, _ in said)
        return Matching(Owner(layout, entry.organisation, how), how)
    clues = "; ".join(f"{how} could be {_either(found)}" for how, found in said)
    differ = "" if common else " (they do not agree)"
    return Matching(None, f"not matched to an organisation: {clues}{differ}")


def _either(candidates: list[_Candidate]) -> str:
    """``Luton``; ``Luton or Luton CSP``; with their layouts where more than one."""
    several = len({layout for layout, _ in candidates}) > 1
    names = [f"{e.organisation} ({LAYOUTS[layout].short_title})" if several else e.organisation
             for layout, e in candidates]  # fmt: skip
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
