"""CSV files of one generation run, with what was written tallied for the summary.

Deterministic bytes: UTF-8, ``\\n`` line ends, rows in generation order, nothing taken
from the clock or the environment.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

LABEL_COLUMNS = ("platform", "kind", "id", "label", "cluster")


class CsvFile:
    def __init__(self, handle: IO[str], header: Iterable[str], **fmt: Any) -> None:
        self.handle = handle
        self.writer = csv.writer(handle, lineterminator="\n", **fmt)
        self.writer.writerow(header)
        self.rows = 0

    def row(self, values: Iterable[Any]) -> None:
        self.writer.writerow(values)
        self.rows += 1


class Output:
    """Opens files in ``directory`` and counts what goes into them."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, CsvFile] = {}
        self.accounts: Counter[str] = Counter()  # truth label -> accounts in truth.csv
        self.pages: Counter[str] = Counter()  # truth label -> pages/groups in pages_truth.csv
        self.posts: Counter[str] = Counter()  # truth label of the actor -> posts

    def open(self, name: str, header: Iterable[str], **fmt: Any) -> CsvFile:
        handle = open(self.directory / name, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in __exit__)
        self.files[name] = CsvFile(handle, header, **fmt)
        return self.files[name]

    def __enter__(self) -> Output:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for f in self.files.values():
            f.handle.close()

    def rows(self) -> dict[str, int]:
        return {name: f.rows for name, f in self.files.items()}


def pages_truth(world: Any, out: Output) -> None:
    """``pages_truth.csv``: every page and group with its truth label (native LABELS)."""
    truth = out.open("pages_truth.csv", LABEL_COLUMNS)
    for page in world.pages:
        truth.row(("facebook", "page", page.id, page.label, page.cluster))
        out.pages[page.label] += 1
    for group in world.groups:
        truth.row(("facebook", "group", group.id, group.label, group.cluster))
        out.pages[group.label] += 1
