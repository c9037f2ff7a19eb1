"""The bulk route end to end: ``load --bulk-csv`` files through ``neo4j-admin database
import full`` into a fresh Neo4j hold what a transactional load of the same files writes.

Needs the local Neo4j of ``scripts/neo4j-local`` (its jars resolved; ``scripts/test`` sets
``CIBGRAPH_TEST_NEO4J_LOCAL=1`` once it has started one) and runs in the suite's Neo4j pass,
where the session graph is a Neo4j too, so properties compare value for value, types
included. It starts a second, throw-away server of its own in a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from loader_helpers import FIXTURES, counts
from neo4j import GraphDatabase

from cibgraph.graph import Graph
from loader import load

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "scripts" / "neo4j-local"
FIXTURE_SETS = ["twitter", "crowdtangle", "native", "ira", "qut", "coornet", "coortweet"]
#: The first node of each label set by its key (uid, url, name, tag or key), in full.
SAMPLE_CYPHER = (
    "MATCH (n) WHERE NOT n:LoadCheckpoint AND NOT n:CibgraphSchema "
    "WITH labels(n) AS labels, n, coalesce(n.uid, n.url, n.name, n.tag, n.key) AS key ORDER BY key "
    "WITH labels, collect(n)[0] AS n "
    "RETURN labels, properties(n) AS props ORDER BY coalesce(n.uid, n.url, n.name, n.tag, n.key)"
)
COUNT_CYPHER = (
    "CALL () { MATCH (n) UNWIND labels(n) AS k RETURN k, count(*) AS c "
    "UNION ALL MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS c } RETURN k, sum(c) AS c"
)


def _sample(rows) -> list[dict]:
    """Labels in a fixed order (each server lists a node's labels in its own)."""
    return [{"labels": sorted(r["labels"]), "props": dict(r["props"])} for r in rows]


def _local(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([str(LOCAL), *args], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def imported(settings, tmp_path: Path) -> Iterator[tuple[dict, list]]:
    if settings.embedded:
        pytest.skip("compares with a transactional load into Neo4j: runs in the Neo4j pass")
    if os.environ.get("CIBGRAPH_TEST_NEO4J_LOCAL") != "1":
        pytest.skip(
            "needs the jars of scripts/neo4j-local (scripts/test: CIBGRAPH_TEST_NEO4J_LOCAL)"
        )
    bulk = tmp_path / "bulk"
    report = load(
        [FIXTURES / name for name in FIXTURE_SETS], bulk_csv=bulk, report_dir=tmp_path / "r"
    )
    home = tmp_path / "neo4j"
    env = {**os.environ, "NEO4J_LOCAL_PLUGINS": "0", "NEO4J_LOCAL_HEAP": "256m"}
    for name in ("NEO4J_LOCAL_BOLT_PORT", "NEO4J_LOCAL_HTTP_PORT"):
        env.pop(name, None)
    _local("start", str(home), env=env)  # writes the conf and the initial password
    try:
        _local("stop", str(home), env=env)
        done = subprocess.run(
            [str(LOCAL), "admin", str(home), "database", "import", "full", "neo4j",
             "--overwrite-destination=true", *report.bulk_args],
            cwd=bulk, capture_output=True, text=True, env=env, timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        exports = dict(
            line.removeprefix("export ").split("=", 1)
            for line in _local("start", str(home), env=env).splitlines()
            if line.startswith("export ")
        )
        password = Path(exports["CIBGRAPH_PASSWORD_FILE"]).read_text().strip()
        with GraphDatabase.driver(exports["CIBGRAPH_URI"], auth=("neo4j", password)) as driver:
            found = {r["k"]: r["c"] for r in driver.execute_query(COUNT_CYPHER).records}
            sample = _sample(driver.execute_query(SAMPLE_CYPHER).records)
        yield found, sample
    finally:
        _local("stop", str(home), env=env)


def test_bulk_import_equals_a_transactional_load(
    imported: tuple[dict, list], graph: Graph, tmp_path: Path
) -> None:
    found, sample = imported
    load([FIXTURES / name for name in FIXTURE_SETS], graph=graph, report_dir=tmp_path / "t")
    expected = counts(graph)
    expected.pop("LoadCheckpoint")
    assert found == expected
    assert (expected["Post"], expected["POSTED"], expected["SHARES"]) == (52, 39, 20)
    assert sample == _sample(graph.query(SAMPLE_CYPHER))
    assert {tuple(r["labels"]) for r in sample} == {
        ("Account",), ("Domain",), ("Group",), ("Hashtag",), ("NewsLike", "Page"), ("Page",),
        ("Object",), ("Post",), ("Url",),
    }  # fmt: skip
