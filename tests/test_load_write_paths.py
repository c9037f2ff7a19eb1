"""The loader's two ways of writing a batch give the same graph.

Nodes not yet in the graph are CREATEd (new posts with their POSTED and TAGS edges in one
statement, new Urls with their ON_DOMAIN edge); nodes already there are MERGEd. A load into
an empty graph takes the first way for almost everything, a re-load the second, a load in
batches of one row a mix of both: every node with every property, and every relationship
(counted, so a duplicate would show), must come out the same.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from loader_helpers import counts

from cibgraph.graph import Graph
from loader import load
from loader.formats.twitter import TWEET_COLUMNS
from loader.load import LoadError
from loader.writer import bolt_post

NODES_CYPHER = (
    "MATCH (n) WHERE NOT n:LoadCheckpoint AND NOT n:CibgraphSchema "
    "RETURN labels(n) AS labels, properties(n) AS props"
)
RELS_CYPHER = (
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, "
    "coalesce(a.uid, a.url, a.tag, a.name, a.key) AS a, "
    "coalesce(b.uid, b.url, b.tag, b.name, b.key) AS b"
)


def write_tweets(path: Path, n: int = 400, seed: int = 3) -> None:
    """Tweets with and without hashtags, urls and mentions; retweets and replies of tweets
    in the file and outside it; some tweet ids twice (the later row wins)."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(TWEET_COLUMNS)
        for i in range(n):
            tweet = 7000 + (i if rng.random() > 0.05 else rng.randrange(max(i, 1)))
            user = 500 + rng.randrange(25)
            retweet = i > 5 and rng.random() < 0.3
            original = 7000 + rng.randrange(i) if retweet and rng.random() < 0.7 else 99_000 + i
            reply = not retweet and rng.random() < 0.1
            tags = rng.sample(["hk", "news", "march", "police", "港"], rng.randrange(3))
            urls = [f"https://site{rng.randrange(4)}.example/a/{rng.randrange(30)}"]
            row = dict.fromkeys(TWEET_COLUMNS, "")
            row.update(
                tweetid=str(tweet),
                userid=str(user),
                user_display_name=f"user {user}",
                user_screen_name=f"user{user}",
                follower_count=str(user % 70),
                following_count="3",
                account_creation_date="2019-07-01",
                account_language="zh-cn",
                tweet_language="zh",
                tweet_text=f"tweet {i} " + " ".join(f"#{t}" for t in tags),
                tweet_time=f"2019-08-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}",
                tweet_client_name="Twitter Web App",
                is_retweet=str(retweet),
                retweet_tweetid=str(original) if retweet else "",
                retweet_userid=str(500 + rng.randrange(25)) if retweet else "",
                in_reply_to_tweetid=str(7000 + rng.randrange(max(i, 1))) if reply else "",
                in_reply_to_userid=str(500 + rng.randrange(25)) if reply else "",
                like_count=str(rng.randrange(9)),
                quote_count="0",
                reply_count="0",
                retweet_count="0",
                hashtags=repr(tags),
                urls=repr(urls if rng.random() < 0.6 else []),
                user_mentions=repr([str(500 + rng.randrange(40))] if rng.random() < 0.3 else []),
            )
            out.writerow([row[c] for c in TWEET_COLUMNS])


def _value(value: Any) -> Any:
    return str(value) if hasattr(value, "iso_format") or hasattr(value, "isoformat") else value


def snapshot(graph: Graph) -> tuple[Counter[Any], Counter[Any]]:
    """Every node (labels and properties) and every relationship, as multisets."""
    nodes = Counter(
        (
            tuple(sorted(row["labels"])),
            tuple(sorted((k, _value(v)) for k, v in row["props"].items())),
        )
        for row in graph.query(NODES_CYPHER)
    )
    rels = Counter((row["type"], row["a"], row["b"]) for row in graph.query(RELS_CYPHER))
    return nodes, rels


