"""What the HTML shows of a table: readable cells, no graph keys, nothing cut silently.

* a query's description with the values used in place of its ``$name`` parameters, and
  its ``code`` spans as code;
* rows that involve a flagged cluster's members first (the query's own order within);
* lists as comma-separated text, durations as "71 days", uid columns left to the CSV;
* a table longer than its limit shows its first rows and says "first N of M".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from cibgraph.output import cell

_PARAM = re.compile(r"\$(\w+)")
_CODE = re.compile(r"`([^`]+)`")


def describe(text: str, values: Mapping[str, Any]) -> Markup:
    """``text`` as HTML: ``$name`` -> its value (bold), ```x``` -> ``<code>x</code>``."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return name
        shown = values[name]
        if shown is None:
            shown = "any"
        elif name.endswith("_seconds") and isinstance(shown, int | float):
            shown = duration(shown)
        return "\0b" + str(shown) + "\0/b"

    html = str(escape(_PARAM.sub(value, text)))
    html = html.replace("\0b", "<b>").replace("\0/b", "</b>")
    return Markup(_CODE.sub(r"<code>\1</code>", html))


def hidden(column: str) -> bool:
    """Graph keys (``uid``, ``admin_uid``, ``uid_a``): in the CSV, not in the page."""
    return column == "uid" or column.endswith("_uid") or column.startswith("uid_")


def heading(column: str) -> str:
    """``spread_seconds`` -> ``spread``; ``account_count`` -> ``account count``."""
    name = column[: -len("_seconds")] if column.endswith("_seconds") else column
    return name.replace("_", " ")


def duration(seconds: float) -> str:
    """6162675 -> "71 days"; 600 -> "10 min"; 42 -> "42 s"."""
    seconds = float(seconds)
    for size, unit in ((86400, "days"), (3600, "h"), (60, "min")):
        if abs(seconds) >= size:
            amount = seconds / size
            text = f"{amount:.0f}" if amount >= 10 else f"{amount:.1f}".rstrip("0").rstrip(".")
            return f"{text} {'day' if unit == 'days' and text == '1' else unit}"
    return f"{seconds:.0f} s" if seconds == int(seconds) else f"{seconds:.1f} s"


def text(column: str, value: Any) -> str:
    """One cell as the page shows it."""
    if isinstance(value, list):
        return ", ".join(text("", v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text('', v)}" for k, v in value.items())
    if (
        column.endswith("_seconds")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return duration(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return cell(value)


def involves(row: Mapping[str, Any], keys: set[str]) -> bool:
    """Whether a value of ``row`` (or an item of a list value) is one of ``keys``."""
    for value in row.values():
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and item in keys for item in items):
            return True
    return False


def flagged_first(rows: list[dict[str, Any]], keys: set[str]) -> tuple[list[dict[str, Any]], int]:
    """``rows`` with those that involve ``keys`` first (stable); and how many do."""
    mine = [r for r in rows if involves(r, keys)]
    rest = [r for r in rows if not involves(r, keys)]
    return mine + rest, len(mine)


def table(
    rows: list[dict[str, Any]],
    limit: int,
    flagged: Iterable[bool] | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The HTML view of ``rows``: headings, text cells (a cluster id of ``run_id`` as
    "cluster N"), and what was left out."""
    names = [c for c in _columns(rows) if not hidden(c)]
    marks = list(flagged) if flagged is not None else [False] * len(rows)
    prefix = f"{run_id}:" if run_id else None

    def text_of(column: str, value: Any) -> str:
        if prefix and isinstance(value, str) and value.startswith(prefix):
            return "cluster " + value[len(prefix) :]
        return text(column, value)

    return {
        "columns": [heading(c) for c in names],
        "rows": [
            {"flagged": marks[i], "cells": [text_of(c, row.get(c)) for c in names]}
            for i, row in enumerate(rows[:limit])
        ],
        "shown": min(limit, len(rows)),
        "total": len(rows),
        "truncated": len(rows) > limit,
    }


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)
