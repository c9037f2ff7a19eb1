"""Neo4j Graph Data Science, on the real server: ``--engine gds`` finds the planted
partition as igraph does, and leaves no projection behind.

GDS is a Neo4j plugin; the embedded ArcadeDB has none, so these tests are skipped there
(and on a Neo4j started without plugins, ``NEO4J_LOCAL_PLUGINS=0``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import query_world
from test_communities import planted

from analytics.communities import adjusted_rand_index, communities, gds_available
from analytics.detect import DetectParams, detect
from cibgraph.graph import Graph


@pytest.fixture
def gds_graph(graph: Graph, settings) -> Graph:
    if settings.embedded:
        pytest.skip("GDS is a Neo4j plugin: the embedded ArcadeDB server has none")
    if not gds_available(graph):
        pytest.skip("this Neo4j server has no Graph Data Science plugin")
    return graph


def _projections(graph: Graph) -> list[str]:
    return [r["graphName"] for r in graph.query("CALL gds.graph.list() YIELD graphName")]


def test_gds_louvain_recovers_the_planted_partition(gds_graph: Graph) -> None:
    co, truth = planted()
    found = communities(co, "gds", seed=1, db=gds_graph)
    reference = communities(co, "igraph", seed=1)
    nodes = sorted(reference)
    assert sorted(found) == nodes
    assert adjusted_rand_index([found[n] for n in nodes], [reference[n] for n in nodes]) >= 0.9
    assert adjusted_rand_index([found[i] for i in range(len(truth))], truth) >= 0.9
    assert _projections(gds_graph) == []


def test_detect_engine_gds_on_the_world(gds_graph: Graph, tmp_path: Path) -> None:
    """The whole pipeline with GDS communities, written back: the core cluster flagged, as
    with igraph."""
    query_world.build(gds_graph, tmp_path)
    with_gds = detect(gds_graph, DetectParams(engine="gds", min_size=3))
    with_igraph = detect(gds_graph, DetectParams(engine="igraph", min_size=3), write=False)
    core = {"twitter:c1", "twitter:c2", "twitter:c3"}
    assert with_gds.flagged_uids() == with_igraph.flagged_uids() == core
    (run,) = gds_graph.query(
        "MATCH (r:DetectionRun {id: $id}) RETURN r.engine AS engine", {"id": with_gds.run_id}
    )
    assert run["engine"] == "gds"
    assert _projections(gds_graph) == []
