"""Broken and hostile files never hurt the run: each bad file is built here, in code, and each
is rejected with one sentence (or read safely) while the rest of the inbox is processed."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from builders import AS_OF, action, p44_return
from measuring import peak_kib
from msoffcrypto.format.ooxml import OOXMLFile
from workbook_reading import sheet_records

from pipeline.reading import load
from pipeline.run import run
from pipeline.system.isolation import Isolation, run_isolated

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def rewrite(data: bytes, part: str, change) -> bytes:
    """The same zip with one part's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    assert part in source.namelist(), part
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            target.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def log_of(tmp_path, inbox):
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    return {r["File"]: r for r in sheet_records(result.path, "Returns Log")}


def reason(tmp_path, inbox, name):
    p44_return(inbox, organisation="Bradford", name="good.xlsx")
    log = log_of(tmp_path, inbox)
    assert log["good.xlsx"]["Status"] == "accepted"  # the rest of the inbox is processed
    assert log[name]["Status"] == "rejected"
    assert "Traceback" not in log[name]["Reason"]
    return log[name]["Reason"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("plan.xlsx", b"Dear all, please find attached", "it is not a spreadsheet"),
        ("plan.xls", b"<html><body><table><tr><td>Leeds</td></tr></table></body></html>",
         "it is not a spreadsheet"),
        ("plan.xlsx", b"", "The file is empty (0 bytes)"),
        ("plan.zip.xlsx", None, "it is a zip file, not a spreadsheet"),
    ],
)  # fmt: skip
def test_files_that_are_not_workbooks_are_rejected_with_a_sentence(
    tmp_path, inbox, name, content, expected
):
    if content is None:
        content = io.BytesIO()
        with zipfile.ZipFile(content, "w") as z:
            z.writestr("notes.txt", "hello")
        content = content.getvalue()
    (inbox / name).write_bytes(content)
    assert expected in reason(tmp_path, inbox, name)


def test_a_half_copied_workbook_is_rejected(tmp_path, inbox):
    whole = p44_return(inbox, name="x.xlsx")
    (inbox / "half.xlsx").write_bytes(whole.read_bytes()[:3000])
    whole.unlink()
    assert "damaged or was not fully copied" in reason(tmp_path, inbox, "half.xlsx")


def test_a_byte_gone_wrong_inside_a_compressed_part_is_said_to_be_damaged_never_a_crash(inbox):
    # (a part whose compressed bytes are not deflate at all made zlib's own error escape)
    data = p44_return(inbox, name="x.xlsx").read_bytes()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("docProps/app.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = 0
    for at in range(start + 2, start + min(info.compress_size, 60), 3):
        flipped = bytearray(data)
        flipped[at] ^= 0x55
        (inbox / "flipped.xlsx").write_bytes(bytes(flipped))
        loaded = load(inbox / "flipped.xlsx")
        if loaded.rejected:
            assert "the file is damaged or was not fully copied" in loaded.reason
            damaged += 1
    assert damaged


def test_a_password_protected_workbook_is_rejected_saying_so(tmp_path, inbox):
    plain = p44_return(inbox, name="plain.xlsx")
    locked = io.BytesIO()
    with plain.open("rb") as source:
        OOXMLFile(source).encrypt("secret", locked)
    plain.unlink()
    (inbox / "locked.xlsx").write_bytes(locked.getvalue())
    assert reason(tmp_path, inbox, "locked.xlsx") == (
        "This file cannot be used: it is password protected: save it without a password and "
        "send it again."
    )


def test_a_binary_workbook_is_rejected_asking_for_xlsx(tmp_path, inbox):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    (inbox / "plan.xlsb").write_bytes(data.getvalue())
    assert "Excel binary workbook (.xlsb)" in reason(tmp_path, inbox, "plan.xlsb")


def test_an_excel_lock_file_given_by_name_is_rejected_as_a_lock_file(tmp_path):
    lock = tmp_path / "~$leeds.xlsx"
    lock.write_bytes(b"\x0bJane Doe    ")
    assert "it is an Excel lock file" in load(lock).reason


XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
PLAN_SHEET = "xl/worksheets/sheet2.xml"  # Guidance is sheet1; the Action Plan is sheet2


def with_entities(dtd: str, entity: str):
    """Put a DTD in front of a part and the entity where the partnership's name was."""

    def attack(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        assert b">Leeds<" in body
        return dtd.encode() + body.replace(b">Leeds<", f">&{entity};<".encode())

    return attack


# a comment long enough to push the DOCTYPE past the first few kilobytes read
PADDED = '<?xml version="1.0"?><!-- ' + "<padding> " * 600 + "-->" + XXE.split("?>", 1)[1]


@pytest.mark.parametrize(
    "attack", [with_entities(LAUGHS, "lol9"), with_entities(XXE, "xxe"),
               with_entities(PADDED, "xxe")],
    ids=["billion-laughs", "external-entity", "entity-after-a-long-comment"],
)  # fmt: skip
def test_xml_entity_attacks_are_refused(tmp_path, inbox, attack):
    good = p44_return(inbox, name="x.xlsx")
    (inbox / "attack.xlsx").write_bytes(rewrite(good.read_bytes(), PLAN_SHEET, attack))
    good.unlink()
    text = reason(tmp_path, inbox, "attack.xlsx")
    assert "declares XML entities or a DOCTYPE" in text


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, inbox):
    good = p44_return(inbox, name="x.xlsx").read_bytes()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zipfile.ZipFile(io.BytesIO(good)).infolist():
            z.writestr(info.filename, zipfile.ZipFile(io.BytesIO(good)).read(info.filename))
        with z.open("xl/media/image1.png", "w", force_zip64=True) as part:
            chunk = b"\0" * 2**24
            for _ in range(64):  # 1 GiB of zeros, a megabyte or so packed
                part.write(chunk)
    (inbox / "x.xlsx").unlink()
    (inbox / "bomb.xlsx").write_bytes(bomb.getvalue())
    assert len(bomb.getvalue()) < 5 * 2**20
    started = time.monotonic()
    text = reason(tmp_path, inbox, "bomb.xlsx")
    assert "zip bomb" in text and "unpacks to 1024 MB" in text
    assert time.monotonic() - started < 30


def test_a_sheet_with_a_million_styled_empty_rows_reads_as_its_plan(tmp_path, inbox):
    good = p44_return(inbox, name="x.xlsx")
    rows = b"".join(b'<row r="%d"><c r="Z%d" s="1"/></row>' % (n, n) for n in range(300, 1_000_300))
    data = rewrite(good.read_bytes(), PLAN_SHEET,
                   lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))  # fmt: skip
    (inbox / "styled.xlsx").write_bytes(data)
    before, after = load(good), load(inbox / "styled.xlsx")
    assert after.rows.drop(columns="_row").equals(before.rows.drop(columns="_row"))
    assert after.organisation == "Leeds" and not after.rejected


