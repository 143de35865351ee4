"""``pipeline serve`` in a test client (Starlette's): a partner's private link, the upload
taken in as the inbox's files are, the same plain "not found" for every link that does not
work, form tokens, the size limit, JSON as ``check --json`` says it, and the team's sign-in.
Uploads are read by the service's real worker processes."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from builders import AS_OF, p44_return, three_year_return
from serving import TEAM_PASSWORD, form_token, served_project, text_of
from starlette.testclient import TestClient

from pipeline.report.terminal import findings_json
from pipeline.run import check_files, run
from pipeline.serve.app import make_app
from pipeline.serve.links import resolve, revoke, secret_key
from pipeline.store import Store


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A served project and a client of its service (one pool of workers for the module)."""
    project = served_project(tmp_path_factory.mktemp("served"), max_upload_mb=1)
    with TestClient(make_app(project.settings)) as client:
        yield project, client


def _upload(client, url: str, path, name: str | None = None, **headers):
    token = form_token(client.get(url).text)
    sent = {"file": (name or path.name, path.read_bytes())}
    return client.post(url, data={"csrf": token}, files=sent, headers=headers)


def _sign_in(client) -> None:
    token = form_token(client.get("/team/sign-in").text)
    signed = client.post("/team/sign-in", data={"csrf": token, "password": TEAM_PASSWORD})
    assert signed.status_code == 200


def _uploads(project) -> list[tuple]:
    db = sqlite3.connect(project.settings.store)
    return db.execute("SELECT organisation, name, status FROM uploads ORDER BY id").fetchall()


def test_a_partners_link_opens_their_own_page_with_the_round_and_an_upload_form(served):
    project, client = served
    page = client.get(project.url("Bradford"))
    said = text_of(page.text)
    assert page.status_code == 200
    assert "Send your Priority 44 Partnership Action Plan return" in said
    assert "For Bradford" in said and "fortnight 16/11/2026 to 29/11/2026" in said
    assert 'type="file"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert "Leeds" not in said and "Salford" not in said


def test_a_thin_plan_gets_its_fix_list_at_once_and_its_marked_up_copy(served, tmp_path):
    project, client = served
    thin = p44_return(tmp_path, "Leeds", definition_of_problem=None, risks=None)
    answer = _upload(client, project.url("Leeds"), thin)
    said = text_of(answer.text)
    assert answer.status_code == 200
    assert "Your return is accepted, with things to fix or check" in said
    assert "Action Plan!H4 Red Definition of problem" in said
    assert "Action Plan!H11 Red Risks and contingency" in said
    assert "Fill it in." in said  # the catalogue's words
    link = next(part.split('"')[0] for part in answer.text.split('href="') if "/feedback/" in part)
    download = client.get(link)
    assert download.status_code == 200 and download.content[:2] == b"PK"
    # the copy is the partner's own: another organisation's link does not reach it
    elsewhere = link.replace(project.links["Leeds"].token, project.links["Bradford"].token)
    assert client.get(elsewhere).status_code == 404


def test_json_answers_say_what_check_json_says(served, tmp_path):
    project, client = served
    thin = p44_return(tmp_path, "Salford", definition_of_problem=None, name="salford.xlsx")
    answer = _upload(client, project.url("Salford"), thin, accept="application/json")
    expected = findings_json(check_files([thin], tuple(project.registers.values())))
    import json

    got, wanted = answer.json(), json.loads(expected)
    assert answer.status_code == 200 and len(got) == len(wanted) == 1
    assert got[0]["status"] == wanted[0]["status"] == "accepted with findings"
    keep = ("rule", "severity", "sheet", "cell", "message", "title", "to_do")
    assert [{k: f.get(k) for k in keep} for f in got[0]["findings"]] == [
        {k: f.get(k) for k in keep} for f in wanted[0]["findings"]
    ]


def test_a_wrong_link_and_a_revoked_link_get_the_same_plain_not_found(served):
    project, client = served
    db = Store.open(project.settings.store).db
    old = project.links["Finance"]
    new = revoke(db, secret_key(project.settings.store), "three_year", "Finance", old.round)
    wrong = client.get("/r/" + "A" * 24)
    revoked = client.get(f"/r/{old.token}")
    assert wrong.status_code == revoked.status_code == 404
    assert text_of(wrong.text) == text_of(revoked.text)
    assert "Page not found" in text_of(wrong.text)
    assert client.get(f"/r/{new.token}").status_code == 200
    project.links["Finance"] = new


def test_a_link_ends_with_its_round(served):
    project, _ = served
    db = Store.open(project.settings.store, write=False).db
    link = project.links["Bradford"]
    assert resolve(db, link.token, AS_OF) is not None
    assert resolve(db, link.token, link.round.end) is not None
    assert resolve(db, link.token, link.round.end + timedelta(days=1)) is None


