"""Each organisation's private upload link for a round.

A link is ``<url>/r/<token>``: the token is 144 bits made from the service's secret key (a
file beside the store, readable by its owner only) with HMAC-SHA256 over the layout, the
organisation, the round and how many times its link was revoked. So ``pipeline links``,
``pipeline mail`` and ``pipeline templates`` can each give the same link without it being kept
anywhere: the store keeps only the SHA-256 of each token, to find whose a token is. A link
works for its round (and before it starts, to say when it opens); once the round is over, or
the link is revoked, it is not found, like any wrong token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from ..declare import LAYOUTS
from ..declare.rounds import Round, round_of
from ..errors import PipelineError, UsageError
from ..inbox.registers import Register, organisation_key
from ..store.schema import transaction

TOKEN_BYTES = 18  # 144 bits: more than the 128 no one can guess
SECRET_FILE = ".pipeline-serve.key"  # beside the store; hidden, so never read as a return
LINK_PATH = "/r/"


@dataclass(frozen=True)
class Link:
    """One organisation's link for one round (``token``: None where only its hash is at
    hand)."""

    layout: str
    organisation: str
    round: Round
    token: str | None
    generation: int = 0
    made_at: datetime | None = None
    revoked_at: datetime | None = None

    def url(self, base: str) -> str:
        """The link as a partner follows it, under the service's address ``base``."""
        return f"{base.rstrip('/')}{LINK_PATH}{self.token}"

    def opens(self, today: date) -> date | None:
        """The day its round starts, when that is after ``today`` (uploads open then)."""
        return self.round.start if self.round.start > today else None


