"""``cibgraph detect``: flagged clusters from the graph or straight from files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from analytics.actions import SIGNALS
from analytics.communities import ENGINES
from analytics.detect import DEFAULT_SIGNALS, DEFAULT_WINDOWS, DetectParams, detect
from analytics.fromfiles import detect_files
from analytics.outputs import write_clusters, write_edges_csv
from analytics.spark_coaction import DEFAULT_MASTER, MASTER_ENV, SparkSettings
from cibgraph.cli.common import StepLog, format_option, settings_from
from cibgraph.output import print_table
from loader.store import dataset_slug


@click.command("detect")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--signals",
    default=",".join(DEFAULT_SIGNALS),
    show_default=True,
    help=f"Comma-separated co-action signals: {', '.join(SIGNALS)}.",
)
@click.option(
    "--window",
    default=",".join(str(w) for w in DEFAULT_WINDOWS),
    show_default=True,
    callback=lambda _ctx, _param, value: _window(value),
    help="Seconds within which two accounts' actions on the same object count; several "
    "(the default: a minute and an hour): edges at each, each recorded at its tightest, and "
    "clusters tested at each; one (60, as QUT); or 'auto': estimated from the data with "
    "CooRnet's method (the pace of the quickest-shared objects), and said why.",
)
@click.option(
    "--min-weight",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Matched posts an edge of one signal needs (QUT's min_edge_weight).",
)
@click.option(
    "--max-actors",
    default="none",
    show_default=True,
    help="Skip objects (viral links, national hashtags) touched by more accounts, e.g. "
    "500 (faster on data with very hot objects); 'none' keeps every object, as QUT does.",
)
@click.option(
    "--min-participation",
    type=click.IntRange(min=1),
    default=None,
    help="CooRTweet's rule beside --min-weight: only accounts with at least N actions "
    "take part, and an edge stays when either account has N actions matched by "
    "anyone (with --min-weight 1: CooRTweet's pairs). Off by default.",
)
@click.option(
    "--fast-window",
    type=click.IntRange(min=0),
    default=None,
    help="Also mark (in --edges-out, column fast) the edges that still hold within this "
    "narrower window, e.g. 10 (CooRTweet's flag_speed_share).",
)
@click.option(
    "--compute",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Where the co-action join runs: on this machine (duckdb: the compiled sweep) or on "
    "Apache Spark (pip install 'cibgraph[spark]'; reads the action store's Parquet).",
)
@click.option(
    "--spark-master",
    envvar=MASTER_ENV,
    default=DEFAULT_MASTER,
    show_default=True,
    help=f"With --compute spark: the master URL (local[*], spark://HOST:7077, yarn, "
    f"k8s://...); also ${MASTER_ENV}.",
)
@click.option(
    "--spark-conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="With --compute spark: a Spark setting passed through (repeatable), e.g. "
    "spark.driver.memory=8g.",
)
@click.option(
    "--spark-edges",
    metavar="DIR",
    help="With --compute spark: keep the edge Parquet in this folder or URI (default: a "
    "temporary folder, removed at the end).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="igraph",
    show_default=True,
    help="Community detection engine (louvain = python-louvain).",
)
@click.option(
    "--resolution",
    type=float,
    default=1.0,
    show_default=True,
    help="Community resolution (modularity's gamma): above 1 splits the coordination graph "
    "into more, smaller clusters; below 1 merges them.",
)
@click.option(
    "--seed",
    type=int,
    default=42,
    show_default=True,
    help="Random seed of the community engine and the chance draws: the same data and seed "
    "give the same clusters.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Authenticity-marker score from which a cluster aligned beyond chance (but not "
    "in lockstep) is flagged.",
)
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Smallest cluster (members) that is scored and can be flagged.",
)
@click.option(
    "--draws",
    type=click.IntRange(min=10),
    default=50,
    show_default=True,
    help="Day-rolled timelines drawn to estimate how much alignment chance gives.",
)
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.05,
    show_default=True,
    help="False discovery rate (Benjamini-Hochberg) for coordination beyond chance.",
)
@click.option(
    "--min-excess",
    type=click.FloatRange(0, 1),
    default=0.1,
    show_default=True,
    help="Share of posts aligned beyond chance a cluster needs (with the score).",
)
@click.option(
    "--lockstep",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Share of posts aligned beyond chance that flags a cluster whatever its score.",
)
@click.option(
    "--percentile",
    type=click.FloatRange(0, 1),
    default=None,
    help="Keep only combined edges at or above this weight quantile (CooRnet: 0.9).",
)
@click.option(
    "--min-symmetry",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Drop pairs whose two directions differ more (CooRTweet's symmetry).",
)
@click.option(
    "--write-edges",
    type=click.Choice(["none", "flagged", "all"]),
    default="flagged",
    show_default=True,
    help="Which coordination edges to write as COORDINATED_WITH: flagged (each flagged "
    "account's 25 heaviest), all, or none.",
)
@click.option("--no-write", is_flag=True, help="Do not record the run in the graph.")
@click.option(
    "--edges-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every signal's directed edges as CSV: signal,source,target,weight "
    "(the input's own ids).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for clusters.csv, members.csv and result.json (with PATHS default: "
    "./cibgraph-detect/<name>; it also holds the parse's rejects).",
)
@click.option(
    "--keep-store",
    is_flag=True,
    help="With PATHS: also keep the parsed actions as an action store (Parquet) in "
    "OUT/store, to read with DuckDB, polars or pandas.",
)
@click.option(
    "--input-format",
    "input_format",
    help="With PATHS: the layout of the files (as `load --format`); default: detected.",
)
@click.option(
    "--platform",
    default="twitter",
    show_default=True,
    help="With PATHS: platform of files that do not say (QUT CSV).",
)
@click.option("--top", type=int, default=15, show_default=True, help="Clusters to print.")
@format_option(("table", "json"), "Output: a table of the clusters, or the whole result as JSON.")
@click.pass_context
def detect_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    signals: str,
    window: int | str,
    min_weight: int,
    max_actors: str,
    min_participation: int | None,
    fast_window: int | None,
    compute: str,
    spark_master: str,
    spark_conf: tuple[str, ...],
    spark_edges: str | None,
    engine: str,
    resolution: float,
    seed: int,
    threshold: float,
    min_size: int,
    draws: int,
    alpha: float,
    min_excess: float,
    lockstep: float,
    percentile: float | None,
    min_symmetry: float,
    write_edges: str,
    no_write: bool,
    edges_out: Path | None,
    out_dir: Path | None,
    input_format: str | None,
    platform: str,
    keep_store: bool,
    top: int,
    fmt: str,
) -> None:
    """Find coordinated clusters, score and explain them, and record the run.

    With no PATHS: the graph's actions (read from its action store, which is built from
    the graph once if another tool filled it), and a new DetectionRun in the graph
    (cluster queries read the newest). With PATHS: straight from the files (any layout
    `load` reads), with no graph at all: file in, network and clusters out.

    \b
    Examples:
      cibgraph detect
      cibgraph detect --signals url,repost --window 30 --engine louvain
      cibgraph detect --no-write --format json
      cibgraph detect messages.csv --signals repost,url --edges-out edges.csv
      cibgraph detect data/china_082019/ --out triage/ --max-actors 500
      cibgraph detect shares.csv --signals url --min-weight 1 --min-participation 2
      cibgraph detect messages.csv --window 60        # one window, as QUT
      cibgraph detect messages.csv --keep-store --out triage/   # + triage/store/*.parquet
      cibgraph detect messages.csv --compute spark --spark-master spark://head:7077
    """
    params = DetectParams(
        signals=tuple(s.strip() for s in signals.split(",") if s.strip()),
        window=window,
        min_weight=min_weight,
        max_actors=_max_actors(max_actors),
        min_participation=min_participation,
        fast_window=fast_window,
        engine=engine,
        resolution=resolution,
        seed=seed,
        threshold=threshold,
        min_size=min_size,
        draws=draws,
        alpha=alpha,
        min_excess=min_excess,
        lockstep=lockstep,
        percentile=percentile,
        min_symmetry=min_symmetry,
        write_edges=write_edges,
        compute=compute,
    )
    spark = SparkSettings(spark_master, _spark_conf(spark_conf), spark_edges)
    say = StepLog()
    if paths:
        name = paths[0].name if paths[0].is_dir() else paths[0].stem
        out_dir = out_dir or Path.cwd() / "cibgraph-detect" / dataset_slug(name)
        result, report = detect_files(
            list(paths),
            params,
            out_dir=out_dir,
            format=input_format,
            platform=platform,
            keep_store=keep_store,
            progress=say,
            spark=spark,
        )
        if report.rejected:
            click.echo(
                f"{report.rejected} of {report.rejected + report.loaded} records rejected; "
                f"see {report.rejects_file}",
                err=True,
            )
        for line in report.column_notes():
            click.echo(line, err=True)
    else:
        from cibgraph.graph import connect

        with connect(settings_from(ctx)) as graph:
            result = detect(graph, params, write=not no_write, progress=say, spark=spark)
    say.done()
    if result.window_estimate is not None:
        click.echo(result.window_estimate.reason(), err=True)
    if edges_out is not None:
        n = write_edges_csv(result, edges_out)
        click.echo(f"{n} edges written to {edges_out}", err=True)
    if out_dir is not None:
        files = write_clusters(result, out_dir)
        click.echo(f"clusters written to {files['clusters']} and {files['members']}", err=True)
    rows = [
        {
            "cluster": c.index,
            "size": len(c.members),
            "score": c.score,
            "flagged": c.flagged,
            "explanation": c.explanation,
        }
        for c in result.clusters[:top]
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "run_id": result.run_id,
                    "window": result.params.window,
                    "window_estimate": (
                        result.window_estimate.to_dict() if result.window_estimate else None
                    ),
                    "clusters": rows,
                    "edges": result.edge_counts,
                    "skipped_hot_objects": result.skipped_objects,
                    "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
                },
                indent=2,
            )
        )
        return
    print_table(rows, title=f"clusters (run {result.run_id or 'not recorded'})")
    click.echo(
        f"{len(result.flagged)} flagged of {len(result.clusters)} clusters; "
        f"edges per signal: {result.edge_counts}; "
        f"{result.seconds['total']:.1f} s"
    )


def _window(value: str | int) -> int | str | tuple[int, ...]:
    text = str(value).strip().lower()
    if text == "auto":
        return "auto"
    try:
        numbers = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a number of seconds, several (60,3600) or 'auto'",
            param_hint="--window",
        ) from None
    if min(numbers) < 0:
        raise click.BadParameter("must be at least 0 (or 'auto')", param_hint="--window")
    windows = tuple(sorted(set(numbers)))
    return windows[0] if len(windows) == 1 else windows


def _spark_conf(values: tuple[str, ...]) -> dict[str, str]:
    conf = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--spark-conf")
        conf[key.strip()] = setting.strip()
    return conf


def _max_actors(value: str) -> int | None:
    if value.strip().lower() in ("none", "0", "off"):
        return None
    try:
        number = int(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a number or 'none'", param_hint="--max-actors"
        ) from None
    if number < 2:
        raise click.BadParameter("must be at least 2 (or 'none')", param_hint="--max-actors")
    return number
