"""The columnar action store: written by the load, read by detection, rebuilt when stale.

On the hand-built query world (native files, loaded through the loader into the real
server): the store holds exactly the world's actions; a store built from the graph equals
the one the load wrote; detection from the files, without a graph, gives the same edges
and clusters as detection on the loaded graph; and a store that no longer matches its
graph is noticed and built again.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import query_world

from analytics.detect import DetectParams, detect
from analytics.fromfiles import detect_files
from analytics.store import StoreReader, build_from_graph, ensure_store
from cibgraph.graph import Graph
from loader import load
from loader.store import EMPTY_FINGERPRINT, graph_fingerprint, read_manifest

COLUMNS = "post, actor, ts, kind, repost_of, reply_to, posted_in, urls, domains, hashtags, text"


def _rows(root: Path) -> list[tuple]:
    """Every action of a store, last row per post, as comparable tuples."""
    with StoreReader(root) as reader:
        return [
            tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in row)
            for row in reader.con.execute(f"SELECT {COLUMNS} FROM posts ORDER BY post").fetchall()
        ]


@pytest.fixture(scope="module")
def world(session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Path]:
    folder = tmp_path_factory.mktemp("store_world")
    query_world.build(session_graph, folder)
    return session_graph, folder / "world"


def test_load_writes_a_store_that_matches_the_graph(world) -> None:
    graph, _ = world
    assert graph.store_dir is not None
    manifest = read_manifest(graph.store_dir)
    assert manifest["graph_fingerprint"] == graph_fingerprint(graph) != EMPTY_FINGERPRINT
    assert list(manifest["datasets"].values()) == ["world"]
    rows = _rows(graph.store_dir)
    timed = graph.query("MATCH (p:Post) WHERE p.ts IS NOT NULL RETURN count(p) AS n")[0]["n"]
    assert len(rows) == timed
    by_post = {r[0]: r for r in rows}
    # A copy-paste post of the core: its actor, time, link, domain and text, as written.
    c1 = [r for r in rows if r[1] == "twitter:c1" and r[7]]
    assert c1, rows
    post = c1[0]
    assert post[3] == "post" and post[7] == (query_world.U1,)
    assert post[8] == ("hktruthdaily.example",)
    # Page posts are acted by their page, and say where they were posted.
    page_posts = [r for r in rows if r[1].startswith("facebook:p")]
    assert page_posts and all(r[6] == r[1] for r in page_posts)
    assert len(by_post) == len(rows)


def test_store_is_plain_parquet(world) -> None:
    """Other tools read the store directly (docs/action-store.md)."""
    graph, _ = world
    pattern = str(graph.store_dir / "actions" / "*" / "*.parquet")
    n, datasets = duckdb.sql(
        f"SELECT count(*), list(DISTINCT dataset) FROM read_parquet('{pattern}', "
        "hive_partitioning = true)"
    ).fetchone()
    assert n >= len(_rows(graph.store_dir)) and datasets == ["world"]


def test_store_round_trips_through_the_graph(world, tmp_path: Path) -> None:
    """A store built from the graph (as for a graph another tool filled) holds exactly
    the actions the load wrote."""
    graph, _ = world
    rebuilt = tmp_path / "rebuilt"
    build_from_graph(graph, rebuilt, progress=lambda _m: None)
    assert _rows(rebuilt) == _rows(graph.store_dir)
    with StoreReader(rebuilt) as a, StoreReader(graph.store_dir) as b:
        assert a.accounts() == b.accounts()
        assert a.admins() == b.admins()
        assert a.news_domains() == b.news_domains()
        assert a.news_domains()["facebook:p1"] == {"hktruthdaily.example"}


def _edges(result) -> dict[str, dict[tuple[str, str], int]]:  # type: ignore[no-untyped-def]
    names = result.actions.actors.values
    return {e.signal: e.as_dict(names) for e in result.edge_lists}


def test_detect_from_files_equals_detect_on_the_graph(world, tmp_path: Path) -> None:
    graph, files = world
    params = DetectParams(min_size=3, threshold=0.5)
    on_graph = detect(graph, params, write=False)
    from_files, report = detect_files([files], params, out_dir=tmp_path / "out")
    assert report.rejected == 0
    assert _edges(from_files) == _edges(on_graph)
    assert _edges(on_graph)["url"]  # the world has url edges
    clusters = lambda r: sorted(sorted(m) for m in r.members.values())  # noqa: E731
    assert clusters(from_files) == clusters(on_graph)
    flagged = lambda r: sorted(sorted(r.members[c.index]) for c in r.flagged)  # noqa: E731
    assert flagged(from_files) == flagged(on_graph) == [["twitter:c1", "twitter:c2", "twitter:c3"]]
    assert [c.score for c in from_files.clusters] == [c.score for c in on_graph.clusters]


def test_a_stale_store_is_noticed_and_rebuilt(session_graph: Graph, tmp_path: Path) -> None:
    graph = session_graph
    query_world.build(graph, tmp_path)
    root = ensure_store(graph)
    before = len(_rows(root))
    # Someone else adds a post to the graph: the store no longer matches it.
    graph.execute(
        "MATCH (a:Account {uid: 'twitter:o1'}) "
        "CREATE (a)-[:POSTED]->(:Post {uid: 'twitter:late', platform: 'twitter', id: 'late', "
        "ts: 1565690400, text: 'added by another tool'})"
    )
    assert read_manifest(root)["graph_fingerprint"] != graph_fingerprint(graph)
    said: list[str] = []
    ensure_store(graph, said.append)
    assert any("building the action store from the graph" in m for m in said)
    rows = _rows(root)
    assert len(rows) == before + 1
    assert ("twitter:late", "twitter:o1", 1565690400) in [r[:3] for r in rows]
    # Now it matches: nothing is rebuilt the second time.
    said.clear()
    ensure_store(graph, said.append)
    assert said == []


def test_a_load_into_a_graph_the_store_does_not_match_leaves_it_to_be_rebuilt(
    session_graph: Graph, tmp_path: Path
) -> None:
    graph = session_graph
    query_world.build(graph, tmp_path)
    graph.execute("MATCH (p:Post {uid: 'twitter:late'}) DETACH DELETE p")
    graph.execute(
        "CREATE (:Post {uid: 'twitter:other', platform: 'twitter', id: 'other', ts: 1})"
    )  # the graph changed behind the store's back
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "accounts.csv").write_text("platform,id,handle\ntwitter,zz1,late_joiner\n")
    load([extra / "accounts.csv"], graph=graph, report_dir=tmp_path / "r")
    assert read_manifest(graph.store_dir)["graph_fingerprint"] is None  # cleared, unsealed
    ensure_store(graph)
    with StoreReader(graph.store_dir) as reader:
        assert "twitter:zz1" in reader.accounts()
