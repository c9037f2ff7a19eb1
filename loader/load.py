"""``loader.load``: files in, graph out, with rejects quarantined and progress checkpointed.

Example::

    from loader import load
    report = load(["data/china_082019_1_tweets_csv_hashed.csv"], dataset="china-2019")
    print(report.loaded, report.rejected, report.report_dir)

The steps: expand directories (their recognised files, not recursive); detect every
file's layout before writing anything; order files so entities load before the posts and
relations that refer to them; then stream each file in batches, one transaction per
batch with its checkpoint. A re-run skips what a checkpoint says is committed (use
``resume=False`` to redo everything; MERGE keeps it idempotent either way).
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cibgraph.errors import CibgraphError
from cibgraph.output import safe_cell
from cibgraph.settings import DEFAULT_BATCH_SIZE, Settings
from loader import columnar
from loader.bulk import BulkWriter
from loader.formats import DATA_DOCUMENTS, DATA_SUFFIXES, Context, FormatSpec, UnknownFormat, detect
from loader.formats.common import is_platform_name
from loader.formats.ira import AUTHORS
from loader.formats.native import kind_of_jsonl
from loader.parallel import ParallelWriter
from loader.parse import PartResult, parse_in_parts, parsed_rows, records_of, splittable
from loader.reader import not_text, read_header
from loader.records import Reject
from loader.store import (
    StoreWriter,
    clear,
    dataset_slug,
    graph_fingerprint,
    open_for_load,
    seal,
)
from loader.writer import Batch, Checkpoint, finish, read_checkpoint

if TYPE_CHECKING:
    from cibgraph.graph import Graph


REJECTS_NAME = "rejects.csv"
SUMMARY_NAME = "summary.json"
#: Lines shown per dropped field in the summary.
DROP_EXAMPLES = 3


class LoadError(CibgraphError):
    """Input problems that stop a load (unknown format, --strict rejection)."""


@dataclass
class FileReport:
    path: str
    format: str
    records: int = 0  # data records read in this run
    loaded: int = 0
    rejected: int = 0
    resumed_from: int = 0  # records skipped because a checkpoint said they were committed
    skipped: bool = False  # whole file already loaded
    seconds: float = 0.0
    ignored_columns: list[str] = field(default_factory=list)  # in the file, not read
    missing_columns: list[str] = field(default_factory=list)  # known, not in the file
    #: field -> {"count": records loaded without it, "examples": ["line 7: reason", ...]}
    dropped: dict[str, dict[str, Any]] = field(default_factory=dict)

    def drop(self, line: int, fld: str, reason: str) -> None:
        """A record loaded without its damaged field ``fld``."""
        entry = self.dropped.setdefault(fld, {"count": 0, "examples": []})
        entry["count"] += 1
        if len(entry["examples"]) < DROP_EXAMPLES:
            entry["examples"].append(f"line {line}: {reason}")


@dataclass
class LoadReport:
    dataset: str
    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    report_dir: str | None = None
    rejects_file: str | None = None
    first_rejects: list[str] = field(default_factory=list)
    bulk_args: list[str] = field(default_factory=list)  # neo4j-admin import arguments

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "loaded": self.loaded, "rejected": self.rejected}

    def column_notes(self) -> list[str]:
        """What the load did with each file's columns and damaged fields, one line each."""
        lines: list[str] = []
        for f in self.files:
            name = Path(f.path).name
            if f.missing_columns:
                lines.append(f"{name}: no column {', '.join(f.missing_columns)} (loaded without)")
            if f.ignored_columns:
                lines.append(f"{name}: ignored column(s) {', '.join(f.ignored_columns)}")
            for fld, drop in f.dropped.items():
                example = drop["examples"][0] if drop["examples"] else ""
                lines.append(
                    f"{name}: {drop['count']:,} record(s) loaded without {fld} (damaged; {example})"
                )
        return lines


def check_platform(platform: str) -> None:
    """Refuse a ``--platform`` that is not a platform name (it becomes part of every uid)."""
    if not is_platform_name(platform):
        raise LoadError(
            f"--platform {platform!r} is not a platform name like twitter or facebook "
            "(lower-case letters, digits, - and _)"
        )


def report_folder(report_dir: str | Path | None, dataset: str) -> Path:
    """``report_dir``, or ``./cibgraph-load/<dataset>`` with the dataset name made a safe
    folder name (a ``--dataset`` of ``../x`` cannot write outside ``./cibgraph-load``)."""
    return Path(report_dir) if report_dir else Path.cwd() / "cibgraph-load" / dataset_slug(dataset)


