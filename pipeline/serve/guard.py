"""What keeps the service safe on the open internet, around every request: the usual
security headers, a form token against cross-site requests, and slowing a client that asks
too much too often.

The form token is a random value in a cookie that every form also carries; a POST whose two
do not match is refused. The cookie is SameSite=Strict and (over HTTPS) Secure with the
``__Host-`` prefix, so no other site can set or send it.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

Scope = dict[str, Any]
Send = Callable[[dict[str, Any]], Awaitable[None]]

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = (
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # a partner's link is the page's address: never sent to another site
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
NOT_STORED = (b"cache-control", b"no-store")  # every page but the published assets
HSTS = (b"strict-transport-security", b"max-age=31536000")
TOKEN_LENGTH = 43  # characters of a form token (32 random bytes)


def csrf_cookie(secure: bool) -> str:
    """The form token's cookie name (``__Host-`` only over HTTPS, where it is allowed)."""
    return "__Host-form" if secure else "form"


class Guard:
    """ASGI middleware: security headers on every response, and a form token for each
    visitor (``request.state.csrf``), set as a cookie the first time."""

    def __init__(self, app: Any, secure: bool) -> None:
        self.app, self.secure = app, secure
        self.cookie = csrf_cookie(secure)

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _cookie(scope, self.cookie)
        token = given if given and len(given) == TOKEN_LENGTH else secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = token
        assets = scope["path"].startswith("/assets/")

        async def guarded(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                headers += [HSTS] if self.secure else []
                headers += [] if assets else [NOT_STORED]
                if token != given and not assets:
                    headers.append((b"set-cookie", self._set(token)))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, guarded)

    def _set(self, token: str) -> bytes:
        secure = "; Secure" if self.secure else ""
        return f"{self.cookie}={token}; Path=/; HttpOnly; SameSite=Strict{secure}".encode()


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a cookie header no one could read: as if none
                return None
            if name in jar:
                return jar[name].value
    return None


def form_token_ok(expected: str, given: str | None) -> bool:
    """Whether a form's token is the visitor's own."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


@dataclass
class _Bucket:
    tokens: float
    at: float


class Throttle:
    """Slows a client (by address) that asks more often than ``per_minute`` once it has
    used a ``burst`` of requests: each request past it waits its turn, and one that would
    wait longer than ``longest`` seconds is refused."""

    KEPT = 10_000  # clients remembered at most (the quietest are forgotten first)

    def __init__(self, per_minute: float, burst: int, longest: float = 20.0) -> None:
        self.rate, self.burst, self.longest = per_minute / 60.0, burst, longest
        self.buckets: dict[str, _Bucket] = {}

    async def wait(self, client: str) -> bool:
        """Wait this client's turn; False when it would be too long (refuse the request)."""
        now = time.monotonic()
        bucket = self.buckets.get(client) or _Bucket(float(self.burst), now)
        tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate) - 1
        delay = max(0.0, -tokens / self.rate)
        if delay > self.longest:
            return False
        self.buckets[client] = _Bucket(tokens, now)
        if len(self.buckets) > self.KEPT:
            self._forget(now)
        if delay:
            await asyncio.sleep(delay)
        return True

    def _forget(self, now: float) -> None:
        full = [k for k, b in self.buckets.items() if b.tokens + (now - b.at) * self.rate >= 1]
        for key in full or list(self.buckets)[: len(self.buckets) // 2]:
            del self.buckets[key]


def client_of(scope: Scope) -> str:
    """The client's address (behind a proxy, the one it forwarded, when trusted: uvicorn's
    ``--forwarded-allow-ips``)."""
    client = scope.get("client")
    return client[0] if client else "unknown"
