"""The in-template forms (``rules.Rule.in_template``) of the rules every layout has: a required
field empty, a value not of its field's kind, no organisation named, a plan's own date too old
or before this round; and the row tests the layouts' own forms share (a row overdue, by its
layout's progress rule).

Each kind's test is written to give what the pipeline's check gives for what a partner types
into the template's cell: a date cell holds a date, a number a number, a list cell one of its
list (in any case, spaces around it ignored, as the reader folds them). What the reader only
reads by guess (a date typed as text, "done" for Complete, "approx 40") the template asks to
be put in the form it wants, as the partner's feedback would (the template is the stricter of
the two there: see the README).

A plan's own date is checked against the day it is filled in (``TODAY()``, where the pipeline
takes its run's day): a date of update older than the layout's interval (``stale``), and one
so old, or a stated period so early, that the return would be taken as an earlier round's
(``earlier_period``: ``pipeline.inbox.periods``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from string import ascii_lowercase

from .formulas import Check, Terms, both, quoted
from .model import Kind, Layout
from .rounds import FORTNIGHT_ANCHOR, LEEWAY, Cadence

FORTNIGHT = 14  # days (``rounds.round_of``)

# --- values ------------------------------------------------------------------------------------


def fy_quarter(q: str) -> str:
    """TRUE for a financial year's quarter written the Board's way, exactly: ``2017/18 Q3``
    (``values.dates.is_fy_quarter``)."""
    return (
        f'IFERROR(AND(LEN({q})=10,MID({q},5,1)="/",EXACT(MID({q},8,2)," Q"),'
        f'ISNUMBER(FIND(RIGHT({q},1),"1234")),RIGHT(LEFT({q},4)+1,2)=MID({q},6,2)),FALSE)'
    )


def email(x: str) -> str:
    """TRUE for text shaped as the pipeline's email test wants: one @ with something before
    it, no spaces or <>(),;:" anywhere, and after it a dot with something before it and two
    letters or more after it (``values.text.is_email``)."""
    e = f"TRIM({x})"
    last_dot = f'FIND(CHAR(1),SUBSTITUTE({e},".",CHAR(1),LEN({e})-LEN(SUBSTITUTE({e},".",""))))'
    tld = f"MID({e},{last_dot}+1,{99})"
    letters_gone = f"LOWER({tld})"
    for letter in ascii_lowercase:
        letters_gone = f'SUBSTITUTE({letters_gone},"{letter}","")'
    none_refused = ",".join(f"ISERROR(FIND({quoted(c)},{e}))" for c in ' <>(),;:"')
    controls = ",".join(f"ISERROR(FIND(CHAR({n}),{e}))" for n in (9, 10, 13))
    return (
        f'IFERROR(AND(ISTEXT({x}),LEN({e})-LEN(SUBSTITUTE({e},"@",""))=1,'
        f'FIND("@",{e})>1,{none_refused},{controls},'
        f'{last_dot}>FIND("@",{e})+1,LEN({tld})>=2,LEN({letters_gone})=0),FALSE)'
    )


# Each kind's test that a value (the formula ``x``, never blank) is of it; a closed list's is
# its field's own list (``KindForm``)
OF_KIND: dict[Kind, Callable[[str], str]] = {
    Kind.DATE: lambda x: f"ISNUMBER({x})",
    Kind.WHOLE_NUMBER: lambda x: f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),FALSE)",
    Kind.PERCENT: lambda x: f"IF(ISNUMBER({x}),AND({x}>0,{x}<=100),FALSE)",
    # (a number read as a quarter is its whole part, as "7.5" reads as 7)
    Kind.QUARTER: lambda x: f"IF(ISNUMBER({x}),AND({x}>=1,{x}<13),FALSE)",
    Kind.YEAR: lambda x: f"IF(ISNUMBER({x}),AND({x}=INT({x}),{x}>=1990,{x}<=2100),FALSE)",
    Kind.YES_NO: lambda x: f'OR(ISLOGICAL({x}),TRIM({x})="Yes",TRIM({x})="No")',
    Kind.EMAIL: email,
    # the Board's way, exactly: 2017/18 Q3
    Kind.FY_QUARTER: lambda x: fy_quarter(f"TRIM({x})"),
}


@dataclass(frozen=True)
class KindForm:
    """The form of a value-not-of-its-kind rule: each field of ``kind`` holding something not
    of it (a blank is not: see ``required``)."""

    kind: Kind

    def __call__(self, layout: Layout, stamped: bool) -> Iterator[Check]:
        for f in layout.fields:
            if f.kind is not self.kind:
                continue

            def when(t: Terms, name: str = f.name) -> str:
                choices = layout.field(name).choices
                ok = (t.one_of(name, choices.values) if self.kind is Kind.CHOICE and choices
                      else OF_KIND[self.kind](t(name)))  # fmt: skip
                return f"AND({t.filled(name)},NOT({ok}))"

            yield Check(f.name, when, "{title} is {rule}")


def required(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A required field left empty: a header field, or a column of a row in use. Whose plan it
    is is the organisation's field; on a template made for no organisation, nothing else says
    whose, and the return would be turned down (``organisation``)."""
    for f in layout.fields:
        if not f.required or (f.name == layout.key and not stamped):
            continue
        if f in layout.header:
            yield Check(f.name, lambda t, f=f: t.blank(f.name), "{title} is empty")
        else:
            yield Check(f.name, lambda t, f=f: f"AND({t.used},{t.blank(f.name)})",
                        "{title} is empty")  # fmt: skip