def secret_key(store_path: Path) -> bytes:
    """The service's secret key, made the first time it is needed (a file only its owner may
    read, beside the store). Losing it changes every link: keep it with the store."""
    path = Path(store_path).parent / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as err:
        said = f"The service's key {path} cannot be read ({err}): restore it from a backup, "
        raise PipelineError(said + "or delete it to make new links for all.") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by another process meanwhile
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def derived(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose (signing sessions, forms), made from the service's secret."""
    return hmac.new(secret, f"pipeline serve: {purpose}".encode(), hashlib.sha256).digest()


def token_for(secret: bytes, layout: str, organisation: str, round_id: str, generation: int) -> str:
    """The token of an organisation's link for a round (see the module)."""
    said = "\0".join(("link", layout, organisation_key(organisation), round_id, str(generation)))
    mac = hmac.new(secret, said.encode(), hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(text: str) -> bool:
    """Whether ``text`` could be a token at all (the rest is not looked up)."""
    return len(text) == 24 and all(c.isalnum() or c in "-_" for c in text)


def current_round(layout: str, today: date) -> Round:
    """The layout's round that ``today`` falls in."""
    return round_of(LAYOUTS[layout].cadence, today)


def next_round(layout: str, today: date) -> Round:
    """The layout's round after the one ``today`` falls in."""
    this = current_round(layout, today)
    return round_of(LAYOUTS[layout].cadence, this.end + timedelta(days=1))


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def link_for(db, secret: bytes, layout: str, organisation: str, round_: Round) -> Link:
    """The organisation's live link for ``round_``, recorded (as its hash) if new."""
    row = db.execute(
        "SELECT max(generation) FROM links WHERE layout = ? AND organisation = ? AND round = ?",
        (layout, organisation, round_.id),
    ).fetchone()
    generation = row[0] if row and row[0] is not None else 0
    token = token_for(secret, layout, organisation, round_.id, generation)
    found = db.execute(
        "SELECT made_at, revoked_at FROM links WHERE token_sha256 = ?", (token_hash(token),)
    ).fetchone()
    if found is None:
        with transaction(db):
            db.execute(
                "INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (token_hash(token), layout, organisation, round_.id, generation, _now()),
            )
        found = (_now(), None)
    elif found[1] is not None:  # revoked, and not yet replaced (a revocation cut short)
        return _replace(db, secret, layout, organisation, round_, generation)
    return Link(layout, organisation, round_, token, generation, datetime.fromisoformat(found[0]))


def _replace(db, secret: bytes, layout: str, organisation: str, round_: Round, was: int) -> Link:
    token = token_for(secret, layout, organisation, round_.id, was + 1)
    with transaction(db):
        db.execute(
            "UPDATE links SET revoked_at = coalesce(revoked_at, ?) WHERE layout = ? AND "
            "organisation = ? AND round = ?",
            (_now(), layout, organisation, round_.id),
        )
        db.execute(
            "INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (token_hash(token), layout, organisation, round_.id, was + 1, _now()),
        )
    return Link(layout, organisation, round_, token, was + 1, datetime.now().replace(microsecond=0))


def links_for(
    db, secret: bytes, registers: Mapping[str, Register], rounds: Mapping[str, Round]
) -> list[Link]:
    """Every organisation's live link on ``registers``, for its layout's round in
    ``rounds``."""
    return [
        link_for(db, secret, name, entry.organisation, rounds[name])
        for name, register in registers.items()
        for entry in register.entries
    ]


def revoke(db, secret: bytes, layout: str, organisation: str, round_: Round) -> Link:
    """End the organisation's link for ``round_`` and make another; returns the new one."""
    live = link_for(db, secret, layout, organisation, round_)
    return _replace(db, secret, layout, organisation, round_, live.generation)


def resolve(db, token: str, today: date) -> Link | None:
    """Whose link ``token`` is, when it works today (its round is this one or the next, and
    it is not revoked); else None, whatever the reason."""
    if not looks_like_token(token):
        return None
    row = db.execute(
        "SELECT layout, organisation, round, generation, made_at FROM links WHERE "
        "token_sha256 = ? AND revoked_at IS NULL",
        (token_hash(token),),
    ).fetchone()
    if row is None or row[0] not in LAYOUTS:
        return None
    layout, organisation, round_id, generation, made = row
    for round_ in (current_round(layout, today), next_round(layout, today)):
        if round_.id == round_id:
            return Link(layout, organisation, round_, token, generation,
                        datetime.fromisoformat(made))  # fmt: skip
    return None


def sent_links(db, layout: str, organisation: str) -> list[Link]:
    """Every link the organisation has had, latest first (tokens not at hand: only their
    rounds and when they were made and revoked)."""
    rows = db.execute(
        "SELECT round, generation, made_at, revoked_at FROM links WHERE layout = ? AND "
        "organisation = ? ORDER BY round DESC, generation DESC",
        (layout, organisation),
    ).fetchall()
    cadence = LAYOUTS[layout].cadence
    found = []
    for round_id, generation, made, revoked in rows:
        start = _round_start(cadence, round_id)
        round_ = (
            round_of(cadence, start) if start else Round(round_id, date.min, date.min, round_id)
        )
        found.append(Link(layout, organisation, round_, None, generation,
                          datetime.fromisoformat(made),
                          datetime.fromisoformat(revoked) if revoked else None))  # fmt: skip
    return found


def _round_start(cadence, round_id: str) -> date | None:
    """The first day of the round ``round_id`` (a fortnight's id is its first day; a quarter's
    ``2026-27 Q3``; a year's ``2026-27``)."""
    try:
        return date.fromisoformat(round_id)
    except ValueError:
        pass
    year, _, quarter = round_id.partition(" Q")
    try:
        first = int(year[:4])
    except ValueError:
        return None
    month = 4 + 3 * (int(quarter) - 1) if quarter.isdigit() else 4
    return date(first + (month > 12), (month - 1) % 12 + 1, 1)


def find_organisation(registers: Mapping[str, Register], said: str) -> tuple[str, str]:
    """The (layout, organisation) on ``registers`` that ``said`` names: its name in any
    spelling, or a part of it that names one organisation only."""
    key = organisation_key(said)
    every = [(name, e.organisation) for name, r in registers.items() for e in r.entries]
    exact = [found for found in every if organisation_key(found[1]) == key]
    partial = [found for found in every if key and key in organisation_key(found[1])]
    for matches in (exact, partial):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(org for _, org in matches[:6])
            raise UsageError(f'"{said}" could be any of {names}: give more of the name.')
    raise UsageError(f'"{said}" is not on any register given: check the name.')


def live_rounds(layouts: Iterable[str], today: date) -> dict[str, Round]:
    """Each layout's round ``today`` falls in."""
    return {name: current_round(name, today) for name in layouts}


def round_links(
    store_path: Path,
    registers: Mapping[str, Register],
    today: date,
    revoking: str | None = None,
    following: bool = False,
) -> tuple[list[Link], Link | None]:
    """Every organisation's live link on ``registers`` for the round ``today`` falls in (the
    round after, with ``following``), recorded in the store; with ``revoking`` (part of an
    organisation's name), that organisation's link is ended first and another made, which is
    returned second."""
    from ..store import Store

    secret = secret_key(store_path)
    pick = next_round if following else current_round
    rounds = {name: pick(name, today) for name in registers}
    made = None
    with Store.open(store_path) as store:
        if revoking is not None:
            layout, organisation = find_organisation(registers, revoking)
            made = revoke(store.db, secret, layout, organisation, rounds[layout])
        return links_for(store.db, secret, registers, rounds), made


def link_maker(store_path: Path | None, base: str | None):
    """``url(layout, organisation, day)``: the organisation's link for the round ``day``
    falls in, under the address ``base`` (for mail and templates, made as they are needed);
    None without an address (the project does not serve its rounds)."""
    from ..store import DEFAULT_STORE, Store

    if not base:
        return None
    store_path = store_path or DEFAULT_STORE
    secret = secret_key(store_path)

    def url(layout: str, organisation: str, day: date) -> str:
        with Store.open(store_path) as store:
            return link_for(store.db, secret, layout, organisation, current_round(layout, day)).url(
                base
            )

    return url
