"""The native CSV/JSONL format, and the QUT toolkit CSV."""

import datetime as dt
from pathlib import Path

from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from cibgraph.graph import Graph
from loader import load


def test_native_directory(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "native", tmp_path)
    # entities first, then posts, then relations and labels
    assert [Path(f.path).name for f in report.files] == [
        "accounts.csv",
        "groups.csv",
        "pages.csv",
        "extra.jsonl",
        "posts.csv",
        "follows.csv",
        "group_members.csv",
        "labels.csv",
        "page_admins.csv",
    ]
    assert (report.loaded, report.rejected) == (27, 4)
    # a damaged optional field costs that field: the account and the post load without it
    dropped = {Path(f.path).name: f.dropped for f in report.files if f.dropped}
    assert dropped == {
        "accounts.csv": {
            "created_at": {
                "count": 1,
                "examples": ["line 5: 'yesterday' is not an ISO 8601 date/time"],
            }
        },
        "posts.csv": {"like_count": {"count": 1, "examples": ["line 7: 'lots' is not a number"]}},
    }
    assert counts(graph) == {
        "Account": 7,
        "Page": 3,
        "Group": 1,
        "Post": 6,
        "Url": 2,
        "Domain": 1,
        "Hashtag": 2,
        "LoadCheckpoint": 9,
        "NewsLike": 2,
        "POSTED": 4,
        "POSTED_IN": 2,
        "REPOST_OF": 1,
        "LINKS_TO": 5,
        "ON_DOMAIN": 2,
        "TAGS": 4,
        "MENTIONS": 1,
        "ADMINISTERS": 3,
        "MEMBER_OF": 1,
        "FOLLOWS": 3,
    }
    reasons = sorted(line.split(": ", 1)[1] for line in report.first_rejects)
    assert reasons == sorted(
        [
            "invalid JSON: Expecting value at column 67",
            "field 'type': 'vote' is not one of account, page, group, post, page_admin, "
            "group_member, follow, label",
            "field 'account_id': a post needs an account_id, page_id or group_id",
            "field 'followed_id': id '9.1E+5' is in scientific notation (mangled by a "
            "spreadsheet); its digits are lost",
        ]
    )


def test_native_relationships_and_labels(graph: Graph, tmp_path: Path) -> None:
    load_fixture(graph, "native", tmp_path)
    assert pairs(graph, "MATCH (a:Account)-[:ADMINISTERS]->(p:Page) RETURN a.handle, p.id") == {
        ("admin.one.fb", "p1"),
        ("admin.two.fb", "p1"),
        ("admin.two.fb", "p2"),
    }
    assert pairs(graph, "MATCH (p:NewsLike) RETURN p.id") == {("p1",), ("p3",)}
    assert pairs(graph, "MATCH (a:Account)-[:FOLLOWS]->(b:Account) RETURN a.id, b.id") == {
        ("501", "502"),
        ("502", "501"),
        ("601", "501"),
    }
    assert pairs(
        graph,
        "MATCH (n) WHERE n.truth_label IS NOT NULL RETURN n.id, n.truth_label, n.truth_cluster",
    ) == {("501", "operation", "core-1"), ("503", "organic", None), ("p1", "fake_news_page", None)}
    assert pairs(graph, "MATCH (p:Post)-[:TAGS]->(h) RETURN p.id, h.tag") == {
        ("t1", "hongkong"),
        ("t2", "hongkong"),
        ("t2", "hk"),
        ("t9", "hk"),
    }
    admin2 = one(graph, "MATCH (a:Account {uid: 'twitter:502'}) RETURN a.created_at AS c")
    assert (admin2["c"].day, admin2["c"].hour, admin2["c"].minute) == (1, 0, 5)  # +08:00 -> UTC
    t2 = one(graph, "MATCH (p:Post {uid: 'twitter:t2'}) RETURN p.ts AS ts, p.is_repost AS r")
    assert t2 == {
        "ts": int(dt.datetime(2019, 8, 13, 10, 0, 20, tzinfo=dt.UTC).timestamp()),
        "r": True,
    }


def test_qut_generic_csv(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "qut", tmp_path, platform="twitter")
    assert report.files[0].format == "qut" and (report.loaded, report.rejected) == (4, 1)
    assert counts(graph) == {
        "Account": 3,
        "Post": 4,
        "Url": 2,
        "Domain": 2,
        "Hashtag": 1,
        "LoadCheckpoint": 1,
        "POSTED": 4,
        "REPOST_OF": 2,
        "REPLY_TO": 1,
        "LINKS_TO": 3,
        "ON_DOMAIN": 2,
        "TAGS": 1,
    }
    assert pairs(graph, "MATCH (a)-[:POSTED]->(p)-[:REPOST_OF]->(o) RETURN a.handle, o.id") == {
        ("bob", "m1"),
        ("carol", "m1"),
    }


def test_jsonl_kind_from_file_name(graph: Graph, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"platform": "twitter", "id": "j1", "account_id": "9", '
        '"created_at": "2019-08-13T10:00:00Z", "text": "hi #HK"}\n'
    )
    report = load([posts], graph=graph, report_dir=tmp_path / "r")
    assert report.files[0].format == "native-jsonl" and report.loaded == 1
    assert pairs(graph, "MATCH (a)-[:POSTED]->(p)-[:TAGS]->(h) RETURN a.id, p.id, h.tag") == {
        ("9", "j1", "hk")
    }


def test_same_fixture_from_two_datasets_keeps_first_source(graph: Graph, tmp_path: Path) -> None:
    load([FIXTURES / "qut"], graph=graph, dataset="first", report_dir=tmp_path / "a")
    load([FIXTURES / "qut"], graph=graph, dataset="second", report_dir=tmp_path / "b")
    assert pairs(graph, "MATCH (p:Post) RETURN DISTINCT p.source") == {("first",)}
    assert counts(graph)["Post"] == 4
