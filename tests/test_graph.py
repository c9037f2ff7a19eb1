import pytest
from neo4j.exceptions import ConstraintError

from cibgraph import graph as graph_module
from cibgraph.errors import CibgraphError, ReadOnlyViolation
from cibgraph.graph import Graph


def test_backend_detected(graph: Graph, settings) -> None:
    info = graph.info()
    assert info.backend == ("arcadedb" if settings.embedded else "neo4j")
    assert info.version[0].isdigit()


def test_query_returns_rows_as_dicts(graph: Graph) -> None:
    graph.execute("UNWIND range(1, 3) AS i CREATE (:Account {uid: 'x:' + toString(i), n: i})")
    rows = graph.query(
        "MATCH (a:Account) WHERE a.n >= $min RETURN a.uid AS uid ORDER BY uid", {"min": 2}
    )
    assert rows == [{"uid": "x:2"}, {"uid": "x:3"}]


def test_read_refuses_write_clause_and_changes_nothing(graph: Graph) -> None:
    with pytest.raises(ReadOnlyViolation, match="contains CREATE"):
        graph.query("CREATE (:Account {uid: 'sneaky'})")
    with pytest.raises(ReadOnlyViolation, match="SET"):
        graph.query("MATCH (n) CALL { WITH n SET n.touched = true } RETURN count(*) AS c")
    assert graph.query("MATCH (a:Account {uid: 'sneaky'}) RETURN count(a) AS n") == [{"n": 0}]


def test_read_rolls_back_a_write_the_lexer_missed(graph: Graph, monkeypatch) -> None:
    """The server is the guard: without the lexical pass the write is still refused."""
    monkeypatch.setattr(graph_module, "write_clauses", lambda cypher: [])
    with pytest.raises(ReadOnlyViolation, match="read mode"):
        graph.query("CREATE (:Account {uid: 'slipped-through'}) RETURN 1 AS one")
    assert graph.query("MATCH (a:Account) RETURN count(a) AS n") == [{"n": 0}]


def test_write_batches_commits_each_batch(graph: Graph) -> None:
    rows = [{"uid": f"t:{i}", "n": i} for i in range(12)]
    seen: list[int] = []
    total = graph.write_batches(
        "UNWIND $rows AS r MERGE (a:Account {uid: r.uid}) SET a.n = r.n, a.source = $source",
        rows,
        batch_size=5,
        params={"source": "unit"},
        on_batch=seen.append,
    )
    assert total == 12 and seen == [5, 5, 2]
    rows_back = graph.query(
        "MATCH (a:Account {source: 'unit'}) RETURN sum(a.n) AS s, count(a) AS c"
    )
    assert rows_back == [{"s": sum(range(12)), "c": 12}]


def test_failed_batch_leaves_earlier_batches_and_nothing_of_itself(graph: Graph) -> None:
    graph.execute("CREATE (:Account {uid: 't:7'})")
    rows = [{"uid": f"t:{i}"} for i in range(10)]
    with pytest.raises(ConstraintError):
        # Batch 1 (t:0..t:4) commits; batch 2 hits the existing t:7 and rolls back whole.
        graph.write_batches("UNWIND $rows AS r CREATE (:Account {uid: r.uid})", rows, batch_size=5)
    uids = {r["uid"] for r in graph.query("MATCH (a:Account) RETURN a.uid AS uid")}
    assert uids == {"t:0", "t:1", "t:2", "t:3", "t:4", "t:7"}


def test_batch_size_must_be_positive(graph: Graph) -> None:
    with pytest.raises(CibgraphError, match="at least 1"):
        graph.write_batches("UNWIND $rows AS r RETURN r", [{}], batch_size=0)
