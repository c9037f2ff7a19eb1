"""The embedded ArcadeDB server's lifecycle. These tests start servers of their own."""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest
from helpers import listening_addresses

from cibgraph.embedded import EmbeddedServer, pid_alive
from cibgraph.errors import EmbeddedServerError, GraphUnavailable
from cibgraph.graph import connect
from cibgraph.settings import Settings

pytestmark = pytest.mark.embedded_only


def test_session_server_listens_on_loopback_only(settings: Settings) -> None:
    state = EmbeddedServer(settings.data_dir).status()
    assert state is not None
    listening = listening_addresses(state.pid)
    ports = {port for _, port in listening}
    assert {state.bolt_port, state.http_port} <= ports
    assert {addr for addr, _ in listening} == {"127.0.0.1"}, listening


def test_password_is_private_and_never_in_argv(settings: Settings) -> None:
    server = EmbeddedServer(settings.data_dir)
    state = server.status()
    assert state is not None
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().decode()
    assert server.password() not in cmdline
    assert server.password() not in server.log_file.read_text()


def test_on_demand_server_stops_with_the_command_and_data_survives(fresh_data_dir: Path) -> None:
    settings = Settings(data_dir=fresh_data_dir, idle_timeout=0)  # attached: the old way
    with connect(settings) as graph:
        pid = graph.server_state.pid
        graph.execute("CREATE (:Account {uid: 'twitter:1', handle: 'first'})")
    assert not pid_alive(pid), "a server started on demand must not outlive the command"
    assert EmbeddedServer(fresh_data_dir).status() is None
    with connect(settings) as graph:
        assert graph.server_state.pid != pid
        assert graph.query("MATCH (a:Account) RETURN a.handle AS h") == [{"h": "first"}]
    assert stat.S_IMODE(fresh_data_dir.stat().st_mode) == 0o700


def test_killed_server_gives_clear_error_and_next_connect_starts_fresh(
    fresh_data_dir: Path,
) -> None:
    settings = Settings(data_dir=fresh_data_dir)
    server = EmbeddedServer(fresh_data_dir)
    state = server.start(detached=True)
    with connect(settings) as graph:
        graph.execute("CREATE (:Account {uid: 'twitter:7'})")
        os.kill(state.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while pid_alive(state.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(GraphUnavailable, match=r"no longer running.*Run the command again"):
            graph.query("MATCH (a:Account) RETURN count(a) AS n")
        with pytest.raises(GraphUnavailable, match="no longer running"):
            graph.write_batches("UNWIND $rows AS r CREATE (:Account {uid: r.u})", [{"u": "x"}])
    assert server.status() is None  # stale server.json detected and removed
    with connect(settings) as graph:
        assert graph.server_state.pid != state.pid
        assert graph.query("MATCH (a:Account) RETURN a.uid AS uid") == [{"uid": "twitter:7"}]


def test_stale_pid_file_is_recovered(fresh_data_dir: Path) -> None:
    server = EmbeddedServer(fresh_data_dir)
    fresh_data_dir.mkdir(mode=0o700)
    # A pid that is alive but is not our JVM (this test process), then one that is dead.
    for pid in (os.getpid(), 2**22 + 12345):
        server.state_file.write_text(
            json.dumps(
                {
                    "pid": pid,
                    "bolt_port": 1,
                    "http_port": 2,
                    "detached": True,
                    "started_at": 0.0,
                    "root_path": str(server.root_path),
                }
            )
        )
        assert server.status() is None
        assert not server.state_file.exists()
    state = server.start(detached=True)
    assert server.status() == state
    assert server.stop() is True
    assert server.stop() is False


def test_start_failure_reports_log_tail(fresh_data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("CIBGRAPH_EMBEDDED_HEAP", "lots")  # -Xmxlots: the JVM refuses to start
    with pytest.raises(
        EmbeddedServerError, match=r"(?s)exited with code \d+.*Invalid maximum heap"
    ):
        EmbeddedServer(fresh_data_dir).start(timeout=60)
    assert EmbeddedServer(fresh_data_dir).status() is None


def test_start_is_shared_not_duplicated(settings: Settings) -> None:
    server = EmbeddedServer(settings.data_dir)
    before = server.status()
    assert server.start(detached=True) == before