def expand(paths: list[Path]) -> list[Path]:
    """Files named, plus the data files directly inside directories named."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p
                for p in path.iterdir()
                if p.is_file()
                and (p.suffix.lower() in DATA_SUFFIXES or p.name.lower() in DATA_DOCUMENTS)
            )
        elif path.exists():
            out.append(path)
        else:
            raise LoadError(f"{path}: no such file or directory")
    if not out:
        raise LoadError("no data files (.csv, .jsonl) in " + ", ".join(map(str, paths)))
    return out


def plan(paths: list[Path], wanted: str | None) -> list[tuple[Path, FormatSpec]]:
    """Detect every file's layout up front; entities first, then posts, then relations."""
    planned = []
    for path in expand(paths):
        problem = not_text(path)
        if problem:
            raise LoadError(problem)
        try:
            planned.append((path, detect(path, wanted)))
        except UnknownFormat as exc:
            raise LoadError(str(exc)) from None
    return sorted(planned, key=lambda item: (item[1].order, str(item[0])))


def fingerprint(path: Path, spec: FormatSpec, dataset: str) -> str:
    """Checkpoint key: same file content (size, mtime, first MiB), layout and dataset."""
    stat = path.stat()
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        digest.update(f.read(1 << 20))
    digest.update(f"{stat.st_size}|{stat.st_mtime_ns}|{spec.name}|{dataset}".encode())
    return digest.hexdigest()


class _Quarantine:
    """Appends rejects to ``rejects.csv`` (opened on the first one)."""

    COLUMNS = ("file", "line", "field", "reason", "raw")

    def __init__(self, path: Path, stack: ExitStack) -> None:
        self.path = path
        self._stack = stack
        self._writer: csv.DictWriter[str] | None = None
        self.first: list[str] = []

    def add(self, reject: Reject) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = self._stack.enter_context(open(self.path, "w", newline="", encoding="utf-8"))  # noqa: SIM115 (closed by the ExitStack)
            self._writer = csv.DictWriter(handle, fieldnames=self.COLUMNS)
            self._writer.writeheader()
        self._writer.writerow({k: safe_cell(getattr(reject, k)) for k in self.COLUMNS})
        if len(self.first) < 20:
            self.first.append(str(reject))


def load(
    paths: list[str | Path] | str | Path,
    *,
    format: str | None = None,
    dataset: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    strict: bool = False,
    dry_run: bool = False,
    resume: bool = True,
    platform: str = "twitter",
    report_dir: str | Path | None = None,
    settings: Settings | None = None,
    graph: Graph | None = None,
    progress: Callable[[str, int], None] | None = None,
    bulk_csv: str | Path | None = None,
    store_only: str | Path | None = None,
    writers: int = 1,
) -> LoadReport:
    """Load ``paths`` into the graph; see the module doc. Returns a :class:`LoadReport`.

    ``strict`` validates each file completely before writing any of it and stops at its
    first rejection (:class:`LoadError`). ``dry_run`` parses and validates, writes nothing
    to the graph (rejects and summary are still written). ``progress(file, n)`` is called
    as records are consumed. ``bulk_csv`` writes neo4j-admin import files into that
    directory instead of the graph (see :mod:`loader.bulk`). ``store_only`` writes the
    actions into a fresh action store in that directory and nothing to any graph (what
    ``cibgraph detect FILES`` runs; see :mod:`loader.store`). ``writers``: sessions
    writing each batch at once, each with its own keys (see :mod:`loader.parallel`); more
    than 1 only into Neo4j.
    """
    if batch_size < 1:
        raise LoadError(f"--batch-size must be at least 1, not {batch_size}")
    if writers < 1:
        raise LoadError(f"--writers must be at least 1, not {writers}")
    check_platform(platform)
    items = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
    planned = plan(items, format)
    name = dataset or (items[0].name if items[0].is_dir() else items[0].stem)
    out_dir = report_folder(report_dir, name)
    report = LoadReport(dataset=name, dry_run=dry_run, report_dir=str(out_dir))
    bulk = BulkWriter(Path(bulk_csv), name) if bulk_csv else None
    if bulk is not None or store_only is not None:
        dry_run = True  # nothing goes to the graph
    extra: dict[str, object] = {}  # shared across files of one call (IRA authors map)
    written: dict[str, object] = {}  # nodes committed by this call (not sent again)

    with ExitStack() as stack:
        quarantine = _Quarantine(out_dir / REJECTS_NAME, stack)
        if not dry_run and graph is None:
            from cibgraph.graph import connect  # only a load into a graph needs the driver

            graph = stack.enter_context(connect(settings))
        store: StoreWriter | None = None
        writer: ParallelWriter | None = None
        if graph is not None and not dry_run:
            if writers > 1 and graph.backend != "neo4j":
                raise LoadError(
                    f"--writers {writers}: the embedded server writes with one session "
                    "(several conflict on its pages and are slower); load into Neo4j "
                    "for several, or leave --writers out"
                )
            writer = stack.enter_context(ParallelWriter(graph, writers))
        if store_only is not None:
            clear(Path(store_only))
            store = StoreWriter(Path(store_only), name)
        elif graph is not None and not dry_run:
            from cibgraph.schema import apply_schema

            apply_schema(graph)
            if graph.store_dir is not None:
                store = open_for_load(graph.store_dir, graph, name, stack)
        for path, spec in planned:
            ctx = Context(
                file=str(path), source=name, platform=platform, extra=extra, strict=strict
            )
            file_report = FileReport(str(path), spec.name)
            if not (spec.jsonl or spec.json_document):
                header = read_header(path)[0]
                file_report.ignored_columns = spec.ignored(header)
                file_report.missing_columns = spec.missing(header)
            report.files.append(file_report)
            if spec.jsonl:
                ctx.extra["native_kind"] = kind_of_jsonl(path)
            started = time.monotonic()
            _load_file(
                path,
                spec,
                ctx,
                file_report,
                graph=None if dry_run else graph,
                writer=writer,
                store_only=store_only is not None,
                batch_size=batch_size,
                strict=strict,
                resume=resume,
                quarantine=quarantine,
                progress=progress,
                written=written,
                bulk=bulk,
                store=store,
            )
            file_report.seconds = round(time.monotonic() - started, 3)
        if graph is not None and not dry_run:
            finish(graph)
            if store is not None:
                seal(store.root, graph_fingerprint(graph))
        if bulk is not None:
            report.bulk_args = bulk.close()
        if store_only is not None:
            seal(Path(store_only), None)
        report.first_rejects = quarantine.first
        report.rejects_file = str(quarantine.path) if report.rejected else None
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / SUMMARY_NAME).write_text(json.dumps(report.to_dict(), indent=2))
    return report


