"""Database administration, one function per ``cibgraph db`` command.

Each function takes :class:`~cibgraph.settings.Settings` and returns plain data, so
scripts and notebooks can call them directly::

    from cibgraph import admin
    from cibgraph.settings import Settings

    settings = Settings.from_env()
    admin.start(settings)            # cibgraph db start
    print(admin.info(settings))      # cibgraph db info
    admin.stop(settings)             # cibgraph db stop
"""

from __future__ import annotations

from typing import Any

from cibgraph import schema, warm
from cibgraph.embedded import EmbeddedServer, ServerState, arcadedb_version
from cibgraph.errors import ConfigError
from cibgraph.graph import connect
from cibgraph.settings import Settings


def _embedded(settings: Settings, command: str) -> EmbeddedServer:
    if not settings.embedded:
        raise ConfigError(
            f"`cibgraph db {command}` manages the embedded server, but CIBGRAPH_URI is set "
            f"to {settings.uri}: that server is yours to start and stop (docker compose)."
        )
    return EmbeddedServer(settings.data_dir)


def start(settings: Settings) -> ServerState:
    """Start the embedded server and leave it running (until :func:`stop`). A warm server
    a command started is adopted: it no longer stops itself when idle."""
    return _embedded(settings, "start").start(detached=True)


def stop(settings: Settings) -> bool:
    """Stop the embedded server at once, whoever started it and whether or not commands
    are using it; False if none was running."""
    return _embedded(settings, "stop").stop()


def users(settings: Settings) -> list[int] | None:
    """Pids of the processes using the embedded server now ([] if none; None if some
    are but their pids cannot be read)."""
    server = _embedded(settings, "stop")
    pids = warm.holders(server)
    if not pids and warm.in_use(server):
        return None
    return pids


def status(settings: Settings) -> dict[str, Any]:
    """Where the embedded server is and whether it runs (no server is started)."""
    server = _embedded(settings, "status")
    state = server.status()
    out: dict[str, Any] = {
        "running": state is not None,
        "data_dir": str(server.data_dir),
        "log": str(server.log_file),
        "arcadedb": arcadedb_version(),
    }
    if state is not None:
        out.update(
            pid=state.pid,
            uri=state.uri,
            http=f"http://127.0.0.1:{state.http_port}",
            mode=state.mode,
            started_by=_STARTED_BY[state.mode],
        )
        if state.mode == "warm":
            out.update(warm.idle_report(server, state))
    return out


_STARTED_BY = {
    "detached": "cibgraph db start (runs until cibgraph db stop)",
    "warm": "a command (warm: stops itself when no command has used it for a while)",
    "attached": "a running command (stops when that command ends)",
}


def info(settings: Settings) -> dict[str, Any]:
    """Backend, version, URI, database, schema version, node and relationship counts."""
    with connect(settings) as graph:
        server = graph.info()
        return {
            "backend": server.backend,
            "version": server.version,
            "agent": server.agent,
            "uri": server.uri,
            "database": server.database or "(server default)",
            "embedded_data_dir": str(settings.data_dir) if settings.embedded else None,
            "schema_version": schema.schema_version(graph),
            "counts": schema.label_counts(graph),
            "relationships": schema.rel_counts(graph),
        }


def apply_schema(settings: Settings) -> int:
    """Create constraints and indexes (idempotent); return the schema version."""
    with connect(settings) as graph:
        return schema.apply_schema(graph)