def _load(graph: Graph, data: Path, tmp_path: Path, **kwargs: Any) -> None:
    report = load([data], graph=graph, report_dir=tmp_path / "report", **kwargs)
    assert report.rejected == 0, report.first_rejects


def test_created_and_merged_batches_write_the_same_graph(graph: Graph, tmp_path: Path) -> None:
    data = tmp_path / "hk_tweets_csv_hashed.csv"
    write_tweets(data)
    _load(graph, data, tmp_path, dataset="hk")  # into an empty graph: CREATE
    first = snapshot(graph)
    nodes, rels = first
    kinds = Counter(kind for kind, _, _ in rels)
    assert {"POSTED", "TAGS", "LINKS_TO", "ON_DOMAIN", "REPOST_OF", "MENTIONS"} <= set(kinds)
    assert kinds["ON_DOMAIN"] == sum(1 for labels, _ in nodes if labels == ("Url",))
    assert max(rels.values()) == 1  # no relationship written twice
    tagless = graph.query(
        "MATCH (p:Post) WHERE p.text IS NOT NULL AND NOT (p)-[:TAGS]->() RETURN count(p) AS n"
    )
    assert tagless[0]["n"] > 0  # posts without hashtags are created too

    # the same file again, as another dataset: every node is already there (MERGE), and
    # `source` stays the first load's
    _load(graph, data, tmp_path, dataset="hk-again")
    assert snapshot(graph) == first

    # one row per batch: posts and urls of earlier batches are in the graph by then. A row
    # that a later row of the same tweet id replaces has written its own stubs and urls
    # by then (in one batch they are never seen); those stay, unlinked from any post.
    # Without them, the graph is the same.
    graph.execute("MATCH (n) DETACH DELETE n")
    _load(graph, data, tmp_path, dataset="hk", batch_size=1)
    graph.execute(
        "MATCH (n) WHERE (n:Post AND n.text IS NULL OR n:Url) "
        "AND NOT (n)<-[:REPOST_OF|REPLY_TO|QUOTES|LINKS_TO]-() DETACH DELETE n"
    )
    assert snapshot(graph) == first


def test_a_url_already_in_the_graph_keeps_one_domain_edge(graph: Graph, tmp_path: Path) -> None:
    data = tmp_path / "hk_tweets_csv_hashed.csv"
    write_tweets(data, n=60)
    with open(data, newline="", encoding="utf-8") as f:
        url = next(u for row in csv.DictReader(f) for u in ast.literal_eval(row["urls"]))
    domain = url.split("/")[2]
    graph.execute(
        "MERGE (d:Domain {name: $domain}) ON CREATE SET d.source = 'earlier' "
        "CREATE (u:Url {url: $url, source: 'earlier'}) CREATE (u)-[:ON_DOMAIN]->(d)",
        {"url": url, "domain": domain},
    )
    _load(graph, data, tmp_path, dataset="hk")
    rows = graph.query(
        "MATCH (u:Url {url: $url})-[r:ON_DOMAIN]->(d:Domain) "
        "RETURN u.source AS source, d.name AS domain, count(r) AS edges",
        {"url": url},
    )
    assert rows == [{"source": "earlier", "domain": domain, "edges": 1}]
    linked = graph.query(
        "MATCH (:Post)-[r:LINKS_TO]->(:Url {url: $url}) RETURN count(r) AS n", {"url": url}
    )
    assert linked[0]["n"] > 0
    assert counts(graph)["ON_DOMAIN"] == counts(graph)["Url"]


