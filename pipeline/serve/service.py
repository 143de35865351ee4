"""What every page of the service shares: its settings and secret, the store (read in a
thread, never on the event loop), the worker processes, the throttles, and the round as the
dashboard last saw it (put together again, in a worker, when the store has changed)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..store import Store
from .guard import Throttle
from .links import secret_key
from .settings import ServeSettings
from .view import RoundView, round_view
from .work import Workers


@dataclass(frozen=True)
class Built:
    """The workbook (and pack) last written for the team, and the store's state then."""

    workbook: Path
    pack: Path | None
    no_pdf: str | None
    stamp: Any
    at: datetime


def build(settings: ServeSettings, pack: bool) -> Built:
    """In a worker: ``pipeline run`` on the project (its inbox, registers and due dates),
    which records the run and writes the consolidated workbook; with ``pack``, the meeting
    pack too."""
    from ..run import run

    result = run(settings.inbox, settings.outbox, settings.registers, settings.today(),
                 store_path=settings.store, due=settings.due,
                 file_times=settings.file_times)  # fmt: skip
    made_pack, no_pdf = None, None
    if pack:
        from ..report.pack import write_pack

        made = write_pack(result.consolidation, result.path.parent)
        made_pack, no_pdf = made.pdf or made.workbook, made.no_pdf
    return Built(result.path, made_pack, no_pdf, store_stamp(settings.store),
                 datetime.now().replace(microsecond=0))  # fmt: skip


def store_stamp(path: Path) -> tuple[int, int] | None:
    """The store's state, as far as telling whether it changed goes."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class Service:
    """The service's shared state (one per web process)."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.secret = secret_key(settings.store)
        self.workers = Workers(settings)
        self.uploads = Throttle(settings.uploads_per_minute, settings.burst)
        self.sign_ins = Throttle(5, 5, longest=5.0)
        self.misses = Throttle(30, 30, longest=5.0)  # links not found: guessing is slowed
        self.view: RoundView | None = None
        self._viewing: asyncio.Task | None = None
        self.built: Built | None = None
        self.building: asyncio.Task | None = None
        self.build_problem: str | None = None

    async def read(self, work: Callable[..., Any], *args: Any, write: bool = False) -> Any:
        """``work(db, *args)`` on the store, in a thread."""

        def job() -> Any:
            with Store.open(self.settings.store, write=write) as store:
                return work(store.db, *args)

        return await run_in_threadpool(job)

    async def round_view(self, wait: float = 5.0) -> RoundView | None:
        """The round as the store holds it now: the last view if the store has not changed
        since, else a new one (waiting up to ``wait`` seconds for it; the last meanwhile)."""
        stamp = store_stamp(self.settings.store)
        if self.view is not None and self.view.stamp == stamp:
            return self.view
        if self._viewing is None or self._viewing.done():
            self._viewing = asyncio.create_task(self._new_view(stamp))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._viewing), wait)
        return self.view

    async def _new_view(self, stamp: Any) -> None:
        view = await self.workers.do(round_view, stamp)
        if self.view is None or view.made_at >= self.view.made_at:
            self.view = view

    def start_build(self, pack: bool) -> asyncio.Task:
        """Write the workbook (and pack) now, unless that is being done."""
        if self.building is None or self.building.done():
            self.building = asyncio.create_task(self._build(pack))
        return self.building

    async def _build(self, pack: bool) -> None:
        from ..errors import PipelineError

        try:
            self.built = await self.workers.do(build, pack)
            self.build_problem = None
        except PipelineError as err:
            self.build_problem = str(err)

    def fresh(self, pack: bool) -> Built | None:
        """What was last built, when the store has not changed since (and it has a pack,
        when one is wanted)."""
        built = self.built
        if built is None or built.stamp != store_stamp(self.settings.store):
            return None
        if pack and built.pack is None:
            return None
        return built if built.workbook.is_file() else None
