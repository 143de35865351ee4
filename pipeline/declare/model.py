"""The vocabulary every layout declaration is written in.

A layout is a list of header fields (label/value pairs at the top of the
plan) and a list of table columns (one row per action or task). Everything
else in the pipeline -- the template writer, the loader, the pandera schema,
the Guidance sheet, the consolidated workbook's columns -- is derived from
these declarations, so a field is described in exactly one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property, lru_cache
from typing import Any, Protocol

from .hooks import LayoutHooks
from .measures import Measure
from .rounds import Cadence
from .rows import Row
from .severity import Severity

DEFAULT_HOOKS = LayoutHooks()  # a layout that answers no hook takes every default


class Kind(Enum):
    """What sort of value a field holds; drives reading, checking and templates."""

    TEXT = "text"
    LONG_TEXT = "long text"
    DATE = "date"
    WHOLE_NUMBER = "whole number"
    PERCENT = "percentage"
    EMAIL = "email address"
    CHOICE = "choice"
    YES_NO = "yes/no"
    QUARTER = "quarter"
    YEAR = "financial year"
    FY_QUARTER = "financial quarter"  # a financial year's quarter: 2017/18 Q3


RAG_WORDS = ("Red", "Amber", "Green")


@dataclass(frozen=True, eq=False)
class ClosedList:
    """A closed list of values, with the other spellings people type for them.

    ``synonyms`` maps a loose spelling (compared after normalising case,
    spacing and punctuation) to the value it means; reading one is reported as
    a guess. ``colours`` gives a value its RAG colour wherever it is shown ("Gap": "Red");
    the values Red, Amber and Green are their own colour.
    """

    values: tuple[str, ...]
    synonyms: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.synonyms.values()) - set(self.values)
        if unknown:
            raise ValueError(f"synonyms point at values not in the list: {sorted(unknown)}")
        if set(self.colours) - set(self.values) or set(self.colours.values()) - set(RAG_WORDS):
            raise ValueError(f"colours must give values of the list one of {RAG_WORDS}")

    @cached_property
    def rag(self) -> dict[str, str]:
        """Each value's RAG colour, for those that have one."""
        return {**{v: v for v in self.values if v in RAG_WORDS}, **self.colours}

    @cached_property
    def exact(self) -> dict[str, str]:
        """Each value by its normalised spelling."""
        return {normalise_title(v): v for v in self.values}

    @cached_property
    def folded_synonyms(self) -> dict[str, str]:
        """Each synonym's value by the synonym's normalised spelling."""
        return {normalise_title(k): v for k, v in self.synonyms.items()}


@dataclass(frozen=True)
class Field:
    """One header field or table column, declared once.

    ``title`` is the label on the sheet, word for word as in DESIGN.md.
    ``aliases`` are other titles partners use for the same thing.
    ``pattern`` (a regex over the normalised title) matches families of
    titles such as ``Q5 Apr–Jun 07``.
    ``register_column`` names the register CSV column that pre-fills it.
    ``locked`` fields are pre-filled and protected in the template (a header field from the
    register, a column from the layout's ``starting_rows``).
    ``gap`` is the flag's severity when a required value is missing (Red or Amber).
    ``period_end`` reads ambiguous periods (``Oct 2008``) as their last day.
    ``most`` is the largest whole number it takes, where there is one (a plan quarter's:
    its plan's last).
    ``report_title`` is a shorter title for the consolidated workbook's columns.
    ``carried`` fields are pre-filled into next round's template from the last return.
    ``group`` marks the register column that groups its organisations (a region, a theme, a
    directorate): the Overview shows and filters by it, and a meeting pack can be for one.
    ``heading`` marks a column a template shows as a heading row over the rows that share its
    value (a section of a list), not as a column repeated on every row; a return is read in
    either shape (``Layout.heading``).
    """

    name: str
    title: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: ClosedList | None = None
    help: str = ""
    aliases: tuple[str, ...] = ()
    pattern: str | None = None
    register_column: str | None = None
    register_required: bool = False
    locked: bool = False
    gap: Severity = Severity.AMBER
    period_end: bool = False
    most: int | None = None
    report_title: str | None = None
    carried: bool = True
    width: float = 14
    group: bool = False
    heading: bool = False

    def __post_init__(self) -> None:
        if (self.kind is Kind.CHOICE) != (self.choices is not None):
            raise ValueError(f"{self.name}: a choice field needs a closed list, and only it")
        if (self.kind is Kind.QUARTER) != (self.most is not None):
            raise ValueError(f"{self.name}: a quarter field says its plan's last (most), and "
                             f"only it")  # fmt: skip

    @property
    def reported_as(self) -> str:
        """The column title in the consolidated workbook."""
        return self.report_title or self.title

    @property
    def titles(self) -> tuple[str, ...]:
        """Every title this field answers to, the declared one first."""
        return (self.title, *self.aliases)