def test_several_writer_sessions_write_the_same_graph(graph: Graph, tmp_path: Path) -> None:
    """Into Neo4j (the embedded server takes one writer), each batch split between
    sessions by key (nodes, then posts by author, then the checkpoint): the same nodes,
    properties and relationships as one session with one transaction per batch; in an
    empty graph, on a re-load, and in small batches whose posts point at posts of other
    sessions and of earlier batches."""
    if graph.backend != "neo4j":
        pytest.skip("several writers go into Neo4j: runs in the Neo4j pass")
    data = tmp_path / "hk_tweets_csv_hashed.csv"
    write_tweets(data, n=600, seed=5)
    for batch_size, writers in ((5000, 3), (37, 2)):
        graph.execute("MATCH (n) DETACH DELETE n")
        _load(graph, data, tmp_path, dataset="hk", writers=1, batch_size=batch_size)
        one = snapshot(graph)
        assert sum(one[1].values()) > 1_000
        graph.execute("MATCH (n) DETACH DELETE n")
        _load(graph, data, tmp_path, dataset="hk", writers=writers, batch_size=batch_size)
        assert snapshot(graph) == one, (writers, batch_size)
    _load(graph, data, tmp_path, dataset="hk-again", writers=3, resume=False)  # all MERGEd
    assert snapshot(graph) == one


def test_the_embedded_server_refuses_several_writers(graph: Graph, tmp_path: Path) -> None:
    if graph.backend != "arcadedb":
        pytest.skip("the embedded server's rule: runs in the embedded pass")
    data = tmp_path / "hk_tweets_csv_hashed.csv"
    write_tweets(data, n=20)
    with pytest.raises(LoadError, match="--writers 2: the embedded server writes with one"):
        _load(graph, data, tmp_path, dataset="hk", writers=2)
    assert counts(graph) == {}


def test_created_at_built_from_ts_is_the_datetime_itself(graph: Graph, tmp_path: Path) -> None:
    """A post's whole-second created_at is sent as its ts and built by the statement: it must
    be the value a datetime parameter stores (equal, found by = and by a range, the same
    type), and a sub-second one is sent as it is."""
    whole = dt.datetime(2019, 8, 14, 9, 0, 5, tzinfo=dt.UTC)
    part = dt.datetime(2019, 8, 14, 9, 0, 5, 250000, tzinfo=dt.UTC)
    assert "created_at" not in bolt_post({"uid": "x", "created_at": whole, "ts": 1565773205})
    assert bolt_post({"uid": "x", "created_at": part, "ts": 1565773205})["created_at"] == part
    data = tmp_path / "posts.csv"
    with open(data, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["platform", "id", "account_id", "created_at", "text"])
        out.writerow(["twitter", "1", "a1", "2019-08-14T09:00:05Z", "whole"])
        out.writerow(["twitter", "2", "a1", "2019-08-14T09:00:05.250Z", "part"])
    for _ in range(2):  # CREATEd, then MERGEd by the re-load
        load([data], graph=graph, dataset="times", report_dir=tmp_path / "r", resume=False)
        got = {
            r["id"]: r["c"].to_native()
            for r in graph.query("MATCH (p:Post) RETURN p.id AS id, p.created_at AS c")
        }
        assert got["1"] == whole and got["1"].utcoffset() == dt.timedelta(0)
        # sent as a datetime, as before (the embedded server gives sub-second ones back
        # without their zone)
        assert got["2"].replace(tzinfo=dt.UTC) == part
    graph.execute("CREATE (:Post {uid: 'ref', id: 'ref', created_at: $d})", {"d": whole})
    same = graph.query(
        "MATCH (a:Post {uid: 'ref'}), (b:Post {uid: 'twitter:1'}) "
        "RETURN a.created_at = b.created_at AS same"
    )
    assert same == [{"same": True}]
    by_value = graph.query(
        "MATCH (p:Post) WHERE p.created_at = $d RETURN p.id AS id ORDER BY id", {"d": whole}
    )
    assert [r["id"] for r in by_value] == ["1", "ref"]
    in_range = graph.query(
        "MATCH (p:Post) WHERE p.created_at >= datetime('2019-08-14T09:00:05Z') "
        "AND p.created_at < datetime('2019-08-14T09:00:06Z') RETURN p.id AS id ORDER BY id"
    )
    assert [r["id"] for r in in_range] == ["1", "2", "ref"]
