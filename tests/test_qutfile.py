"""Edges straight from a QUT toolkit CSV equal the graph pipeline's on the same data."""

from __future__ import annotations

from pathlib import Path

from loader_helpers import FIXTURES

from analytics.coaction import SignalParams, signal_edges
from analytics.qutfile import edges_from_qut_csv
from analytics.store import StoreReader, ensure_store
from cibgraph.graph import Graph
from loader import load


def test_file_path_matches_the_graph_path(graph: Graph, tmp_path: Path) -> None:
    path = FIXTURES / "qut" / "messages.csv"
    params = SignalParams(window=200, min_weight=1, max_actors=None)
    from_file = edges_from_qut_csv(path, ("repost", "url"), params)
    assert from_file == {
        "repost": [("u2", "u3", 1), ("u3", "u2", 1)],
        "url": [("u1", "u2", 1), ("u2", "u1", 1)],
    }
    load([path], graph=graph, report_dir=tmp_path)
    with StoreReader(ensure_store(graph)) as reader:
        acts = reader.actions(["repost", "url"])
    for signal in ("repost", "url"):
        edges = signal_edges(acts, signal, params).as_dict(acts.actors.values)
        assert {(a.split(":")[1], b.split(":")[1]): w for (a, b), w in edges.items()} == {
            (a, b): w for a, b, w in from_file[signal]
        }
