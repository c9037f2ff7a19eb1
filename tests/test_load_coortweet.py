"""CooRTweet's input as its users save it from R (write.csv: a row-number column, quoted
strings, NA): into the graph exactly, and to the same object edges from the file and
from the graph, with CooRTweet's participation rule."""

import csv
import os
from pathlib import Path

from helpers import run_cli
from loader_helpers import FIXTURES, counts, load_fixture, pairs
from test_min_participation import SHARES, coortweet_pairs
from test_min_participation import pairs as account_pairs

from analytics.detect import DetectParams, detect
from analytics.fromfiles import detect_files
from cibgraph.graph import Graph

FILE = FIXTURES / "coortweet" / "shares.csv"
#: the fixture's extra rows, as CooRTweet's table: c1 shares o12 too, H shares o13
#: (c19 shares itself and c20 nothing: no object rows)
TABLE = [*SHARES, ("o12", "A", "c1", 0), ("o13", "H", "c21", 3600)]


def test_into_the_graph(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "coortweet", tmp_path)
    (f,) = report.files
    assert f.format == "coortweet"
    assert (f.loaded, f.rejected) == (22, 1)
    assert report.first_rejects == [
        f"{FILE}:24: field 'account_id': required id is empty",
    ]
    assert counts(graph) == {
        "Account": 8,
        "Post": 21,
        "Object": 13,
        "LoadCheckpoint": 1,
        "POSTED": 21,
        "SHARES": 20,
    }
    # a post written once per object keeps every object; one that shares itself, none
    assert pairs(
        graph, "MATCH (p:Post)-[:SHARES]->(o:Object) WHERE p.id IN ['c1', 'c19'] RETURN p.id, o.key"
    ) == {("c1", "o1"), ("c1", "o12")}
    # the ISO time and the epoch seconds are the same instant
    (row,) = graph.query("MATCH (p:Post {uid: 'twitter:c21'}) RETURN p.ts AS ts")
    assert row["ts"] == 1565690400 + 3600


def test_object_edges_from_the_file_and_from_the_graph(graph: Graph, tmp_path: Path) -> None:
    load_fixture(graph, "coortweet", tmp_path)
    for n in (1, 2, 3):
        params = DetectParams(signals=("object",), min_weight=1, min_participation=n, min_size=2)
        from_file, _ = detect_files([FILE], params, out_dir=tmp_path / f"f{n}")
        on_graph = detect(graph, params, write=False)
        file_pairs, graph_pairs = (
            {
                frozenset(p.split(":", 1)[1] for p in pair)
                for pair in r.edge_lists[0].as_dict(r.actions.actors.values)
            }
            for r in (from_file, on_graph)
        )
        assert file_pairs == graph_pairs == coortweet_pairs(TABLE, 60, n)
    assert coortweet_pairs(TABLE, 60, 2) == account_pairs("AB", "AC", "CD")
    # a store built from the graph alone (as for a graph another tool filled) has them too
    import shutil

    shutil.rmtree(graph.store_dir)
    params = DetectParams(signals=("object",), min_weight=1, min_participation=2, min_size=2)
    rebuilt = detect(graph, params, write=False)
    assert {
        frozenset(p.split(":", 1)[1] for p in pair)
        for pair in rebuilt.edge_lists[0].as_dict(rebuilt.actions.actors.values)
    } == account_pairs("AB", "AC", "CD")


def test_cli(tmp_path: Path) -> None:
    env = {**os.environ, "CIBGRAPH_DATA_DIR": str(tmp_path / "data")}
    edges = tmp_path / "edges.csv"
    run_cli(
        "detect", str(FILE), "--signals", "object", "--min-weight", "1",
        "--min-participation", "2", "--edges-out", str(edges), "--out", str(tmp_path / "o"),
        env=env,
    )  # fmt: skip
    with open(edges, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["signal"] for r in rows} == {"object"}
    assert {frozenset((r["source"], r["target"])) for r in rows} == account_pairs("AB", "AC", "CD")
