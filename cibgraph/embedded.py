"""The embedded default: an ArcadeDB server run as a child process, spoken to over Bolt.

The ``arcadedb-embedded`` wheel ships a JRE and ArcadeDB's jars, including the Bolt
plugin. We launch ``com.arcadedb.server.ArcadeDBServer`` with that JRE as a separate
process (in-process JPype crashed the interpreter at shutdown when tried), bind every
listener to 127.0.0.1 on free ports, and keep the generated root password in a 0600 file.

Layout of the data directory::

    <data_dir>/
      server/            ArcadeDB root (databases/, config/, log/)
      root-password      0600, generated on first start
      server.json        pid, ports, who started it (absent when stopped)
      server.log         the JVM's stdout/stderr (tail shown on failures)
      .lock              serialises start/stop between processes

Ownership: a server started by ``cibgraph db start`` is *detached* and lives until
``cibgraph db stop``. A server a command starts on demand is *attached*: it is stopped
when the command ends, and the kernel sends it SIGTERM if the command dies (so a killed
CLI leaves no orphan JVM).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from cibgraph.errors import EmbeddedServerError
from cibgraph.settings import EMBEDDED_DATABASE

HOST = "127.0.0.1"
ROOT_USER = "root"
ENV_HEAP = "CIBGRAPH_EMBEDDED_HEAP"
DEFAULT_HEAP = "4g"
SERVER_CLASS = "com.arcadedb.server.ArcadeDBServer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
_PR_SET_PDEATHSIG = 1


def arcadedb_home() -> Path:
    """Folder of the installed ``arcadedb_embedded`` package (holds ``jre/`` and ``jars/``)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError(
            "the embedded database needs the 'arcadedb-embedded' package: "
            "pip install arcadedb-embedded (or set CIBGRAPH_URI to use a Neo4j server)"
        )
    home = Path(next(iter(spec.submodule_search_locations)))
    if not (home / "jre" / "bin" / "java").exists():
        raise EmbeddedServerError(f"no bundled JRE in {home}; reinstall arcadedb-embedded")
    return home


def arcadedb_version() -> str:
    from importlib.metadata import version

    return version("arcadedb-embedded")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_open(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0): look at its state.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask the kernel to SIGTERM this process when the process that started it exits."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class ServerState:
    """What ``server.json`` records about a running embedded server."""

    pid: int
    bolt_port: int
    http_port: int
    detached: bool
    started_at: float
    root_path: str

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"


