"""Detection straight from files, with no graph (what ``cibgraph detect FILES`` runs).

Two routes to the same actions and so the same result:

* **fast** - every file is in a layout :mod:`loader.columnar` reads with DuckDB (the QUT
  CSV) and every record is clean: the files are read into one in-memory DuckDB and
  detection reads the actions from there;
* **row parser** - anything else: :func:`loader.load.load` parses the files into an
  action store (naming file, line and field for every reject) and detection reads it.

With ``keep_store`` the actions are kept as an action store (Parquet, the layout of
docs/action-store.md) under ``out_dir/store``, for DuckDB, polars or pandas; otherwise the
row parser's store is a temporary folder inside ``out_dir``, removed at the end. Writing
the Parquet costs about 0.9 s of 6 s on 1M QUT messages, and a second DuckDB cursor
writing it while detection runs saved nothing on two cores, so it is asked for.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from analytics.coaction import connect
from analytics.detect import (
    DetectionResult,
    DetectParams,
    coaction_engine,
    detect,
    detect_reader,
)
from analytics.store import StoreReader
from loader.columnar import copy_to_store
from loader.fastread import read_columnar
from loader.load import LoadReport, load
from loader.store import StoreWriter, clear, seal

if TYPE_CHECKING:
    from analytics.spark_coaction import SparkSettings

#: Records per action-store part when the row parser reads the files.
FILE_BATCH_SIZE = 50_000


def detect_files(
    paths: list[str | Path],
    params: DetectParams | None = None,
    *,
    out_dir: str | Path,
    format: str | None = None,
    platform: str = "twitter",
    dataset: str | None = None,
    keep_store: bool = False,
    progress: Callable[[str], None] | None = None,
    spark: SparkSettings | None = None,
) -> tuple[DetectionResult, LoadReport]:
    """Detect straight from files: parse ``paths`` (the layouts and format detection of
    ``load``) and detect on their actions; with ``keep_store`` keep those as an action
    store under ``out_dir/store``. Returns the result and the parse's
    :class:`loader.load.LoadReport` (rejects are in ``out_dir/load``). With
    ``params.compute == "spark"`` the actions are written as an action store first (a
    temporary one without ``keep_store``) and Spark computes the co-action edges from it."""
    params = params or DetectParams()
    params.check()
    out = Path(out_dir)
    say = progress or (lambda _m: None)
    say(f"reading {len(paths)} path(s)")
    started = time.monotonic()
    with connect() as con, ExitStack() as stack:
        report = read_columnar(
            list(paths),
            con,
            format=format,
            dataset=dataset,
            platform=platform,
            report_dir=out / "load",
        )
        if report is not None:
            parsed = time.monotonic() - started
            names = [f"f{i}" for i in range(len(report.files))]
            store = None
            if params.compute == "spark":  # Spark reads Parquet: the store first
                store = out / "store" if keep_store else _scratch(stack, out)
                say(f"writing the action store {store} for Spark")
                _write_store(con, names, store, report.dataset)
            on = stack.enter_context(coaction_engine(params, store, spark))
            with StoreReader.in_memory(con, names, params.signals) as reader:
                result = detect_reader(reader, params, progress=say, edges_of=on)
            if keep_store and store is None:
                say(f"writing the action store {out / 'store'}")
                _write_store(con, names, out / "store", report.dataset)
            return _timed(result, parsed, started), report
    with ExitStack() as stack:
        store = out / "store" if keep_store else _scratch(stack, out)
        report = load(
            list(paths),
            format=format,
            dataset=dataset,
            platform=platform,
            report_dir=out / "load",
            store_only=store,
            batch_size=FILE_BATCH_SIZE,
        )
        parsed = time.monotonic() - started
        result = detect(None, params, store=store, write=False, progress=progress, spark=spark)
    return _timed(result, parsed, started), report


def _scratch(stack: ExitStack, out: Path) -> Path:
    """A temporary folder inside ``out``, removed when ``stack`` closes."""
    out.mkdir(parents=True, exist_ok=True)
    return Path(stack.enter_context(tempfile.TemporaryDirectory(dir=out)))


def _timed(result: DetectionResult, parsed: float, started: float) -> DetectionResult:
    result.seconds = {"parse": parsed, **result.seconds, "total": time.monotonic() - started}
    return result


def _write_store(
    con: duckdb.DuckDBPyConnection, names: list[str], store: Path, dataset: str
) -> None:
    """The tables :func:`loader.fastread.read_columnar` left in ``con`` as an action store."""
    clear(store)
    writer = StoreWriter(store, dataset)
    for index, name in enumerate(names):
        copy_to_store(con, writer, f"file-{index:06d}", name)
    seal(store, None)