def organisation(layout: Layout, stamped: bool) -> Iterator[Check]:
    """On a template made for no organisation, its name (and code, where it has one) left
    empty."""
    if stamped:
        return
    names = [n for n in (layout.key, layout.code_key) if n]
    yield Check(layout.key,
                lambda t: f"AND({','.join(t.blank(n) for n in names)})" if len(names) > 1
                else t.blank(names[0]), "{title} is empty")  # fmt: skip


# --- a row's status, by its layout's progress rule ----------------------------------------------


def statuses(layout: Layout, which: str) -> tuple[str, ...]:
    """The layout's statuses in one of its progress rule's sets (``finished``, ``live``...),
    in their declared order."""
    progress = layout.progress
    chosen = getattr(progress, which)
    return tuple(s for s in progress.statuses if s in chosen)


def overdue(layout: Layout, t: Terms) -> str:
    """TRUE where this row's due date has passed and its status is not a finished one (a
    blank or unreadable status is not)."""
    due, status = t(layout.progress.due_field), layout.progress.status
    finished = t.one_of(status, statuses(layout, "finished"))
    return f"IF(ISNUMBER({due}),AND({due}<TODAY(),NOT({finished})),FALSE)"


def overdue_form(says: str) -> Callable[[Layout, bool], Iterator[Check]]:
    """The form of a row-overdue rule, saying ``says`` at the due date's cell."""

    def form(layout: Layout, stamped: bool) -> Iterator[Check]:
        yield Check(layout.progress.due_field, lambda t: overdue(layout, t), says)

    return form


# --- a plan's own date ---------------------------------------------------------------------------


def earliest(cadence: Cadence) -> str:
    """The first day a return's own date may fall on and the return still be this round's
    (``rounds.earlier_round``): the start of this round, or of as many before it as the
    cadence allows (``rounds.LEEWAY``)."""
    back = LEEWAY[cadence]
    if cadence is Cadence.FORTNIGHT:
        a = FORTNIGHT_ANCHOR
        anchor = f"DATE({a.year},{a.month},{a.day})"
        return f"TODAY()-MOD(TODAY()-{anchor},{FORTNIGHT})-{FORTNIGHT * back}"
    if cadence is Cadence.QUARTER:  # (financial quarters start in January, April, July, October)
        return f"DATE(YEAR(TODAY()),INT((MONTH(TODAY())-1)/3)*3+1-{3 * back},1)"
    return f"DATE(YEAR(TODAY())-(MONTH(TODAY())<4)-{back},4,1)"


def _stated(layout: Layout, t: Terms) -> tuple[str, str] | None:
    """(TRUE where the plan states its period, that period's first day) for a layout whose
    plan states one (``Layout.period``)."""
    if layout.period is None:
        return None
    p, kind = t(layout.period), layout.field(layout.period).kind
    if kind is Kind.FY_QUARTER:
        q = f"TRIM({p})"
        return fy_quarter(q), f"DATE(LEFT({q},4),1+3*RIGHT({q},1),1)"
    if kind is Kind.DATE:
        return f"ISNUMBER({p})", p
    raise ValueError(f"{layout.name}: a period of kind {kind.value} is not checked in templates")


def _first_day(layout: Layout, t: Terms) -> str:
    return t.named("earliest", lambda _: earliest(layout.cadence))


def _earlier_by_period(layout: Layout, t: Terms) -> str:
    stated, first = _stated(layout, t) or ("FALSE", "0")
    return f"IF({stated},{first}<{_first_day(layout, t)},FALSE)"


def _earlier_by_date(layout: Layout, t: Terms) -> str:
    d = t(layout.updated or "")
    dated = f"IF(ISNUMBER({d}),{d}<{_first_day(layout, t)},FALSE)"
    stated = _stated(layout, t)
    return both(f"NOT({stated[0]})", dated) if stated else dated


def _earlier(layout: Layout, t: Terms) -> str:
    """The defined name TRUE where the return would be an earlier round's."""

    def either_way(u: Terms) -> str:
        by_date = _earlier_by_date(layout, u) if layout.updated else "FALSE"
        return f"OR({_earlier_by_period(layout, u)},{by_date})" if layout.period else by_date

    return t.named("earlier", either_way)


def earlier_period(layout: Layout, stamped: bool) -> Iterator[Check]:
    """The plan's stated period, else its date of update, before this round's."""
    noun = layout.cadence.noun
    if layout.period is not None:
        yield Check(layout.period, lambda t: _earlier_by_period(layout, t),
                    f"{{title}} is for an earlier {noun}")  # fmt: skip
    if layout.updated is not None:
        yield Check(layout.updated, lambda t: _earlier_by_date(layout, t),
                    f"{{title}} is before this {noun}")  # fmt: skip


def stale(layout: Layout, stamped: bool) -> Iterator[Check]:
    """The date of update more than the layout's interval before today, on a return that
    would be this round's (one that would not is said by ``earlier_period``)."""
    if layout.updated is None:
        return
    days = layout.interval_days

    def when(t: Terms) -> str:
        d = t(layout.updated or "")
        return f"IF(ISNUMBER({d}),AND(TODAY()-{d}>{days},NOT({_earlier(layout, t)})),FALSE)"

    yield Check(layout.updated, when, f"{{title}} is more than {days} days ago")