def test_a_used_range_far_larger_than_the_data_is_harmless(inbox):
    good = p44_return(inbox, name="x.xlsx")
    whole_sheet = b'<dimension ref="A1:XFD1048576"/>'
    data = rewrite(good.read_bytes(), PLAN_SHEET,
                   lambda xml: re.sub(rb"<dimension [^>]*/>", whole_sheet, xml))  # fmt: skip
    (inbox / "wide.xlsx").write_bytes(data)
    assert len(load(inbox / "wide.xlsx").rows) == 2


def rows_like_row_2(xml: bytes, last: int = 420_001) -> bytes:
    """A sheet's XML with its row 2 repeated, as xlsxwriter wrote it, down to row ``last``
    (what writing each row with xlsxwriter makes, in a second instead of a quarter-minute)."""
    row = re.search(rb'<row r="2".*?</row>', xml, re.DOTALL)[0]
    template = re.sub(rb'r="([A-Z]*)2"', rb'r="\1%(n)d"', row.replace(b"%", b"%%"))
    more = b"".join(template % {b"n": n} for n in range(3, last + 1))
    xml = re.sub(rb'<dimension ref="A1:([A-Z]+)2"/>', rb'<dimension ref="A1:\g<1>%d"/>' % last, xml)
    return xml.replace(row, row + more)


def test_a_sheet_with_millions_of_cells_is_rejected_saying_why(tmp_path, inbox):
    path = inbox / "huge.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Action Plan")
    sheet.write_row(0, 0, ["Ref", "Action", "Status", "Start date", "Category"])
    sheet.write_row(1, 0, ("A", "x", "Ongoing", 1, "Other"))
    book.close()
    path.write_bytes(rewrite(path.read_bytes(), "xl/worksheets/sheet1.xml", rows_like_row_2))
    text = reason(tmp_path, inbox, "huge.xlsx")
    assert 'its sheet "Action Plan" spans 420,001 rows by 5 columns' in text


