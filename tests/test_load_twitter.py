"""Twitter IO archive (users + tweets files) into the graph, exactly."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from cibgraph.graph import Graph
from loader.load import LoadError, load

HASH = "vMm2zemFOF7kmXoDyX24Bo+TorqhNutpZlATYyxsE="


def test_counts_and_rejects(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "twitter", tmp_path)
    assert [f.format for f in report.files] == ["twitter-users", "twitter-tweets"]
    assert (report.loaded, report.rejected) == (9, 3)
    # a damaged list costs that field, not the tweet
    assert report.files[1].dropped == {
        "hashtags": {
            "count": 1,
            "examples": ["line 7: \"['unterminated\" is not a list like ['a', 'b']"],
        }
    }
    assert report.files[1].ignored_columns == report.files[1].missing_columns == []
    assert counts(graph) == {
        "Account": 5,
        "Post": 7,
        "Url": 2,
        "Domain": 2,
        "Hashtag": 2,
        "LoadCheckpoint": 2,
        "POSTED": 7,
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
        ("1001", "2006"),
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


def test_a_30_column_release_with_float_references(graph: Graph, tmp_path: Path) -> None:
    # later releases drop poll_choices; a spreadsheet turned reference ids into floats
    report = load_fixture(graph, "twitter-2021", tmp_path)
    users, tweets = report.files
    assert (users.format, tweets.format) == ("twitter-users", "twitter-tweets")
    assert (report.loaded, report.rejected) == (6, 0)
    assert tweets.missing_columns == ["poll_choices"] and tweets.ignored_columns == []
    assert {k: (v["count"], v["examples"]) for k, v in tweets.dropped.items()} == {
        "in_reply_to_tweetid": (
            1,
            [
                "line 3: id '1.334501234567890e+18' is in scientific notation (mangled by a "
                "spreadsheet); its digits are lost"
            ],
        ),
        "retweet_tweetid": (
            1,
            ["line 4: id '1334501234567890001.0' looks like a float (mangled by a spreadsheet)"],
        ),
        "quote_count": (1, ["line 5: 'n/a' is not a number"]),
    }
    # every tweet is there with its own id, author and time; only the lost references are not
    assert pairs(graph, "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id, p.id") == {
        ("3001", "1334501234567890001"),
        ("Ab3xk9+Qz0Yw2PmLq7RtVn4sDfGhJkLzXcVbNm1o2E=", "1334501234567890002"),
        ("Ab3xk9+Qz0Yw2PmLq7RtVn4sDfGhJkLzXcVbNm1o2E=", "1334501234567890003"),
        ("3001", "1334501234567890004"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:QUOTES]->(o:Post) RETURN p.id, o.id") == {
        ("1334501234567890004", "1334501234567890001")
    }
    assert counts(graph).get("REPLY_TO", 0) == counts(graph).get("REPOST_OF", 0) == 0
    retweet = one(
        graph,
        "MATCH (p:Post {id: '1334501234567890003'}) RETURN p.is_repost AS rt, "
        "p.like_count AS likes, p.quote_count AS quotes",
    )
    assert retweet == {"rt": True, "likes": 0, "quotes": 0}
    quoted = one(
        graph,
        "MATCH (p:Post {id: '1334501234567890004'}) RETURN p.like_count AS likes, "
        "p.quote_count AS quotes",
    )
    assert quoted == {"likes": 3, "quotes": None}
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["files"][1]["dropped"]["retweet_tweetid"]["count"] == 1


def test_strict_rejects_a_damaged_optional_field(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r":3: field 'in_reply_to_tweetid'"):
        load_fixture(graph, "twitter-2021", tmp_path, strict=True)


def test_an_authors_damaged_field_is_counted_on_every_tweet(tmp_path: Path) -> None:
    """Tweets repeat their author's columns and the author is parsed once; a damaged
    field of it is still a drop on every tweet that carries it, and --strict still stops
    at the first."""
    source = FIXTURES / "twitter-2021" / "uyghur_2021_tweets_csv_hashed.csv"
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))
    for row in rows:
        row["follower_count"] = "many"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + rows)  # every author at least twice
    path = tmp_path / "tweets.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = load([path], dry_run=True, report_dir=tmp_path / "r")
    assert report.rejected == 0
    drop = report.files[0].dropped["follower_count"]
    assert drop["count"] == 2 * len(rows)
    assert drop["examples"] == [f"line {n}: 'many' is not a number" for n in (2, 3, 4)]
    with pytest.raises(LoadError, match=r"tweets.csv:2: field 'follower_count'"):
        load([path], strict=True, dry_run=True, report_dir=tmp_path / "s")
