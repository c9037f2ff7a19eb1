"""CooRnet's ct_shares as its users save it from R: one row per (post, link), NA, TRUE and
FALSE, R's row-name column; into the graph exactly, and straight to co-URL edges."""

from pathlib import Path

from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from analytics.detect import DetectParams
from analytics.fromfiles import detect_files
from cibgraph.graph import Graph

PHILLIES = "93625750491|10156590943270492"


def test_ct_shares_into_the_graph(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "coornet", tmp_path)
    (f,) = report.files
    assert f.format == "coornet-shares"
    assert (f.loaded, f.rejected) == (6, 1)
    assert report.first_rejects == [
        f"{FIXTURES / 'coornet' / 'ct_shares.csv'}:8: field 'date': required date is empty"
    ]
    assert f.ignored_columns == [] and "platformId" not in f.missing_columns
    assert {k: v["examples"] for k, v in f.dropped.items()} == {
        "account.subscriberCount": ["line 5: 'many' is not a number"]
    }
    found = counts(graph)
    assert (found["Post"], found["Page"], found["Group"], found["POSTED_IN"]) == (5, 2, 1, 5)
    assert "POSTED" not in found  # shares name pages and groups, never a person
    # a post shared two links in two rows: it keeps both
    urls = graph.query(
        "MATCH (p:Post {id: $id})-[:LINKS_TO]->(u:Url) RETURN u.url AS u", {"id": PHILLIES}
    )
    assert sorted(r["u"] for r in urls) == [
        "https://news.example/2016/02/09/kruk",
        "https://www.facebook.com/Phillies/photos/a.188899285491/10156590943270492?type=3",
    ]
    post = one(
        graph, "MATCH (p:Post {id: $id}) RETURN p.seed_link AS s, p.ts AS ts", {"id": PHILLIES}
    )
    assert post == {"s": True, "ts": 1455030000}  # 2016-02-09 15:00:00 UTC
    assert pairs(graph, "MATCH (p:Post)-[:POSTED_IN]->(g:Group) RETURN p.id, g.name") == {
        ("123456789012345|700000000000001", "Patriots United"),
        ("123456789012345|700000000000002", "Patriots United"),
    }
    page = one(
        graph,
        "MATCH (g:Page {id: '93625750491'}) RETURN g.followers AS f, g.verified AS v, "
        "g.handle AS h",
    )
    assert page == {"f": 1703396, "v": True, "h": "Phillies"}
    news = one(graph, "MATCH (g:Page {id: '11430503918'}) RETURN g.followers AS f, g.handle AS h")
    assert news == {"f": 13231210, "h": None}  # NA is no handle; the last row's count


def test_ct_shares_straight_to_co_url_edges(tmp_path: Path) -> None:
    params = DetectParams(signals=("url",), window=60, min_weight=2)
    result, report = detect_files([FIXTURES / "coornet"], params, out_dir=tmp_path / "out")
    assert (report.loaded, report.rejected) == (6, 1)
    (edges,) = [e for e in result.edge_lists if e.signal == "url"]
    assert result.actions is not None
    names = result.actions.actors.values
    got = zip(edges.src, edges.dst, edges.weight, strict=True)
    assert sorted((names[s], names[d], int(w)) for s, d, w in got) == [
        ("facebook:11430503918", "facebook:123456789012345", 2),
        ("facebook:123456789012345", "facebook:11430503918", 2),
    ]
