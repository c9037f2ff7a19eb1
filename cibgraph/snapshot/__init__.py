"""Gephi snapshots: a detection run's coordination graph, or the whole property graph, as a
networkx graph written to GEXF 1.3, GraphML or CSV.

One function per export kind:

* :func:`coordination_graph` - the accounts (and pages) of a run's clusters, their
  ``COORDINATED_WITH`` edges, and the news-like pages the flagged clusters run or amplify;
* :func:`property_graph` - every Account, Page, Group, Post, Url, Domain and Hashtag with
  the relationships between them (small graphs only);
* :func:`write_gexf`, :func:`write_graphml`, :func:`write_csv` - the files;
* :func:`export` - graph + file in one call (what ``cibgraph export`` runs).

Example::

    from cibgraph.snapshot import coordination_graph, write_gexf
    from cibgraph.graph import connect

    with connect() as graph:
        G = coordination_graph(graph)            # the newest run
    write_gexf(G, "run.gexf")                    # open in Gephi: File > Open

One module per part: :mod:`~cibgraph.snapshot.coordination` and
:mod:`~cibgraph.snapshot.property` build the graphs; :mod:`~cibgraph.snapshot.gexf`,
:mod:`~cibgraph.snapshot.graphml` and :mod:`~cibgraph.snapshot.csvfiles` write them. See
docs/export.md for what each file holds.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from cibgraph.errors import CibgraphError
from cibgraph.graph import Graph
from cibgraph.palette import PALETTE, UNCLUSTERED, cluster_colour
from cibgraph.snapshot.coordination import coordination_graph
from cibgraph.snapshot.csvfiles import write_csv
from cibgraph.snapshot.gexf import iso_time, node_size, write_gexf
from cibgraph.snapshot.graphml import write_graphml
from cibgraph.snapshot.property import DEFAULT_LIMIT, property_graph

__all__ = [
    "DEFAULT_LIMIT",
    "FORMATS",
    "PALETTE",
    "UNCLUSTERED",
    "cluster_colour",
    "coordination_graph",
    "export",
    "iso_time",
    "node_size",
    "property_graph",
    "snapshot",
    "write",
    "write_csv",
    "write_gexf",
    "write_graphml",
]

FORMATS = ("gexf", "graphml", "csv")


WRITERS = {"gexf": write_gexf, "graphml": write_graphml, "csv": write_csv}


def snapshot(
    graph: Graph,
    run_id: str | None = None,
    cluster: str | int | None = None,
    full: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> nx.Graph:
    """The graph an export writes: the property graph with ``full``, else a run's
    coordination graph."""
    if full:
        if run_id is not None or cluster is not None:
            raise CibgraphError(
                "--full exports the whole property graph; it takes no --run or --cluster"
            )
        return property_graph(graph, limit)
    return coordination_graph(graph, run_id, cluster)


def write(G: nx.Graph, out: str | Path, fmt: str = "gexf") -> Path:
    """Write ``G`` to ``out`` (a file; a folder for csv) in ``fmt``."""
    if fmt not in WRITERS:
        raise CibgraphError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    out = Path(out)
    if fmt != "csv" and out.is_dir():
        raise CibgraphError(f"{out} is a directory; give a file name like snapshot.{fmt}")
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise CibgraphError(f"{out} is a file; csv writes nodes.csv and edges.csv into a folder")
    return WRITERS[fmt](G, out)


def export(
    graph: Graph,
    out: str | Path,
    fmt: str = "gexf",
    run_id: str | None = None,
    cluster: str | int | None = None,
    full: bool = False,
    limit: int = DEFAULT_LIMIT,
) -> Path:
    """Build the snapshot (:func:`snapshot`) and write it (:func:`write`); returns the path
    written (the folder for csv)."""
    if fmt not in WRITERS:
        raise CibgraphError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return write(snapshot(graph, run_id, cluster, full, limit), out, fmt)
