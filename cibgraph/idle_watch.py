"""The idle watch of a warm embedded server: ``python -m cibgraph.idle_watch DATA_DIR``.

Started by a command that needs the embedded server and finds none (see
:mod:`cibgraph.warm` for the protocol). It forks once so that it is nobody's child,
launches the JVM as its own child with ``PR_SET_PDEATHSIG`` (whatever ends the watch ends
the JVM), reports the outcome to its command on a pipe, releases the start lock it
inherited, and then polls: it stops the server once no command holds a lease and the last
use is older than the idle timeout, and exits when the JVM ends for any other reason
(``cibgraph db stop``, a crash). Its lines go to ``server.log``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from cibgraph.embedded import EmbeddedServer, ServerState, _terminate
from cibgraph.errors import CibgraphError
from cibgraph.warm import IN_USE, START_TIMEOUT, STOP_GRACE, last_use


class _Stop(Exception):
    """SIGTERM while the JVM starts."""


def _log(message: str) -> None:
    # a line of its own: the JVM may have left its last line without a newline
    print(f"\n--- cibgraph idle watch (pid {os.getpid()}) {time.ctime()}: {message}", flush=True)


class IdleWatch:
    """Parent of a warm server's JVM: stops it when idle, cleans up when it ends."""

    def __init__(self, server: EmbeddedServer, proc: subprocess.Popen[bytes]) -> None:
        self.server = server
        self.proc = proc
        self.stop_requested = False
        signal.signal(signal.SIGTERM, self._on_sigterm)

    def run(self) -> int:
        while True:
            state = self.server.read_state()
            time.sleep(self._interval(state))
            if self.proc.poll() is not None:
                self._gone()
                return 0
            if self.stop_requested:
                self._stop("SIGTERM received")
                return 0
            if self._lost() or self._idle_stop():
                return 0

    def _on_sigterm(self, signum: int, frame: object) -> None:
        self.stop_requested = True

    def _interval(self, state: ServerState | None) -> float:
        timeout = last_use(self.server, state)[1] if state is not None else 1.0
        return max(0.1, min(1.0, timeout / 4))

    def _ours(self, state: ServerState | None) -> bool:
        return state is not None and state.pid == self.proc.pid

    def _lost(self) -> bool:
        """Stop the JVM if ``server.json`` no longer names it (deleted by hand, or the
        whole data directory): no command could find it, nor stop it."""
        if self._ours(self.server.read_state()):
            return False
        if not self.server.data_dir.is_dir():
            self._terminate()
            return True
        with self.server._locked():
            if self.proc.poll() is not None or self._ours(self.server.read_state()):
                return False  # `db stop` ended it (seen next round), or it was rewritten
            _log("server.json no longer names this server: stopping it")
            self._terminate()
        return True

    def _idle_stop(self) -> bool:
        """Stop the server if no command holds it and its last use is old enough."""
        state = self.server.read_state()
        if not self._ours(state) or state is None or state.detached:
            return False  # adopted by `db start` (detached), or being stopped by `db stop`
        fd = os.open(self.server.data_dir / IN_USE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a command holds it
            at, timeout = last_use(self.server, state)
            if time.time() < at + timeout:
                return False
            # No command can take a lease while we hold .in-use exclusively.
            with self.server._locked():
                state = self.server.read_state()
                if not self._ours(state) or state is None or state.detached:
                    return False
                _log(f"no command used the server for {time.time() - at:.0f} s: stopping it")
                self._terminate()
                self.server.state_file.unlink(missing_ok=True)
            return True
        finally:
            os.close(fd)  # a command waiting for its lease now finds no server

    def _stop(self, why: str) -> None:
        _log(f"{why}: stopping the server")
        with self.server._locked():
            self._terminate()
            if self._ours(self.server.read_state()):
                self.server.state_file.unlink(missing_ok=True)

    def _terminate(self) -> None:
        _terminate(self.proc.pid, grace=STOP_GRACE)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)

    def _gone(self) -> None:
        """The JVM ended without us (`db stop`, a crash, the OOM killer)."""
        with self.server._locked():
            if self._ours(self.server.read_state()):
                self.server.state_file.unlink(missing_ok=True)
        _log(f"the server (pid {self.proc.pid}) exited with code {self.proc.returncode}")


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop


def _report(fd: int, message: dict[str, Any], *, last: bool = True) -> None:
    with contextlib.suppress(OSError):  # the command may be gone (killed while waiting)
        os.write(fd, json.dumps(message).encode() + b"\n")
    if last:
        with contextlib.suppress(OSError):
            os.close(fd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cibgraph.idle_watch",
        description="Run a warm embedded server: launch it, stop it when idle. Started by "
        "cibgraph commands; not meant to be run by hand.",
    )
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--idle-timeout", type=float, required=True)
    parser.add_argument("--lock-fd", type=int, required=True, help="the held start lock")
    parser.add_argument("--ready-fd", type=int, required=True, help="where to report")
    parser.add_argument("--start-timeout", type=float, default=START_TIMEOUT)
    args = parser.parse_args(argv)
    if os.fork() > 0:
        os._exit(0)  # the launcher: the command reaps it; its child, the watch, runs on
    _report(args.ready_fd, {"watch": os.getpid()}, last=False)
    for fd in (args.lock_fd, args.ready_fd):
        os.set_inheritable(fd, False)  # the JVM gets neither
    server = EmbeddedServer(args.data_dir)
    signal.signal(signal.SIGTERM, _raise_stop)  # until the JVM serves; then IdleWatch's
    try:
        proc, state = server.launch(
            detached=False,
            timeout=args.start_timeout,
            watchdog_pid=os.getpid(),
            idle_timeout=args.idle_timeout,
        )
    except BaseException as exc:
        message = str(exc) if isinstance(exc, CibgraphError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, _Stop):
            message = "the embedded server's start was interrupted (SIGTERM)"
            _log(message)
        _report(args.ready_fd, {"error": message})
        return 1
    finally:
        os.close(args.lock_fd)  # server.json is written (or nothing runs): release
    watch = IdleWatch(server, proc)
    _log(
        f"server pid {state.pid} serves {state.uri}; it stops after "
        f"{args.idle_timeout:g} s with no command using it"
    )
    _report(args.ready_fd, {"pid": state.pid})
    return watch.run()


if __name__ == "__main__":
    sys.exit(main())
