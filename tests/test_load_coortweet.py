"""CooRTweet's input as its users save it from R (write.csv: a row-number column, quoted
strings, NA): into the graph exactly, and to the same object edges from the file and
from the graph, with CooRTweet's participation rule."""

import csv
import os
import re
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
    done = run_cli(
        "detect", str(FILE), "--signals", "object", "--min-weight", "1",
        "--min-participation", "2", "--edges-out", str(edges), "--out", str(tmp_path / "o"),
        env=env,
    )  # fmt: skip
    # step progress with the time since the start, then each kind of step's time
    assert re.search(r"^\[\s*\d+\.\d s\] co-action edges: object$", done.stderr, re.M)
    assert re.search(r"^done in \d+\.\d s \(.*co-action edges \d+\.\d s", done.stderr, re.M)
    with open(edges, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["signal"] for r in rows} == {"object"}
    assert {frozenset((r["source"], r["target"])) for r in rows} == account_pairs("AB", "AC", "CD")


def test_edges_out_with_symmetry_and_fast_window(tmp_path: Path) -> None:
    env = {**os.environ, "CIBGRAPH_DATA_DIR": str(tmp_path / "data")}
    edges = tmp_path / "edges.csv"
    run_cli(
        "detect", str(FILE), "--signals", "object", "--min-weight", "1",
        "--window", "60", "--fast-window", "10", "--edges-out", str(edges),
        "--out", str(tmp_path / "o"),
        env=env,
    )  # fmt: skip
    with open(edges, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "signal", "source", "target", "weight", "avg_time_delta", "edge_symmetry_score", "fast",
    ]  # fmt: skip
    fast = {frozenset((r["source"], r["target"])): r["fast"] for r in rows}
    # A-B co-shared 10 s and 5 s apart (and 30 s), E-F 5 s, G-H 10 s; A-C 20 s, C-D 50 s
    assert fast == {
        frozenset("AB"): "true",
        frozenset("EF"): "true",
        frozenset("GH"): "true",
        frozenset("AC"): "false",
        frozenset("CD"): "false",
    }
    assert {r["edge_symmetry_score"] for r in rows} == {"1.0"}
    # A and B co-shared 10 s, 30 s and 5 s apart: each of A's three posts is matched
    gaps = {(r["source"], r["target"]): r["avg_time_delta"] for r in rows}
    assert gaps[("A", "B")] == gaps[("B", "A")] == "15.0"
    assert gaps[("C", "D")] == "50.0"


def test_symmetry_of_a_hyperactive_account_and_a_quiet_one() -> None:
    import numpy as np

    from analytics.actions import Codes, SignalTable
    from analytics.coaction import SignalParams, window_edges

    # A shares o1 five times in a minute, B once: B's one share matches all five of A's
    actor = np.array([0, 0, 0, 0, 0, 1])
    table = SignalTable(actor, np.arange(6), np.array([0, 10, 20, 30, 40, 25]), np.zeros(6, int),
                        Codes.of(["o1"]))  # fmt: skip
    edges = window_edges(table, "object", SignalParams(60, 1))
    pairs_ = zip(edges.src.tolist(), edges.dst.tolist(), strict=True)
    values = zip(edges.weight.tolist(), edges.symmetry().tolist(), strict=True)
    got = dict(zip(pairs_, values, strict=True))
    assert got == {(0, 1): (5, 0.2), (1, 0): (1, 0.2)}
