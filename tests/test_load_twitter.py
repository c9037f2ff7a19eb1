"""Twitter IO archive (users + tweets files) into the graph, exactly."""

import csv
import datetime as dt
from pathlib import Path

from loader_helpers import counts, load_fixture, one, pairs

from cibgraph.graph import Graph

HASH = "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE="


def test_counts_and_rejects(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "twitter", tmp_path)
    assert [f.format for f in report.files] == ["twitter-users", "twitter-tweets"]
    assert (report.loaded, report.rejected) == (8, 4)
    assert counts(graph) == {
        "Account": 5,
        "Post": 6,
        "Url": 2,
        "Domain": 2,
        "Hashtag": 2,
        "LoadCheckpoint": 2,
        "POSTED": 6,
        "REPOST_OF": 2,
        "REPLY_TO": 1,
        "QUOTES": 1,
        "LINKS_TO": 2,
        "ON_DOMAIN": 2,
        "TAGS": 4,
        "MENTIONS": 1,
    }
    with open(report.rejects_file, newline="") as f:
        rejects = [(Path(r["file"]).name, r["line"], r["field"]) for r in csv.DictReader(f)]
    assert rejects == [
        ("china_082019_1_users_csv_hashed.csv", "5", "userid"),
        ("china_082019_1_users_csv_hashed.csv", "6", ""),
        ("china_082019_1_tweets_csv_hashed.csv", "6", "tweet_time"),
        ("china_082019_1_tweets_csv_hashed.csv", "7", "hashtags"),
    ]


def test_accounts_hashed_flag_and_properties(graph: Graph, tmp_path: Path) -> None:
    load_fixture(graph, "twitter", tmp_path)
    hashed = one(
        graph,
        "MATCH (a:Account {uid: $u}) RETURN a.hashed AS h, a.followers AS f, "
        "a.handle AS handle, a.source AS s",
        {"u": f"twitter:{HASH}"},
    )
    assert hashed == {"h": True, "f": 12, "handle": HASH, "s": "twitter"}
    named = one(
        graph,
        "MATCH (a:Account {uid: 'twitter:1001'}) RETURN a.hashed AS h, "
        "a.handle AS handle, a.created_at AS c, a.language AS lang",
    )
    assert named["h"] is False and named["handle"] == "hkdailyvoice" and named["lang"] == "zh-cn"
    assert (named["c"].year, named["c"].month, named["c"].day) == (2017, 6, 1)
    # listed in the users file but never tweeted: still an account
    assert (
        one(graph, "MATCH (a:Account {uid: 'twitter:1003'}) RETURN count{(a)-[:POSTED]->()} AS n")[
            "n"
        ]
        == 0
    )
    # tweeted but absent from the users file: account from the tweet's user columns
    assert one(graph, "MATCH (a:Account {uid: 'twitter:7777'}) RETURN a.handle AS h")["h"] == (
        "quoter77"
    )


def test_posts_and_their_relationships(graph: Graph, tmp_path: Path) -> None:
    load_fixture(graph, "twitter", tmp_path)
    post = one(
        graph,
        "MATCH (p:Post {uid: 'twitter:2001'}) RETURN p.ts AS ts, p.like_count AS "
        "likes, p.share_count AS shares, p.is_repost AS rt, p.client AS client",
    )
    assert post == {
        "ts": int(dt.datetime(2019, 8, 13, 10, 1, tzinfo=dt.UTC).timestamp()),
        "likes": 15,
        "shares": 2,
        "rt": False,
        "client": "Twitter for Android",
    }
    assert pairs(graph, "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id, p.id") == {
        ("1001", "2001"),
        (HASH, "2002"),
        (HASH, "2003"),
        ("8888", "9999"),
        ("1001", "2004"),
        ("7777", "2007"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPOST_OF]->(o:Post) RETURN p.id, o.id") == {
        ("2002", "2001"),
        ("2003", "9999"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPLY_TO]->(o:Post) RETURN p.id, o.id") == {
        ("2004", "2003")
    }
    assert pairs(graph, "MATCH (p:Post)-[:QUOTES]->(o:Post) RETURN p.id, o.id") == {
        ("2007", "2001")
    }
    assert pairs(graph, "MATCH (p:Post)-[:TAGS]->(h:Hashtag) RETURN p.id, h.tag") == {
        ("2001", "hongkong"),
        ("2001", "hk"),
        ("2002", "hongkong"),
        ("2007", "hk"),
    }
    assert pairs(
        graph,
        "MATCH (p:Post)-[:LINKS_TO]->(u:Url)-[:ON_DOMAIN]->(d:Domain) RETURN p.id, u.url, d.name",
    ) == {
        ("2001", "https://hkdailyvoice.example/news/1", "hkdailyvoice.example"),
        ("2004", "http://www.example.com/Path", "example.com"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:MENTIONS]->(a:Account) RETURN p.id, a.handle") == {
        ("2004", "lily_hk")
    }
    # the retweeted original outside the release is a stub: key only
    stub = one(graph, "MATCH (p:Post {uid: 'twitter:9999'}) RETURN p.text AS t, p.id AS id")
    assert stub == {"t": None, "id": "9999"}
