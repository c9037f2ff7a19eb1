"""The warm embedded server: started on demand, reused by the next commands, stopped by
its idle watch once no command has used it for CIBGRAPH_IDLE_TIMEOUT seconds. Real
servers and real processes; each test has a data directory of its own and stops whatever
runs in it at the end."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import CLI, listening_addresses, run_cli

from cibgraph import admin
from cibgraph.embedded import EmbeddedServer, ServerState, pid_alive
from cibgraph.errors import ConfigError
from cibgraph.graph import connect
from cibgraph.settings import DEFAULT_IDLE_TIMEOUT, Settings
from cibgraph.warm import IN_USE

pytestmark = pytest.mark.embedded_only

#: A command that holds the server: connects, says so, waits for a line on stdin, then
#: queries again.
HOLDER = """
import sys
from cibgraph.graph import connect
with connect() as graph:
    graph.query("RETURN 1 AS ok")
    print("holding", graph.server_state.pid, flush=True)
    sys.stdin.readline()
    print("after", graph.query("RETURN 2 AS ok")[0]["ok"], flush=True)
"""


class Warm:
    """One test's data directory, its environment, and the processes it started."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.server = EmbeddedServer(data_dir)
        self.procs: list[subprocess.Popen[str]] = []

    def env(self, idle_timeout: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
        env.update(CIBGRAPH_DATA_DIR=str(self.data_dir), CIBGRAPH_IDLE_TIMEOUT=idle_timeout)
        return env

    def cli(self, *args: str, idle_timeout: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=self.env(idle_timeout))

    def timed(self, *args: str, idle_timeout: str) -> float:
        started = time.monotonic()
        self.cli(*args, idle_timeout=idle_timeout)
        return time.monotonic() - started

    def status(self) -> dict:
        return json.loads(self.cli("db", "status", "--format", "json", idle_timeout="600").stdout)

    def state(self) -> ServerState:
        state = self.server.status()
        assert state is not None, "no embedded server runs"
        return state

    def holder(self, idle_timeout: str) -> tuple[subprocess.Popen[str], int]:
        """A process using the server until it reads a line; returns it and the server's
        pid."""
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER],
            env=self.env(idle_timeout),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("holding "), (line, proc.stderr.read() if proc.stderr else "")
        return proc, int(line.split()[1])

    def starts(self) -> int:
        """JVM starts recorded in the server log."""
        return self.server.log_file.read_text().count("--- cibgraph: starting embedded server")


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def gone(state: ServerState) -> Callable[[], bool]:
    """The server of ``state`` and its idle watch have ended and server.json is removed."""
    data_dir = Path(state.root_path).parent

    def check() -> bool:
        watch_alive = state.watchdog_pid is not None and pid_alive(state.watchdog_pid)
        ended = not pid_alive(state.pid) and not watch_alive
        return ended and not (data_dir / "server.json").exists()

    return check


@pytest.fixture
def warm(tmp_path: Path) -> Iterator[Warm]:
    w = Warm(tmp_path / "data")
    try:
        yield w
    finally:
        for proc in w.procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=30)
        w.server.stop()


def test_a_command_leaves_a_warm_server_the_next_reuses_and_it_stops_when_idle(
    warm: Warm,
) -> None:
    # the second command follows at once; the idle timeout leaves room for its interpreter
    # to start on a busy machine (under load, seconds)
    idle_timeout = 12
    cold = warm.timed("db", "info", idle_timeout=str(idle_timeout))
    first = warm.state()
    second = warm.timed("db", "info", idle_timeout=str(idle_timeout))
    ended = time.monotonic()
    state = warm.state()
    assert state.pid == first.pid, "the second command must reuse the warm server"
    assert warm.starts() == 1, "the second command started a JVM"
    print(f"db info: cold {cold:.2f} s, warm {second:.2f} s")
    assert second < 5.0 and second < cold

    # what `db status` shows (admin.status, in process: a subprocess may take seconds)
    status = admin.status(Settings(data_dir=warm.data_dir))
    assert status["running"] and status["mode"] == "warm" and status["pid"] == state.pid
    assert state.watchdog_pid is not None and pid_alive(state.watchdog_pid)
    assert status["in_use"] is False and 0 < status["idle_seconds_left"] <= idle_timeout
    assert status["idle_deadline"] and "stops at" in status["idle"]

    assert wait_until(gone(state), timeout=idle_timeout + 10), "the idle server kept running"
    idle = time.monotonic() - ended
    assert idle >= idle_timeout - 0.5, f"stopped after {idle:.1f} s, before its idle timeout"
    assert warm.status()["running"] is False and _processes(warm.data_dir) == ""
    assert "no command used the server for" in warm.server.log_file.read_text()


