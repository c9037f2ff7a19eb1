"""The embedded default: an ArcadeDB server run as a child process, spoken to over Bolt.

The ``arcadedb-embedded`` wheel ships a JRE and ArcadeDB's jars, including the Bolt
plugin. We launch ``com.arcadedb.server.ArcadeDBServer`` with that JRE as a separate
process (in-process JPype crashed the interpreter at shutdown when tried), bind every
listener to 127.0.0.1 on free ports, and keep the generated root password in a 0600 file.

Layout of the data directory::

    <data_dir>/
      server/            ArcadeDB root (databases/, config/, log/)
      root-password      0600, generated on first start
      reader-password    0600, the read-only user's (read mode runs as that user)
      server.json        pid, ports, who started it (absent when stopped)
      server.log         the JVM's stdout/stderr, and the idle watch's lines
      .lock              serialises start/stop between processes
      .in-use            shared flock of every command using the server (cibgraph.warm)
      last-used          when the last command started or ended, and its idle timeout

Ownership: a server started by ``cibgraph db start`` is *detached* and lives until
``cibgraph db stop``. A server a command starts on demand is *warm*: a small idle-watch
process (:mod:`cibgraph.idle_watch`; the protocol is in :mod:`cibgraph.warm`) launches
the JVM as its own child and stops it once no command has used it for
``CIBGRAPH_IDLE_TIMEOUT`` seconds (default 600), so the next command pays no JVM start.
The JVM gets SIGTERM from the kernel if the watch dies, so nothing is orphaned even after
``kill -9``. With ``CIBGRAPH_IDLE_TIMEOUT=0`` an on-demand server is *attached*: it is
stopped when the command that started it ends, and the kernel sends it SIGTERM if that
command dies.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import fcntl
import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from cibgraph.errors import EmbeddedServerError
from cibgraph.readonly import READER_GROUP, READER_USER
from cibgraph.settings import EMBEDDED_DATABASE

HOST = "127.0.0.1"
ROOT_USER = "root"
ENV_HEAP = "CIBGRAPH_EMBEDDED_HEAP"
#: Less free space than this on the data directory's disk when a write fails: the disk is
#: full (one batch of a load needs a few MiB).
LOW_SPACE = 64 * 2**20
#: The line cibgraph writes into the server log before each start.
_START_MARK = "--- cibgraph: starting embedded server"
DEFAULT_HEAP = "4g"
SERVER_CLASS = "com.arcadedb.server.ArcadeDBServer"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
_PR_SET_PDEATHSIG = 1
#: ArcadeDB's password hash: PBKDF2WithHmacSHA256$<iterations>$<salt>$<hash>, where the
#: salt is a base64 string used as its own bytes and the hash is base64 of 256 bits.
_PBKDF2 = "PBKDF2WithHmacSHA256"
_PBKDF2_ITERATIONS = 65536
#: Group every user of a database gets unless named otherwise: no access at all.
_NO_ACCESS = {"resultSetLimit": -1, "readTimeout": -1, "access": [], "types": {"*": {"access": []}}}
_ADMIN_GROUP = {
    "resultSetLimit": -1,
    "readTimeout": -1,
    "access": ["updateSecurity", "updateSchema", "updateDatabaseSettings"],
    "types": {"*": {"access": ["createRecord", "readRecord", "updateRecord", "deleteRecord"]}},
}
#: Read mode's group: read records, nothing else (no schema, security or settings access).
_READER_GROUP = {
    "resultSetLimit": -1,
    "readTimeout": -1,
    "access": [],
    "types": {"*": {"access": ["readRecord"]}},
}


def arcadedb_password_hash(password: str, salt: str | None = None) -> str:
    """``password`` hashed the way ArcadeDB's server-users.jsonl stores it."""
    salt = salt or base64.b64encode(secrets.token_bytes(32)).decode()
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), salt.encode(), _PBKDF2_ITERATIONS, dklen=32
    )
    return f"{_PBKDF2}${_PBKDF2_ITERATIONS}${salt}${base64.b64encode(digest).decode()}"


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text``, readable by its owner only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


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
    #: The idle watch that launched this JVM (a warm server); None: a command or
    #: ``db start`` launched it itself.
    watchdog_pid: int | None = None
    #: The idle timeout the server was started with (warm servers only).
    idle_timeout: float | None = None

    @property
    def uri(self) -> str:
        return f"bolt://{HOST}:{self.bolt_port}"

    @property
    def mode(self) -> str:
        """``detached`` (``db start``: no idle stop), ``warm`` (stops itself when idle) or
        ``attached`` (stopped when the command that started it ends)."""
        if self.detached:
            return "detached"
        return "warm" if self.watchdog_pid is not None else "attached"


