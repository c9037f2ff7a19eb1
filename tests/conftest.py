"""Test fixtures: one real graph server per test session, never a mock.

By default the session starts the embedded ArcadeDB server in a temporary data directory.
Set ``CIBGRAPH_TEST_URI`` (plus ``CIBGRAPH_TEST_USER``/``CIBGRAPH_TEST_PASSWORD`` and
optionally ``CIBGRAPH_TEST_DATABASE``) to run the same suite against a real Neo4j 5: the
tests then wipe that database, so point it at a disposable one. Tests marked
``embedded_only`` (server lifecycle, ports) are skipped there.

A server a command starts on demand would stay warm for ``CIBGRAPH_IDLE_TIMEOUT``
seconds (default 600); the session runs with ``0`` (stopped when the command ends) unless
that variable is set, and stops any server still running in its temporary directories
when it ends, so no JVM outlives the test run.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import cli_environment

from cibgraph.embedded import EmbeddedServer
from cibgraph.graph import Graph, connect
from cibgraph.schema import apply_schema
from cibgraph.settings import Settings

TEST_URI = os.environ.get("CIBGRAPH_TEST_URI")
os.environ.setdefault("CIBGRAPH_IDLE_TIMEOUT", "0")

WIPE_CYPHER = "MATCH (n) DETACH DELETE n"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not TEST_URI:
        return
    skip = pytest.mark.skip(reason="needs the embedded server (CIBGRAPH_TEST_URI is set)")
    for item in items:
        if "embedded_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def no_server_outlives_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Stop every embedded server left in the session's temporary directories (warm ones
    started by CLI subprocesses whose environment does not carry the session's timeout)."""
    yield
    with contextlib.suppress(OSError):
        for state_file in tmp_path_factory.getbasetemp().rglob("server.json"):
            with contextlib.suppress(Exception):
                EmbeddedServer(state_file.parent).stop()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of the session's graph server (started once, stopped at the end)."""
    if TEST_URI:
        yield Settings(
            uri=TEST_URI,
            user=os.environ.get("CIBGRAPH_TEST_USER", "neo4j"),
            password=os.environ.get("CIBGRAPH_TEST_PASSWORD"),
            database=os.environ.get("CIBGRAPH_TEST_DATABASE"),
        )
        return
    data_dir = tmp_path_factory.mktemp("embedded")
    server = EmbeddedServer(data_dir)
    server.start(detached=True)
    try:
        yield Settings(data_dir=data_dir)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def session_graph(settings: Settings) -> Iterator[Graph]:
    with connect(settings) as graph:
        apply_schema(graph)
        yield graph


@pytest.fixture
def graph(session_graph: Graph) -> Graph:
    """The session's graph, emptied before the test (schema kept)."""
    session_graph.execute(WIPE_CYPHER)
    return session_graph


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    """Environment for running the ``cibgraph`` CLI against the session's server."""
    return cli_environment(settings)


@pytest.fixture
def fresh_data_dir(tmp_path: Path) -> Iterator[Path]:
    """A data directory of its own; any server left in it is stopped afterwards."""
    data_dir = tmp_path / "data"
    yield data_dir
    EmbeddedServer(data_dir).stop()