def test_an_upload_without_the_forms_token_is_refused_and_nothing_is_kept(served, tmp_path):
    project, client = served
    before = _uploads(project)
    plan = p44_return(tmp_path, "Bradford")
    answer = client.post(project.url("Bradford"), data={"csrf": "x" * 43},
                         files={"file": ("b.xlsx", plan.read_bytes())})  # fmt: skip
    assert answer.status_code == 403 and "This form has expired" in text_of(answer.text)
    assert _uploads(project) == before
    assert list(project.settings.uploads.iterdir()) == []


def test_an_upload_over_the_limit_is_refused_while_streaming_and_not_kept(served):
    project, client = served
    archive = project.settings.store.parent / "archive"
    kept = sorted(archive.rglob("*")) if archive.exists() else []
    url = project.url("Bradford")
    token = form_token(client.get(url).text)
    big = b"PK\x03\x04" + b"\0" * (2 * 2**20)
    answer = client.post(url, data={"csrf": token}, files={"file": ("big.xlsx", big)})
    assert answer.status_code == 413
    assert "The selected file must be smaller than 1 MB" in text_of(answer.text)
    assert (sorted(archive.rglob("*")) if archive.exists() else []) == kept
    assert list(project.settings.uploads.iterdir()) == []


def test_a_body_with_no_declared_length_is_refused_as_soon_as_it_passes_the_limit(tmp_path):
    import asyncio

    from pipeline.serve.receiving import Refused, receive_form

    sent = []

    async def chunks():  # a form whose file part never ends
        sent.append(1)
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.xlsx"\r\n\r\n'
        for _ in range(100):
            sent.append(1)
            yield b"\0" * 2**16

    with pytest.raises(Refused, match="smaller than 1 MB") as refused:
        asyncio.run(receive_form("multipart/form-data; boundary=b", chunks(), 2**20, tmp_path,
                                 None))  # fmt: skip
    assert refused.value.too_large
    assert list(tmp_path.iterdir()) == []  # nothing kept


def test_another_organisations_plan_on_a_page_is_turned_down_not_taken_as_theirs(served, tmp_path):
    project, client = served
    theirs = three_year_return(tmp_path, "Housing")
    answer = _upload(client, project.url("Bradford"), theirs)
    said = text_of(answer.text)
    assert "Your file could not be used" in said
    assert "This file holds Housing's plan, but it was uploaded on Bradford's page" in said
    assert _uploads(project)[-1][0] == "Bradford" and _uploads(project)[-1][2] == "rejected"


def test_a_files_name_is_never_a_path(served, tmp_path):
    project, client = served
    plan = p44_return(tmp_path, "Salford", name="plan.xlsx")
    answer = _upload(client, project.url("Salford"), plan, name="../../../etc/cron.d/x.xlsx")
    assert answer.status_code == 200
    name = _uploads(project)[-1][1]
    assert name.startswith("uploads/Salford/") and name.endswith(" x.xlsx") and ".." not in name
    assert not (project.root / "etc").exists()


def test_a_run_after_uploads_counts_each_once_known_as_uploaded(served):
    project, _ = served
    result = run(project.settings.inbox, project.root / "run-outbox", project.registers.values(),
                 AS_OF, store_path=project.settings.store)  # fmt: skip
    uploaded = [r for r in result.consolidation.receipts if r.source.name.startswith("uploads/")]
    names = [r.source.name for r in uploaded]
    assert len(names) == len(set(names)) and names
    leeds = next(p for p in result.consolidation.plans if p.organisation == "Leeds")
    assert leeds.has_return and leeds.arrival.how == "upload"
    assert leeds.arrival.said == "uploaded"


def test_the_team_signs_in_with_its_password_and_sees_the_round(served):
    project, client = served
    assert client.get("/team", follow_redirects=False).headers["location"] == "/team/sign-in"
    token = form_token(client.get("/team/sign-in").text)
    wrong = client.post("/team/sign-in", data={"csrf": token, "password": "not it at all"})
    assert wrong.status_code == 400 and "The password is not right" in text_of(wrong.text)
    right = client.post("/team/sign-in", data={"csrf": token, "password": TEAM_PASSWORD})
    said = text_of(right.text)
    assert right.status_code == 200 and "The round" in said
    assert "Priority 44 Partnership Action Plan" in said and "Needs attention" in said
    log = project.settings.log.read_text()
    assert 'sign-in from=testclient account="team" outcome=refused' in log
    assert 'sign-in from=testclient account="team" outcome=signed in' in log
    assert 'upload from=testclient layout=p44 organisation="Leeds"' in log


