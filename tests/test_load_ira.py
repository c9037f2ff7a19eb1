"""fivethirtyeight IRA tweets, and the per-author variant."""

import csv
from pathlib import Path

import pytest
from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from cibgraph.graph import Graph
from loader import LoadError, load


def test_ira_tweets(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "ira", tmp_path)
    assert (report.loaded, report.rejected) == (3, 2)
    assert counts(graph) == {
        "Account": 2,
        "Post": 4,  # with the original the retweet repeats, known by its text alone
        "REPOST_OF": 1,
        "Url": 1,
        "Domain": 1,
        "Hashtag": 2,
        "LoadCheckpoint": 1,
        "POSTED": 3,
        "LINKS_TO": 2,
        "ON_DOMAIN": 1,
        "TAGS": 3,
    }
    with open(report.rejects_file, newline="") as f:
        rejects = list(csv.DictReader(f))
    assert [(r["line"], r["field"]) for r in rejects] == [
        ("4", "external_author_id"),
        ("5", "tweet_id"),
    ]
    assert "scientific notation" in rejects[0]["reason"]
    # a mangled id is never loaded as a number
    assert graph.query("MATCH (n) WHERE n.id CONTAINS 'E+' RETURN n") == []
    acc = one(
        graph,
        "MATCH (a:Account {uid: 'twitter:2572896396'}) RETURN a.handle AS h, "
        "a.ira_category AS c, a.followers AS f",
    )
    assert acc == {"h": "TEN_GOP", "c": "RightTroll", "f": 9636}
    rt = one(
        graph,
        "MATCH (p:Post {uid: 'twitter:914580356430536708'}) RETURN p.is_repost AS r,"
        " p.type AS t, p.created_at AS c",
    )
    assert rt["r"] is True and rt["t"] == "RETWEET"
    assert (rt["c"].month, rt["c"].day, rt["c"].hour, rt["c"].minute) == (10, 1, 20, 1)
    assert pairs(graph, "MATCH (p:Post)-[:LINKS_TO]->(u:Url) RETURN p.id, u.url") == {
        ("914580356430536707", "https://www.breitbart.com/big-government/2017/10/01/x"),
        ("914580356430536710", "https://www.breitbart.com/big-government/2017/10/01/x"),
    }


def test_per_author_variant_resolves_through_authors_csv(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "ira_authors", tmp_path)
    assert [f.format for f in report.files] == ["ira-authors", "ira-author-tweets"]
    assert (report.loaded, report.rejected) == (4, 1)
    assert counts(graph) == {
        "Account": 2,
        "Post": 3,  # with the original the retweet repeats, known by its text alone
        "REPOST_OF": 1,
        "Hashtag": 1,
        "LoadCheckpoint": 2,
        "POSTED": 2,
        "TAGS": 2,
    }
    assert pairs(graph, "MATCH (a:Account)-[:POSTED]->(p) RETURN a.handle, a.ira_category") == {
        ("TEN_GOP", "RightTroll")
    }
    # ids are stable hashes: loading again adds nothing
    load(FIXTURES / "ira_authors", graph=graph, report_dir=tmp_path / "r2", resume=False)
    assert counts(graph)["Post"] == 3


def test_per_author_tweets_without_authors_are_rejected(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"--strict: .*TEN_GOP.csv:2: field 'author_id'"):
        load(
            FIXTURES / "ira_authors" / "TEN_GOP.csv", graph=graph, strict=True, report_dir=tmp_path
        )
    assert counts(graph).get("Post", 0) == 0


def test_ids_lost_to_a_spreadsheet_come_back_from_article_url(graph: Graph, tmp_path: Path) -> None:
    # a copy of the 538 layout saved by a spreadsheet: ids in scientific notation, years in
    # two digits; article_url (a string) keeps the author's and the tweet's ids exactly
    report = load_fixture(graph, "ira-spreadsheet", tmp_path)
    assert (report.loaded, report.rejected) == (2, 1)
    assert report.first_rejects == [
        f"{FIXTURES / 'ira-spreadsheet' / 'IRAhandle_tweets_sample.csv'}:4: field "
        "'external_author_id': id '9.06E+17' is in scientific notation (mangled by a "
        "spreadsheet); its digits are lost"
    ]
    rows = graph.query(
        "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id AS a, a.handle AS h, p.id AS p, "
        "p.created_at AS t ORDER BY p"
    )
    got = [(r["a"], r["h"], r["p"], r["t"].strftime("%Y-%m-%d %H:%M")) for r in rows]
    assert got == [
        ("905874659358453760", "10_GOP", "914580356430536707", "2017-10-01 19:58"),
        ("905874659358453760", "10_GOP", "914621840496189440", "2017-10-01 22:43"),
    ]


def test_per_author_files_as_published_in_2016(graph: Graph, tmp_path: Path) -> None:
    """The per-author release's real quirks: handles as author_id, ids rounded by a
    spreadsheet (two authors share 889000000000000000), retweets that repeat the
    original's text with or without 'RT @handle:' and no original id, links only in
    the text."""
    report = load_fixture(graph, "ira_authors_2016", tmp_path)
    assert (report.loaded, report.rejected) == (5 + 7, 0)
    drops = report.files[0].dropped
    assert list(drops) == ["external_author_id"] and drops["external_author_id"]["count"] == 2
    assert "rounded by a spreadsheet" in drops["external_author_id"]["examples"][0]
    # the exact id when congress_2017_id holds it, else the handle: never one account
    # for two authors
    assert pairs(graph, "MATCH (a:Account) RETURN a.uid, a.handle") == {
        ("twitter:905874659358453760", "10_gop"),
        ("twitter:@aleksey_sokol_", "Aleksey_Sokol_"),
        ("twitter:@andyhashtagger", "AndyHashtagger"),
        ("twitter:2528776985", "1488reasons"),
        ("twitter:4224729994", "NoFile"),
    }
    # retweets of one original share it, found by its normalised text ("ok" is too short)
    originals = graph.query(
        "MATCH (a:Account)-[:POSTED]->(:Post)-[:REPOST_OF]->(o:Post) "
        "RETURN o.uid AS o, collect(a.handle) AS who ORDER BY o"
    )
    assert sorted(sorted(r["who"]) for r in originals) == [
        ["10_gop", "Aleksey_Sokol_"],
        ["10_gop", "AndyHashtagger"],
    ]
    assert all(r["o"].startswith("twitter:retweet-") for r in originals)
    links = graph.query(
        "MATCH (p:Post)-[:LINKS_TO]->(u:Url) WHERE p.text STARTS WITH 'Read it' "
        "RETURN u.url AS url ORDER BY url"
    )
    assert [r["url"] for r in links] == ["http://bit.ly/2aBcD1e", "https://t.co/Zx9q8"]


def test_per_author_retweets_give_co_retweet_edges(tmp_path: Path) -> None:
    from analytics.detect import DetectParams
    from analytics.fromfiles import detect_files

    params = DetectParams(signals=("repost",), min_weight=1, min_size=2)
    result, _ = detect_files([FIXTURES / "ira_authors_2016"], params, out_dir=tmp_path / "d")
    edges = result.edge_lists[0].as_dict(result.actions.actors.values)
    assert edges == {
        ("twitter:905874659358453760", "twitter:@aleksey_sokol_"): 1,
        ("twitter:@aleksey_sokol_", "twitter:905874659358453760"): 1,
        ("twitter:905874659358453760", "twitter:@andyhashtagger"): 1,
        ("twitter:@andyhashtagger", "twitter:905874659358453760"): 1,
    }
