"""Read mode: what makes a statement run by :meth:`cibgraph.graph.Graph.query` unable to
change the server, whatever its text says.

The guarantee comes from the server, not from reading the text:

* **Embedded server**: read statements run as a server user whose group may only read
  records of the ``cibgraph`` database (:data:`READER_GROUP`). ArcadeDB checks every record
  write, schema change and security command against that group, so ``CREATE``, ``SET``,
  ``CREATE INDEX``, ``ALTER USER``, ``CREATE USER`` and GQL ``INSERT`` are all refused by
  the server (``Neo.ClientError.Security.Forbidden``). :mod:`cibgraph.embedded` creates the
  user and keeps its password in a 0600 file, like root's.
* **Neo4j**: a READ transaction already refuses writes. Before running, the statement is
  also planned with ``EXPLAIN``; anything whose ``query_type`` is not ``r`` (read), and any
  administration command, is refused before it runs (:func:`explain_verdict`).

:func:`write_clauses` is a lexical first pass that gives a friendlier message before
anything is sent. It is not the enforcement: it only spares the user a server error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: The embedded server's read-only group and user (see :mod:`cibgraph.embedded`).
READER_GROUP = "cibgraph_reader"
READER_USER = "cibgraph_reader"

#: Every line terminator the Cypher grammar knows ends a ``//`` comment: LF, CR, NEL,
#: LINE SEPARATOR, PARAGRAPH SEPARATOR (and so CRLF).
LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"

# Comments, string literals and back-quoted names may contain any word: blank them out.
_NOISE = re.compile(
    rf"""
      //[^{LINE_TERMINATORS}]*       # line comment, up to any line terminator
    | /\*.*?(?:\*/|\Z)               # block comment (an unclosed one runs to the end)
    | '(?:[^'\\]|\\.)*(?:'|\Z)       # single-quoted string
    | "(?:[^"\\]|\\.)*(?:"|\Z)       # double-quoted string
    | `[^`]*(?:`|\Z)                 # quoted identifier
    """,
    re.VERBOSE | re.DOTALL,
)

# Updating clauses and admin commands. Not preceded by '.', '$', ':' or a word character
# (n.set, $create, my_merge and the label in (n:Create) are not clauses) and not followed
# by ':' (a map key such as {set: 1}).
_WRITE = re.compile(
    r"(?<![.\w$:])("
    r"CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE"
    r"|INSERT|LOAD\s+CSV|IN\s+TRANSACTIONS"
    r")(?![\w])(?!\s*:)",
    re.IGNORECASE,
)

#: ``query_type`` values of a Neo4j result summary: r read, rw read-write, w write, s schema.
READ_QUERY_TYPE = "r"
#: Plan operators of administration commands (users, roles, privileges, databases,
#: servers, aliases, transactions). Neo4j runs these against ``system``; refuse them even
#: where they plan as reads (``SHOW USERS`` lists who can log in).
_ADMIN_OPERATOR = re.compile(
    r"^AdministrationCommand|^(Show|Create|Alter|Drop|Rename|Grant|Deny|Revoke|Assert|Ensure|Start|Stop|Terminate"
    r"|Enable|Deallocate|Reallocate|Set|Copy|Log|Wait|System|Do)"
    r".*(User|Role|Privilege|Database|Server|Alias|Transaction|Dbms|Nothing)",
)


def strip_noise(cypher: str) -> str:
    return _NOISE.sub(" ", cypher)


def write_clauses(cypher: str) -> list[str]:
    """Updating clauses found in ``cypher`` (upper-cased, in order, without repeats)."""
    found: list[str] = []
    for match in _WRITE.finditer(strip_noise(cypher)):
        word = " ".join(match.group(1).upper().split())
        if word not in found:
            found.append(word)
    return found


def _steps(plan: Any) -> Iterable[tuple[str, str]]:
    """(operator name, its details) of every step of a plan tree (the driver gives dicts
    or objects, by version)."""
    if plan is None:
        return
    if isinstance(plan, dict):
        name, children = plan.get("operatorType", ""), plan.get("children", [])
        args = plan.get("args", {}) or {}
    else:
        name = getattr(plan, "operator_type", "")
        children = getattr(plan, "children", [])
        args = getattr(plan, "arguments", {}) or {}
    yield str(name).split("@")[0], str(args.get("Details", ""))
    for child in children or ():
        yield from _steps(child)


def _operators(plan: Any) -> Iterable[str]:
    return (name for name, _ in _steps(plan))


#: DBMS-mode procedures that only report (Neo4j plans a call to any DBMS procedure as a
#: schema statement, query type ``s``): the version, the instance, the caller.
READ_ONLY_DBMS_PROCEDURES = (
    "dbms.components",
    "dbms.info",
    "dbms.clientConfig",
    "dbms.showCurrentUser",
    "dbms.listCapabilities",
)
#: Plan steps around such a call that only shape its rows.
_SHAPING_OPERATORS = frozenset(
    {"ProduceResults", "ProcedureCall", "Projection", "Filter", "Sort", "Top", "Limit",
     "Skip", "Distinct", "EagerAggregation", "OrderedAggregation", "Argument"}
)  # fmt: skip


def _reports_only(plan: Any) -> bool:
    """A plan that calls only read-only DBMS procedures and shapes their rows."""
    steps = list(_steps(plan))
    calls = [details for name, details in steps if name == "ProcedureCall"]
    return (
        bool(calls)
        and all(name in _SHAPING_OPERATORS for name, _ in steps)
        and all(any(d.startswith(f"{proc}(") for proc in READ_ONLY_DBMS_PROCEDURES) for d in calls)
    )


def explain_verdict(query_type: str | None, plan: Any, database: str | None) -> str | None:
    """Why a statement planned with EXPLAIN must not run in read mode (None: it may)."""
    if database == "system":
        return "read mode does not run statements against the system database"
    admin = [op for op in _operators(plan) if _ADMIN_OPERATOR.match(op)]
    if admin:
        return f"it is an administration command ({admin[0]})"
    if query_type == "s" and _reports_only(plan):
        return None  # e.g. CALL dbms.components(): still run in a READ transaction
    if query_type != READ_QUERY_TYPE:
        kinds = {"rw": "reads and writes", "w": "writes", "s": "changes the schema"}
        kind = kinds.get(str(query_type), "is not a read")
        return f"the server plans it as a statement that {kind}"
    return None
