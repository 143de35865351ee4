"""The web application: its routes, the layers around every request (security headers and
form tokens, the team's signed session cookie), and errors as plain pages, never a
traceback."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import audit, partner, team
from .guard import Guard, client_of
from .links import derived
from .pages import STATIC, not_found, page, problem
from .service import Service
from .settings import ServeSettings


async def home(request: Request) -> Response:
    """GET /: where partners and the team go from here."""
    return page(request, "problem.html", "Action plan returns", heading="Action plan returns",
                lines=("Partners: use the link the team sent you to upload your return.",
                       "The central team: sign in to see the round."),
                back=None, sign_in=True)  # fmt: skip


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 404:
        return not_found(request)
    if status == 405:
        return RedirectResponse(request.url.path, status_code=303)
    return problem(request, status, "Sorry, there is a problem with the service",
                   "Try again later.")  # fmt: skip


async def _failed(request: Request, exc: Exception) -> Response:
    """Anything unexpected: logged in full here, a plain sentence to the browser."""
    logging.getLogger(audit.LOGGER).error(
        "page failed: %s %s", request.method, request.url.path, exc_info=exc
    )
    audit.event("page failed", client_of(request.scope), type(exc).__name__)
    return problem(request, 500, "Sorry, there is a problem with the service",
                   "Try again later. The team has a record of what went wrong.")  # fmt: skip


class Failsafe:
    """ASGI middleware inside ``Guard``: an unexpected error becomes the plain page (with the
    security headers, which Starlette's own last-resort page would not have)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if started:
                raise
            response = await _failed(Request(scope, receive), exc)
            await response(scope, receive, send)


def make_app(settings: ServeSettings, service: Service | None = None) -> Starlette:
    """The service's application for ``settings`` (``service``: its shared state, made here
    by default)."""
    service = service or Service(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        audit.start_log(settings.log)
        service.workers.start()
        try:
            yield
        finally:
            service.workers.stop()

    routes = [
        Route("/", home),
        Route("/r/{token}", partner.partner_page, methods=["GET"]),
        Route("/r/{token}", partner.upload, methods=["POST"]),
        Route("/r/{token}/feedback/{upload:int}", partner.feedback_copy),
        Route("/team/sign-in", team.sign_in_page, methods=["GET"]),
        Route("/team/sign-in", team.sign_in, methods=["POST"]),
        Route("/team/sign-out", team.sign_out, methods=["POST"]),
        Route("/team", team.dashboard),
        Route("/team/organisations/{slug}", team.organisation),
        Route("/team/workbook", team.workbook),
        Route("/team/pack", team.meeting_pack),
        Mount("/assets", StaticFiles(directory=STATIC), name="assets"),
    ]
    middleware = [
        Middleware(Guard, secure=settings.secure),
        Middleware(Failsafe),
        Middleware(
            SessionMiddleware,
            secret_key=derived(service.secret, "session").hex(),
            session_cookie="__Host-session" if settings.secure else "session",
            max_age=team.SESSION_HOURS * 3600,
            same_site="lax",
            https_only=settings.secure,
        ),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.service = service
    return app
