"""Every stored query gives the same rows on the embedded server and on Neo4j.

The tiny scenario is loaded into both, detection runs on both (the same actions, so the
same clusters), and every query in ``queries/`` runs on both with its defaults (two core
accounts for the one query that needs accounts). Rows are compared as multisets: ties in
an ORDER BY may come back in either order. Run ids and run times, which differ by
construction, are replaced by placeholders before the comparison.

Runs in the suite's Neo4j pass (``scripts/test``), which starts an embedded server of its
own beside the session's Neo4j; the embedded pass has no Neo4j to compare with.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics.detect import DetectParams, detect
from cibgraph.embedded import EmbeddedServer
from cibgraph.graph import Graph, connect
from cibgraph.scenario import generate
from cibgraph.schema import apply_schema
from cibgraph.settings import Settings
from loader import load
from queries.registry import execute, library

LIB = library()


@pytest.fixture(scope="module")
def backends(
    settings: Settings, session_graph: Graph, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    if settings.embedded:
        pytest.skip("compares the embedded server with Neo4j: runs in the Neo4j pass")
    root = tmp_path_factory.mktemp("both_backends")
    scenario = root / "tiny"
    generate(scenario, scale="tiny", seed=7)
    server = EmbeddedServer(root / "embedded")
    server.start(detached=True)
    try:
        with connect(Settings(data_dir=root / "embedded")) as embedded:
            apply_schema(embedded)
            graphs = {"neo4j": session_graph, "embedded": embedded}
            runs = {}
            for name, graph in graphs.items():
                graph.execute("MATCH (n) DETACH DELETE n")
                report = load([scenario], graph=graph, report_dir=root / f"load-{name}")
                assert report.rejected == 0
                runs[name] = detect(graph, DetectParams()).run_id
            yield {"graphs": graphs, "runs": runs, "core": _core_accounts(scenario)}
    finally:
        server.stop()


def _core_accounts(scenario: Path) -> list[str]:
    with open(scenario / "truth.csv", newline="", encoding="utf-8") as f:
        core = [r for r in csv.DictReader(f) if r["cluster"] == "core-0"]
    return [f"{r['platform']}:{r['id']}" for r in core[:2]]


def _normal(value: Any, run_id: str) -> Any:
    """Run ids and times as placeholders; everything else as JSON-comparable values."""
    if isinstance(value, str):
        return value.replace(run_id, "<run>")
    if isinstance(value, dt.datetime | dt.date) or type(value).__name__ == "DateTime":
        return "<time>" if value is not None else None
    if isinstance(value, list | tuple):
        return [_normal(v, run_id) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v, run_id) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, 6)
    return value


def _rows(graph: Graph, name: str, params: dict[str, Any], run_id: str) -> list[str]:
    rows = execute(graph, LIB[name], params)
    return sorted(json.dumps(_normal(r, run_id), sort_keys=True, default=str) for r in rows)


def _difference(a: list[str], b: list[str]) -> str:
    """The fields that differ between the first differing rows (for the failure message)."""
    for x, y in zip(a, b, strict=False):
        if x != y:
            x, y = json.loads(x), json.loads(y)
            return "; ".join(
                f"{k}: neo4j {x.get(k)!r} vs embedded {y.get(k)!r}"
                for k in sorted(set(x) | set(y))
                if x.get(k) != y.get(k)
            )
    return f"{len(a)} rows on neo4j, {len(b)} on the embedded server"


@pytest.mark.parametrize("name", sorted(LIB))
def test_stored_query_rows_equal_on_both_backends(backends: dict[str, Any], name: str) -> None:
    params = {}
    if name == "evidence-between-accounts":
        params = dict(zip(("account_a", "account_b"), backends["core"], strict=True))
    found = {
        backend: _rows(graph, name, params, backends["runs"][backend])
        for backend, graph in backends["graphs"].items()
    }
    assert found["neo4j"] == found["embedded"], _difference(found["neo4j"], found["embedded"])
    if name in ("flagged-clusters", "graph-summary", "detection-runs", "cluster-profile"):
        assert found["neo4j"], f"{name} returned no rows on the scenario"
