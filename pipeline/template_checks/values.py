"""The in-template forms of the findings about values: a required field empty, and a value
not of its field's kind (``values.KINDS``: a date, a whole number, one of the list...).

Each kind's test is written to give what the pipeline's check gives for what a partner types
into the template's cell: a date cell holds a date, a number a number, a list cell one of its
list (in any case, spaces around it ignored, as the reader folds them). What the reader only
reads by guess (a date typed as text, "done" for Complete, "approx 40") the template asks to
be put in the form it wants, as the partner's feedback would (see ``README``: the template is
the stricter of the two there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from string import ascii_lowercase

from ..layouts import Field, Kind, Layout
from ..values import KINDS
from .checks import Check
from .terms import Terms, quoted

# Each kind's test that a value (the formula ``x``, never blank) is of it, or None: any text is.
_OF_KIND: dict[Kind, Callable[[str], str]] = {
    Kind.DATE: lambda x: f"ISNUMBER({x})",
    Kind.WHOLE_NUMBER: lambda x: f"IF(ISNUMBER({x}),AND({x}>=0,{x}=INT({x})),FALSE)",
    Kind.PERCENT: lambda x: f"IF(ISNUMBER({x}),AND({x}>0,{x}<=100),FALSE)",
    # (a number read as a quarter is its whole part, as "7.5" reads as 7)
    Kind.QUARTER: lambda x: f"IF(ISNUMBER({x}),AND({x}>=1,{x}<13),FALSE)",
    Kind.YEAR: lambda x: f"IF(ISNUMBER({x}),AND({x}=INT({x}),{x}>=1990,{x}<=2100),FALSE)",
    Kind.YES_NO: lambda x: f'OR(ISLOGICAL({x}),TRIM({x})="Yes",TRIM({x})="No")',
    # the Board's way, exactly: 2017/18 Q3
    Kind.FY_QUARTER: lambda x: fy_quarter(f"TRIM({x})"),
}


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


def _of_kind(f: Field, t: Terms) -> str | None:
    if f.kind is Kind.CHOICE:
        assert f.choices is not None
        return t.one_of(f.name, f.choices.values)
    if f.kind is Kind.EMAIL:
        return email(t(f.name))
    test = _OF_KIND.get(f.kind)
    return test(t(f.name)) if test else None


def kind_checks(layout: Layout, rule: str) -> Iterator[Check]:
    """The check that each field whose kind fails by ``rule`` holds a value of its kind (a
    blank is not: see ``required_checks``)."""
    for f in layout.fields:
        if KINDS[f.kind].rule != rule or (f.kind not in _OF_KIND and f.kind not in _ALSO):
            continue
        problem = KINDS[f.kind].problem
        if f.choices is not None:
            problem = problem.format(choices=", ".join(f.choices.values))

        def when(t: Terms, f: Field = f) -> str:
            return f"AND({t.filled(f.name)},NOT({_of_kind(f, t)}))"

        yield Check(rule, f.name, when, "{title} " + problem.split(":")[0])


_ALSO = (Kind.CHOICE, Kind.EMAIL)


def required_checks(layout: Layout, stamped: bool) -> Iterator[Check]:
    """A required field left empty: a header field, or a column of a row in use. Whose plan it
    is is the organisation's field; on a template made for no organisation, nothing else says
    whose, and the return would be turned down (``no-organisation``: see ``organisation``)."""
    for f in layout.fields:
        if not f.required or (f.name == layout.key and not stamped):
            continue
        if f in layout.header:
            yield Check("required", f.name, lambda t, f=f: t.blank(f.name), "{title} is empty")
        else:
            yield Check("required", f.name, lambda t, f=f: f"AND({t.used},{t.blank(f.name)})",
                        "{title} is empty")  # fmt: skip


def organisation(layout: Layout, stamped: bool) -> Iterator[Check]:
    """On a template made for no organisation, its name (and code, where it has one) left
    empty."""
    if stamped:
        return
    names = [n for n in (layout.key, layout.code_key) if n]
    yield Check("no-organisation", layout.key,
                lambda t: f"AND({','.join(t.blank(n) for n in names)})" if len(names) > 1
                else t.blank(names[0]), "{title} is empty")  # fmt: skip
