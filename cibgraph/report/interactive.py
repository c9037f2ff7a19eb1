"""The report's interactive coordination graph: its data, and the cytoscape.js bundle.

The page draws the graph with `cytoscape.js <https://js.cytoscape.org>`_ (MIT), installed
by ``npm ci --prefix tools/report-graph`` (``package-lock.json`` pins it) and inlined into
``report.html`` when the report is written, so the page needs no network. Positions are
computed here (igraph's Fruchterman-Reingold layout), so the page opens at once.

When the bundle is not installed, :func:`bundle` returns None: the report then says so
where the graph would be, and the static coordination picture stays.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np

from analytics.arrays import degrees, isin
from cibgraph.palette import cluster_hex

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLE_DIR = REPO_ROOT / "tools" / "report-graph"
BUNDLE = BUNDLE_DIR / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"
INSTALL_HINT = "npm ci --prefix tools/report-graph"
MAX_NODES = 800


def bundle() -> str | None:
    """The cytoscape.js bundle's text, or None when it is not installed."""
    try:
        return BUNDLE.read_text(encoding="utf-8")
    except OSError:
        return None


def graph_data(
    result: Any, labels: dict[str, str], max_nodes: int = MAX_NODES, seed: int = 42
) -> dict[str, Any] | None:
    """Nodes (handle, cluster, score, reasons, colour, position) and weighted edges of the
    run's coordination graph: every flagged cluster's members first, then the other
    clusters' most connected members, at most ``max_nodes``."""
    import networkx as nx

    combined, membership = result.combined, result.membership
    if combined is None or len(combined) == 0 or result.actions is None:
        return None
    uids = result.actions.actors.values
    clusters = {c.index: c for c in result.clusters}
    # chosen on the arrays: a run's combined graph can hold tens of millions of edges
    u, v, w = np.asarray(combined.u), np.asarray(combined.v), np.asarray(combined.weight)
    clustered = np.fromiter(membership, dtype=np.int64, count=len(membership))
    inside = isin(u, clustered) & isin(v, clustered)
    u, v, w = u[inside], v[inside], w[inside]
    degree = degrees(u, v)
    present = np.flatnonzero(degree).tolist()
    order = sorted(
        present,
        key=lambda n: (not clusters[membership[n]].flagged, -int(degree[n]), uids[n]),
    )
    chosen = np.asarray(order[:max_nodes], dtype=np.int64)
    keep = isin(u, chosen) & isin(v, chosen)
    sub = nx.Graph()
    sub.add_nodes_from(chosen.tolist())
    for a, b, weight in zip(u[keep].tolist(), v[keep].tolist(), w[keep].tolist(), strict=True):
        sub.add_edge(a, b, weight=float(weight))
    if sub.number_of_nodes() == 0:
        return None
    pos = _layout(sub, seed)
    accounts = result.actions.accounts
    nodes = []
    for n in sorted(sub.nodes, key=lambda n: uids[n]):
        uid = uids[n]
        cluster = clusters[membership[n]]
        name = labels.get(uid) or (accounts.get(uid) or {}).get("handle") or uid
        x, y = pos[n]
        nodes.append(
            {
                "id": uid,
                "label": name,
                "cluster": cluster.index,
                "flagged": cluster.flagged,
                "score": round(cluster.score, 3),
                "reasons": cluster.explanation,
                "colour": cluster_hex(cluster.index),
                "x": round(float(x) * 1000, 1),
                "y": round(float(y) * 1000, 1),
            }
        )
    edges = [
        {"source": uids[u], "target": uids[v], "weight": round(d["weight"], 2)}
        for u, v, d in sorted(sub.edges(data=True), key=lambda e: (uids[e[0]], uids[e[1]]))
    ]
    legend = [
        {
            "cluster": c.index,
            "flagged": c.flagged,
            "colour": cluster_hex(c.index),
            "nodes": sum(1 for node in nodes if node["cluster"] == c.index),
        }
        for c in result.clusters
        if any(node["cluster"] == c.index for node in nodes)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "shown": len(nodes),
        "total": len(present),
    }


def _layout(g: Any, seed: int) -> dict[int, tuple[float, float]]:
    """Fruchterman-Reingold positions (igraph's, weighted; deterministic for a seed)."""
    import igraph as ig

    nodes = sorted(g.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in g.edges]
    weights = [g.edges[u, v]["weight"] for u, v in g.edges]
    graph = ig.Graph(n=len(nodes), edges=edges)
    state = random.getstate()
    random.seed(seed)  # igraph draws its starting positions from Python's random
    try:
        layout = graph.layout_fruchterman_reingold(weights=weights or None, niter=500)
    finally:
        random.setstate(state)
    coords = layout.coords
    xs = [c[0] for c in coords] or [0.0]
    ys = [c[1] for c in coords] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    return {
        n: ((coords[i][0] - min(xs)) / span * 2 - 1, (coords[i][1] - min(ys)) / span * 2 - 1)
        for n, i in index.items()
    }


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
