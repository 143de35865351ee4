"""A partner's page, reached by their private link only: who it is for, the round and its due
date, and the upload form; after an upload, what became of it and the Fix list, with the
marked-up copy to download. Any link that does not work today (wrong, revoked, its round
over) gets the same plain "not found", and so does a file that is not the link's own."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from ..declare import LAYOUTS
from ..inbox.intake import (
    ACCEPTED,
    ALREADY_COUNTED,
    DUPLICATE,
    EARLIER_PERIOD,
    REJECTED,
    SUPERSEDED,
    WITH_FINDINGS,
)
from ..round.due import due_dates
from . import audit
from .guard import client_of, form_token_ok
from .intake import Outcome, Upload, take_in_upload
from .links import Link, resolve
from .pages import not_found, page, problem
from .receiving import Refused, receive_form, shown_name
from .service import Service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What the page says of each outcome: the banner's title, its heading, and its words (the
# receipt's own note, where it has one, after them).
SAID: dict[str, tuple[str, str, str]] = {
    ACCEPTED: ("Return accepted", "Your return is accepted",
               "Thank you: there is nothing in it to fix."),
    WITH_FINDINGS: ("Accepted: things to fix or check", "Your return is accepted, with things "
                    "to fix or check", "Put right what the list marks Red, check what it marks "
                    "Amber, and upload the file again: it replaces this one."),
    REJECTED: ("Not accepted", "Your file could not be used", ""),
    DUPLICATE: ("Already received", "We already have this file", ""),
    SUPERSEDED: ("Received, not used", "A later return of yours is used instead", ""),
    EARLIER_PERIOD: ("Not this round's", "This return is for an earlier round", ""),
    ALREADY_COUNTED: ("Already counted", "This file was counted in an earlier round", ""),
}  # fmt: skip


def wants_json(request: Request) -> bool:
    """Whether the client asks for JSON rather than a page."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def _link(request: Request, service: Service) -> Link | None:
    token = request.path_params["token"]
    link = await service.read(resolve, token, service.settings.today())
    if link is None:
        client = client_of(request.scope)
        await service.misses.wait(client)  # (a guesser is slowed)
        audit.event("link not found", client)
    return link


def _due(service: Service, link: Link) -> date | None:
    return due_dates(service.settings.due, {link.layout: link.round}).get(link.layout)


def _last_upload(db, link: Link) -> tuple[int, str, str, str, str | None] | None:
    return db.execute(
        "SELECT id, name, uploaded_at, status, feedback FROM uploads WHERE layout = ? AND "
        "organisation = ? AND round = ? ORDER BY id DESC LIMIT 1",
        (link.layout, link.organisation, link.round.id),
    ).fetchone()


def _render(request: Request, service: Service, link: Link, last, status: int = 200,
            outcome: Outcome | None = None, errors: dict | None = None,
            upload_id: int | None = None) -> Response:  # fmt: skip
    layout = LAYOUTS[link.layout]
    said = None
    if outcome is not None:
        title, heading, words = SAID.get(outcome.status, (outcome.status, outcome.status, ""))
        body = " ".join(w for w in (words, outcome.reason or "") if w)
        said = {"title": title, "heading": heading, "body": body}
    last_said = None
    if last is not None:
        at = datetime.fromisoformat(last[2])
        what = SAID[last[3]][0] if last[3] in SAID else last[3]
        last_said = f"{Path(last[1]).name.split(' ', 2)[-1]}, {at:%d/%m/%Y at %H:%M}: {what}"
    feedback = None
    if outcome is not None and outcome.feedback and upload_id is not None:
        feedback = f"{request.url.path.rstrip('/')}/feedback/{upload_id}"
    opens = link.opens(service.settings.today())
    due = _due(service, link)
    return page(
        request, "partner.html", f"Send your {layout.title} return", status,
        link=link, layout=layout, outcome=outcome, said=said, last=last_said,
        due=f"{due:%d/%m/%Y}" if due else None, opens=f"{opens:%d/%m/%Y}" if opens else None,
        action=request.url.path, limit_mb=service.settings.max_upload_mb,
        feedback_url=feedback, errors=errors or {},
    )  # fmt: skip


