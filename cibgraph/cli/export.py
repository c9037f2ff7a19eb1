"""``cibgraph export``: Gephi snapshots (GEXF 1.3, GraphML or CSV) of a detection run."""

from __future__ import annotations

from pathlib import Path

import click

from cibgraph.cli.common import format_option, settings_from
from cibgraph.graph import connect
from cibgraph.snapshot import DEFAULT_LIMIT, FORMATS, snapshot, write


@click.command("export")
@click.argument("out", type=click.Path(path_type=Path))
@format_option(
    FORMATS,
    "gexf (Gephi, with colours and timeline), graphml, or csv (OUT is a folder).",
    default="gexf",
)
@click.option("--run", "run_id", help="Detection run id (default: the newest run).")
@click.option(
    "--cluster",
    help="Only this cluster (id like run-...:3, or its index in the run) and its neighbours.",
)
@click.option(
    "--full",
    is_flag=True,
    help="The whole property graph (accounts, pages, groups, posts, urls, domains, "
    "hashtags) instead of a run's coordination graph. Small graphs only.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="--full refuses graphs with more nodes than this.",
)
@click.pass_context
def export_cmd(
    ctx: click.Context,
    out: Path,
    fmt: str,
    run_id: str | None,
    cluster: str | None,
    full: bool,
    limit: int,
) -> None:
    """Write a snapshot of the graph to OUT for Gephi or other tools.

    By default: the coordination graph of the newest detection run - the accounts of its
    clusters coloured by cluster, their COORDINATED_WITH edges, and the news-like pages
    the flagged clusters run or amplify. Open a .gexf in Gephi with File > Open; its
    timeline plays each account's first to last post. See docs/export.md.

    \b
    Examples:
      cibgraph export run.gexf
      cibgraph export --cluster 0 cluster0.gexf
      cibgraph export --run run-20261123T010203000000Z --format graphml run.graphml
      cibgraph export --format csv run-csv/
      cibgraph export --full --format gexf everything.gexf
    """
    with connect(settings_from(ctx)) as graph:
        G = snapshot(graph, run_id=run_id, cluster=cluster, full=full, limit=limit)
    path = write(G, out, fmt)
    what = (
        "property graph"
        if full
        else f"run {G.graph['run_id']}" + (f", cluster {G.graph['cluster']}" if cluster else "")
    )
    click.echo(
        f"wrote {G.number_of_nodes()} nodes and {G.number_of_edges()} edges ({what}) "
        f"to {path} as {fmt}"
    )
