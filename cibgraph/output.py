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


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(word) for word in text.split()), default=0)


def fits_as_table(names: list[str], cells: list[list[str]], width: int) -> bool:
    """Whether a table of these cells fits ``width`` columns with no word split: each
    column at least as wide as its longest word (or header), plus the borders."""
    needed = [_longest_word(name) for name in names]
    for values in cells:
        for i, value in enumerate(values):
            needed[i] = max(needed[i], _longest_word(value))
    return sum(needed) + 3 * len(names) + 1 <= width


def print_table(rows: list[Mapping[str, Any]], title: str | None = None) -> None:
    """Rows as a table on stdout; when the terminal (or 80 columns, piped) is too narrow
    for it without splitting words, one block per row instead (``name  value`` lines)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    names = columns(rows)
    cells = [[cell(row.get(c)) for c in names] for row in rows]
    if fits_as_table(names, cells, console.width):
        table = Table(title=title, title_justify="left", show_lines=False)
        for name in names:
            table.add_column(name, overflow="fold")
        for values in cells:
            table.add_row(*values)
        console.print(table)
    else:
        if title:
            console.print(title, markup=False, highlight=False)
        label = max((len(n) for n in names), default=0)
        for number, values in enumerate(cells, start=1):
            head = f"-[ row {number} ]"
            rule = head + "-" * max(0, console.width - 1 - len(head))
            console.print(rule, style="dim", markup=False, highlight=False)
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True, min_width=label)
            grid.add_column(overflow="fold")
            for name, value in zip(names, values, strict=True):
                grid.add_row(name, value)
            console.print(grid)
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
