import pytest

from cibgraph.readonly import write_clauses


@pytest.mark.parametrize(
    ("cypher", "expected"),
    [
        ("MATCH (n) RETURN n", []),
        ("CREATE (n:Foo)", ["CREATE"]),
        ("MATCH (n) SET n.x = 1", ["SET"]),
        ("MATCH (n) DETACH DELETE n", ["DETACH", "DELETE"]),
        ("merge (a:Account {uid: $u}) remove a.x", ["MERGE", "REMOVE"]),
        ("LOAD  CSV FROM 'file:///x' AS row RETURN row", ["LOAD CSV"]),
        ("CALL { CREATE (:X) } IN TRANSACTIONS", ["CREATE", "IN TRANSACTIONS"]),
        ("DROP INDEX foo", ["DROP"]),
        ("MATCH (n) CALL { WITH n SET n.x = 1 } RETURN count(*)", ["SET"]),
    ],
)
def test_write_clauses_found(cypher: str, expected: list[str]) -> None:
    assert write_clauses(cypher) == expected


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) WHERE n.text CONTAINS 'CREATE a fake page' RETURN n",
        'MATCH (n) WHERE n.text = "please DELETE this" RETURN n',
        "// CREATE nothing\nMATCH (n) RETURN n",
        "/* MERGE\n SET */ MATCH (n) RETURN n.set, n.created_at",
        "MATCH (n) RETURN n.`DELETE` AS x, $create AS y, my_merge",
        "MATCH (p:Post) WHERE p.created_at > datetime($since) RETURN p.settings",
    ],
)
def test_words_in_strings_comments_and_names_are_not_clauses(cypher: str) -> None:
    assert write_clauses(cypher) == []