def test_concurrent_commands_never_stop_the_server_under_each_other(warm: Warm) -> None:
    long, pid = warm.holder(idle_timeout="2")
    warm.cli("db", "info", idle_timeout="2")  # a short command starts and ends meanwhile
    assert warm.state().pid == pid
    status = warm.status()
    assert status["in_use"] is True and long.pid in status["in_use_by"]
    assert status["idle_deadline"] is None and status["idle"].startswith("in use")
    time.sleep(4)  # twice the idle timeout after the short command ended
    assert pid_alive(pid) and warm.state().pid == pid
    out, err = long.communicate("go\n", timeout=60)
    assert long.returncode == 0, err
    assert "after 2" in out, "the long command could not query after the idle timeout"
    assert pid_alive(pid), "the server stopped as the last command ended, not after 2 s idle"
    assert wait_until(gone(warm.state()), timeout=2 + 10)
    assert warm.starts() == 1


def test_a_command_killed_while_holding_the_server_does_not_keep_it_up(warm: Warm) -> None:
    holder, pid = warm.holder(idle_timeout="2")
    state = warm.state()
    assert warm.status()["in_use"] is True
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    killed = time.monotonic()
    assert wait_until(gone(state), timeout=2 + 10), "the server outlived its killed command"
    assert time.monotonic() - killed <= 2 + 10 and not pid_alive(pid)
    assert _processes(warm.data_dir) == "", "something outlived the killed command"


def test_killing_the_idle_watch_ends_the_server_and_the_next_command_starts_one(
    warm: Warm,
) -> None:
    warm.cli("db", "info", idle_timeout="600")
    state = warm.state()
    assert state.watchdog_pid is not None
    os.kill(state.watchdog_pid, signal.SIGKILL)
    assert wait_until(lambda: not pid_alive(state.pid), timeout=30), "the JVM was orphaned"
    info = json.loads(warm.cli("db", "info", "--format", "json", idle_timeout="600").stdout)
    assert info["backend"] == "arcadedb" and warm.state().pid != state.pid


