"""``cibgraph demo``: the synthetic Hong Kong 2019 scenario."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from cibgraph.scenario import FORMATS, SCALES, generate
from cibgraph.scenario.variants import VARIANTS


@click.group()
def demo() -> None:
    """Synthetic data with known answers, to try cibgraph on.

    The scenario is modelled on the August 2019 Hong Kong takedowns: an operation core in
    clusters with campaign events, mostly dormant amplifiers, 7 fake news pages run by 5
    admins with 3 groups, an organic population and hard negatives (genuine outlets, a fan
    community, benign bots, a crowd sharing one viral video). See docs/scenario.md.

    \b
    Examples:
      cibgraph demo generate hk-demo                          # demo scale, native CSVs
      cibgraph demo generate hk-tiny --scale tiny --seed 7
      cibgraph demo generate hk-archive --format twitter-archive
      cibgraph load hk-demo --dataset hk-demo                 # then load it
    """


@demo.command("generate")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default="demo",
    show_default=True,
    help="tiny: <2,000 posts; demo: ~50,000; full: ~2,000,000 posts, 200k+ accounts.",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Same seed, byte-identical files."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="native",
    show_default=True,
    help="native: all of it (docs/formats.md); twitter-archive: the Twitter side as an IO "
    "archive; crowdtangle: pages and groups as CrowdTangle exports.",
)
@click.option(
    "--variant",
    type=click.Choice(list(VARIANTS)),
    default="demo",
    show_default=True,
    help="How the operation behaves: "
    + "; ".join(f"{name}: {doc}" for name, (doc, _) in VARIANTS.items())
    + ".",
)
def generate_cmd(out_dir: Path, scale: str, seed: int, fmt: str, variant: str) -> None:
    """Write the scenario and its ground truth (truth.csv, pages_truth.csv) to OUT_DIR.

    \b
    Examples:
      cibgraph demo generate /tmp/hk --scale tiny --seed 1
      cibgraph demo generate /tmp/hk-full --scale full --seed 42
      cibgraph demo generate /tmp/hk-ct --scale demo --format crowdtangle
      cibgraph demo generate /tmp/hk-slow --variant slow
    """
    start = time.perf_counter()
    summary = generate(out_dir, scale=scale, seed=seed, format=fmt, variant=variant)
    print_summary(summary, time.perf_counter() - start)


def print_summary(summary: dict, seconds: float) -> None:  # type: ignore[type-arg]
    console = Console()
    variant = "" if summary["variant"] == "demo" else f", variant {summary['variant']}"
    title = f"scenario {summary['scale']} (seed {summary['seed']}{variant}, {summary['format']})"
    table = Table(title=title, title_justify="left")
    for column in ("truth label", "accounts", "pages/groups", "posts"):
        table.add_column(column, justify="left" if column == "truth label" else "right")
    labels = sorted({*summary["accounts"], *summary["pages"], *summary["posts_by_label"]})
    for label in labels:
        cells = (summary[key].get(label) for key in ("accounts", "pages", "posts_by_label"))
        table.add_row(label, *("" if n is None else f"{n:,}" for n in cells))
    console.print(table)
    files = Table(title=f"files in {summary['out_dir']}", title_justify="left")
    files.add_column("file")
    files.add_column("rows", justify="right")
    for name, rows in summary["files"].items():
        files.add_row(name, f"{rows:,}")
    console.print(files)
    amplifiers = summary["accounts"].get("amplifier")
    if amplifiers:
        console.print(f"{summary['active_amplifiers']:,} of {amplifiers:,} amplifiers active")
    console.print(
        f"{summary['posts']:,} posts written in {seconds:.1f} s; "
        f"load with: cibgraph load {summary['out_dir']}",
        markup=False,
        highlight=False,
    )