# Whom an organisation's messages go to, as any register may give it: the columns
# ``contact_name`` and ``contact_email`` (the contact's fields in a register entry's values).
CONTACT_NAME, CONTACT_EMAIL = "contact_name", "contact_email"
REGISTER_CONTACT = (
    Field(CONTACT_NAME, "Contact", register_column=CONTACT_NAME,
          help="Whom the central team writes to about the organisation's returns."),
    Field(CONTACT_EMAIL, "Contact email", Kind.EMAIL, register_column=CONTACT_EMAIL,
          help="The contact's email address: messages about the returns go to it."),
)  # fmt: skip


@dataclass(frozen=True)
class Completer:
    """The header fields of a return that say who completed it: one person, so that next
    round's template is pre-filled with all of them from one place (the last return, or the
    register's contact), never a mix. ``name`` and ``email`` are theirs; ``details`` the
    rest of what the return says of them (role, agency, telephone)."""

    name: str
    email: str | None = None
    details: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field of theirs, the name first."""
        return (self.name, *((self.email,) if self.email else ()), *self.details)


@dataclass(frozen=True)
class Band:
    """A titled group of adjacent table columns (the parts of seed 001)."""

    title: str
    first: str
    last: str


class Progress(Protocol):
    """A layout's row measures (see ``progress``): where each row stands."""

    @property
    def means(self) -> str:
        """How a row's progress bucket is chosen, for the Guidance sheet."""
        ...

    @property
    def buckets(self) -> tuple[str, ...]:
        """The progress buckets a row can count in, in the order charts stack them."""
        ...

    def annotate(
        self, items: Sequence[Mapping[str, Any]], header: Mapping[str, Any], as_of: date
    ) -> Sequence[Row]:
        """The rows ``items`` with the row measures added, as new rows (``Row.plus``; a
        ``Block``, still held as values, where ``items`` is one)."""
        ...