class EmbeddedServer:
    """Start, find, and stop the embedded ArcadeDB server of one data directory."""

    def __init__(self, data_dir: Path, database: str = EMBEDDED_DATABASE) -> None:
        self.data_dir = Path(data_dir)
        self.database = database
        self.root_path = self.data_dir / "server"
        self.password_file = self.data_dir / "root-password"
        self.reader_password_file = self.data_dir / "reader-password"
        self.config_dir = self.root_path / "config"
        self.state_file = self.data_dir / "server.json"
        self.log_file = self.data_dir / "server.log"
        self._lock_file = self.data_dir / ".lock"
        #: True once :meth:`start` has launched a JVM (not when it found one running):
        #: only a caller that launched the server may stop it.
        self.launched = False

    # -- state ---------------------------------------------------------------------------

    def read_state(self) -> ServerState | None:
        try:
            raw = json.loads(self.state_file.read_text())
            known = {f.name for f in fields(ServerState)}
            return ServerState(**{k: v for k, v in raw.items() if k in known})
        except (OSError, ValueError, TypeError, AttributeError):
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

    def failure_cause(self, tail_bytes: int = 200_000) -> str | None:
        """What went wrong, when it is a cause a user can act on, in one sentence: out of
        memory (from the server's log), or a full disk (from the log, or measured: less than
        ``LOW_SPACE`` left, since ArcadeDB reports a failed write only as "Transaction error
        on commit"); None otherwise."""
        try:
            with open(self.log_file, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - tail_bytes))
                tail = f.read().decode("utf-8", "replace")
        except OSError:
            return None
        tail = tail.rsplit(_START_MARK, 1)[-1]  # this start only: older runs said their own
        if "OutOfMemoryError" in tail:
            heap = os.environ.get(ENV_HEAP, DEFAULT_HEAP)
            return (
                f"the embedded server ran out of memory (Java heap {heap}); give it more with "
                f"{ENV_HEAP}, e.g. {ENV_HEAP}=8g, then run the command again"
            )
        free = self.free_space()
        if (
            "No space left on device" in tail
            or "Not enough space" in tail
            or (free is not None and free < LOW_SPACE)
        ):
            left = "" if free is None else f" ({free / 2**20:.0f} MiB free)"
            return (
                f"the disk holding {self.data_dir} is full{left}; free space there (or move "
                "the data with CIBGRAPH_DATA_DIR) and run the command again"
            )
        return None

    def free_space(self) -> int | None:
        """Bytes free for this user on the file system of the data directory."""
        try:
            return shutil.disk_usage(self.data_dir).free
        except OSError:
            return None

    def password(self) -> str:
        """The root password, generated into a 0600 file on first use."""
        return self._secret(self.password_file)

    def reader_password(self) -> str:
        """The read-only user's password, generated into a 0600 file on first use."""
        return self._secret(self.reader_password_file)

    def _secret(self, path: Path) -> str:
        self._make_data_dir()
        if not path.exists():
            with contextlib.suppress(FileExistsError):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_urlsafe(24))
        os.chmod(path, 0o600)
        secret = path.read_text().strip()
        if not secret:
            raise EmbeddedServerError(f"{path} is empty; delete it and start the server again")
        return secret

    def write_security(self) -> None:
        """Write ArcadeDB's users and groups files before the server starts.

        root (admin on every database) and the read-only user (group
        :data:`~cibgraph.readonly.READER_GROUP` on this database: read records, nothing
        else) get their passwords from the 0600 files each start, so a password changed
        inside the server never locks cibgraph out. Other users are kept as they are.
        """
        self.config_dir.mkdir(parents=True, exist_ok=True)
        groups_file = self.config_dir / "server-groups.json"
        try:
            groups = json.loads(groups_file.read_text())
            per_db = groups["databases"]["*"]["groups"]
        except (OSError, ValueError, KeyError, TypeError):
            groups = {"databases": {"*": {"groups": {}}}, "version": 2}
            per_db = groups["databases"]["*"]["groups"]
        per_db.setdefault("admin", _ADMIN_GROUP)
        per_db.setdefault("*", _NO_ACCESS)
        per_db[READER_GROUP] = _READER_GROUP
        _write_private(groups_file, json.dumps(groups, indent=2))

        users_file = self.config_dir / "server-users.jsonl"
        ours = {
            ROOT_USER: {
                "name": ROOT_USER,
                "databases": {"*": ["admin"]},
                "password": arcadedb_password_hash(self.password()),
            },
            READER_USER: {
                "name": READER_USER,
                "databases": {self.database: [READER_GROUP]},
                "password": arcadedb_password_hash(self.reader_password()),
            },
        }
        others: list[str] = []
        with contextlib.suppress(OSError):
            for line in users_file.read_text().splitlines():
                try:
                    name = json.loads(line).get("name")
                except (ValueError, AttributeError):
                    continue
                if name not in ours:
                    others.append(line)
        lines = [json.dumps(user, separators=(",", ":")) for user in ours.values()] + others
        _write_private(users_file, "\n".join(lines) + "\n")

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
        elif self.data_dir.stat().st_mode & 0o077:
            with contextlib.suppress(PermissionError):
                os.chmod(self.data_dir, 0o700)  # it holds the password files

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
            _, state = self.launch(detached=detached, timeout=timeout)
            self.launched = True
            return state

    def launch(
        self,
        *,
        detached: bool,
        timeout: float = 90.0,
        watchdog_pid: int | None = None,
        idle_timeout: float | None = None,
    ) -> tuple[subprocess.Popen[bytes], ServerState]:
        """Launch a JVM, wait until it serves, and write ``server.json``. The caller holds
        the start lock and has seen no server running. Unless ``detached``, the kernel
        sends the JVM SIGTERM when the calling process ends."""
        self.root_path.mkdir(parents=True, exist_ok=True)
        self.write_security()
        bolt_port, http_port = free_port(), free_port()
        while http_port == bolt_port:
            http_port = free_port()
        cmd = self.command(bolt_port, http_port)
        with open(self.log_file, "ab") as log:
            log_offset = log.tell()
            log.write(f"\n{_START_MARK} at {time.ctime()}\n".encode())
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
            watchdog_pid=watchdog_pid,
            idle_timeout=idle_timeout,
        )
        try:
            self._wait_ready(proc, state, timeout, log_offset)
        except BaseException:
            _terminate(proc.pid, grace=10)
            proc.wait(timeout=5)
            raise
        self._write_state(state)
        return proc, state

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
        """Stop the server if it runs, whoever started it; True if one was stopped. A warm
        server's idle watch exits once its JVM is gone."""
        with self._locked():
            state = self.status()
            if state is None:
                return False
            _terminate(state.pid, grace=timeout)
            self.state_file.unlink(missing_ok=True)
        if state.watchdog_pid is not None:
            self._end_watchdog(state.watchdog_pid)
        return True

    def _end_watchdog(self, pid: int, wait: float = 5.0) -> None:
        """Wait for a warm server's idle watch to notice its JVM ended; SIGTERM it if not."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not self._is_watchdog(pid):
                return
            time.sleep(0.05)
        if self._is_watchdog(pid):
            _terminate(pid, grace=wait)

    def _is_watchdog(self, pid: int) -> bool:
        cmdline = _cmdline(pid)
        watch = "cibgraph.idle_watch"
        return pid_alive(pid) and watch in cmdline and str(self.data_dir) in cmdline


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
