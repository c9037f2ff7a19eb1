"""twarc2's JSON lines (API v2 pages, a stream line) and twarc-csv's CSV into the graph,
exactly: tweets with their own ids, authors and times; retweets, replies and quotes;
unwound URLs; hashtags; users from includes."""

from pathlib import Path

from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from cibgraph.graph import Graph

RT, ORIGINAL, REPLY = "1394735776701816833", "1391677057810288641", "1610692575752601600"


def test_twarc2_pages_and_csv(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "twarc2", tmp_path)
    jsonl, table = report.files
    assert (jsonl.format, table.format) == ("twarc2-jsonl", "twarc2-csv")
    assert (jsonl.loaded, jsonl.rejected, table.loaded, table.rejected) == (3, 1, 4, 0)
    assert report.first_rejects == [
        f"{FIXTURES / 'twarc2' / 'search.jsonl'}:4: field 'created_at': required date is empty"
    ]
    assert table.missing_columns == [] and table.ignored_columns == []
    assert {k: v["examples"] for k, v in table.dropped.items()} == {
        "entities.hashtags": ["line 5: '[\"#unclosed\"' is not a JSON list"]
    }
    # the page's retweet, its original from includes, the reply page, the stream line;
    # the CSV repeats the retweet (merged: the original's text) and adds three
    assert pairs(graph, "MATCH (a:Account)-[:POSTED]->(p:Post) RETURN a.id, p.id") == {
        ("1379899464345923590", RT),
        ("1380086327023169540", ORIGINAL),
        ("1328271312628936705", REPLY),
        ("1379899464345923590", "1610700000000000001"),
        ("1726979365", "1169968866866466817"),
        ("1328271312628936705", "1610692575752601601"),
        ("1328271312628936705", "1610692575752601602"),
        ("1328271312628936705", "1610623087061471232"),  # the replied-to tweet's author
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPOST_OF]->(o:Post) RETURN p.id, o.id") == {
        (RT, ORIGINAL)
    }
    assert pairs(graph, "MATCH (p:Post)-[:REPLY_TO]->(o:Post) RETURN p.id, o.id") == {
        (REPLY, "1610623087061471232"),
        ("1610692575752601601", "1610623087061471232"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:QUOTES]->(o:Post) RETURN p.id, o.id") == {
        ("1169968866866466817", "1169734611666198528")
    }
    # unwound, not t.co and not the bit.ly the author typed
    assert pairs(graph, "MATCH (p:Post)-[:LINKS_TO]->(u:Url) RETURN p.id, u.url") == {
        (REPLY, "https://uiadrian.gumroad.com/l/web-design-guide?offer_code=twk0uc9f7"),
        (
            "1610692575752601601",
            "https://uiadrian.gumroad.com/l/web-design-guide?offer_code=twk0uc9f7",
        ),
        ("1169968866866466817", "https://twitter.com/GameStop/status/1169734611666198528"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:TAGS]->(h:Hashtag) RETURN p.id, h.tag") == {
        (RT, "poiuytrewq"),
        (ORIGINAL, "poiuytrewq"),
        ("1610700000000000001", "poiuytrewq"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:MENTIONS]->(a:Account) RETURN p.id, a.id") == {
        (REPLY, "1328271312628936705")
    }
    user = one(
        graph,
        "MATCH (a:Account {id: '1328271312628936705'}) RETURN a.handle AS h, "
        "a.followers AS f, a.verified AS v",
    )
    assert user == {"h": "uiuxadrian", "f": 53211, "v": True}
    reply = one(
        graph,
        "MATCH (p:Post {id: '1610692575752601601'}) RETURN p.text AS t, p.like_count AS n, "
        "p.ts AS ts",
    )
    assert reply == {
        "t": "Grab it 35% OFF this week only\U0001f447\nhttps://t.co/C73mC2F5nY",
        "n": 13,
        "ts": 1672854069,
    }
    assert counts(graph)["Post"] == 9  # 7 tweets + the replied-to and the quoted (stubs)
