"""Read mode holds against hostile statements, on the real embedded server.

Every attempt runs twice: through ``Graph.query`` as a user calls it, and with the
lexical first pass switched off (so the server's own permission check is what stops it).
After each, the server is inspected as root: root still logs in, no user was added,
constraints, indexes, labels and relationship types are unchanged, and so are the counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from neo4j import GraphDatabase

from cibgraph import graph as graph_module
from cibgraph.embedded import ROOT_USER, EmbeddedServer
from cibgraph.errors import CibgraphError, ReadOnlyViolation
from cibgraph.graph import Graph

NEW_PASSWORD = "pwned-pwned-pwned"

#: The attacks reported against the keyword filter, then a corpus of other write attempts.
REPORTED = [
    f"// x\rALTER USER root SET PASSWORD '{NEW_PASSWORD}'",
    "// x\rCREATE USER evil SET PASSWORD 'evil-evil-evil'",
    "// x\rDROP CONSTRAINT account_uid",
    "// x\rDROP INDEX account_handle",
    "// x\rCREATE INDEX sneaky IF NOT EXISTS FOR (n:Account) ON (n.sneaky)",
    "INSERT (n:Inserted {x: 1})",
    "INSERT (a:InsA)-[:INS_REL]->(b:InsB)",
]
LINE_TERMINATOR_TRICKS = [
    f"// x{sep}{stmt}"
    for sep in ("\r", "\u2028", "\u2029", "\u0085", "\r\n")
    for stmt in (
        f"ALTER USER root SET PASSWORD '{NEW_PASSWORD}'",
        "CREATE (:Account {uid: 'evil:1'})",
        "MATCH (a:Account) DETACH DELETE a",
    )
]
CORPUS = [
    "CREATE (:Account {uid: 'evil:2'})",
    "CREATE (:Evil)",
    "MERGE (:Account {uid: 'evil:3'})",
    "MATCH (a:Account) SET a.pwned = true",
    "MATCH (a:Account) SET a:Pwned",
    "MATCH (a:Account) SET a = {}",
    "MATCH (a:Account) SET a += {pwned: 1}",
    "MATCH (a:Account) REMOVE a.handle",
    "MATCH (a:Account) REMOVE a:Account",
    "MATCH (a:Account) DELETE a",
    "MATCH (a:Account) DETACH DELETE a",
    "MATCH ()-[r]->() DELETE r",
    "MATCH (a:Account), (b:Account) CREATE (a)-[:PWNED]->(b)",
    "MATCH (a:Account), (b:Account) MERGE (a)-[:FOLLOWS]->(b)",
    "MATCH (a:Account) FOREACH (x IN [1] | SET a.pwned = x)",
    "MATCH (a:Account) CALL { WITH a SET a.pwned = 1 } RETURN count(*) AS c",
    "MATCH (a:Account) WITH a CALL { WITH a DELETE a } RETURN 1 AS one",
    "UNWIND range(1, 5) AS i CREATE (:Account {uid: 'evil:' + toString(i)})",
    "CREATE (n:Account {uid: 'evil:9'}) RETURN n",
    "MATCH (a:Account) WITH a LIMIT 1 MERGE (a)-[:POSTED]->(:Post {uid: 'evil:p'})",
    "ALTER USER root SET PASSWORD 'another-password'",
    "ALTER USER root SET PASSWORD CHANGE NOT REQUIRED",
    "CREATE USER evil2 SET PASSWORD 'evil-evil-evil' CHANGE NOT REQUIRED",
    "CREATE OR REPLACE USER root SET PASSWORD 'replaced-root-pw'",
    "DROP USER root",
    "RENAME USER root TO toor",
    "GRANT ROLE admin TO cibgraph_reader",
    "CREATE ROLE evilrole",
    "DROP CONSTRAINT account_uid",
    "DROP CONSTRAINT account_uid IF EXISTS",
    "DROP INDEX account_handle",
    "DROP INDEX account_handle IF EXISTS",
    "CREATE INDEX evil_idx FOR (n:Account) ON (n.evil)",
    "CREATE CONSTRAINT evil_c FOR (n:Evil) REQUIRE n.x IS UNIQUE",
    "CREATE CONSTRAINT evil_c2 IF NOT EXISTS FOR (n:Account) REQUIRE n.handle IS UNIQUE",
    "CREATE DATABASE evildb",
    "DROP DATABASE cibgraph",
    "LOAD CSV FROM 'file:///etc/passwd' AS row CREATE (:Evil {line: row[0]})",
    "CALL { CREATE (:Evil) } IN TRANSACTIONS",
    "create (:Account {uid: 'evil:lower'})",
    "CrEaTe (:Account {uid: 'evil:mixed'})",
    "MATCH (a:Account) /* comment */ SET a.pwned = 1",
    "MATCH (a:Account) WHERE a.uid = 'x' OR true SET a.pwned = 1 RETURN a",
    "RETURN 1 AS one UNION CREATE (:Evil) RETURN 2 AS one",
    "WITH 1 AS x CREATE (:Evil {x: x})",
    "OPTIONAL MATCH (a:Account) MERGE (e:Evil) RETURN e",
    "MATCH (a:Account) SET a.uid = 'hijacked'",
    "INSERT (:Account {uid: 'evil:ins'})",
    "MATCH (a:Account) SET a.`handle` = 'x'",
]
ATTACKS = REPORTED + LINE_TERMINATOR_TRICKS + CORPUS
#: Read statements the old keyword filter refused (map keys named like clauses).
HARMLESS = [
    ("RETURN {set: 1, create: 2, delete: 3}.set AS v", [{"v": 1}]),
    ("WITH {merge: 'm'} AS m RETURN m.merge AS v", [{"v": "m"}]),
    ("RETURN 1 AS v // trailing comment with CREATE", [{"v": 1}]),
    ("RETURN 'CREATE USER x' AS v", [{"v": "CREATE USER x"}]),
    # the server's version: Neo4j plans every DBMS procedure as a schema statement
    (
        "CALL dbms.components() YIELD name, edition RETURN name, edition",
        [{"name": "Neo4j Kernel", "edition": "community"}],
    ),
]


def test_corpus_is_large_enough() -> None:
    assert len(set(ATTACKS)) >= 50


def _admin_driver(server: EmbeddedServer | None, graph: Graph) -> Any:
    """A fresh login as the administrator (embedded: root from its password file; Neo4j:
    the test session's own login)."""
    if server is None:
        return GraphDatabase.driver(graph.uri, auth=ADMIN_AUTH[0])
    return GraphDatabase.driver(graph.uri, auth=(ROOT_USER, server.password()))


ADMIN_AUTH: list[tuple[str, str]] = []
VOLATILE = {"readCount", "lastRead", "trackedSince", "populationPercent", "state", "id"}


def _snapshot(server: EmbeddedServer | None, graph: Graph) -> dict[str, Any]:
    """The server's users, schema and data, read as the administrator (whose fresh login
    proves it still works)."""
    with (
        _admin_driver(server, graph) as driver,
        driver.session(database=graph.database) as session,
    ):

        def rows(q: str) -> list[Any]:
            # usage statistics (readCount, lastRead, ...) change with every query: not schema
            return sorted(
                str(sorted((k, v) for k, v in r.data().items() if k not in VOLATILE))
                for r in session.run(q)
            )

        if server is None:
            with driver.session(database="system") as system:
                users = sorted(str(r["user"]) for r in system.run("SHOW USERS"))
        else:
            users = rows("SHOW USERS")
        return {
            "users": users,
            "indexes": rows("SHOW INDEXES"),
            "constraints": rows("SHOW CONSTRAINTS"),
            "labels": rows("CALL db.labels()"),
            "types": rows("CALL db.relationshipTypes()"),
            "nodes": rows("MATCH (n) RETURN labels(n) AS l, count(*) AS c"),
            "rels": rows("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c"),
            "props": rows("MATCH (a:Account) RETURN a.uid AS uid, a.handle AS h, a.pwned AS p"),
        }


@pytest.fixture
def world(graph: Graph, settings) -> tuple[Graph, EmbeddedServer, dict[str, Any]]:
    graph.execute(
        "CREATE (a:Account {uid: 't:1', handle: 'one'})-[:POSTED]->(:Post {uid: 't:p1'}), "
        "(b:Account {uid: 't:2', handle: 'two'})-[:FOLLOWS]->(a)"
    )
    server = EmbeddedServer(settings.data_dir) if settings.embedded else None
    ADMIN_AUTH[:] = [(settings.user, settings.password or "")]
    return graph, server, _snapshot(server, graph)


@pytest.mark.parametrize("lexical_pass", [True, False], ids=["as-sent", "server-only"])
def test_no_write_attempt_changes_the_server(world, monkeypatch, lexical_pass: bool) -> None:
    graph, server, before = world
    if not lexical_pass:
        monkeypatch.setattr(graph_module, "write_clauses", lambda cypher: [])
    outcomes: dict[str, str] = {}
    for attack in ATTACKS:
        try:
            graph.query(attack)
            outcomes[attack] = "ran"
        except ReadOnlyViolation:
            outcomes[attack] = "refused"
        except CibgraphError as exc:  # e.g. a statement the server does not parse
            outcomes[attack] = f"error: {exc}"
        except Exception as exc:  # the server's own error (syntax, unknown command)
            outcomes[attack] = f"server error: {type(exc).__name__}"
        after = _snapshot(server, graph)
        assert after == before, f"{attack!r} changed the server ({outcomes[attack]})"
    # Nothing ran quietly: each attempt was refused or failed on the server.
    assert not [a for a, o in outcomes.items() if o == "ran"]
    if lexical_pass:
        assert all(o == "refused" for o in outcomes.values()), outcomes
    else:
        # The server's permission check, not the text, refused the real writes.
        refused = [a for a, o in outcomes.items() if o == "refused"]
        assert len(refused) >= 45, outcomes


def test_harmless_reads_are_not_refused(world) -> None:
    graph, _, _ = world
    for cypher, expected in HARMLESS:
        assert graph.query(cypher) == expected


@pytest.mark.embedded_only
def test_reader_cannot_log_in_as_root_or_change_its_own_password(world) -> None:
    """The read-only user cannot raise itself: security commands are refused for it."""
    graph, server, before = world
    assert graph.read_driver is not None
    with (
        graph.read_driver.session(database=graph.database) as session,
        pytest.raises(Exception, match="not allowed"),
    ):
        session.run("ALTER USER cibgraph_reader SET PASSWORD 'mine-now-mine'").consume()
    assert _snapshot(server, graph) == before


def test_cli_refuses_the_carriage_return_attack(world, cli_env) -> None:
    graph, server, before = world
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cibgraph.cli",
            "query",
            "run",
            "--cypher",
            f"// x\rALTER USER root SET PASSWORD '{NEW_PASSWORD}'",
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "read mode" in result.stderr and "ALTER" in result.stderr
    assert _snapshot(server, graph) == before


@pytest.mark.embedded_only
def test_security_files_are_rewritten_from_the_password_files(tmp_path) -> None:
    """A root password changed inside the server never locks cibgraph out: each start
    writes root's and the reader's hashes from their 0600 files."""
    server = EmbeddedServer(tmp_path / "data")
    server.write_security()
    users = (server.config_dir / "server-users.jsonl").read_text()
    assert '"name":"root"' in users and '"name":"cibgraph_reader"' in users
    for name in ("server-users.jsonl", "server-groups.json"):
        assert os.stat(server.config_dir / name).st_mode & 0o777 == 0o600
    for path in (server.password_file, server.reader_password_file):
        assert os.stat(path).st_mode & 0o777 == 0o600
    assert server.password() != server.reader_password()


def test_a_reporting_procedure_does_not_carry_a_write_along(world) -> None:
    """The version call is allowed in read mode; with a write procedure beside it, the
    statement is refused (Neo4j: by its plan; embedded: by the server) and changes nothing."""
    graph, _, _ = world
    with pytest.raises(Exception):  # noqa: B017 - refused or unknown, by backend
        graph.query("CALL dbms.components() YIELD name CALL db.createLabel('Evil') RETURN name")
    labels = {r["label"] for r in graph.query("CALL db.labels() YIELD label RETURN label")}
    assert "Evil" not in labels