def test_the_whole_run_stays_under_a_gigabyte_on_hostile_files(tmp_path, inbox):
    good = p44_return(inbox, name="good.xlsx").read_bytes()
    (inbox / "laughs.xlsx").write_bytes(rewrite(good, PLAN_SHEET, with_entities(LAUGHS, "lol9")))
    rows = b"".join(b'<row r="%d"><c r="Z%d" s="1"/></row>' % (n, n) for n in range(300, 500_300))
    (inbox / "styled.xlsx").write_bytes(rewrite(
        good, PLAN_SHEET,
        lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>")))  # fmt: skip
    peak = max(peak_kib(inbox, tmp_path / "out"))
    assert peak < 1024 * 1024, f"peak {peak // 1024} MB"


# --- whatever a reader does with one file, the run goes on ------------------------------------


def _read(behaviour: str) -> str:
    """Stands in for a reader library meeting one file (runs in a worker process)."""
    if behaviour == "hang":
        time.sleep(600)
    if behaviour == "abort":
        os.abort()
    if behaviour == "raise":
        raise RuntimeError("the library's own bug")
    if behaviour == "hog":
        return "x" * (4 * 2**30)  # more memory than a worker may have
    if behaviour == "work":
        return f"read {len('x' * (200 * 2**20))} bytes"  # an honest job's working memory
    if behaviour == "grow":  # a parser growing bit by bit on a huge sheet (up to 4 GB)
        held = []
        while len(held) < 256:
            held.append(b"x" * (16 * 2**20))
            time.sleep(0.005)
        return "grew to 4 GB"
    if behaviour == "capped?":
        try:
            import resource
        except ImportError:  # Windows
            return "uncapped"
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        return "uncapped" if soft == resource.RLIM_INFINITY else "capped"
    return f"read {behaviour}"


def _failed(job: tuple[str], why: str) -> str:
    return f"{job[0]}: {why}"


def test_a_reader_that_hangs_aborts_raises_or_hogs_memory_costs_only_that_file():
    jobs = [("good",), ("hang",), ("abort",), ("raise",), ("hog",), ("fine",)]
    started = time.monotonic()
    results = run_isolated(_read, jobs, _failed, Isolation(workers=2, seconds=3))
    assert results == [
        "read good",
        "hang: it took longer than 3 seconds to read",
        "abort: the reader stopped working on it (it is damaged or too large)",
        "raise: the reader failed on it (RuntimeError)",
        "hog: it is too large to read",
        "read fine",
    ]
    assert time.monotonic() - started < 20


def test_where_the_system_caps_no_memory_the_pool_ends_a_worker_that_grows_past_its_allowance():
    """As on Windows and macOS: no worker caps itself; the pool watches their memory."""
    watched = Isolation(workers=2, seconds=30, memory=512 * 2**20, watch_memory=True)
    jobs = [("capped?",), ("grow",), ("work",), ("fine",)]
    assert run_isolated(_read, jobs, _failed, watched) == [
        "uncapped",
        "grow: it is too large to read",
        f"read {200 * 2**20} bytes",
        "read fine",
    ]
    assert run_isolated(_read, [("capped?",)], _failed, Isolation(workers=1)) == [
        "uncapped" if Isolation().watch_memory else "capped"
    ]


# --- formulas ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(1,1)",
     "=cmd|' /C calc'!A0", "=DDE(\"cmd\";\"/C calc\";\"!A0\")"],
)  # fmt: skip
def test_formula_and_dde_payloads_from_returns_stay_text_everywhere(tmp_path, inbox, payload):
    from pipeline.declare import LAYOUTS
    from pipeline.templates.writer import write_template

    p44_return(inbox, rows=[action("A01", action=payload, notes=payload)])
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    actions = openpyxl.load_workbook(result.path)["Actions"]
    cells = [c for row in actions.iter_rows(min_row=2) for c in row if c.value == payload]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    template = write_template(tmp_path / "next.xlsx", LAYOUTS["p44"], {"partnership": "Leeds"},
                              [{"ref": "A01", "action": payload}])  # fmt: skip
    sheet = openpyxl.load_workbook(template)["Action Plan"]
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == payload]
    assert cell.data_type == "s"


def test_markup_in_a_return_stays_text_on_every_streamed_sheet(tmp_path, inbox):
    # xlsxwriter writes a streamed text shaped "<r>...</r>" as raw XML: this one would add a
    # formula cell to the partner's own sheet (every sheet, in a large round)
    from pipeline.report.workbook import write_consolidated

    payload = '<r><t>ok</t></r></is></c><c r="Z9"><f>1+1</f></c><c><is><r><t>x</t></r>'
    p44_return(inbox, rows=[action("A01", action=payload, notes=payload)])
    result = run(inbox, tmp_path / "outbox", as_of=AS_OF)
    large = write_consolidated(result.consolidation, tmp_path / "large.xlsx",
                               organisation_sheets=0)  # fmt: skip
    for path, sheet in [(result.path, "Leeds"), (result.path, "Actions"), (large, "Actions")]:
        cells = openpyxl.load_workbook(path)[sheet]
        found = [c for row in cells.iter_rows() for c in row if c.value == payload]
        assert len(found) == 2 and all(c.data_type == "s" for c in found), (path.name, sheet)
        assert cells["Z9"].value is None


