"""A loaded return to JSON and back, so the store keeps everything a partner sent in a form a
person can read with any SQLite tool."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..declare.findings import Finding
from ..declare.severity import Severity
from ..returns import Envelope, HeaderValue, LoadedReturn, PlainRows, SourceFile, Stamp

_PLAIN = frozenset((str, int, bool, type(None)))  # (JSON has them: ``_encode`` leaves them)


def _encode(value: Any) -> Any:
    if value is None or type(value) is str or type(value) is int:
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, float) and value != value:
        return None
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "date" in value:
            return date.fromisoformat(value["date"])
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
    return value


def dumps(loaded: LoadedReturn) -> str:
    """The return as JSON (values tagged where JSON has no type for them, e.g. dates)."""
    rows = loaded.rows
    stamp = loaded.stamp
    table = None
    if rows is not None:
        columns = list(rows.columns)
        # column by column: most hold only text, whole numbers and blanks, written as they are
        if isinstance(rows, PlainRows):
            cells = [list(col) for col in zip(*rows.values)] if rows.values else []
        else:
            cells = rows.to_numpy(dtype=object).T.tolist() if len(rows) else []
        cells = cells or [[] for _ in columns]
        cells = [col if _PLAIN.issuperset(map(type, col)) else [_encode(v) for v in col]
                 for col in cells]  # fmt: skip
        table = {"columns": columns, "data": list(zip(*cells))}
    source = loaded.source
    envelope = source.envelope
    return json.dumps(
        {
            "source": {
                "name": source.name,
                "sha256": source.sha256,
                "size": source.size,
                "envelope": None
                if envelope is None
                else [envelope.message, envelope.sender, _encode(envelope.sent), envelope.subject],
            },
            "layout": loaded.layout,
            "sheet": loaded.sheet,
            "organisation": loaded.organisation,
            "header_row": loaded.header_row,
            "columns": loaded.columns,
            "stamp": None if stamp is None else [stamp.layout, stamp.version, stamp.organisation],
            "header": {
                name: [_encode(h.value), _encode(h.raw), h.row, h.col]
                for name, h in loaded.header.items()
            },
            "rows": table,
            "findings": [finding_to_dict(f) for f in loaded.findings],
        },
        ensure_ascii=False,
    )


def loads(text: str, path: Path | None = None, *, plain: bool = False) -> LoadedReturn:
    """A return back from ``dumps``; ``path`` is where its file can now be found. Its rows
    are a DataFrame, or with ``plain`` left as ``PlainRows`` (for a reader that only walks
    them: pandas is not imported). The store reads returns plain: nothing after the checks
    needs a frame, and a large round's earlier returns were each made one for nothing."""
    data = json.loads(text)
    source = data["source"]
    rows = data["rows"]
    frame = None
    if rows is not None:
        columns = rows["columns"]
        values = [[_decode(v) for v in row] for row in rows["data"]]
        if plain:
            frame = PlainRows(columns, [tuple(row) for row in values])
        else:
            import pandas as pd

            frame = pd.DataFrame(values, columns=columns, dtype=object)
    stamp = data["stamp"]
    envelope = source.get("envelope")  # none stored before returns came by email
    return LoadedReturn(
        source=SourceFile(
            path or Path(source["name"]),
            source["name"],
            source["sha256"],
            source["size"],
            None
            if envelope is None
            else Envelope(envelope[0], envelope[1], _decode(envelope[2]), envelope[3]),
        ),
        layout=data["layout"],
        sheet=data["sheet"],
        header={
            name: HeaderValue(_decode(v), _decode(raw), row, col)
            for name, (v, raw, row, col) in data["header"].items()
        },
        rows=frame,
        columns=data["columns"],
        header_row=data["header_row"],
        stamp=None if stamp is None else Stamp(*stamp),
        findings=[finding_from_dict(f) for f in data["findings"]],
        organisation=data["organisation"],
    )


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as a dict JSON can hold (``finding_from_dict`` reads it back)."""
    return {**finding.as_dict(), "read_as": _encode(finding.read_as)}


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """A finding back from its dict (one stored before a field was added has its default)."""
    typed = {"severity": Severity.of(data["severity"]), "read_as": _decode(data.get("read_as")),
             "cells": tuple(data.get("cells", ()))}  # fmt: skip
    return Finding(**{**data, **typed})
