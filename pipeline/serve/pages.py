"""The pages: Jinja2 templates (``templates/``) in the GOV.UK Design System's patterns, with
GOV.UK Frontend's published styles and scripts (``static/``, fetched nothing at run time).
Every value is escaped; a page never shows a traceback."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

SERVICE = "Action plan returns"
GOVUK_FRONTEND = "6.6.0"  # the version shipped in static/govuk-frontend (see VENDORED.md)
STATIC = Path(__file__).parent / "static"
FOOTER = (
    "Returns are checked by the team's action plan returns pipeline. Built with GOV.UK "
    f"Frontend {GOVUK_FRONTEND} (MIT licence)."
)

# The colour of a Fix list line's tag (its severity: ``pipeline.declare.severity``), and of an
# organisation's state, by its words.
TAG_COLOURS = {
    "Red": "red", "Amber": "yellow",
    "Received": "green", "Late": "orange", "Missing": "grey", "Rejected": "red",
}  # fmt: skip


def _uk_date(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y at %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


_ENV = Environment(
    loader=PackageLoader("pipeline.serve", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["tag_colour"] = lambda words: TAG_COLOURS.get(str(words), "grey")
_ENV.filters["uk"] = _uk_date


def page(
    request: Request, template: str, title: str, status: int = 200, **values: Any
) -> HTMLResponse:
    """The page ``template`` with ``values``, titled ``title``."""
    values.setdefault("errors", {})
    html = _ENV.get_template(template).render(
        title=title, service=SERVICE, footer=FOOTER,
        csrf=getattr(request.state, "csrf", ""),
        signed_in=bool(getattr(request.state, "account", None)),
        **values,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)


def not_found(request: Request) -> HTMLResponse:
    """The one plain "not found", whatever was not found (a wrong link, a revoked one, a file
    not the visitor's)."""
    return page(request, "not_found.html", "Page not found", 404)


def problem(request: Request, status: int, heading: str, *lines: str,
            back: str | None = None) -> HTMLResponse:  # fmt: skip
    """A page that says what went wrong and what to do, in sentences."""
    return page(request, "problem.html", heading, status, heading=heading, lines=lines,
                back=back)  # fmt: skip