class EmbeddedServer:
    """Start, find, and stop the embedded ArcadeDB server of one data directory."""

    def __init__(self, data_dir: Path, database: str = EMBEDDED_DATABASE) -> None:
        self.data_dir = Path(data_dir)
        self.database = database
        self.root_path = self.data_dir / "server"
        self.password_file = self.data_dir / "root-password"
        self.state_file = self.data_dir / "server.json"
        self.log_file = self.data_dir / "server.log"
        self._lock_file = self.data_dir / ".lock"

    # -- state ---------------------------------------------------------------------------

    def read_state(self) -> ServerState | None:
        try:
            return ServerState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def status(self) -> ServerState | None:
        """The running server's state, or None. A stale ``server.json`` is removed."""
        state = self.read_state()
        if state is None:
            return None
        if self._is_ours(state.pid):
            return state
        self.state_file.unlink(missing_ok=True)  # stale: the JVM died (crash, kill -9, reboot)
        return None

    def _is_ours(self, pid: int) -> bool:
        """True if ``pid`` is alive and is a JVM serving *this* data directory."""
        return pid_alive(pid) and f"arcadedb.server.rootPath={self.root_path}" in _cmdline(pid)

    def password(self) -> str:
        """The root password, generated into a 0600 file on first use."""
        self._make_data_dir()
        if not self.password_file.exists():
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24))
        os.chmod(self.password_file, 0o600)
        return self.password_file.read_text().strip()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def _make_data_dir(self) -> None:
        """Create the data directory private to its owner (it holds the password file)."""
        if not self.data_dir.exists():
            self.data_dir.mkdir(parents=True, mode=0o700)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._make_data_dir()
        with open(self._lock_file, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- lifecycle -----------------------------------------------------------------------

    def command(self, bolt_port: int, http_port: int) -> list[str]:
        """The java command line. The password travels in a file, never in argv."""
        home = arcadedb_home()
        heap = os.environ.get(ENV_HEAP, DEFAULT_HEAP)
        props = {
            "arcadedb.server.rootPath": str(self.root_path),
            "arcadedb.server.rootPasswordPath": str(self.password_file),
            "arcadedb.server.name": "cibgraph",
            "arcadedb.server.mode": "development",
            "arcadedb.server.httpIncomingHost": HOST,
            "arcadedb.server.httpIncomingPort": str(http_port),
            "arcadedb.server.plugins": BOLT_PLUGIN,
            "arcadedb.server.defaultDatabases": f"{self.database}[{ROOT_USER}]",
            "arcadedb.bolt.host": HOST,
            "arcadedb.bolt.port": str(bolt_port),
            "arcadedb.bolt.defaultDatabase": self.database,
            # Listeners we do not use still default to all interfaces: pin them too.
            "arcadedb.postgres.host": HOST,
            "arcadedb.redis.host": HOST,
            "arcadedb.mongo.host": HOST,
            "arcadedb.grpc.host": HOST,
            "arcadedb.support.autoRegister": "false",
            "java.awt.headless": "true",
        }
        return [
            str(home / "jre" / "bin" / "java"),
            f"-Xmx{heap}",
            "--add-modules=jdk.incubator.vector",
            *(f"-D{k}={v}" for k, v in props.items()),
            "-cp",
            str(home / "jars" / "*"),
            SERVER_CLASS,
        ]

    def start(self, *, detached: bool = False, timeout: float = 90.0) -> ServerState:
        """Start the server (or return the one already running) and wait until Bolt answers.

        ``detached=False`` ties the JVM's life to this process (see module doc).
        """
        with self._locked():
            running = self.status()
            if running is not None:
                if detached and not running.detached:
                    running.detached = True  # `db start` adopts a server a command started
                    self._write_state(running)
                return running
            self.password()
            self.root_path.mkdir(parents=True, exist_ok=True)
            bolt_port, http_port = free_port(), free_port()
            while http_port == bolt_port:
                http_port = free_port()
            cmd = self.command(bolt_port, http_port)
            with open(self.log_file, "ab") as log:
                log_offset = log.tell()
                log.write(f"\n--- cibgraph: starting embedded server at {time.ctime()}\n".encode())
                log.flush()
                proc = subprocess.Popen(
                    cmd,
                    cwd=self.root_path,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C in the terminal goes to the CLI, not the JVM
                    preexec_fn=None if detached else _die_with_parent,
                )
            state = ServerState(
                pid=proc.pid,
                bolt_port=bolt_port,
                http_port=http_port,
                detached=detached,
                started_at=time.time(),
                root_path=str(self.root_path),
            )
            try:
                self._wait_ready(proc, state, timeout, log_offset)
            except BaseException:
                _terminate(proc.pid, grace=10)
                proc.wait(timeout=5)
                raise
            self._write_state(state)
            return state

    def _wait_ready(
        self, proc: subprocess.Popen[bytes], state: ServerState, timeout: float, log_offset: int
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise EmbeddedServerError(
                    f"the embedded ArcadeDB server exited with code {proc.returncode} while "
                    f"starting. Last lines of {self.log_file}:\n{self.log_tail()}"
                )
            if port_open(state.bolt_port) and self._ready_marker_seen(log_offset):
                return
            time.sleep(0.2)
        raise EmbeddedServerError(
            f"the embedded ArcadeDB server did not answer on Bolt port {state.bolt_port} within "
            f"{timeout:.0f} s. Last lines of {self.log_file}:\n{self.log_tail()}"
        )

    def _ready_marker_seen(self, log_offset: int) -> bool:
        # Bolt listens before the default database exists; the server logs this line last.
        with open(self.log_file, "rb") as log:
            log.seek(log_offset)
            return b"ArcadeDB Server started" in log.read()

    def _write_state(self, state: ServerState) -> None:
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(state), indent=2))
        tmp.replace(self.state_file)

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server if it runs; True if one was stopped."""
        with self._locked():
            state = self.status()
            if state is None:
                return False
            _terminate(state.pid, grace=timeout)
            self.state_file.unlink(missing_ok=True)
            return True


def _terminate(pid: int, grace: float) -> None:
    """SIGTERM (ArcadeDB closes its databases cleanly), then SIGKILL after ``grace`` s."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
        if not pid_alive(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