async def partner_page(request: Request) -> Response:
    """GET: the organisation's page."""
    service: Service = request.app.state.service
    link = await _link(request, service)
    if link is None:
        return not_found(request)
    last = await service.read(_last_upload, link)
    if wants_json(request):
        return JSONResponse({
            "organisation": link.organisation, "layout": link.layout, "round": link.round.label,
            "due": str(_due(service, link) or ""),
            "last_upload": None if last is None else {"file": last[1], "uploaded": last[2],
                                                      "status": last[3]},
        })  # fmt: skip
    return _render(request, service, link, last)


async def upload(request: Request) -> Response:
    """POST: an upload, taken in as the inbox's files are; its outcome on the page (or as
    ``check --json`` says it, for ``Accept: application/json``)."""
    service: Service = request.app.state.service
    settings = service.settings
    link = await _link(request, service)
    if link is None:
        return not_found(request)
    client = client_of(request.scope)
    last = await service.read(_last_upload, link)
    if link.opens(settings.today()):
        return _render(request, service, link, last, 409)
    if not await service.uploads.wait(client):
        audit.upload(client, link.layout, link.organisation, "refused", "too many too often")
        return problem(request, 429, "Too many uploads", "You have uploaded many files in a "
                       "short time. Wait a minute, then upload your return again.",
                       back=request.url.path)  # fmt: skip
    settings.uploads.mkdir(parents=True, exist_ok=True)
    length = request.headers.get("content-length", "")
    declared = int(length) if length.isdigit() else None
    try:
        form = await receive_form(request.headers.get("content-type", ""), request.stream(),
                                  settings.max_upload, settings.uploads, declared)  # fmt: skip
    except Refused as refused:
        audit.upload(client, link.layout, link.organisation, "refused", str(refused))
        errors = {"return-file": str(refused)}
        if wants_json(request):
            return JSONResponse({"error": str(refused)}, 413 if refused.too_large else 400)
        return _render(request, service, link, last, 413 if refused.too_large else 400,
                       errors=errors)  # fmt: skip
    try:
        if not form_token_ok(request.state.csrf, form.fields.get("csrf")):
            audit.upload(client, link.layout, link.organisation, "refused", "form token")
            return problem(request, 403, "This form has expired", "Go back, reload the page, "
                           "and upload your return again.", back=request.url.path)  # fmt: skip
        if form.path is None or (form.size == 0 and not form.filename):
            errors = {"return-file": "Select the spreadsheet you filled in"}
            return _render(request, service, link, last, 400, errors=errors)
        sent = Upload(form.path, shown_name(form.filename), link.layout, link.organisation,
                      link.round.id, client, datetime.now().replace(microsecond=0))  # fmt: skip
        outcome = await service.workers.do(take_in_upload, sent)
    except Exception as err:
        audit.upload(client, link.layout, link.organisation, "failed", type(err).__name__)
        return problem(request, 503, "Your file could not be checked just now",
                       "Upload it again in a few minutes. If it happens again, send it to the "
                       "team by email.", back=request.url.path)  # fmt: skip
    finally:
        form.discard()
    audit.upload(client, link.layout, link.organisation, outcome.status,
                 f"file={outcome.name!r} sha256={outcome.sha256}")  # fmt: skip
    if wants_json(request):
        return JSONResponse(outcome.check)
    last = await service.read(_last_upload, link)
    return _render(
        request, service, link, last, outcome=outcome, upload_id=last[0] if last else None
    )


async def feedback_copy(request: Request) -> Response:
    """GET: the marked-up copy of one of the link's own uploads."""
    service: Service = request.app.state.service
    link = await _link(request, service)
    upload_id = request.path_params["upload"]
    if link is None:
        return not_found(request)

    def its_own(db):
        return db.execute(
            "SELECT feedback FROM uploads WHERE id = ? AND layout = ? AND organisation = ? AND "
            "round = ? AND feedback IS NOT NULL",
            (upload_id, link.layout, link.organisation, link.round.id),
        ).fetchone()

    row = await service.read(its_own)
    if row is None or Path(row[0]).name != row[0]:
        return not_found(request)
    path = service.settings.outbox / "feedback" / row[0]
    if not path.is_file():
        return not_found(request)
    return FileResponse(path, media_type=XLSX, filename=row[0])
