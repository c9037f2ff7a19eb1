"""Rows out: the driver's values made plain, and rendered as a table, CSV, JSON or Markdown.

One place for this so query results, reports and exports print values the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

FORMATS = ("table", "csv", "json", "markdown")


def plain(value: Any) -> Any:
    """A JSON-able version of a driver value (nodes -> property maps with ``_labels``)."""
    if type(value).__module__.startswith("neo4j."):
        return _plain_driver_value(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _plain_driver_value(value: Any) -> Any:
    """Nodes, relationships, paths and temporal values of the driver (imported only when
    such a value exists: the driver made it)."""
    from neo4j.graph import Node, Path, Relationship
    from neo4j.time import Date, DateTime, Duration, Time

    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"_type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, DateTime | Date | Time):
        return plain(value.to_native())
    if isinstance(value, Duration):
        return str(value)
    return value


#: A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text starting with ``= + - @`` (or a tab or
    carriage return) gets a leading ``'``; anything else is returned as it is. Every CSV
    cibgraph writes passes its cells through this: the data comes from the operations
    under study."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def cell(value: Any) -> str:
    """One value as text for a table or CSV cell (lists and maps as compact JSON)."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def columns(rows: list[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def to_json(rows: Iterable[Mapping[str, Any]]) -> str:
    return json.dumps([plain(dict(r)) for r in rows], ensure_ascii=False, indent=2)


def to_csv(rows: list[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    names = columns(rows)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(n) for n in names])
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in names])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    """A CSV cell: text made safe (:func:`safe_cell`), numbers and the rest as they are."""
    text = cell(value)
    return safe_cell(text) if isinstance(plain(value), str) else text


def to_markdown(rows: list[Mapping[str, Any]]) -> str:
    names = columns(rows)
    if not names:
        return "_no rows_\n"

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(esc(cell(r.get(c))) for c in names) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def print_table(rows: list[Mapping[str, Any]], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    names = columns(rows)
    for i, name in enumerate(names):
        table.add_column(name, overflow="fold", no_wrap=i == 0)
    for row in rows:
        table.add_row(*[cell(row.get(c)) for c in names])
    console = Console()
    console.print(table)
    console.print(f"{len(rows)} row(s)", style="dim")


def render(rows: list[Mapping[str, Any]], fmt: str, title: str | None = None) -> str | None:
    """Text for ``fmt`` (csv, json, markdown); ``table`` prints and returns None."""
    if fmt == "table":
        print_table(rows, title)
        return None
    if fmt == "json":
        return to_json(rows) + "\n"
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "markdown":
        return to_markdown(rows)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
