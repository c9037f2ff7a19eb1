"""Community detection behind one function, several engines.

* ``louvain`` - python-louvain (the card's reference engine);
* ``igraph`` - igraph's multilevel (Louvain) algorithm: the fast default for large graphs;
* ``leiden`` - leidenalg (modularity, with the resolution parameter);
* ``gds`` - Neo4j Graph Data Science ``gds.louvain`` in the database, when the server has
  GDS (the embedded server does not; the call then fails with a clear message).

All take ``resolution`` and ``seed``; with the same seed the result is the same. Isolated
nodes are not in the graph: every actor returned belongs to an edge.
"""

from __future__ import annotations

import random
import sys
from typing import Any

import numpy as np

from analytics.combine import Graph as CoGraph

ENGINES = ("igraph", "louvain", "leiden", "gds")


class EngineUnavailable(RuntimeError):
    pass


def communities(
    graph: CoGraph,
    engine: str = "igraph",
    resolution: float = 1.0,
    seed: int = 42,
    db: object | None = None,
) -> dict[int, int]:
    """actor code -> community index (0 = largest community, ties by smallest member)."""
    if len(graph) == 0:
        return {}
    if engine == "louvain":
        found = _louvain(graph, resolution, seed)
    elif engine == "igraph":
        found = _igraph(graph, resolution, seed)
    elif engine == "leiden":
        found = _leiden(graph, resolution, seed)
    elif engine == "gds":
        found = _gds(graph, resolution, seed, db)
    else:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    return _relabel(found)


def _relabel(found: dict[int, int]) -> dict[int, int]:
    groups: dict[int, list[int]] = {}
    for node, label in found.items():
        groups.setdefault(label, []).append(node)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), min(members)))
    return {node: index for index, members in enumerate(ordered) for node in members}


def _louvain(graph: CoGraph, resolution: float, seed: int) -> dict[int, int]:
    import community as community_louvain  # python-louvain
    import networkx as nx

    g = nx.Graph()
    g.add_weighted_edges_from(
        zip(graph.u.tolist(), graph.v.tolist(), graph.weight.tolist(), strict=True)
    )
    return community_louvain.best_partition(
        g, weight="weight", resolution=resolution, random_state=seed
    )


def _import_igraph() -> Any:
    """igraph, imported without matplotlib when nothing has loaded matplotlib yet.

    igraph's drawing package imports ``matplotlib.pyplot`` on import (about a second) for
    plotting, which cibgraph never does with igraph; with ``matplotlib`` marked missing
    for the import, igraph keeps a stub instead.
    """
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph


def _igraph_graph(graph: CoGraph):  # type: ignore[no-untyped-def]
    ig = _import_igraph()

    nodes = graph.nodes()
    # igraph reads the edges item by item; pairs of Python ints are its quickest input
    # (7 s for 12M edges, against 12 s for a list of lists and 15 s for a numpy array)
    low = np.searchsorted(nodes, graph.u).tolist()
    high = np.searchsorted(nodes, graph.v).tolist()
    g = ig.Graph(n=len(nodes), edges=list(zip(low, high, strict=True)))
    g.es["weight"] = graph.weight.tolist()
    return g, nodes


def _igraph(graph: CoGraph, resolution: float, seed: int) -> dict[int, int]:
    ig = _import_igraph()

    g, nodes = _igraph_graph(graph)
    random.seed(seed)
    ig.set_random_number_generator(random)
    parts = g.community_multilevel(weights="weight", resolution=resolution)
    return {int(nodes[i]): int(label) for i, label in enumerate(parts.membership)}


def _leiden(graph: CoGraph, resolution: float, seed: int) -> dict[int, int]:
    import leidenalg

    g, nodes = _igraph_graph(graph)
    parts = leidenalg.find_partition(
        g,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
    )
    return {int(nodes[i]): int(label) for i, label in enumerate(parts.membership)}


# GDS 2.x Cypher aggregation projection: node ids are the actor codes, edges undirected.
GDS_CYPHER = (
    "UNWIND $edges AS e "
    "WITH gds.graph.project($name, e[0], e[1], {relationshipProperties: {weight: e[2]}}, "
    "{undirectedRelationshipTypes: ['*']}) AS g "
    "RETURN g.graphName AS graphName"
)
#: gds.louvain takes no random seed (the server refuses ``randomSeed``); with one thread it
#: visits the nodes in the same order every time, so the result is the same run to run.
GDS_LOUVAIN_CYPHER = (
    "CALL gds.louvain.stream($name, {relationshipWeightProperty: 'weight', concurrency: 1}) "
    "YIELD nodeId, communityId RETURN nodeId, communityId"
)
GDS_DROP_CYPHER = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"
GDS_VERSION_CYPHER = "RETURN gds.version() AS version"


def gds_available(db: object) -> bool:
    try:
        db.query(GDS_VERSION_CYPHER)  # type: ignore[attr-defined]
        return True
    except Exception:
        return False


def _gds(graph: CoGraph, resolution: float, seed: int, db: object | None) -> dict[int, int]:
    """Neo4j GDS Louvain on an anonymous projection of the coordination graph. GDS
    Louvain has no resolution parameter (a resolution other than 1.0 is refused) and no
    seed (``seed`` only names the projection; one thread keeps it deterministic)."""
    if db is None or not gds_available(db):
        raise EngineUnavailable(
            "engine gds needs a Neo4j server with the Graph Data Science "
            "plugin (docker-compose.yml has it); use igraph or louvain"
        )
    if resolution != 1.0:
        raise EngineUnavailable("gds.louvain has no resolution parameter; use leiden")
    edges = [
        [int(a), int(b), float(w)]
        for a, b, w in zip(graph.u.tolist(), graph.v.tolist(), graph.weight.tolist(), strict=True)
    ]
    name = f"cibgraph-{seed}-{len(edges)}"
    db.execute(GDS_CYPHER, {"name": name, "edges": edges})  # type: ignore[attr-defined]
    try:
        rows = db.execute(GDS_LOUVAIN_CYPHER, {"name": name})  # type: ignore[attr-defined]
    finally:
        db.execute(GDS_DROP_CYPHER, {"name": name})  # type: ignore[attr-defined]
    # with integer ids in the projection, nodeId in the stream is that integer (actor code)
    return {int(r["nodeId"]): int(r["communityId"]) for r in rows}


def adjusted_rand_index(a: list[int], b: list[int]) -> float:
    """ARI of two labelings of the same items (contingency-table formula)."""
    la, ia = np.unique(np.asarray(a), return_inverse=True)
    lb, ib = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((len(la), len(lb)), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) // 2).sum())

    total = pairs(np.asarray([len(a)]))
    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / total if total else 0.0
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def normalized_mutual_info(a: list[int], b: list[int]) -> float:
    """NMI (arithmetic mean normalisation) of two labelings."""
    la, ia = np.unique(np.asarray(a), return_inverse=True)
    lb, ib = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((len(la), len(lb)), dtype=np.float64)
    np.add.at(table, (ia, ib), 1)
    n = table.sum()
    if n == 0:
        return 1.0
    pa, pb, pab = table.sum(axis=1) / n, table.sum(axis=0) / n, table / n
    nz = pab > 0
    mi = float((pab[nz] * np.log(pab[nz] / np.outer(pa, pb)[nz])).sum())
    ha = -float((pa[pa > 0] * np.log(pa[pa > 0])).sum())
    hb = -float((pb[pb > 0] * np.log(pb[pb > 0])).sum())
    return 1.0 if ha + hb == 0 else 2 * mi / (ha + hb)
