"""Constraints, indexes and the schema version, applied idempotently.

Platform-scoped nodes (Account, Page, Group, Post) are keyed on ``uid`` =
``"<platform>:<id>"`` and also carry ``platform`` and ``id``. A single-property key was
measured 25-55 % faster to MERGE/MATCH on the embedded server than a composite
(platform, id) key, and it is one value to pass between queries.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cibgraph.graph import Graph


SCHEMA_VERSION = 2  # 2: Object nodes

#: label -> unique key property. Also the whitelist of node labels cibgraph writes.
NODE_KEYS: dict[str, str] = {
    "Account": "uid",
    "Page": "uid",
    "Group": "uid",
    "Post": "uid",
    "Url": "url",
    "Domain": "name",
    "Hashtag": "tag",
    "Object": "key",
    "DetectionRun": "id",
    "Cluster": "id",
    "LoadCheckpoint": "key",
}

#: Relationship types cibgraph writes (whitelist for code-built Cypher).
REL_TYPES: tuple[str, ...] = (
    "POSTED",
    "POSTED_IN",
    "REPOST_OF",
    "REPLY_TO",
    "QUOTES",
    "LINKS_TO",
    "ON_DOMAIN",
    "TAGS",
    "MENTIONS",
    "SHARES",
    "ADMINISTERS",
    "MEMBER_OF",
    "FOLLOWS",
    # written by detection runs
    "IN_CLUSTER",
    "FROM_RUN",
    "RUNS",
    "AMPLIFIES",
    "COORDINATED_WITH",
)

#: Extra labels set on top of a keyed label (a NewsLike node is also a Page).
EXTRA_LABELS: tuple[str, ...] = ("NewsLike",)

#: Secondary lookups analysts and detection use.
INDEXES: dict[str, tuple[str, str]] = {
    "account_id": ("Account", "id"),
    "account_handle": ("Account", "handle"),
    "post_created_at": ("Post", "created_at"),
    "page_name": ("Page", "name"),
}

SCHEMA_META_LABEL = "CibgraphSchema"

CONSTRAINTS_CYPHER: tuple[str, ...] = tuple(
    f"CREATE CONSTRAINT {label.lower()}_{key} IF NOT EXISTS "
    f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
    for label, key in {**NODE_KEYS, SCHEMA_META_LABEL: "name"}.items()
)

INDEXES_CYPHER: tuple[str, ...] = tuple(
    f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
    for name, (label, prop) in INDEXES.items()
)

RECORD_VERSION_CYPHER = (
    "MERGE (s:CibgraphSchema {name: 'cibgraph'}) "
    "SET s.version = $version, s.applied_at = $applied_at"
)
READ_VERSION_CYPHER = "MATCH (s:CibgraphSchema {name: 'cibgraph'}) RETURN s.version AS version"


def apply_schema(graph: Graph) -> int:
    """Create every constraint and index if missing and record the schema version."""
    for statement in CONSTRAINTS_CYPHER + INDEXES_CYPHER:
        graph.execute(statement)
    graph.execute(
        RECORD_VERSION_CYPHER,
        {"version": SCHEMA_VERSION, "applied_at": dt.datetime.now(dt.UTC).isoformat()},
    )
    return SCHEMA_VERSION


def schema_version(graph: Graph) -> int | None:
    """The schema version recorded in the graph, or None if the schema was never applied."""
    rows = graph.query(READ_VERSION_CYPHER)
    return int(rows[0]["version"]) if rows else None


def count_cypher(label: str) -> str:
    """``MATCH (n:<label>) RETURN count(n)`` for a whitelisted label only."""
    if label not in NODE_KEYS and label not in EXTRA_LABELS:
        raise ValueError(f"not a cibgraph node label: {label!r}")
    return f"MATCH (n:{label}) RETURN count(n) AS count"


def rel_count_cypher(rel_type: str) -> str:
    """``MATCH ()-[r:<type>]->() RETURN count(r)`` for a whitelisted type only."""
    if rel_type not in REL_TYPES:
        raise ValueError(f"not a cibgraph relationship type: {rel_type!r}")
    return f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS count"


def rel_counts(graph: Graph) -> dict[str, int]:
    """Relationship count for every type cibgraph writes."""
    return {t: int(graph.query(rel_count_cypher(t))[0]["count"]) for t in REL_TYPES}


def label_counts(graph: Graph) -> dict[str, int]:
    """Node count for every label cibgraph knows (count store lookups on Neo4j)."""
    return {
        label: int(graph.query(count_cypher(label))[0]["count"])
        for label in (*NODE_KEYS, *EXTRA_LABELS)
    }


#: Labels of what a load writes: a graph without any of them holds no data yet.
DATA_LABELS: tuple[str, ...] = ("Account", "Page", "Group", "Post")


def has_data(graph: Graph) -> bool:
    """Whether anything was loaded (accounts, pages, groups or posts exist)."""
    return any(int(graph.query(count_cypher(label))[0]["count"]) for label in DATA_LABELS)
