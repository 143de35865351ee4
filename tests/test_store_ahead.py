"""A run's new returns are put in the store's form while the round is put together, on a core
that would otherwise wait; the store keeps exactly what it would have made itself."""

from __future__ import annotations

from pathlib import Path

from builders import action, p44_return, task, three_year_return

from pipeline.returns import PlainRows, records
from pipeline.run import check_files
from pipeline.store import codec
from pipeline.store.ahead import Ahead


def test_a_returns_json_made_ahead_is_what_the_store_would_make_when_saving(inbox, tmp_path):
    receipts = check_files([
        p44_return(inbox, "Leeds", name="leeds.xlsx"),
        p44_return(inbox, "Bradford", rows=[action("A01", start_date="31/02/2026")]),
        three_year_return(inbox, rows=[task("HSG-0001"), task("HSG-0002", q3="Paused")]),
    ])  # fmt: skip
    returns = {r.source.sha256: r.checked for r in receipts}
    assert sum(len(checked.findings) for checked in returns.values()) >= 2  # (two wrong values)

    with Ahead(returns, tmp_path / "returns.json") as ahead:
        pass  # (the round is put together meanwhile)

    for sha, checked in returns.items():
        assert ahead.encoded(sha, checked) == codec.dumps(checked)
    # a return given a finding since then is made again when saved, not read back as it was
    sha, bradford = next((s, c) for s, c in returns.items() if c.organisation == "Bradford")
    bradford.reject("unreadable", "This file cannot be used: it is not the one you meant.")
    assert ahead.encoded(sha, bradford) is None
    assert ahead.encoded("0" * 64, bradford) is None  # one not made ahead: made when saved


def test_nothing_is_made_ahead_for_a_round_with_no_new_returns(tmp_path: Path):
    with Ahead({}, tmp_path / "returns.json") as ahead:
        pass
    assert ahead.encoded("0" * 64, None) is None
    assert not (tmp_path / "returns.json").exists()


def test_a_return_read_back_from_the_store_has_its_rows_as_checked_and_is_kept_the_same_again(
    inbox,
):
    # (the store reads returns with their rows plain: nothing after the checks needs a frame)
    receipts = check_files([
        p44_return(inbox, "Bradford", rows=[action("A01", start_date="31/02/2026"), action("A02")]),
        three_year_return(inbox, rows=[task("HSG-0001"), task("HSG-0002", q3="Paused")]),
    ])  # fmt: skip
    for receipt in receipts:
        stored = codec.dumps(receipt.checked)
        back = codec.loads(stored, plain=True)
        assert isinstance(back.rows, PlainRows)
        assert records(back.rows) == records(receipt.checked.rows)
        assert back.findings == receipt.checked.findings
        assert codec.dumps(back) == stored  # (saved again, by a later run: the same JSON)