def test_the_team_downloads_the_workbook_written_again_with_the_uploads(served, tmp_path):
    project, client = served
    _upload(client, project.url("Leeds"), p44_return(tmp_path, "Leeds", name="leeds-now.xlsx"))
    _sign_in(client)
    answer = client.get("/team/workbook")
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    cells = [str(v) for row in book["Returns Log"].iter_rows(values_only=True) for v in row if v]
    assert any(cell.startswith("uploads/Leeds/") for cell in cells)
    assert any(cell == "uploaded" for cell in cells)  # how its arrival is known
    page = client.get("/team/organisations/p44-leeds")
    assert page.status_code == 200 and "uploaded" in text_of(page.text)
    assert client.get("/team/organisations/nobody").status_code == 404


@pytest.mark.slow
def test_the_meeting_pack_is_printed_meanwhile_then_downloaded(served):
    import time

    _, client = served
    _sign_in(client)
    first = client.get("/team/pack")
    assert first.status_code == 202 and "The meeting pack is being printed" in text_of(first.text)
    deadline = time.monotonic() + 600
    while (answer := client.get("/team/pack")).status_code == 202:
        assert time.monotonic() < deadline
        time.sleep(2)
    assert answer.status_code == 200
    assert answer.content[:4] == b"%PDF" or answer.content[:2] == b"PK"  # (no LibreOffice)


def test_an_upload_waits_while_a_run_writes_the_store_then_is_taken_in(served, tmp_path):
    import threading

    project, client = served
    plan = p44_return(tmp_path, "Bradford", name="bradford-while-a-run-saves.xlsx")
    holder = sqlite3.connect(project.settings.store, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # as a run saving the round holds it
    threading.Timer(2.0, lambda: holder.execute("COMMIT")).start()
    answer = _upload(client, project.url("Bradford"), plan)
    assert answer.status_code == 200 and "Your return is accepted" in text_of(answer.text)
    assert _uploads(project)[-1][1].endswith("bradford-while-a-run-saves.xlsx")


def test_next_rounds_link_says_when_uploads_open(served):
    project, client = served
    from pipeline.serve.links import link_for, next_round

    with Store.open(project.settings.store) as store:
        soon = link_for(store.db, secret_key(project.settings.store), "p44", "Salford",
                        next_round("p44", AS_OF))  # fmt: skip
    said = text_of(client.get(f"/r/{soon.token}").text)
    assert "Uploads for this round open on 30/11/2026" in said
    assert 'type="file"' not in client.get(f"/r/{soon.token}").text


def test_every_page_carries_the_security_headers(served):
    project, client = served
    for url in ("/", project.url("Leeds"), "/r/nothing", "/team/sign-in"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
    assert "HttpOnly" in client.get("/team/sign-in").headers.get("set-cookie", "HttpOnly")


def test_a_damaged_store_is_a_plain_page_never_a_traceback(tmp_path):
    project = served_project(tmp_path)
    project.settings.store.write_bytes(b"this is not a database" * 100)
    with TestClient(make_app(project.settings), raise_server_exceptions=False) as client:
        answer = client.get(project.url("Leeds"))
    assert answer.status_code == 500
    assert "Sorry, there is a problem with the service" in text_of(answer.text)
    assert "Traceback" not in answer.text and "sqlite" not in answer.text.lower()


def test_a_client_that_asks_too_often_is_slowed_then_refused():
    import asyncio
    import time

    from pipeline.serve.guard import Throttle

    throttle = Throttle(per_minute=60, burst=2, longest=1.5)

    async def ask():
        started = time.monotonic()
        turns = [await throttle.wait("10.0.0.1") for _ in range(3)]  # the third waits its turn
        waited = time.monotonic() - started
        at_once = await asyncio.gather(throttle.wait("10.0.0.1"), throttle.wait("10.0.0.1"))
        return turns, waited, at_once, await throttle.wait("10.0.0.2")

    turns, waited, at_once, another = asyncio.run(ask())
    assert turns == [True, True, True] and waited >= 0.9
    assert at_once == [True, False]  # the second would wait too long: refused
    assert another is True  # another client is not slowed


def test_sign_in_attempts_past_five_are_refused_with_a_sentence(tmp_path):
    project = served_project(tmp_path, workers=1)
    with TestClient(make_app(project.settings)) as client:
        token = form_token(client.get("/team/sign-in").text)
        answers = [client.post("/team/sign-in", data={"csrf": token, "password": "guess"})
                   for _ in range(6)]  # fmt: skip
    assert [a.status_code for a in answers] == [400] * 5 + [429]
    assert "Too many attempts to sign in" in text_of(answers[-1].text)
