"""``pipeline serve``: the round as a web service. Each organisation has a private link to a
page where it uploads its return and sees at once what to fix; the central team signs in to
watch the round live and download the workbook and pack.

An upload takes exactly the inbox's path (``serve.intake``); the web process only receives
bytes and answers pages (``serve.app``), and its worker processes do the rest
(``serve.work``).
"""

from __future__ import annotations

from .settings import ServeSettings

__all__ = ["ServeSettings", "serve"]


def serve(settings: ServeSettings) -> None:
    """Run the service until it is stopped (Ctrl+C, or the system's service manager)."""
    import uvicorn

    from .app import make_app

    uvicorn.run(
        make_app(settings),
        host=settings.host,
        port=settings.port,
        proxy_headers=True,  # behind a reverse proxy on this machine: the client's address
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        date_header=True,
        log_level="warning",
        timeout_graceful_shutdown=30,
    )
