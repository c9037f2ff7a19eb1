"""The warm embedded server: commands lease it, an idle watch stops it when unused.

A command that needs the embedded server and finds none running does not launch the JVM
itself: it spawns an *idle watch* (:mod:`cibgraph.idle_watch`, a new session with its
output in ``server.log``), and the watch launches the JVM as its own child with
``PR_SET_PDEATHSIG``. The server then outlives the command, so the next command pays no
JVM start, and whatever kills the watch (even ``kill -9``) also ends the JVM.

Two files in the data directory carry the protocol:

* ``.in-use``: every command holds a *shared* flock on it for as long as it uses the
  server (:func:`lease`), taken *before* it looks for or starts the server. The kernel
  drops the lock of a command that dies, whatever killed it.
* ``last-used``: when a command last took or gave back its lease, and the idle timeout it
  asked for (``CIBGRAPH_IDLE_TIMEOUT``).

The watch polls (every second, faster for short timeouts). Once it can take an
*exclusive* non-blocking flock on ``.in-use`` (no command holds the server) and the last
use is older than the timeout, it stops the JVM under ``.lock`` (SIGTERM, then SIGKILL),
removes ``server.json`` and exits. A command that arrives meanwhile waits on its shared
lock and then finds no server, so it starts a fresh one. Lock order is always
``.in-use`` before ``.lock``. ``cibgraph db start`` adopts a warm server (it is then
detached: the watch stays its parent but stops it no more); ``cibgraph db stop`` stops
it at once.

While the watch starts the JVM it holds the start lock the command took for it (the
locked file descriptor is inherited), so a command killed during the start can never
let a second JVM start on the same data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cibgraph.embedded import EmbeddedServer, ServerState, _terminate
from cibgraph.errors import EmbeddedServerError
from cibgraph.settings import ENV_PASSWORD, ENV_PASSWORD_FILE

IN_USE = ".in-use"
LAST_USED = "last-used"
#: Seconds the watch gives the JVM to serve; the command waits a little longer for it.
START_TIMEOUT = 90.0
#: Seconds a stopping JVM gets to close its databases before SIGKILL.
STOP_GRACE = 60.0

#: Lease file descriptors this process holds; a forked child closes its copies, so a
#: worker outliving its killed parent does not keep the server in use.
_held: set[int] = set()
_held_guard = threading.Lock()


def _forget_leases_in_child() -> None:  # pragma: no cover - runs in forked children
    for fd in list(_held):
        with contextlib.suppress(OSError):
            os.close(fd)  # close only: LOCK_UN would drop the parent's lease too
    _held.clear()


os.register_at_fork(after_in_child=_forget_leases_in_child)


# -- leases (the command's side) ----------------------------------------------------------


@contextlib.contextmanager
def lease(server: EmbeddedServer, idle_timeout: float) -> Iterator[None]:
    """Hold the embedded server of ``server.data_dir`` for the ``with`` block: no idle
    watch stops it meanwhile. Blocks while a watch is stopping the server."""
    server._make_data_dir()
    fd = os.open(server.data_dir / IN_USE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except BaseException:
        os.close(fd)
        raise
    with _held_guard:
        _held.add(fd)
    try:
        touch(server.data_dir, idle_timeout)
        yield
    finally:
        touch(server.data_dir, idle_timeout)
        with _held_guard:
            _held.discard(fd)
        os.close(fd)  # releases the shared lock


def touch(data_dir: Path, idle_timeout: float) -> None:
    """Record a use of the server now, and the idle timeout its command asked for. Best
    effort: on a full disk the record stays as it was (the lease alone keeps the server
    up), and the command goes on to the error that names the disk."""
    record = {"at": time.time(), "idle_timeout": idle_timeout, "pid": os.getpid()}
    tmp = data_dir / f".{LAST_USED}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(json.dumps(record))
        tmp.replace(data_dir / LAST_USED)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def ensure_server(server: EmbeddedServer, idle_timeout: float) -> tuple[ServerState, bool]:
    """The running server (reused) or a new one; call it while holding a :func:`lease`.
    Returns the state and whether this process must stop the server when done (only an
    attached server, ``idle_timeout == 0``, that this call launched)."""
    state = server.status()
    if state is not None:
        return state, False
    if idle_timeout <= 0:  # attached: the old way, tied to this command
        state = server.start(detached=False)
        return state, server.launched
    server._make_data_dir()
    lock_fd = os.open(server.data_dir / ".lock", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        state = server.status()  # another command may have started it meanwhile
        if state is None:
            state = _spawn_watch(server, lock_fd, idle_timeout)
        return state, False
    finally:
        os.close(lock_fd)  # close, not LOCK_UN: the watch may still hold its copy


def _spawn_watch(server: EmbeddedServer, lock_fd: int, idle_timeout: float) -> ServerState:
    """Start an idle watch that launches the JVM; return once it serves."""
    ready_r, ready_w = os.pipe()
    env = {k: v for k, v in os.environ.items() if k not in (ENV_PASSWORD, ENV_PASSWORD_FILE)}
    cmd = [
        sys.executable, "-m", "cibgraph.idle_watch", str(server.data_dir),
        "--idle-timeout", repr(idle_timeout), "--lock-fd", str(lock_fd),
        "--ready-fd", str(ready_w),
    ]  # fmt: skip
    reports: dict[str, Any] = {}
    launcher: subprocess.Popen[bytes] | None = None
    try:
        with open(server.log_file, "ab") as log:
            # The launcher forks the watch and exits at once, so the watch is nobody's
            # child here: no zombie, nothing tied to this command.
            launcher = subprocess.Popen(
                cmd,
                cwd=server.data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal does not reach it
                pass_fds=(lock_fd, ready_w),
            )
        os.close(ready_w)
        ready_w = -1
        try:
            _read_reports(ready_r, START_TIMEOUT + 30, reports)
        except BaseException:  # interrupted or timed out: nothing may outlive the attempt
            if "watch" in reports:
                _terminate(int(reports["watch"]), grace=15)
            raise
    finally:
        os.close(ready_r)
        if ready_w >= 0:
            os.close(ready_w)
        if launcher is not None:
            try:
                launcher.wait(timeout=30)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait()
    if "error" in reports:
        raise EmbeddedServerError(str(reports["error"]))
    state = server.read_state()
    if state is None or state.pid != reports.get("pid"):
        raise EmbeddedServerError(
            "the embedded server's idle watch exited while starting it. "
            f"Last lines of {server.log_file}:\n{server.log_tail()}"
        )
    return state


def _read_reports(fd: int, timeout: float, reports: dict[str, Any]) -> None:
    """Read the watch's JSON lines from the pipe ``fd`` into ``reports`` until it closes:
    ``{"watch": pid}`` first, then ``{"pid": jvm_pid}`` or ``{"error": message}``."""
    deadline = time.monotonic() + timeout
    pending = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise EmbeddedServerError(
                f"the embedded server did not start within {timeout:.0f} s (its log is in "
                "the data directory, server.log)"
            )
        readable, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not readable:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            with contextlib.suppress(ValueError, TypeError):
                reports.update(json.loads(line))


# -- what `db status` and `db stop` show ----------------------------------------------------


def last_use(server: EmbeddedServer, state: ServerState) -> tuple[float, float]:
    """(epoch seconds of the last use of a warm server, the idle timeout then asked for)."""
    at, timeout = state.started_at, state.idle_timeout or 0.0
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
        record = json.loads((server.data_dir / LAST_USED).read_text())
        if float(record["at"]) >= at:
            at, timeout = float(record["at"]), float(record.get("idle_timeout", timeout))
    return at, timeout


def in_use(server: EmbeddedServer) -> bool:
    """True if some command holds a lease on the server right now."""
    try:
        fd = os.open(server.data_dir / IN_USE, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases the probe's lock if it got it
    return False


def holders(server: EmbeddedServer) -> list[int]:
    """Pids of the processes holding a lease (from /proc/locks; [] where unreadable)."""
    try:
        st = os.stat(server.data_dir / IN_USE)
        table = Path("/proc/locks").read_text()
    except OSError:
        return []
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids = []
    for line in table.splitlines():
        cols = line.split()
        if len(cols) >= 6 and cols[1] == "FLOCK" and cols[3] == "READ" and cols[5] == key:
            pids.append(int(cols[4]))
    return sorted(set(pids))


def idle_report(server: EmbeddedServer, state: ServerState) -> dict[str, Any]:
    """A warm server's idle stop, for ``db status``: when, or "in use"."""
    at, timeout = last_use(server, state)
    users = holders(server)
    busy = bool(users) or in_use(server)
    left = max(0.0, at + timeout - time.time())
    when = dt.datetime.fromtimestamp(at + timeout).astimezone().isoformat(timespec="seconds")
    if busy:
        by = f" by {len(users)} command(s), pid {', '.join(map(str, users))}" if users else ""
        summary = f"in use{by}; stops {timeout:g} s after the last one ends"
    else:
        summary = f"stops at {when} (in {left:.0f} s) unless a command uses it"
    return {
        "idle_timeout": timeout,
        "in_use": busy,
        "in_use_by": users,
        "idle_deadline": None if busy else when,
        "idle_seconds_left": None if busy else round(left, 1),
        "idle": summary,
    }
