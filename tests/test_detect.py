"""Detection end to end on the hand-built world: write-back shape, explanation, evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import query_world

from analytics.detect import DetectParams, detect
from analytics.evaluate import evaluate, read_truth
from cibgraph.graph import Graph
from queries.registry import execute, library

CORE = {"twitter:c1", "twitter:c2", "twitter:c3"}


@pytest.fixture(scope="module")
def world(session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    folder = tmp_path_factory.mktemp("detect_world")
    query_world.build(session_graph, folder)
    return session_graph


@pytest.fixture(scope="module")
def run(world: Graph):  # type: ignore[no-untyped-def]
    return detect(world, DetectParams(min_size=3, threshold=0.5))


def test_core_cluster_found_flagged_and_explained(run) -> None:  # type: ignore[no-untyped-def]
    flagged = run.flagged
    assert len(flagged) == 1
    assert set(run.members[flagged[0].index]) == CORE
    text = flagged[0].explanation
    assert text.startswith("3 accounts; 82% of their posts repeat another member's link")
    assert "100% created within 3 days" in text
    assert "100% of their links go to news-like pages' domains (top: hktruthdaily.example)" in text
    assert flagged[0].amplifies == {"facebook:p1": 6}  # U1 and U3, three members each
    assert run.edge_counts["url"] == 6 and run.edge_counts["admin"] == 8


def test_run_written_back(world: Graph, run) -> None:  # type: ignore[no-untyped-def]
    (node,) = world.query(
        "MATCH (r:DetectionRun {id: $id}) RETURN r.engine AS engine, "
        "r.params AS params, r.flagged AS flagged, r.fingerprint AS fp",
        {"id": run.run_id},
    )
    assert node["engine"] == "igraph" and node["flagged"] == 1
    assert json.loads(node["params"])["window"] == [60, 3600] and node["fp"].startswith("posts=26;")
    clusters = world.query(
        "MATCH (k:Cluster)-[:FROM_RUN]->(:DetectionRun {id: $id}) "
        "RETURN k.id AS id, k.size AS size, count { (k)<-[:IN_CLUSTER]-() } "
        "AS members ORDER BY id",
        {"id": run.run_id},
    )
    assert len(clusters) == len(run.clusters)
    assert all(c["size"] == c["members"] for c in clusters)
    # the stored queries read this newest run by default
    rows = execute(world, library()["flagged-clusters"])
    assert [r["members"] for r in rows] == [["patriot_hk01", "patriot_hk02", "patriot_hk03"]]
    coordinated = world.query(
        "MATCH (a)-[c:COORDINATED_WITH {run_id: $id}]->(b) RETURN count(c) AS n", {"id": run.run_id}
    )
    assert coordinated[0]["n"] >= 3
    assert world.query(
        "MATCH (k:Cluster {run_id: $id, flagged: true})-[:AMPLIFIES]->(p) RETURN p.uid AS p",
        {"id": run.run_id},
    ) == [{"p": "facebook:p1"}]


def test_runs_never_overwrite_each_other(world: Graph, run) -> None:  # type: ignore[no-untyped-def]
    second = detect(world, DetectParams(engine="louvain"))
    assert second.run_id != run.run_id
    ids = {r["id"] for r in world.query("MATCH (r:DetectionRun) RETURN r.id AS id")}
    assert {run.run_id, second.run_id} <= ids


def test_evaluation_maths(world: Graph, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    truth = tmp_path / "truth.csv"
    truth.write_text(
        "platform,kind,id,label,cluster\n"
        + "".join(f"twitter,account,c{i},operation,core\n" for i in range(1, 5))
        + "".join(f"twitter,account,amp{i},amplifier,amp\n" for i in range(1, 4))
        + "".join(f"twitter,account,o{i},organic,\n" for i in range(1, 4))
        + "facebook,page,p1,fake_news_page,\nfacebook,page,p8,organic,\n"
    )
    result = evaluate(world, read_truth(truth), run.run_id)
    # flagged: c1, c2, c3 -> precision 3/3; positives: 4 core + 3 amplifiers -> recall 3/7
    assert (result.precision, result.recall, result.f1) == (1.0, 0.4286, 0.6)
    assert result.by_role["operation"] == {"accounts": 4, "flagged": 3, "recall": 0.75}
    assert result.by_role["amplifier"] == {"accounts": 3, "flagged": 0, "recall": 0.0}
    assert result.hard_negatives == {"organic": {"accounts": 3, "flagged": 0}}
    assert result.fake_pages == {"total": 1, "tied_to_flagged_cluster": 1, "missed": []}
