"""Commands that share a server: concurrent loads never die on a unique-key race, and no
command stops a server it did not start.

Two `cibgraph load` runs of the same files at once both MERGE the same new accounts,
posts and schema node; the embedded server refuses the slower commit with "Duplicated
key", which cibgraph retries as the race it is (cibgraph.graph.KEY_RACE_ATTEMPTS).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from helpers import CLI
from loader_helpers import FIXTURES, counts

from analytics.store import StoreReader, ensure_store
from cibgraph.embedded import EmbeddedServer
from cibgraph.graph import Graph, connect
from cibgraph.settings import Settings
from loader import load


def test_concurrent_loads_of_the_same_files_both_succeed(
    graph: Graph, cli_env: dict[str, str], tmp_path: Path
) -> None:
    files = [str(FIXTURES / name) for name in ("twitter", "native", "crowdtangle")]

    def command(i: int) -> list[str]:
        report = str(tmp_path / f"r{i}")
        return [*CLI, "load", *files, "--dataset", "same", "--report-dir", report,
                "--batch-size", "3"]  # fmt: skip

    procs = [
        subprocess.Popen(
            command(i), env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for i in range(4)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-2000:] for _, err in results]
    together = counts(graph)
    together.pop("LoadCheckpoint")
    # the action store holds every timed post of the graph (rebuilt if a load skipped it)
    with StoreReader(ensure_store(graph)) as reader:
        stored = reader.con.execute("SELECT count(*) FROM posts").fetchone()[0]
    timed = graph.query("MATCH (p:Post) WHERE p.ts IS NOT NULL RETURN count(p) AS n")[0]["n"]
    assert stored == timed > 0
    graph.execute("MATCH (n) DETACH DELETE n")
    load([Path(f) for f in files], graph=graph, dataset="same", report_dir=tmp_path / "alone")
    alone = counts(graph)
    alone.pop("LoadCheckpoint")
    assert together == alone and alone["Account"] > 10


@pytest.mark.embedded_only
@pytest.mark.parametrize("idle_timeout", [0, 600], ids=["attached", "warm"])
def test_a_command_never_stops_a_server_another_started(
    tmp_path: Path, idle_timeout: float
) -> None:
    """connect() found no server, then another command started one before connect()'s own
    start: it must use that server and leave it running."""
    data_dir = tmp_path / "data"
    other = EmbeddedServer(data_dir)
    settings = Settings(data_dir=data_dir, idle_timeout=idle_timeout)

    class LateStatus(EmbeddedServer):  # the race, forced: status() sees nothing yet
        def status(self):  # type: ignore[no-untyped-def]
            if not hasattr(self, "_raced"):
                self._raced = True
                other.start(detached=True)  # the other command wins the race
                return None
            return super().status()

    import cibgraph.graph as graph_module

    original = graph_module.EmbeddedServer
    graph_module.EmbeddedServer = LateStatus  # type: ignore[misc]
    try:
        with connect(settings) as g:
            assert g.query("RETURN 1 AS ok") == [{"ok": 1}]
        state = other.status()
        assert state is not None, "the other command's server was stopped"
    finally:
        graph_module.EmbeddedServer = original  # type: ignore[misc]
        other.stop()
