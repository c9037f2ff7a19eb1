"""Connection settings, from the environment and CLI options.

Precedence: explicit argument (CLI option) > environment variable > default.
Secrets never travel on the command line: the password comes from
``CIBGRAPH_PASSWORD`` or from a file readable by its owner only
(``CIBGRAPH_PASSWORD_FILE`` / ``--password-file``).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_data_dir

from cibgraph.errors import ConfigError

#: URI schemes the official driver accepts: direct (bolt) and routed (neo4j), each
#: plain, TLS with CA verification (+s) or TLS trusting self-signed certificates (+ssc).
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

ENV_URI = "CIBGRAPH_URI"
ENV_USER = "CIBGRAPH_USER"
ENV_PASSWORD = "CIBGRAPH_PASSWORD"
ENV_PASSWORD_FILE = "CIBGRAPH_PASSWORD_FILE"
ENV_DATABASE = "CIBGRAPH_DATABASE"
ENV_DATA_DIR = "CIBGRAPH_DATA_DIR"
ENV_STORE_DIR = "CIBGRAPH_STORE_DIR"
ENV_IDLE_TIMEOUT = "CIBGRAPH_IDLE_TIMEOUT"

DEFAULT_USER = "neo4j"
#: Records per write transaction (loads, batched writes).
DEFAULT_BATCH_SIZE = 5000
#: Database name used on the embedded server (Neo4j uses its server default unless set).
EMBEDDED_DATABASE = "cibgraph"
#: Seconds an embedded server started on demand stays up after the last command that used
#: it (0: it is stopped when the command that started it ends).
DEFAULT_IDLE_TIMEOUT = 600.0


def default_data_dir() -> Path:
    """Per-user data directory for the embedded server (platformdirs)."""
    return Path(user_data_dir("cibgraph", appauthor=False))


def read_secret_file(path: Path) -> str:
    """Read a password from ``path``, refusing files that group or others can read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(f"password file {path} does not exist") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"password file {path} is readable by others (mode {stat.S_IMODE(mode):o}); "
            f"run: chmod 600 {path}"
        )
    secret = path.read_text(encoding="utf-8").strip()
    if not secret:
        raise ConfigError(f"password file {path} is empty")
    return secret


def parse_idle_timeout(value: str | None) -> float:
    """``CIBGRAPH_IDLE_TIMEOUT`` in seconds (unset or empty: the default)."""
    if value is None or not value.strip():
        return DEFAULT_IDLE_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise ConfigError(
            f"{ENV_IDLE_TIMEOUT}={value!r} is not a number of seconds: use 0 or more "
            f"(e.g. {ENV_IDLE_TIMEOUT}=600; 0 stops the embedded server when the command "
            "that started it ends)"
        )
    return seconds


def validate_uri(uri: str) -> str:
    """Return ``uri`` if the driver can use it, else raise a ConfigError naming the schemes."""
    parts = urlsplit(uri)
    if parts.scheme not in URI_SCHEMES or not parts.hostname:
        raise ConfigError(
            f"cannot use graph URI {uri!r}: expected <scheme>://host[:port] with scheme one of "
            f"{', '.join(URI_SCHEMES)} (e.g. bolt://localhost:7687)"
        )
    return uri


@dataclass(frozen=True)
class Settings:
    """Where the graph is and how to log in.

    ``uri`` is ``None`` for the embedded default: :func:`cibgraph.graph.connect` then
    starts (or reuses) the embedded ArcadeDB server in ``data_dir``.
    """

    uri: str | None = None
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    data_dir: Path = field(default_factory=default_data_dir)
    #: Where the action store lives (None: beside the graph's data, see `action_store`).
    store_dir: Path | None = None
    #: Seconds the embedded server stays up after the last command that used it (0: an
    #: on-demand server is stopped when its command ends). See :mod:`cibgraph.warm`.
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT

    @property
    def embedded(self) -> bool:
        return self.uri is None

    @property
    def action_store(self) -> Path:
        """The action store of this graph: ``<data_dir>/actions`` for the embedded server;
        for a server, one folder per URI and database under ``<data_dir>/stores``."""
        if self.store_dir is not None:
            return self.store_dir
        if self.uri is None:
            return self.data_dir / "actions"
        parts = urlsplit(self.uri)
        name = f"{parts.hostname}-{parts.port or 7687}-{self.database or 'default'}"
        digest = hashlib.sha1(f"{self.uri}|{self.database}".encode()).hexdigest()[:8]
        return self.data_dir / "stores" / f"{re.sub(r'[^A-Za-z0-9.-]+', '_', name)}-{digest}"

    @classmethod
    def from_env(
        cls,
        *,
        uri: str | None = None,
        user: str | None = None,
        database: str | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        password_file: str | os.PathLike[str] | None = None,
        environ: dict[str, str] | None = None,
    ) -> Settings:
        """Build settings from explicit values, falling back to ``CIBGRAPH_*`` variables."""
        env = os.environ if environ is None else environ
        uri = uri or env.get(ENV_URI) or None
        if uri is not None:
            validate_uri(uri)
        password: str | None = None
        pw_file = password_file or env.get(ENV_PASSWORD_FILE)
        if pw_file:
            password = read_secret_file(Path(pw_file).expanduser())
        elif env.get(ENV_PASSWORD):
            password = env[ENV_PASSWORD]
        data = data_dir or env.get(ENV_DATA_DIR)
        store = env.get(ENV_STORE_DIR)
        return cls(
            uri=uri,
            user=user or env.get(ENV_USER) or DEFAULT_USER,
            password=password,
            database=database or env.get(ENV_DATABASE) or None,
            data_dir=Path(data).expanduser().resolve() if data else default_data_dir(),
            store_dir=Path(store).expanduser().resolve() if store else None,
            idle_timeout=parse_idle_timeout(env.get(ENV_IDLE_TIMEOUT)),
        )