def test_a_formula_is_read_as_its_saved_result(inbox):
    path = inbox / "formula.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Action Plan")
    sheet.write_row(0, 0, ["Partnership", "Leeds"])
    sheet.write_row(2, 0, ["Ref", "Action", "Status", "Estimated impact (crimes)"])
    sheet.write_row(3, 0, ["A01", "Patrols", "Ongoing"])
    sheet.write_formula(3, 3, "=20+5", None, 25)
    book.close()
    loaded = load(path)
    assert loaded.rows["estimated_impact"].tolist() == [25]
    assert not [f for f in loaded.findings if f.rule == "unsaved-formula"]


def test_a_formula_without_a_saved_result_gets_a_finding(inbox):
    path = p44_return(inbox, rows=[action("A01")])
    book = openpyxl.load_workbook(path)
    book["Action Plan"]["I20"] = "=300+400"  # openpyxl saves formulas without results
    book.save(path)
    loaded = load(path)
    [finding] = [f for f in loaded.findings if f.rule == "unsaved-formula"]
    assert finding.cell == "I20" and "result was not saved" in finding.message


# --- names and dates ---------------------------------------------------------------------------


def test_unsafe_organisation_names_stay_inside_the_output_folder(tmp_path, inbox):
    register = tmp_path / "p44.csv"
    names = ["../x", "CON", "a/b\\c", "Ü" * 300, "Leeds"]
    register.write_text("partnership\n" + "\n".join(f'"{n}"' for n in names) + "\n")
    p44_return(inbox)
    result = run(inbox, tmp_path / "outbox", [register], AS_OF)
    out = (tmp_path / "outbox").resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out)
    sheetnames = openpyxl.load_workbook(result.path).sheetnames
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in sheetnames)
    assert len(set(map(str.lower, sheetnames))) == len(sheetnames)


def test_a_1904_date_system_workbook_reads_the_right_dates(inbox):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = p44_return(inbox, rows=[action("A01", start_date=date(2008, 10, 31))])
    book = openpyxl.load_workbook(path)
    book.epoch = CALENDAR_MAC_1904
    book["Action Plan"]["F20"] = datetime(2008, 10, 31)
    book.save(path)
    assert load(path).rows["start_date"].tolist() == [date(2008, 10, 31)]


def test_a_worker_forked_from_a_large_process_still_has_room_to_work():
    ballast = bytearray(1024 * 2**20)  # the parent maps more than a worker's own allowance
    results = run_isolated(_read, [("work",)], _failed, Isolation(workers=1, seconds=30))
    assert results == [f"read {200 * 2**20} bytes"]
    assert len(ballast) == 1024 * 2**20


def test_work_done_meanwhile_overlaps_the_workers_and_is_finished_when_they_are():
    done = []

    def meanwhile():  # as importing the checker while the files are read
        time.sleep(1)
        done.append("imported")

    started = time.monotonic()
    jobs = [("slow",), ("abort",), ("fine",)]
    results = run_isolated(_read, jobs, _failed, Isolation(workers=2, seconds=5), None, meanwhile)
    assert done == ["imported"]  # finished before any worker was replaced, and before return
    assert results[0] == "read slow" and results[2] == "read fine"
    assert results[1].startswith("abort: the reader stopped working")
    assert time.monotonic() - started < 5


def _note_pid(folder: str, n: int, pause: float) -> int:
    """A job that leaves a note of which worker did it."""
    time.sleep(pause)
    Path(folder, f"{n}.done").write_text(str(os.getpid()))
    return os.getpid()


def test_while_work_goes_on_meanwhile_one_worker_fewer_reads(tmp_path):
    seen_meanwhile = []

    def meanwhile():  # as importing the checker: it has a core, so one worker reads until done
        deadline = time.monotonic() + 20
        while len(list(tmp_path.glob("*.done"))) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        seen_meanwhile.extend(p.read_text() for p in tmp_path.glob("*.done"))

    jobs = [(str(tmp_path), n, 0.01 if n < 4 else 0.1) for n in range(14)]
    pids = run_isolated(_note_pid, jobs, _failed, Isolation(workers=2, seconds=30), None,
                        meanwhile)  # fmt: skip
    assert len(seen_meanwhile) >= 4 and len(set(seen_meanwhile)) == 1
    assert len(set(pids)) == 2  # the second worker started once it was done


def test_work_meanwhile_that_fails_costs_nothing():
    def meanwhile():
        raise ImportError("met again, for real, by the caller")

    results = run_isolated(_read, [("good",)], _failed, Isolation(workers=1), None, meanwhile)
    assert results == ["read good"]
    assert run_isolated(_read, [("good",)], _failed, Isolation(workers=0), None, meanwhile) == [
        "read good"
    ]