@dataclass(frozen=True)
class Layout:
    """A whole return layout: what its plan is (header fields, table columns, the roles its
    fields play, its cadence, where each row stands), and its answers to the pipeline's
    questions (``hooks``: what its rows are called, its measures, rules, reports, quarters,
    header geometry, demo and sample returns; see ``hooks.LayoutHooks``)."""

    name: str
    title: str
    short_title: str
    sheet: str  # the plan's sheet in its template
    header: tuple[Field, ...]
    columns: tuple[Field, ...]
    key: str
    cadence: Cadence
    progress: Progress
    guidance: str
    hooks: LayoutHooks = DEFAULT_HOOKS
    template_version: int = 1
    code_key: str | None = None
    reference: str | None = None  # the column naming a row from one round to the next
    named_by: str | None = None  # the column saying what a row is, kept in view beside it
    updated: str | None = None  # the header field giving the date the plan was brought up to date
    # the header field naming the period a return is for, where it states one (a quarter):
    # else its ``updated`` date says which period it belongs to (``pipeline.inbox.periods``)
    period: str | None = None
    # the header fields saying who completed the return (see ``Completer``), if it asks
    completer: Completer | None = None
    # the register field naming whom to write to where the register has no contact_name
    contact_fallback: str | None = None
    # register columns kept for the chase list but not asked for on the template (every
    # register may also carry ``REGISTER_CONTACT``'s, without declaring them)
    register_only: tuple[Field, ...] = ()
    confidence_key: str | None = None  # the header field where partners state their RAG
    bands: tuple[Band, ...] = ()

    def __post_init__(self) -> None:
        names = [f.name for f in (*self.header, *self.columns)]
        duplicated = {n for n in names if names.count(n) > 1}
        if duplicated:
            raise ValueError(f"{self.name}: fields declared twice: {sorted(duplicated)}")
        header = {f.name for f in self.header}
        person = set(self.completer.fields) if self.completer else set()
        if person - header:
            raise ValueError(f"{self.name}: the completer's fields {sorted(person - header)} "
                             f"are not header fields")  # fmt: skip
        declared = {*names, *(f.name for f in self.register_only)}
        contact = {f.name for f in REGISTER_CONTACT} & declared
        if contact:
            raise ValueError(f"{self.name}: {sorted(contact)} are every register's contact "
                             f"(REGISTER_CONTACT): declare them no more")  # fmt: skip
        headings = [f for f in (*self.header, *self.columns) if f.heading]
        if headings and (
            len(headings) > 1
            or headings[0] not in self.columns
            or headings[0].required
            or headings[0].name == self.reference
        ):
            raise ValueError(f"{self.name}: a heading is one table column, neither required nor "
                             f"the reference")  # fmt: skip

    @property
    def fields(self) -> tuple[Field, ...]:
        """Header fields then table columns."""
        return (*self.header, *self.columns)

    @cached_property
    def heading(self) -> Field | None:
        """The column a template shows as heading rows over its rows (``Field.heading``), if
        it has one."""
        return next((f for f in self.columns if f.heading), None)

    @cached_property
    def sheet_columns(self) -> tuple[Field, ...]:
        """The columns a template lays out side by side: all but its ``heading``."""
        return tuple(f for f in self.columns if not f.heading)

    @cached_property
    def headings(self) -> frozenset[str]:
        """The headings a template of it writes over its listed rows (``hooks.starting_rows``),
        folded as ``normalise_title`` folds them: a row holding one of them alone is a heading
        row when a return is read."""
        if self.heading is None:
            return frozenset()
        listed = (row.get(self.heading.name) for row in self.hooks.starting_rows())
        return frozenset(normalise_title(text) for text in listed if text)

    def field(self, name: str) -> Field:
        """The field called ``name`` (header or column)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    def date_of_update(self, plan: Any) -> date | None:
        """The date ``plan`` (anything with ``value(name)``: a return, a plan) was brought up
        to date, by the layout's ``updated`` field; None where it gives none."""
        value = plan.value(self.updated) if self.updated else None
        return value if isinstance(value, date) else None

    @property
    def due_title(self) -> str:
        """What the column saying when a row is due is called, in a sentence."""
        return self.field(self.progress.due_field).title.lower()

    @property
    def interval_days(self) -> int:
        """How many days a plan stays up to date: its cadence's."""
        return self.cadence.days

    def measure(self, name: str) -> Measure | None:
        """Its plan measure called ``name`` (``hooks.measures``), or None where it has none of
        that name."""
        return next((m for m in self.hooks.measures() if m.name == name), None)

    @property
    def key_field(self) -> Field:
        """The header field naming the organisation."""
        return self.field(self.key)

    @property
    def register_fields(self) -> tuple[Field, ...]:
        """Fields pre-filled from a register column: header fields, then those the register
        alone holds (``register_only``), then the contact every register may give
        (``REGISTER_CONTACT``)."""
        declared = (*(f for f in self.header if f.register_column), *self.register_only)
        columns = {f.register_column for f in declared}
        return (*declared, *(f for f in REGISTER_CONTACT if f.register_column not in columns))

    @property
    def group_field(self) -> Field | None:
        """The register field grouping its organisations (``Field.group``), or None."""
        return next((f for f in self.register_fields if f.group), None)

    @cached_property
    def header_index(self) -> TitleIndex:
        """Finds header fields by label."""
        return TitleIndex(self.header)

    @cached_property
    def column_index(self) -> TitleIndex:
        """Finds table columns by title."""
        return TitleIndex(self.columns)


class TitleIndex:
    """Which field a label or column title names: exactly after folding, by alias, or by
    pattern; and, for spellings that are only close, which field it most likely means."""

    def __init__(self, fields: tuple[Field, ...]) -> None:
        self.fields = fields
        self.by_title = {squash(t): f for f in fields if f.pattern is None for t in f.titles}
        parts = [f"(?P<{f.name}>{f.pattern})" for f in fields if f.pattern]
        self.pattern = re.compile("|".join(parts)) if parts else None
        self.by_name = {f.name: f for f in fields}
        self._seen: dict[str, Field | None] = {}  # (a sheet's statuses and names recur)

    def match(self, folded: str) -> Field | None:
        """The field a folded title (``normalise_title``) names, or None."""
        hit = self._seen.get(folded, self)  # (self: not looked up yet)
        if hit is self:
            hit = self.by_title.get(folded.replace(" ", ""))
            if hit is None and self.pattern is not None and (m := self.pattern.match(folded)):
                hit = self.by_name[m.lastgroup]
            if len(self._seen) < 65_536:
                self._seen[folded] = hit
        return hit

    def titles_of(self, names_left: set[str]) -> dict[str, Field]:
        """Squashed titles of the named fields (those without patterns), for near matches."""
        return {
            squash(t): f
            for f in self.fields
            if f.name in names_left and f.pattern is None
            for t in f.titles
        }


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65_536)  # the same statuses, names and titles recur in every file
def normalise_title(text: object) -> str:
    """Fold a label for matching: lower case, ``&`` as ``and``, punctuation to spaces."""
    folded = str(text).casefold().replace("&", " and ")
    return _NON_ALNUM.sub(" ", folded).strip()


def squash(text: object) -> str:
    """``normalise_title`` without the spaces: how titles are compared."""
    return normalise_title(text).replace(" ", "")
