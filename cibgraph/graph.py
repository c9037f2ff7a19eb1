"""The one way cibgraph talks to a graph: Bolt through the official ``neo4j`` driver.

:func:`connect` gives a :class:`Graph` for Neo4j 5 (``CIBGRAPH_URI``) or for the
embedded ArcadeDB server (no URI), starting the latter on demand. Every read, write and
batch goes through :class:`Graph`, so error translation, read-only enforcement and
batching live in one place.

Example::

    from cibgraph.graph import connect

    with connect() as graph:                      # embedded default
        graph.query("MATCH (a:Account) RETURN count(a) AS n")
        graph.write_batches("UNWIND $rows AS r MERGE (a:Account {uid: r.uid})", rows)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase
from neo4j import exceptions as neo4j_errors

from cibgraph import warm
from cibgraph.embedded import ROOT_USER, EmbeddedServer, ServerState, pid_alive
from cibgraph.errors import CibgraphError, ConfigError, GraphUnavailable, ReadOnlyViolation
from cibgraph.readonly import READER_USER, explain_verdict, write_clauses
from cibgraph.settings import DEFAULT_BATCH_SIZE, EMBEDDED_DATABASE, Settings

T = TypeVar("T")

#: Two writers that MERGE the same new key at once (two loads into one server): the
#: embedded server refuses the second commit with "Duplicated key" (a ConstraintError).
#: It is a race, not bad data: the transaction runs again, and its MERGE then finds the
#: node the other writer committed. Attempts, with jittered backoff from 50 ms.
KEY_RACE_ATTEMPTS = 6


def _retry_key_races(call: Callable[[], T]) -> T:
    """``call()``, run again when it loses a unique-key race (see KEY_RACE_ATTEMPTS)."""
    for attempt in range(KEY_RACE_ATTEMPTS):
        try:
            return call()
        except neo4j_errors.ConstraintError:
            if attempt == KEY_RACE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**attempt * (0.5 + random.random()))
    raise AssertionError("unreachable")


#: How long the driver retries a failed write transaction (transient errors, lost
#: connections). A Neo4j cluster may need a leader election; the embedded server is
#: either up or dead, so a short retry window gives the clear error sooner.
RETRY_SECONDS_SERVER = 30.0
RETRY_SECONDS_EMBEDDED = 3.0

#: Internal Cypher of this module (linted with Neo4j's parser like every stored query).
PING_CYPHER = "RETURN 1 AS ok"
#: Read mode plans a statement on Neo4j before running it (see cibgraph.readonly).
EXPLAIN_PREFIX = "EXPLAIN "
#: How ArcadeDB reports a statement or commit that failed inside the server (its log then
#: names the cause: out of memory, no space left on device).
_SERVER_FAILURE_MARKERS = ("Transaction error on commit", "Error executing Cypher command")
#: Server refusals that mean "read mode held": ArcadeDB's permission check, Neo4j's
#: READ access mode.
_REFUSED_CODES = ("Neo.ClientError.Security.Forbidden", "Neo.ClientError.Statement.AccessMode")
COMPONENTS_CYPHER = "CALL dbms.components() YIELD name, versions, edition RETURN *"

_CONNECTION_ERRORS = (
    neo4j_errors.ServiceUnavailable,
    neo4j_errors.SessionExpired,
    neo4j_errors.IncompleteCommit,
    ConnectionError,
    OSError,
)


@dataclass(frozen=True)
class ServerInfo:
    backend: str  # "arcadedb" or "neo4j"
    version: str
    agent: str
    uri: str
    database: str | None


def _backend_of(agent: str) -> tuple[str, str]:
    arcade = re.search(r"ArcadeDB ([\w.\-]+)", agent)
    if arcade:
        return "arcadedb", arcade.group(1)
    neo = re.search(r"Neo4j/([\w.\-]+)", agent)
    return "neo4j", neo.group(1) if neo else agent


class Graph:
    """A connected graph: run reads (enforced read-only), writes and batched writes."""

    def __init__(
        self,
        driver: Driver,
        *,
        uri: str,
        database: str | None,
        server: EmbeddedServer | None = None,
        server_state: ServerState | None = None,
        read_driver: Driver | None = None,
        store_dir: Path | None = None,
    ) -> None:
        self.driver = driver
        #: The action store kept beside this graph (see loader.store); None: no store.
        self.store_dir = store_dir
        #: Driver logged in as a read-only server user (the embedded server's reader);
        #: None where the server offers none (Neo4j: reads are planned first instead).
        self.read_driver = read_driver
        self.uri = uri
        self.database = database
        self.server = server
        self.server_state = server_state
        self._info: ServerInfo | None = None

    # -- errors ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn driver failures into errors a user can act on."""
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise ConfigError(
                f"the graph at {self.uri} refused the login ({exc.message}); set "
                "CIBGRAPH_USER and CIBGRAPH_PASSWORD or CIBGRAPH_PASSWORD_FILE"
            ) from None
        except _CONNECTION_ERRORS as exc:
            raise GraphUnavailable(self._lost_connection_message(exc)) from exc
        except neo4j_errors.Neo4jError as exc:
            # a statement or commit the embedded server failed inside (not a refusal of the
            # statement): its log says why, when the cause is the machine's (memory, disk)
            failed_inside = isinstance(exc, neo4j_errors.DatabaseError) or any(
                marker in str(exc.message) for marker in _SERVER_FAILURE_MARKERS
            )
            cause = None
            if self.server is not None and failed_inside:
                for _ in range(5):  # the server may log the cause just after it answers
                    cause = self.server.failure_cause()
                    if cause:
                        break
                    time.sleep(0.2)
            if cause:
                raise GraphUnavailable(f"{cause} (the server said: {exc.message})") from exc
            if self.server is not None and "on commit" in str(exc.message):
                # ArcadeDB drops the cause of a failed commit; the disk has room again (a
                # transaction bigger than the free space was rolled back), or it is not that
                free = self.server.free_space()
                room = "" if free is None else f" ({free / 2**20:.0f} MiB free now)"
                raise GraphUnavailable(
                    f"the embedded server could not commit ({exc.message}); the usual cause "
                    f"is a disk too full for the transaction: check the free space of "
                    f"{self.server.data_dir}{room} and the server's log {self.server.log_file}"
                ) from exc
            raise

    def _lost_connection_message(self, exc: BaseException) -> str:
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        cause = self.server.failure_cause() if self.server is not None else None
        if cause:
            return cause
        if self.server is not None and self.server_state is not None:
            pid = self.server_state.pid
            if not pid_alive(pid):
                return (
                    f"lost the connection to the embedded database: its server (pid {pid}) is "
                    "no longer running. Nothing after the last committed batch was saved. "
                    "Run the command again; a fresh server starts on the same data."
                )
            return (
                f"the embedded database at {self.uri} does not answer ({reason}). "
                f"Its log is {self.server.log_file}; `cibgraph db stop` then retry."
            )
        return (
            f"cannot reach the graph at {self.uri} ({reason}). Is the server running, "
            "and is CIBGRAPH_URI right?"
        )

    # -- connection --------------------------------------------------------------------

    def verify(self) -> None:
        with self._translated():
            self.driver.verify_connectivity()
            with self.driver.session(database=self.database) as session:
                session.run(PING_CYPHER).consume()

    def info(self) -> ServerInfo:
        if self._info is None:
            with self._translated():
                agent = self.driver.get_server_info().agent
            backend, version = _backend_of(agent)
            self._info = ServerInfo(backend, version, agent, self.uri, self.database)
        return self._info

    @property
    def backend(self) -> str:
        return self.info().backend

    def close(self) -> None:
        self.driver.close()
        if self.read_driver is not None:
            self.read_driver.close()

    # -- reads -------------------------------------------------------------------------

    def query(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a read-only statement and return its rows as dicts."""
        return list(self.stream(cypher, params))

    def stream(
        self, cypher: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield rows of a read-only statement as they arrive (for large pulls).

        Read mode is enforced by the server (see :mod:`cibgraph.readonly`): on the
        embedded server the statement runs as a user that may only read; elsewhere it is
        planned with EXPLAIN and refused unless it is a read, then run in a READ
        transaction that is always rolled back. Statements with updating clauses are
        refused before anything is sent, with a friendlier message.
        """
        found = write_clauses(cypher)
        if found:
            raise ReadOnlyViolation(
                f"refused to run in read mode: the statement contains {', '.join(found)}. "
                "Use a write-mode query (or --write for a one-off statement)."
            )
        driver = self.read_driver or self.driver
        with (
            self._translated(),
            self._refusals(),
            driver.session(database=self.database, default_access_mode=READ_ACCESS) as session,
        ):
            tx = session.begin_transaction()
            try:
                if self.read_driver is None:
                    self._check_plan(tx, cypher, params)
                result = tx.run(cypher, dict(params or {}))
                for record in result:
                    yield record.data()
                counters = result.consume().counters
                if counters.contains_updates or counters.contains_system_updates:
                    raise ReadOnlyViolation(
                        "the server reported changes from a read-mode statement; its "
                        "transaction was rolled back, not committed."
                    )
            finally:
                # A read transaction is never committed: whatever it did is discarded.
                if not tx.closed():
                    with contextlib.suppress(*_CONNECTION_ERRORS, neo4j_errors.Neo4jError):
                        tx.rollback()

    def _check_plan(self, tx: Any, cypher: str, params: Mapping[str, Any] | None) -> None:
        """Plan ``cypher`` with EXPLAIN (nothing runs) and refuse it unless it is a read."""
        summary = tx.run(EXPLAIN_PREFIX + cypher, dict(params or {})).consume()
        database = getattr(summary, "database", None) or self.database
        why = explain_verdict(summary.query_type, summary.plan, database)
        if why:
            raise ReadOnlyViolation(f"refused to run in read mode: {why}. Nothing was run.")

    @contextlib.contextmanager
    def _refusals(self) -> Iterator[None]:
        """A server's refusal of a read-mode write becomes a ReadOnlyViolation."""
        try:
            yield
        except neo4j_errors.ClientError as exc:
            if exc.code not in _REFUSED_CODES:
                raise
            raise ReadOnlyViolation(
                f"the server refused to run this in read mode ({exc.message}); nothing was changed."
            ) from None

    # -- writes ------------------------------------------------------------------------

    def execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement in a write transaction (retried on transient errors)."""

        def work(tx: Any) -> list[dict[str, Any]]:
            return [r.data() for r in tx.run(cypher, dict(params or {}))]

        return self.write_transaction(work)

    def execute_many(self, steps: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Run several statements in ONE write transaction: all commit or none do.
        Retried as a whole on transient errors."""
        steps = list(steps)

        def work(tx: Any) -> None:
            for cypher, params in steps:
                tx.run(cypher, dict(params)).consume()

        self.write_transaction(work)

    def write_transaction(self, work: Callable[[Any], T]) -> T:
        """Call ``work(tx)`` in one managed write transaction (committed when it returns,
        rolled back if it raises, retried as a whole on transient errors and lost
        unique-key races). ``work`` may
        read and write through ``tx.run``; it must be safe to call again."""
        with (
            self._translated(),
            self.driver.session(
                database=self.database, default_access_mode=WRITE_ACCESS
            ) as session,
        ):
            return _retry_key_races(lambda: session.execute_write(work))

    def write_batches(
        self,
        cypher: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        params: Mapping[str, Any] | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> int:
        """Send ``rows`` as ``$rows`` to ``cypher`` (an UNWIND statement), one transaction
        per batch of ``batch_size``; a batch commits whole or not at all. Returns the row
        count. ``on_batch(n)`` is called after each committed batch of ``n`` rows."""
        if batch_size < 1:
            raise CibgraphError(f"batch size must be at least 1, not {batch_size}")
        extra = dict(params or {})
        total = 0
        iterator = iter(rows)
        with (
            self._translated(),
            self.driver.session(
                database=self.database, default_access_mode=WRITE_ACCESS
            ) as session,
        ):
            while batch := list(islice(iterator, batch_size)):
                _retry_key_races(
                    lambda b=batch: session.execute_write(
                        lambda tx: tx.run(cypher, rows=b, **extra).consume()
                    )
                )
                total += len(batch)
                if on_batch is not None:
                    on_batch(len(batch))
        return total


@contextlib.contextmanager
def connect(settings: Settings | None = None) -> Iterator[Graph]:
    """Open the graph described by ``settings`` (default: from the environment).

    With no URI configured, use the embedded server of ``settings.data_dir``: reuse it if
    it runs, else start it. The ``with`` block holds a lease on it, so no idle stop ends
    it meanwhile; a server started here stays up ``settings.idle_timeout`` seconds after
    the last command is done with it (0: it is stopped when the block ends). See
    :mod:`cibgraph.warm`.
    """
    settings = settings or Settings.from_env()
    with contextlib.ExitStack() as stack:
        server: EmbeddedServer | None = None
        started_here = False
        state: ServerState | None = None
        if settings.embedded:
            if settings.database and settings.database != EMBEDDED_DATABASE:
                raise ConfigError(
                    f"the embedded server holds one database, {EMBEDDED_DATABASE!r}; "
                    f"CIBGRAPH_DATABASE={settings.database!r} needs a Neo4j server "
                    "(CIBGRAPH_URI)"
                )
            server = EmbeddedServer(settings.data_dir)
            stack.enter_context(warm.lease(server, settings.idle_timeout))
            # an attached server (idle timeout 0) is stopped at the end only if this
            # command launched it: one another command started is that command's
            state, started_here = warm.ensure_server(server, settings.idle_timeout)
            if started_here:
                stack.callback(server.stop)
            uri, auth, database = state.uri, (ROOT_USER, server.password()), EMBEDDED_DATABASE
        else:
            assert settings.uri is not None
            uri, database = settings.uri, settings.database
            auth = (settings.user, settings.password) if settings.password is not None else None
        retry = RETRY_SECONDS_EMBEDDED if settings.embedded else RETRY_SECONDS_SERVER
        read_driver = None
        if server is not None:
            reader = (READER_USER, server.reader_password())
            read_driver = GraphDatabase.driver(uri, auth=reader, max_transaction_retry_time=retry)
        # Neo4j's notifications ("this label does not exist yet" on an empty database) are
        # for people writing queries in Browser; the driver would log each as a warning.
        quiet = {} if settings.embedded else {"notifications_min_severity": "OFF"}
        graph = Graph(
            GraphDatabase.driver(uri, auth=auth, max_transaction_retry_time=retry, **quiet),
            uri=uri,
            database=database,
            server=server,
            server_state=state,
            read_driver=read_driver,
            store_dir=settings.action_store,
        )
        stack.callback(graph.close)
        graph.verify()
        yield graph


def utc_datetime(value: Any) -> dt.datetime | None:
    """A stored datetime as an aware UTC ``datetime``. The embedded backend returns
    datetimes it stored from UTC values without their zone; those are read as UTC."""
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    if not isinstance(native, dt.datetime):
        return None
    return native.replace(tzinfo=dt.UTC) if native.tzinfo is None else native.astimezone(dt.UTC)
