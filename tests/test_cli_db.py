"""`cibgraph db ...` as a user runs it: subprocesses, real servers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import run_cli

from cibgraph.embedded import EmbeddedServer, pid_alive


@pytest.fixture
def fresh_env(fresh_data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    env["CIBGRAPH_DATA_DIR"] = str(fresh_data_dir)
    return env


@pytest.mark.embedded_only
def test_start_info_stop_and_data_survives_restart(
    fresh_env: dict[str, str], fresh_data_dir: Path
) -> None:
    out = run_cli("db", "start", env=fresh_env).stdout
    assert "embedded server running: bolt://127.0.0.1:" in out
    run_cli("db", "schema", env=fresh_env)
    run_cli("query", "lint", "--help", env=fresh_env)
    from cibgraph.graph import connect
    from cibgraph.settings import Settings

    with connect(Settings(data_dir=fresh_data_dir)) as graph:
        graph.execute("CREATE (:Account {uid: 'twitter:99'}), (:Page {uid: 'facebook:5'})")
    info = json.loads(run_cli("db", "info", "--format", "json", env=fresh_env).stdout)
    assert info["backend"] == "arcadedb" and info["database"] == "cibgraph"
    assert info["uri"].startswith("bolt://127.0.0.1:")
    assert info["schema_version"] == 2
    assert info["counts"]["Account"] == 1 and info["counts"]["Page"] == 1
    assert "stopped" in run_cli("db", "stop", env=fresh_env).stdout
    assert (
        json.loads(run_cli("db", "status", "--format", "json", env=fresh_env).stdout)["running"]
        is False
    )
    run_cli("db", "start", env=fresh_env)
    info = json.loads(run_cli("db", "info", "--format", "json", env=fresh_env).stdout)
    assert info["counts"]["Account"] == 1 and info["counts"]["Page"] == 1
    run_cli("db", "stop", env=fresh_env)


@pytest.mark.embedded_only
def test_command_leaves_no_jvm_behind_with_no_idle_timeout(
    fresh_env: dict[str, str], fresh_data_dir: Path
) -> None:
    env = {**fresh_env, "CIBGRAPH_IDLE_TIMEOUT": "0"}
    info = json.loads(run_cli("db", "info", "--format", "json", env=env).stdout)
    assert info["counts"]["Account"] == 0
    assert EmbeddedServer(fresh_data_dir).status() is None
    log = (fresh_data_dir / "server.log").read_text()
    assert "ArcadeDB Server started" in log  # it did start one, and stopped it


@pytest.mark.embedded_only
def test_killed_server_is_replaced_by_next_command(
    fresh_env: dict[str, str], fresh_data_dir: Path
) -> None:
    run_cli("db", "start", env=fresh_env)
    state = EmbeddedServer(fresh_data_dir).status()
    os.kill(state.pid, 9)
    info = json.loads(run_cli("db", "info", "--format", "json", env=fresh_env).stdout)
    assert info["backend"] == "arcadedb" and not pid_alive(state.pid)


def test_status_does_not_start_a_server(fresh_env: dict[str, str]) -> None:
    status = json.loads(run_cli("db", "status", "--format", "json", env=fresh_env).stdout)
    assert status["running"] is False and "pid" not in status


def test_bad_uri_is_a_one_line_error(fresh_env: dict[str, str]) -> None:
    proc = run_cli(
        "db", "info", env={**fresh_env, "CIBGRAPH_URI": "http://localhost:7474"}, check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: cannot use graph URI 'http://localhost:7474'")
    assert "Traceback" not in proc.stderr


def test_unreachable_server_is_a_clear_error(fresh_env: dict[str, str]) -> None:
    env = {**fresh_env, "CIBGRAPH_URI": "bolt://127.0.0.1:9", "CIBGRAPH_PASSWORD": "x"}
    proc = run_cli("db", "info", env=env, check=False)
    assert proc.returncode == 1
    assert "cannot reach the graph at bolt://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_db_start_refuses_when_a_server_uri_is_configured(fresh_env: dict[str, str]) -> None:
    proc = run_cli(
        "db", "start", env={**fresh_env, "CIBGRAPH_URI": "bolt://127.0.0.1:9"}, check=False
    )
    assert proc.returncode == 1 and "manages the embedded server" in proc.stderr


def test_help_shows_examples(fresh_env: dict[str, str]) -> None:
    out = run_cli("db", "--help", env=fresh_env).stdout
    assert "cibgraph db start" in out and "Examples" in out
