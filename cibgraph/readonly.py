"""Read-only enforcement that does not depend on the server.

Neo4j refuses writes inside a READ transaction; ArcadeDB does not (and its schema
statements are not transactional, so a rollback does not undo ``CREATE INDEX``).
:meth:`cibgraph.graph.Graph.query` therefore uses two guards:

1. before sending, :func:`write_clauses` looks for updating clauses in the statement
   with comments and string literals removed, and refuses the statement;
2. the statement runs in a transaction that is always rolled back, and a result summary
   reporting updates raises :class:`~cibgraph.errors.ReadOnlyViolation`.
"""

from __future__ import annotations

import re

# Comments, string literals and back-quoted names may contain any word: blank them out.
_NOISE = re.compile(
    r"""
      //[^\n]*                     # line comment
    | /\*.*?\*/                    # block comment
    | '(?:[^'\\]|\\.)*'            # single-quoted string
    | "(?:[^"\\]|\\.)*"            # double-quoted string
    | `[^`]*`                      # quoted identifier
    """,
    re.VERBOSE | re.DOTALL,
)

# Updating clauses and admin commands. Not preceded by '.', '$' or a word character, so
# n.set, $create and my_merge are not clauses.
_WRITE = re.compile(
    r"(?<![.\w$])("
    r"CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|ALTER|RENAME|GRANT|DENY|REVOKE"
    r"|LOAD\s+CSV|IN\s+TRANSACTIONS"
    r")(?![\w])",
    re.IGNORECASE,
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
