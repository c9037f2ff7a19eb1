"""Records of a file parsed into rows, and a large file parsed on every core.

:func:`parsed_rows` is the one loop from a reader's records to parsed rows (or rejects),
with dropped fields counted. :func:`parse_in_parts` runs it on parts of a large file in
parallel, for the loads that write nowhere or only to the action store (``--dry-run``,
``cibgraph detect FILES``); a load into a graph reads one record after another, as its
checkpoints count them.

A file is cut into parts (:class:`~loader.reader.Span`) of about :data:`PART_BYTES` at
record boundaries: for JSON lines, any line end; for CSV, a line end with an even number
of quote characters before it (a quoted field never holds one then); for a Telegram export
(one JSON document), the line end before a message as Telegram Desktop indents them, each
part reading the chat's keys from the file's start. A part must end
where its last record ends; a reader that runs out inside a record (a stray quote in an
unquoted field breaks the count; an object inside a message is indented as messages are)
marks its part cut, and everything from that part on is
read again in one process, as if there were no parts. Each part's rows, rejects and
dropped fields come back in file order, so the summary and ``rejects.csv`` are the same
as a sequential read's; each part writes its own action-store parts, ordered by their
``seq`` as a sequential load would order them. A layout that merges a post's several rows
(:attr:`~loader.formats.FormatSpec.merges_rows`) is read in parts only when nothing is
written; with an action store, in order in one process.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from loader.formats import Context, FormatSpec
from loader.formats.common import RowError
from loader.jsonread import MAX_JSON_DOCUMENT_BYTES, read_json_messages, read_jsonl
from loader.reader import Record, Span, read_csv
from loader.records import Reject, Row
from loader.writer import Batch

if TYPE_CHECKING:
    from loader.store import StoreWriter

#: The size of one part of a file parsed in parallel, at most ...
PART_BYTES = 8 << 20
#: ... and at least (unless PART_BYTES is smaller): a file of fewer bytes than
#: PARTS_PER_WORKER parts of PART_BYTES per worker is cut into smaller parts, so that every
#: core has several to take in turn and none is left with the last long one.
MIN_PART_BYTES = 1 << 20
PARTS_PER_WORKER = 4
#: How far past a part's planned end its CSV boundary is looked for.
MAX_BOUNDARY_SEARCH = 4 << 20
#: seq steps between parts (each part's batches count up from its own base).
SEQ_PER_PART = 1_000_000


def parsed_rows(
    records: Iterator[Record | Reject],
    spec: FormatSpec,
    ctx: Context,
    drop: Callable[[int, str, str], None] | None = None,
    fill: tuple[str, ...] = (),
) -> Iterator[tuple[Row | Reject, int]]:
    """(row or reject, records consumed so far). The known columns ``fill`` (those the
    file lacks) reach the parser as None; fields the parser dropped are passed to
    ``drop(line, field, reason)``."""
    parse, dropped = spec.parse, ctx.dropped  # (the list is only ever changed in place)
    for count, item in enumerate(records, start=1):
        if type(item) is Reject:
            yield item, count
            continue
        fields = item.fields
        for name in fill:
            fields[name] = None
        if dropped:
            dropped.clear()
        try:
            row = parse(fields, ctx)
            if dropped and drop is not None:
                for fld, reason in dropped:
                    drop(item.line, fld, reason)
            yield row, count
        except RowError as exc:
            yield Reject(ctx.file, item.line, exc.field, exc.reason, item.raw), count
        except Exception as exc:  # hostile input: one row never stops a load
            reason = f"unreadable record ({type(exc).__name__}: {exc})"[:300]
            yield Reject(ctx.file, item.line, "", reason, item.raw), count


def records_of(
    path: Path, spec: FormatSpec, skip: int = 0, span: Span | None = None
) -> Iterator[Record | Reject]:
    if spec.json_document:
        return read_json_messages(path, skip=skip, span=span)
    if spec.jsonl:
        return read_jsonl(path, skip=skip, span=span)
    return read_csv(path, skip=skip, span=span, columns=spec.reads or None)


def workers() -> int:
    """Processes a large file is parsed with: ``CIBGRAPH_PARSE_WORKERS``, else the cores
    this process may run on."""
    wanted = os.environ.get("CIBGRAPH_PARSE_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def splittable(path: Path, spec: FormatSpec) -> bool:
    """Whether ``path`` is parsed in parts: more than one core, a layout whose records
    parse on their own (not rows that continue the row before, unless they only merge a
    post's rows: :attr:`~loader.formats.FormatSpec.merges_rows`), and at least two small
    parts' worth of bytes; a JSON document must be valid UTF-8 and not too large (else
    one process reads it, to reject it whole)."""
    size = path.stat().st_size
    if workers() < 2 or (spec.stateful and not spec.merges_rows):
        return False
    if size < 2 * min(PART_BYTES, MIN_PART_BYTES):
        return False
    if spec.json_document:
        if size > MAX_JSON_DOCUMENT_BYTES:
            return False
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _lines_in(data: bytes) -> int:
    """Line ends as Python's universal newlines count them (``\\n``, ``\\r\\n``, ``\\r``)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def spans(path: Path, spec: FormatSpec, part_bytes: int | None = None) -> list[Span]:
    """The file's parts, in order (see the module doc)."""
    size = path.stat().st_size
    step = part_bytes or min(
        PART_BYTES, max(MIN_PART_BYTES, size // (workers() * PARTS_PER_WORKER))
    )
    if size == 0:
        return [Span(0, 0, 1)]
    cuts, line_at = [0], [1]
    odd = False  # an odd number of quotes from the file's start to cuts[-1]
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        while cuts[-1] + step < size:
            start, target = cuts[-1], cuts[-1] + step
            if not spec.jsonl:
                odd ^= bool(data[start:target].count(b'"') & 1)
            at = target
            if spec.json_document:  # before a message: Telegram Desktop indents them by 2
                found = data.find(b"\n  {", target, target + MAX_BOUNDARY_SEARCH)
                if found < 0:
                    break
                line_at.append(line_at[-1] + _lines_in(data[start:found]))
                cuts.append(found)
                continue
            while True:
                end = data.find(b"\n", at)
                if end < 0 or end - target > MAX_BOUNDARY_SEARCH:
                    at = -1
                    break
                if not spec.jsonl:
                    odd ^= bool(data[at : end + 1].count(b'"') & 1)
                at = end + 1
                if not odd:
                    break
            if at < 0 or at >= size:
                break
            line_at.append(line_at[-1] + _lines_in(data[start:at]))
            cuts.append(at)
    cuts.append(size)
    return [Span(cuts[i], cuts[i + 1], line_at[i]) for i in range(len(cuts) - 1)]


@dataclass
class PartResult:
    """What one part gave: counts, its rejects and dropped fields in file order."""

    records: int = 0
    loaded: int = 0
    rejects: list[Reject] = field(default_factory=list)
    drops: list[tuple[int, str, str]] = field(default_factory=list)
    actions: int = 0
    cut: bool = False


@dataclass
class _Job:
    path: Path
    spec: FormatSpec
    ctx: Context
    fill: tuple[str, ...]
    batch_size: int
    store: StoreWriter | None
    part_prefix: str
    seq_base: int


_JOB: _Job | None = None  # set in the parent before the workers fork


def _parse_part(numbered: tuple[int, Span | None]) -> PartResult:
    index, span = numbered
    job = _JOB
    assert job is not None
    result = PartResult()
    batch, batches = Batch(), 0
    if job.store is None:  # nothing is written: the rows are only counted
        return _count_part(job, span, result)

    def flush() -> None:
        nonlocal batch, batches
        if job.store is not None and len(batch):
            result.actions += job.store.write_batch(
                f"{job.part_prefix}{index:05d}-{batches:06d}",
                batch,
                seq=job.seq_base + index * SEQ_PER_PART + batches,
            )
        result.loaded += batch.rows
        batch, batches = Batch(), batches + 1

    rows = _part_rows(job, span, result)
    for item, _ in rows:
        result.records += 1
        if isinstance(item, Reject):
            result.rejects.append(item)
            continue
        batch.add(item)
        if len(batch) >= job.batch_size:
            flush()
    flush()
    result.cut = span is not None and span.cut
    return result


def _part_rows(job: _Job, span: Span | None, result: PartResult):  # type: ignore[no-untyped-def]
    """The parsed rows of one part, their dropped fields recorded in ``result``."""
    drops = result.drops.append
    return parsed_rows(
        records_of(job.path, job.spec, span=span),
        job.spec,
        job.ctx,
        lambda line, fld, why: drops((line, fld, why)),
        job.fill,
    )


def _count_part(job: _Job, span: Span | None, result: PartResult) -> PartResult:
    """:func:`_parse_part` when nothing is written: the rows are counted, not batched."""
    rows = _part_rows(job, span, result)
    rejects = result.rejects.append
    for item, _ in rows:
        result.records += 1
        if type(item) is Reject:
            rejects(item)
    result.loaded = result.records - len(result.rejects)
    result.cut = span is not None and span.cut
    return result


def parse_in_parts(
    path: Path,
    spec: FormatSpec,
    ctx: Context,
    *,
    fill: tuple[str, ...],
    batch_size: int,
    store: StoreWriter | None,
    part_prefix: str,
    on_part: Callable[[PartResult], None],
) -> None:
    """Parse ``path`` in parts on :func:`workers` processes, handing each part's result to
    ``on_part`` in file order (see the module doc)."""
    global _JOB
    if store is not None:
        store.note_dataset()  # before the workers, which then find it noted
    _JOB = _Job(path, spec, ctx, fill, batch_size, store, part_prefix, time.time_ns())
    if spec.merges_rows and store is not None:  # a post's rows must be read in order
        try:
            on_part(_parse_part((0, None)))  # the whole file, streamed
        finally:
            _JOB = None
        return
    parts = spans(path, spec)
    redo: int | None = None
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers(), len(parts))) as pool:
            for index, result in enumerate(pool.imap(_parse_part, enumerate(parts))):
                if result.cut and index < len(parts) - 1:
                    redo = index
                    pool.terminate()
                    break
                on_part(result)
        if redo is not None:  # one process from the part that ran into the next
            if store is not None:
                store.drop_parts(part_prefix, lambda name: _part_index(name, part_prefix) >= redo)
            whole = Span(parts[redo].start, parts[-1].end, parts[redo].line)
            on_part(_parse_part((redo, whole)))
    finally:
        _JOB = None


def _part_index(name: str, prefix: str) -> int:
    return int(name[len(prefix) :].split("-", 1)[0])
