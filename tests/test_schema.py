import pytest
from neo4j.exceptions import ConstraintError

from cibgraph.graph import Graph
from cibgraph.schema import (
    CONSTRAINTS_CYPHER,
    NODE_KEYS,
    SCHEMA_VERSION,
    apply_schema,
    count_cypher,
    label_counts,
    schema_version,
)


def test_constraint_rejects_duplicate_account_uid(graph: Graph) -> None:
    graph.execute("CREATE (:Account {uid: 'twitter:42', platform: 'twitter', id: '42'})")
    with pytest.raises(ConstraintError):
        graph.execute("CREATE (:Account {uid: 'twitter:42', platform: 'twitter', id: '42'})")
    assert graph.query("MATCH (a:Account) RETURN count(a) AS n") == [{"n": 1}]


def test_every_keyed_label_is_unique(graph: Graph) -> None:
    for label, key in NODE_KEYS.items():
        graph.execute(f"CREATE (:{label} {{{key}: 'k1'}})")
        with pytest.raises(ConstraintError):
            graph.execute(f"CREATE (:{label} {{{key}: 'k1'}})")
    counts = label_counts(graph)
    assert all(counts[label] == 1 for label in NODE_KEYS)


def test_apply_is_idempotent_and_records_version(graph: Graph) -> None:
    assert apply_schema(graph) == SCHEMA_VERSION
    assert apply_schema(graph) == SCHEMA_VERSION
    assert schema_version(graph) == SCHEMA_VERSION
    assert graph.query("MATCH (s:CibgraphSchema) RETURN count(s) AS n") == [{"n": 1}]
    names = {r["name"] for r in graph.query("SHOW CONSTRAINTS YIELD name RETURN name")}
    expected = {stmt.split()[2] for stmt in CONSTRAINTS_CYPHER}
    assert expected <= names


def test_schema_version_absent_on_empty_graph(graph: Graph) -> None:
    assert schema_version(graph) is None


def test_count_cypher_only_takes_known_labels() -> None:
    assert count_cypher("Account") == "MATCH (n:Account) RETURN count(n) AS count"
    with pytest.raises(ValueError, match="not a cibgraph node label"):
        count_cypher("Account) DETACH DELETE (n")
