"""Stored query files: header parsing, parameter typing, docs and Browser export."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from cibgraph.errors import ReadOnlyViolation
from cibgraph.graph import Graph
from queries.registry import (
    QUERIES_DIR,
    QueryError,
    adhoc,
    execute,
    export_browser,
    library,
    markdown,
    parse,
)

GOOD = """// name: demo-query
// title: A demo
// category: demo
// tags: [a, b]
// mode: read
// description: finds things
// parameters:
//   n: {type: int, default: 2, description: how many}
//   since: {type: datetime, description: start}
//   tags: {type: 'list[string]', default: [x, y], description: tags}
//   who: {type: string, required: true, description: an account}
// ---
// Neo4j Browser:
// :params {n: 2, who: 'x'}
MATCH (a:Account) WHERE a.uid = $who RETURN $n AS n, $since AS since, $tags AS tags
"""


def test_header_parsed() -> None:
    q = parse(GOOD)
    assert (q.name, q.title, q.category, q.tags, q.mode) == (
        "demo-query",
        "A demo",
        "demo",
        ("a", "b"),
        "read",
    )
    assert list(q.parameters) == ["n", "since", "tags", "who"]
    assert q.cypher.startswith("MATCH (a:Account)") and "//" not in q.cypher
    assert q.example == ":params {n: 2, who: 'x'}"


def test_parameters_are_typed_defaulted_and_checked() -> None:
    q = parse(GOOD)
    bound = q.bind(
        {"who": "twitter:1", "n": "5", "since": "2019-08-13T10:00:00Z", "tags": "hk,police"}
    )
    assert bound == {
        "n": 5,
        "since": dt.datetime(2019, 8, 13, 10, tzinfo=dt.UTC),
        "tags": ["hk", "police"],
        "who": "twitter:1",
    }
    assert q.bind({"who": "x"})["tags"] == ["x", "y"] and q.bind({"who": "x"})["n"] == 2
    with pytest.raises(QueryError, match="missing parameter 'who'"):
        q.bind({})
    with pytest.raises(QueryError, match=r"unknown parameter\(s\) nn \(it takes: n, since"):
        q.bind({"who": "x", "nn": "1"})
    with pytest.raises(QueryError, match="parameter 'n' must be int: cannot use 'five'"):
        q.bind({"who": "x", "n": "five"})
    with pytest.raises(QueryError, match="parameter 'since' must be datetime"):
        q.bind({"who": "x", "since": "yesterday"})
    assert parse(GOOD.replace("list[string]", "list[int]")).bind({"who": "x", "tags": "[1, 2]"})[
        "tags"
    ] == [1, 2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("// ---\n", ""), ":14: the header must be `//` comment lines ending"),
        (lambda t: t.split("// ---")[0], "no `// ---` line ends the header"),
        (lambda t: t.replace("// mode: read", "mode: read"), ":5: the header must be `//`"),
        (lambda t: t.replace("// name: demo-query\n", ""), "header needs `name`"),
        (lambda t: t.replace("type: int", "type: integer"), "parameter 'n' needs a type"),
        (lambda t: t.replace("$n AS n", "$m AS n"), r"undeclared parameter\(s\) \$m"),
        (lambda t: t.replace("mode: read", "mode: delete"), "mode must be read or write"),
        (lambda t: t.replace("tags: [a, b]", "tags: [a, b"), "header is not valid YAML"),
    ],
)
def test_malformed_files_are_refused_with_where(change, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(change(GOOD), Path("q.cypher"))


def test_library_is_complete_and_uniquely_named() -> None:
    lib = library()
    assert len(lib) >= 16
    assert {q.category for q in lib.values()} >= {
        "pages",
        "coordination",
        "accounts",
        "evidence",
        "clusters",
    }
    for q in lib.values():
        assert q.path is not None and q.path.parent.name == q.category
        assert q.mode == "read" and q.description and q.title


def test_docs_queries_md_is_in_sync() -> None:
    docs = QUERIES_DIR.parent / "docs" / "queries.md"
    assert docs.read_text(encoding="utf-8") == markdown(library().values()), (
        "docs/queries.md is stale: run `cibgraph query docs`"
    )


def test_export_browser_writes_folders_and_zip(tmp_path: Path) -> None:
    lib = library()
    result = export_browser(tmp_path / "out", lib.values())
    assert len(result.files) == len(lib)
    script = tmp_path / "out" / "pages" / "shared-page-admins.cypher"
    first, second = script.read_text(encoding="utf-8").splitlines()[:2]
    assert first == "// Accounts that administer several pages"  # Browser's display name
    assert second == "// name: shared-page-admins"
    with zipfile.ZipFile(result.zip_file) as archive:
        names = set(archive.namelist())
    assert "pages/shared-page-admins.cypher" in names and ".placeholder" in names
    assert len([n for n in names if n.endswith(".cypher")]) == len(lib)


def test_read_query_with_a_write_clause_is_refused_and_changes_nothing(graph: Graph) -> None:
    sneaky = parse(
        GOOD.replace(
            "MATCH (a:Account) WHERE a.uid = $who RETURN $n AS n, $since AS since, $tags AS tags",
            "MERGE (a:Account {uid: $who}) RETURN $n AS n, $since AS since, $tags AS tags",
        )
    )
    with pytest.raises(ReadOnlyViolation, match="contains MERGE"):
        execute(graph, sneaky, {"who": "twitter:sneaky"})
    with pytest.raises(ReadOnlyViolation):
        execute(graph, adhoc("CREATE (:Account {uid: 'x'})"))
    assert graph.query("MATCH (a:Account) RETURN count(a) AS n") == [{"n": 0}]
    # the same statement runs when it is declared a write
    execute(graph, adhoc("CREATE (:Account {uid: $u})", write=True), {"u": "twitter:ok"})
    assert graph.query("MATCH (a:Account) RETURN a.uid AS u") == [{"u": "twitter:ok"}]


def test_limit_stops_reading(graph: Graph) -> None:
    graph.execute("UNWIND range(1, 50) AS i CREATE (:Account {uid: 'x:' + toString(i)})")
    rows = execute(graph, adhoc("MATCH (a:Account) RETURN a.uid AS uid ORDER BY uid"), limit=3)
    assert [r["uid"] for r in rows] == ["x:1", "x:10", "x:11"]