def test_a_command_arriving_while_the_server_is_being_stopped_gets_a_fresh_one(
    warm: Warm,
) -> None:
    """What the idle watch does when it stops the server (exclusive lock on .in-use, then
    the stop), done by hand so the command surely arrives in the middle of it."""
    warm.cli("db", "info", idle_timeout="600")
    old = warm.state()
    fd = os.open(warm.data_dir / IN_USE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no command holds the server
        late = subprocess.Popen(
            [*CLI, "db", "info", "--format", "json"],
            env=warm.env("600"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        warm.procs.append(late)
        assert wait_until(lambda: _waits_for_lease(warm.data_dir), timeout=60), late.poll()
        assert warm.server.stop()
    finally:
        os.close(fd)
    out, err = late.communicate(timeout=180)
    assert late.returncode == 0, err
    assert json.loads(out)["backend"] == "arcadedb"
    assert warm.state().pid != old.pid and warm.state().mode == "warm"


def test_a_failed_start_reports_the_log_tail_and_leaves_nothing(warm: Warm) -> None:
    env = {**warm.env("600"), "CIBGRAPH_EMBEDDED_HEAP": "lots"}  # -Xmxlots: the JVM refuses
    proc = run_cli("db", "info", env=env, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "exited with code" in proc.stderr and "Invalid maximum heap" in proc.stderr
    assert warm.server.status() is None and not warm.server.state_file.exists()
    assert wait_until(lambda: "idle watch" not in _processes(warm.data_dir), timeout=10)
    info = json.loads(warm.cli("db", "info", "--format", "json", idle_timeout="600").stdout)
    assert info["backend"] == "arcadedb" and warm.state().mode == "warm"


def _waits_for_lease(data_dir: Path) -> bool:
    """True if a process is blocked taking a lease on ``data_dir``'s server."""
    st = os.stat(data_dir / IN_USE)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any(
        "->" in line and key in line.split()
        for line in Path("/proc/locks").read_text().splitlines()
    )


def _processes(data_dir: Path) -> str:
    """Command lines of the processes that name ``data_dir`` ("idle watch" for a watch)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(data_dir) in cmdline and str(proc.name) != str(os.getpid()):
                found.append("idle watch" if "cibgraph.idle_watch" in cmdline else cmdline)
    return "\n".join(found)


def test_zero_idle_timeout_stops_the_server_when_the_command_ends(warm: Warm) -> None:
    warm.cli("db", "info", idle_timeout="0")
    assert warm.server.status() is None and not warm.server.state_file.exists()
    log = warm.server.log_file.read_text()
    assert "ArcadeDB Server started" in log and "idle watch" not in log


def test_db_stop_stops_a_warm_server_at_once_and_says_it_was_in_use(warm: Warm) -> None:
    holder, pid = warm.holder(idle_timeout="600")
    state = warm.state()
    started = time.monotonic()
    stopped = warm.cli("db", "stop", idle_timeout="600")
    took = time.monotonic() - started
    assert "embedded server stopped" in stopped.stdout
    assert f"in use by running commands (pid {holder.pid})" in stopped.stderr
    assert gone(state)(), "db stop returned before the server and its idle watch ended"
    assert took < 30 and not pid_alive(pid)
    assert warm.status()["running"] is False


def test_db_stop_of_an_idle_warm_server(warm: Warm) -> None:
    warm.cli("db", "info", idle_timeout="600")
    state = warm.state()
    status = warm.status()
    assert status["mode"] == "warm" and status["in_use"] is False
    assert status["idle_deadline"] and 0 < status["idle_seconds_left"] <= 600
    stopped = warm.cli("db", "stop", idle_timeout="600")
    assert "embedded server stopped" in stopped.stdout and stopped.stderr == ""
    assert gone(state)()


def test_db_start_adopts_a_warm_server_which_then_stops_no_more(warm: Warm) -> None:
    holder, pid = warm.holder(idle_timeout="2")  # keeps it warm meanwhile
    out = warm.cli("db", "start", idle_timeout="2").stdout
    assert f"(pid {pid})" in out and "it was warm" in out
    holder.kill()
    holder.wait(timeout=30)
    status = warm.status()
    assert status["mode"] == "detached" and status["pid"] == pid
    assert "idle_deadline" not in status
    time.sleep(2 + 3)
    state = warm.state()
    assert state.pid == pid, "a server adopted by db start stopped when idle"
    warm.cli("db", "stop", idle_timeout="2")
    assert gone(state)()


def test_library_connect_reuses_the_warm_server_whose_parent_is_the_watch(
    warm: Warm,
) -> None:
    settings = Settings(data_dir=warm.data_dir)
    assert settings.idle_timeout == DEFAULT_IDLE_TIMEOUT == 600
    with connect(settings) as graph:
        first = graph.server_state
        assert graph.query("RETURN 1 AS ok") == [{"ok": 1}]
    assert first is not None and first.mode == "warm"
    with connect(settings) as graph:
        assert graph.server_state == first
    stat = Path(f"/proc/{first.pid}/stat").read_text()
    assert int(stat.rsplit(")", 1)[1].split()[1]) == first.watchdog_pid
    # the secrets stay in their files: not in either process's argv, nor in the log
    password = warm.server.password()
    for pid in (first.pid, first.watchdog_pid):
        assert password not in Path(f"/proc/{pid}/cmdline").read_bytes().decode()
        environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
        assert password not in environ
    assert password not in warm.server.log_file.read_text()
    assert {addr for addr, _ in listening_addresses(first.pid)} == {"127.0.0.1"}
    assert listening_addresses(first.watchdog_pid) == []


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bad_idle_timeout_is_a_one_line_error(warm: Warm, value: str) -> None:
    proc = run_cli("db", "info", env=warm.env(value), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: CIBGRAPH_IDLE_TIMEOUT={value!r} is not a number")
    assert not warm.data_dir.exists(), "nothing may start on a bad setting"


def test_idle_timeout_setting() -> None:
    assert Settings.from_env(environ={}).idle_timeout == 600
    assert Settings.from_env(environ={"CIBGRAPH_IDLE_TIMEOUT": ""}).idle_timeout == 600
    assert Settings.from_env(environ={"CIBGRAPH_IDLE_TIMEOUT": "0"}).idle_timeout == 0
    assert Settings.from_env(environ={"CIBGRAPH_IDLE_TIMEOUT": " 2.5 "}).idle_timeout == 2.5
    with pytest.raises(ConfigError, match="0 or more"):
        Settings.from_env(environ={"CIBGRAPH_IDLE_TIMEOUT": "-0.5"})
