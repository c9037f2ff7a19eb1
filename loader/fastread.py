"""``detect FILES``' fast way in: files the DuckDB reader of :mod:`loader.columnar` takes
whole, read into one in-memory DuckDB, with the same report as :func:`loader.load.load`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb

from loader import columnar
from loader.load import (
    SUMMARY_NAME,
    FileReport,
    LoadReport,
    check_platform,
    plan,
    report_folder,
)


def read_columnar(
    paths: list[str | Path],
    con: duckdb.DuckDBPyConnection,
    *,
    format: str | None = None,
    dataset: str | None = None,
    platform: str = "twitter",
    report_dir: str | Path | None = None,
) -> LoadReport | None:
    """The fast path of ``detect FILES``: when every file is in a layout
    :mod:`loader.columnar` reads and every record is clean, read them into ``con`` (tables
    ``f0_actions``, ``f0_accounts``, ``f1_...``, one pair per file in order) and return
    the report (its summary written as ``load`` writes it); otherwise None, and nothing
    is kept (the caller runs :func:`load`, whose row parser names every reject)."""
    check_platform(platform)
    items = [Path(p) for p in paths]
    planned = plan(items, format)
    if not all(spec.name in columnar.FORMATS for _, spec in planned):
        return None
    name = dataset or (items[0].name if items[0].is_dir() else items[0].stem)
    out_dir = report_folder(report_dir, name)
    report = LoadReport(dataset=name, dry_run=True, report_dir=str(out_dir))
    for index, (path, spec) in enumerate(planned):
        started = time.monotonic()
        found = columnar.read_qut(con, path, platform, f"f{index}")
        if found is None:
            for table in ("actions", "accounts"):
                for i in range(index):
                    con.execute(f"DROP TABLE IF EXISTS f{i}_{table}")
            return None
        file_report = FileReport(str(path), spec.name, records=found, loaded=found)
        file_report.seconds = round(time.monotonic() - started, 3)
        report.files.append(file_report)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SUMMARY_NAME).write_text(json.dumps(report.to_dict(), indent=2))
    return report
