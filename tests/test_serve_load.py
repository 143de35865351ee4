"""``pipeline serve`` under load, on 127.0.0.1: fifty uploads at once (forty-eight good returns
from forty-eight organisations, a zip bomb and a 49 MB file). Every good one is recorded once
and none is lost, the other two are refused with a sentence, and meanwhile the service
answers a page within a second. The figures are printed (``pytest -s``)."""

from __future__ import annotations

import asyncio
import io
import re
import statistics
import time
import zipfile
from pathlib import Path

import pytest
from builders import AS_OF, action, p44_header, task, three_year_header
from serving import Running, links_of, project_folder, text_of

from pipeline.declare import LAYOUTS
from pipeline.demo.partner import PartnerWorkbook
from pipeline.inbox.registers import read_register
from pipeline.run import run
from pipeline.store import Store
from pipeline.templates.writer import make_templates

pytestmark = pytest.mark.slow
httpx = pytest.importorskip("httpx2")

INIT_REGISTERS = Path(__file__).resolve().parent.parent / "pipeline" / "layouts"
BUSINESS_UNITS = 4  # with the 44 partnerships: 48 good returns


def _returns(root: Path) -> dict[str, Path]:
    """Each organisation's filled return: every Priority 44 partnership's, and the first few
    business units'."""
    made = {}
    for name, rows, header, count in (
        ("p44", [action("A01"), action("A02", category="Week of Action")], p44_header(), None),
        ("three_year", None, three_year_header(), BUSINESS_UNITS),
    ):
        layout = LAYOUTS[name]
        register = read_register(root / "registers" / f"{name}.csv", layout)
        entries = register.entries[:count] if count else register.entries
        for entry, path in zip(entries, make_templates(layout, root / "templates", register)):
            filled = PartnerWorkbook(path, layout).fill_header(header)
            code = entry.code or ""
            for row in rows or [task(f"{code}-01"), task(f"{code}-02")]:
                filled.put_row(row)
            made[entry.organisation] = filled.save(root / "returns" / f"{path.stem} return.xlsx")
    return made


def _zip_bomb(good: bytes) -> bytes:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zipfile.ZipFile(io.BytesIO(good)).infolist():
            z.writestr(info.filename, zipfile.ZipFile(io.BytesIO(good)).read(info.filename))
        with z.open("xl/media/image1.png", "w", force_zip64=True) as part:
            for _ in range(64):  # 1 GiB of zeros, a megabyte or so packed
                part.write(b"\0" * 2**24)
    return bomb.getvalue()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("load")
    (root / "registers").mkdir()
    for name in ("p44", "three_year"):
        source = INIT_REGISTERS / name / "demo-register.csv"
        (root / "registers" / f"{name}.csv").write_bytes(source.read_bytes())
    project_folder(root, {n: Path("registers") / f"{n}.csv" for n in ("p44", "three_year")})
    (root / "returns").mkdir()
    return root, _returns(root), links_of(root)


def test_fifty_uploads_at_once_every_good_one_recorded_once_the_rest_refused(project):
    root, returns, links = project
    assert len(returns) == 48
    first = next(iter(returns))
    sending = [(org, f"{org}.xlsx", path.read_bytes()) for org, path in returns.items()]
    sending.append((first, "bomb.xlsx", _zip_bomb(returns[first].read_bytes())))
    sending.append((first, "huge.xlsx", b"PK\x03\x04" + b"\x01" * (49 * 2**20)))

    with Running(root, "--uploads-per-minute", "600", "--workers", "2") as served:
        timings, answers, page_took = asyncio.run(_send_all(served.base, links, sending))

    by_name = dict(zip([name for _, name, _ in sending], answers))
    good = [by_name[f"{org}.xlsx"] for org in returns]
    assert [status for status, _ in good] == [200] * 48
    assert all("Your return is accepted" in said for _, said in good), [
        said[:200] for _, said in good if "Your return is accepted" not in said
    ]
    bomb_status, bomb_said = by_name["bomb.xlsx"]
    assert bomb_status == 200 and "Your file could not be used" in bomb_said
    assert "zip bomb" in bomb_said
    huge_status, huge_said = by_name["huge.xlsx"]
    assert huge_status == 413 and "The selected file must be smaller than 10 MB" in huge_said
    assert page_took < 1.0  # a page, answered while fifty uploads are in hand

    with Store.open(root / "outbox" / "pipeline.sqlite", write=False) as store:
        uploads = store.db.execute("SELECT sha256, status FROM uploads").fetchall()
        files = store.db.execute("SELECT sha256 FROM files").fetchall()
    assert len(uploads) == 49  # the 48 and the bomb; the 49 MB file was never kept
    assert len({sha for sha, _ in uploads}) == 49 and len(files) == 49
    assert list((root / "outbox" / ".serve-uploads").iterdir()) == []

    registers = [root / "registers" / "p44.csv", root / "registers" / "three_year.csv"]
    result = run(root / "inbox", root / "run", registers, AS_OF,
                 store_path=root / "outbox" / "pipeline.sqlite")  # fmt: skip
    received = {p.organisation for p in result.consolidation.plans if p.has_return}
    assert received == set(returns)  # each counted, once
    print(
        f"\n50 uploads at once: all answered in {max(timings):.1f} s; good ones took "
        f"median {statistics.median(timings):.1f} s, slowest {max(timings):.1f} s; "
        f"a page meanwhile took {page_took:.3f} s"
    )


async def _send_all(base: str, links: dict[str, str], sending):
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
        page = await client.get(next(iter(links.values())))
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

        async def send(org: str, name: str, data: bytes):
            started = time.monotonic()
            answer = await client.post(links[org], data={"csrf": token},
                                       files={"file": (name, data)})  # fmt: skip
            return time.monotonic() - started, (answer.status_code, text_of(answer.text))

        sent = [asyncio.create_task(send(*one)) for one in sending]
        await asyncio.sleep(2.0)  # every upload under way
        started = time.monotonic()
        answer = await client.get(next(iter(links.values())))
        page_took = time.monotonic() - started
        assert answer.status_code == 200
        done = await asyncio.gather(*sent)
    return [t for t, _ in done], [a for _, a in done], page_took
