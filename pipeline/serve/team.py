"""The central team's pages, behind a sign-in: the round live (each layout's returns
expected, received, missing and late; who needs attention and why; every organisation's
state), each organisation's own page, and the consolidated workbook and meeting pack,
written again once new returns have come."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from . import audit
from .accounts import TEAM, check_password
from .guard import client_of, form_token_ok
from .links import current_round, link_for, sent_links
from .pages import not_found, page, problem
from .service import Service

SIGN_IN = "/team/sign-in"
FORM_BYTES = 16 * 1024  # a sign-in form is small
SESSION_HOURS = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in(request: Request) -> str | None:
    """Who is signed in (None: no one, or a sign-in older than ``SESSION_HOURS``)."""
    account = request.session.get("account")
    since = request.session.get("since")
    if not account or not since:
        return None
    try:
        age = datetime.now() - datetime.fromisoformat(since)
    except ValueError:
        return None
    return account if age.total_seconds() < SESSION_HOURS * 3600 else None


def _go_sign_in(request: Request) -> Response:
    return RedirectResponse(SIGN_IN, status_code=303)


async def _small_form(request: Request) -> dict[str, str] | None:
    """A urlencoded form of at most ``FORM_BYTES`` (None: larger, or not such a form)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


async def sign_in_page(request: Request) -> Response:
    """GET: the sign-in form."""
    service: Service = request.app.state.service
    return page(request, "sign_in.html", "Sign in", accounts=bool(service.settings.accounts))


async def sign_in(request: Request) -> Response:
    """POST: check the password (slowly for a client that keeps trying), and sign in."""
    service: Service = request.app.state.service
    client = client_of(request.scope)
    named = bool(service.settings.accounts)
    if not await service.sign_ins.wait(client):
        audit.sign_in(client, "?", False, "too many attempts")
        return problem(request, 429, "Too many attempts to sign in",
                       "Wait a few minutes, then sign in again.", back=SIGN_IN)  # fmt: skip
    form = await _small_form(request)
    if form is None or not form_token_ok(request.state.csrf, form.get("csrf")):
        audit.sign_in(client, "?", False, "form token")
        return problem(request, 403, "This form has expired", "Go back, reload the page, and "
                       "sign in again.", back=SIGN_IN)  # fmt: skip
    account = form.get("account", "").strip() if named else TEAM
    password = form.get("password", "")
    errors = {}
    if named and not account:
        errors["account"] = "Enter your name as the team set it up"
    if not password:
        errors["password"] = "Enter your password"
    known = account in service.settings.accounts if named else True
    if not errors and not (known and await service.read(check_password, account, password)):
        errors["password"] = (
            "The name or password is not right" if named else "The password is not right"
        )
    if errors:
        audit.sign_in(client, account or "?", False, "; ".join(errors.values()))
        return page(request, "sign_in.html", "Sign in", 400,
                    accounts=named, errors=errors, account=account)  # fmt: skip
    request.session.clear()
    request.session.update({"account": account, "since": datetime.now().isoformat()})
    audit.sign_in(client, account, True)
    return RedirectResponse("/team", status_code=303)


async def sign_out(request: Request) -> Response:
    """POST: sign out."""
    form = await _small_form(request)
    if form is not None and form_token_ok(request.state.csrf, form.get("csrf")):
        request.session.clear()
    return RedirectResponse(SIGN_IN, status_code=303)


async def dashboard(request: Request) -> Response:
    """GET: the round, live."""
    if not (who := signed_in(request)):
        return _go_sign_in(request)
    request.state.account = who
    service: Service = request.app.state.service
    view = await service.round_view()
    if view is None:
        return problem(request, 503, "The round is being put together",
                       "Reload this page in a few seconds.", back="/team")  # fmt: skip
    layouts = []
    for count in view.counts:
        mine = [o for o in view.organisations if o.layout == count.layout]
        layouts.append((count, mine))
    return page(request, "dashboard.html", "The round", view=view, layouts=layouts,
                here="round", built=service.fresh(False),
                pack=service.fresh(True), problem=service.build_problem)  # fmt: skip


async def organisation(request: Request) -> Response:
    """GET: one organisation's page."""
    if not (who := signed_in(request)):
        return _go_sign_in(request)
    request.state.account = who
    service: Service = request.app.state.service
    view = await service.round_view()
    found = view.by_slug.get(request.path_params["slug"]) if view else None
    if found is None:
        return not_found(request)
    count = next(c for c in view.counts if c.layout == found.layout)
    round_ = current_round(found.layout, service.settings.today())

    def extras(db):
        link = link_for(db, service.secret, found.layout, found.name, round_)
        uploads = db.execute(
            "SELECT name, uploaded_at, client, status FROM uploads WHERE layout = ? AND "
            "organisation = ? ORDER BY id DESC LIMIT 20",
            (found.layout, found.name),
        ).fetchall()
        mail = db.execute(
            "SELECT round, recipient, sent_at FROM mail WHERE layout = ? AND organisation = ? "
            "ORDER BY sent_at DESC LIMIT 10",
            (found.layout, found.name),
        ).fetchall()
        return link, sent_links(db, found.layout, found.name), uploads, mail

    link, links, uploads, mail = await service.read(extras, write=True)
    return page(request, "organisation.html", found.name, view=view, org=found, count=count,
                link_url=link.url(service.settings.base_url), links=links, uploads=uploads,
                mail=mail)  # fmt: skip


async def workbook(request: Request) -> Response:
    """GET: the consolidated workbook, written again first when returns have come since."""
    return await _download(request, pack=False)


async def meeting_pack(request: Request) -> Response:
    """GET: the meeting pack, printed again when returns have come since (it takes a minute:
    meanwhile a page says so)."""
    return await _download(request, pack=True)


async def _download(request: Request, pack: bool) -> Response:
    if not (who := signed_in(request)):
        return _go_sign_in(request)
    request.state.account = who
    service: Service = request.app.state.service
    built = service.fresh(pack)
    if built is None:
        task = service.start_build(pack)
        if not pack:  # the workbook takes seconds: wait for it
            await task
        built = service.fresh(pack)
    if built is None:
        if service.build_problem:
            return problem(request, 500, "The workbook could not be written",
                           service.build_problem, back="/team")  # fmt: skip
        return problem(request, 202, "The meeting pack is being printed",
                       "Printing takes about a minute. Reload this page to download it.",
                       back="/team")  # fmt: skip
    path = built.pack if pack else built.workbook
    if path is None or not path.is_file():
        return not_found(request)
    media = "application/pdf" if path.suffix == ".pdf" else XLSX
    return FileResponse(path, media_type=media, filename=path.name)