def _load_file(
    path: Path,
    spec: FormatSpec,
    ctx: Context,
    report: FileReport,
    *,
    graph: Graph | None,
    writer: ParallelWriter | None = None,
    batch_size: int,
    strict: bool,
    resume: bool,
    quarantine: _Quarantine,
    progress: Callable[[str, int], None] | None,
    written: dict[str, object],
    bulk: BulkWriter | None = None,
    store: StoreWriter | None = None,
    store_only: bool = False,
) -> None:
    key = fingerprint(path, spec, ctx.source)
    done, complete = (0, False)
    if graph is not None and resume:
        done, complete = read_checkpoint(graph, key)
    if complete and spec is not AUTHORS:
        report.skipped = True
        report.resumed_from = done
        return
    fill = tuple(report.missing_columns)
    if strict:
        check = Context(**{**ctx.__dict__, "dropped": []})
        for item, _ in parsed_rows(records_of(path, spec), spec, check, fill=fill):
            if isinstance(item, Reject):
                raise LoadError(f"--strict: {item}; nothing from {path} was written")
    if store_only and store is not None and spec.name in columnar.FORMATS and not strict:
        found = columnar.write_qut(path, store, f"{key[:16]}-{0:012d}", ctx.platform)
        if found is not None:  # every record was clean: no row parser needed
            report.records = report.loaded = found
            return
    if graph is None and bulk is None and not complete and splittable(path, spec):
        # nothing to checkpoint: the parts are parsed on every core
        def on_part(part: PartResult) -> None:
            report.records += part.records
            report.loaded += part.loaded
            report.rejected += len(part.rejects)
            for reject in part.rejects:
                quarantine.add(reject)
            for line, fld, reason in part.drops:
                report.drop(line, fld, reason)
            if progress is not None and part.records:
                progress(str(path), part.records)

        parse_in_parts(
            path,
            spec,
            ctx,
            fill=fill,
            batch_size=batch_size,
            store=store if store_only else None,
            part_prefix=f"{key[:16]}-p",
            on_part=on_part,
        )
        return
    if complete:  # IRA authors.csv: parse again for the author map, write nothing
        graph = None
    report.resumed_from = done
    batch = Batch()
    consumed = done
    batch_start = done
    pending_progress = 0

    def flush(final: bool) -> None:
        nonlocal batch, batch_start
        if store is not None and len(batch) and (store_only or graph is not None):
            # Before the graph commit: a batch that never commits is rewritten under the
            # same part name when the load resumes (see loader.store).
            store.write_batch(f"{key[:16]}-{batch_start:012d}", batch)
        if graph is not None and writer is not None and (len(batch) or final):
            writer.write(
                batch,
                source=ctx.source,
                checkpoint=Checkpoint(key, str(path), spec.name, consumed, complete=final),
                written=written,
            )
        report.loaded += batch.rows
        batch = Batch()
        batch_start = consumed

    for item, count in parsed_rows(records_of(path, spec, skip=done), spec, ctx, report.drop, fill):
        consumed = done + count
        report.records += 1
        pending_progress += 1
        if isinstance(item, Reject):
            report.rejected += 1
            quarantine.add(item)
        elif bulk is not None:
            bulk.add(item)
            report.loaded += 1
        else:
            batch.add(item)
            if len(batch) >= batch_size:
                flush(final=False)
        if progress is not None and pending_progress >= 1000:
            progress(str(path), pending_progress)
            pending_progress = 0
    flush(final=True)
    if progress is not None and pending_progress:
        progress(str(path), pending_progress)
