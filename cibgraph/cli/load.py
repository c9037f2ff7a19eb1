"""``cibgraph load``: files into the graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from cibgraph.cli.common import settings_from
from cibgraph.errors import CibgraphError
from cibgraph.settings import DEFAULT_BATCH_SIZE
from loader.estimate import estimate_records
from loader.formats import choices
from loader.load import LoadReport, load


class _RateColumn(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        if task.finished and task.elapsed:  # a finished file: its whole rate
            speed = task.completed / task.elapsed
        return f"{speed:,.0f} rows/s" if speed else ""


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices()),
    default=None,
    help="Layout or family; default: detected from each file's header.",
)
@click.option(
    "--dataset",
    help="Dataset name stored as `source` on every node created (default: the first path's name).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Records per transaction.",
)
@click.option(
    "--writers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Neo4j only: sessions writing each batch at once, each with its own keys "
    "(on 2 cores two were slower than one; see docs/loading.md).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Validate each file fully first; any "
    "rejected row fails the load before anything of that file is written.",
)
@click.option(
    "--dry-run", is_flag=True, help="Parse and validate only; write nothing to the graph."
)
@click.option(
    "--no-resume",
    is_flag=True,
    help="Ignore checkpoints and reload every file (safe: loads are idempotent).",
)
@click.option(
    "--platform",
    default="twitter",
    show_default=True,
    help="Platform for layouts that do not name one (qut).",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where rejects.csv and summary.json go (default: ./cibgraph-load/DATASET).",
)
@click.option(
    "--bulk-csv",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write CSVs for `neo4j-admin database import full` into this directory "
    "instead of loading (for datasets too big for transactions; see README).",
)
@click.pass_context
def load_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str | None,
    dataset: str | None,
    batch_size: int,
    writers: int,
    strict: bool,
    dry_run: bool,
    no_resume: bool,
    platform: str,
    report_dir: Path | None,
    bulk_csv: Path | None,
) -> None:
    """Load takedown archives, exports and native files into the graph.

    A directory loads every .csv/.jsonl file directly in it (and a Telegram result.json).
    Layouts, detected by their columns or keys (see docs/formats.md): Twitter IO archive
    users/tweets (30 or 31 columns), fivethirtyeight IRA tweets (and the per-author
    variant), CrowdTangle Pages/Groups exports, CooRnet's ct_shares, twarc2 JSON lines
    and twarc-csv, Bluesky Jetstream events, Telegram channel exports, the QUT toolkit
    CSV, and the native CSV/JSONL. Columns are read by name; a record lacking its id,
    author or time goes to rejects.csv with file, line, field and reason; a damaged
    optional field is dropped and counted in summary.json (--strict rejects it).
    Re-running after an interruption resumes from the last committed batch.

    \b
    Examples:
      cibgraph load data/                     # e.g. the China 2019 users + tweets files
      cibgraph load scenario/ --dataset hk-demo
      cibgraph load export.csv --format crowdtangle --dry-run
      cibgraph load ct_shares.csv search.jsonl --dataset election-links
      CIBGRAPH_URI=bolt://db:7687 cibgraph load big-release/ --writers 4   # Neo4j, many cores
    """
    settings = None if (dry_run or bulk_csv) else settings_from(ctx)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        disable=not sys.stderr.isatty(),
        transient=False,
    ) as bar:
        tasks: dict[str, int] = {}

        def finish_all() -> None:
            """Files are loaded one after another: a file ends when the next starts."""
            for task_id in tasks.values():
                task = bar.tasks[task_id]
                if not task.finished:
                    bar.update(task_id, total=task.completed)
                    bar.stop_task(task_id)

        def progress(file: str, n: int) -> None:
            if file not in tasks:
                finish_all()
                tasks[file] = bar.add_task(Path(file).name, total=estimate_records(file))
            task_id = tasks[file]
            bar.advance(task_id, n)
            task = bar.tasks[task_id]
            if task.total is not None and task.completed >= task.total:
                bar.update(task_id, total=int(task.completed * 1.05) + 1)  # an estimate

        report = load(
            list(paths),
            format=fmt,
            dataset=dataset,
            batch_size=batch_size,
            strict=strict,
            dry_run=dry_run,
            resume=not no_resume,
            platform=platform,
            report_dir=report_dir,
            settings=settings,
            progress=progress,
            bulk_csv=bulk_csv,
            writers=writers,
        )
        finish_all()
    print_report(report)
    # a file none of whose records loaded, in this run or a run it resumed from (after a
    # checkpoint, the records left may be a file's few bad ones)
    refused = [
        f
        for f in report.files
        if not f.skipped and f.rejected and not f.loaded and not f.resumed_from
    ]
    if refused:
        names = ", ".join(Path(f.path).name for f in refused)
        raise CibgraphError(
            f"every record of {names} was rejected (see {report.rejects_file or 'rejects.csv'}): "
            "check the layout (--format) and the first rejects above"
        )


def print_report(report: LoadReport) -> None:
    console = Console()
    title = f"load of {report.dataset}" + (" (dry run: nothing written)" if report.dry_run else "")
    table = Table(title=title, title_justify="left")
    for column in ("file", "format", "loaded", "rejected", "note", "seconds"):
        table.add_column(
            column, justify="right" if column in ("loaded", "rejected", "seconds") else "left"
        )
    for f in report.files:
        note = (
            "already loaded"
            if f.skipped
            else f"resumed after {f.resumed_from:,}"
            if f.resumed_from
            else ""
        )
        table.add_row(
            Path(f.path).name,
            f.format,
            f"{f.loaded:,}",
            f"{f.rejected:,}",
            note,
            f"{f.seconds:.1f}",
        )
    console.print(table)
    console.print(f"{report.loaded:,} loaded, {report.rejected:,} rejected")
    for line in report.first_rejects[:5]:
        console.print(f"  rejected {line}", markup=False, highlight=False)
    for line in report.column_notes():
        console.print(f"  {line}", markup=False, highlight=False)
    if report.rejects_file:
        console.print(f"rejects: {report.rejects_file}", markup=False)
    console.print(f"summary: {Path(report.report_dir or '.') / 'summary.json'}", markup=False)
    if report.bulk_args:
        console.print(
            "bulk import files written; on the Neo4j host run, from that directory:\n"
            "  neo4j-admin database import full neo4j --overwrite-destination "
            "--skip-duplicate-nodes=true --skip-bad-relationships=true "
            + " ".join(report.bulk_args)
            + "\nthen: cibgraph db schema",
            markup=False,
            highlight=False,
        )
