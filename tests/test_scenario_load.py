"""The scenario loads cleanly in all three layouts, and the graph holds what the truth
files say (real embedded database, tiny scale)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from loader_helpers import counts, one, pairs

from cibgraph.graph import Graph
from cibgraph.scenario import SCALES, generate
from loader import load

TRUTH_CYPHER = (
    "MATCH (n) WHERE n.truth_label IS NOT NULL "
    "RETURN n.platform AS platform, n.id AS id, n.truth_label AS label"
)


def rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def truth_rows(out: Path) -> list[dict[str, str]]:
    files = [out / name for name in ("truth.csv", "pages_truth.csv") if (out / name).exists()]
    return [r for f in files for r in rows(f)]


def load_clean(graph: Graph, out: Path, tmp_path: Path) -> None:
    report = load([out], graph=graph, report_dir=tmp_path / "r")
    assert report.rejected == 0, report.first_rejects
    assert all(f.rejected == 0 and f.loaded > 0 for f in report.files)


def check_truth(graph: Graph, out: Path) -> None:
    """Every truth row's node exists with its label, and nothing else is labelled."""
    expected = truth_rows(out)
    held = graph.query(TRUTH_CYPHER)
    assert {(r["platform"], r["id"], r["label"]) for r in expected} == {
        (r["platform"], r["id"], r["label"]) for r in held
    }
    assert Counter(r["label"] for r in held) == Counter(r["label"] for r in expected)
    assert len(held) == len(expected)


def test_native_loads_with_its_ground_truth(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "native"
    summary = generate(out, scale="tiny", seed=5)
    load_clean(graph, out, tmp_path)
    check_truth(graph, out)
    scale = SCALES["tiny"]
    held = counts(graph)
    assert held["Post"] == summary["posts"] == summary["files"]["posts.csv"]
    assert held["Account"] == summary["files"]["accounts.csv"]  # no stub accounts
    assert held["Page"] == 7 + scale.outlets + scale.organic_pages and held["Group"] == 3
    assert held["FOLLOWS"] == summary["files"]["follows.csv"]
    fake = {r["id"] for r in rows(out / "pages_truth.csv") if r["label"] == "fake_news_page"}
    outlets = {
        r["id"] for r in rows(out / "pages_truth.csv") if r["label"] == "hard_negative:news_outlet"
    }
    assert pairs(graph, "MATCH (p:NewsLike) RETURN p.id") == {(i,) for i in fake | outlets}
    assert pairs(
        graph, "MATCH (p:NewsLike) WHERE p.truth_label = 'fake_news_page' RETURN p.id"
    ) == {(i,) for i in fake}
    admins = {(r["account_id"], r["page_id"]) for r in rows(out / "page_admins.csv")}
    assert pairs(graph, "MATCH (a:Account)-[:ADMINISTERS]->(p:Page) RETURN a.id, p.id") == admins
    assert {page for _, page in admins} == fake and len({a for a, _ in admins}) == 5
    assert pairs(
        graph, "MATCH (a:Account)-[:ADMINISTERS]->(p:Page) RETURN DISTINCT a.truth_cluster"
    ) == {("page-admins",)}
    members = pairs(graph, "MATCH (a:Account)-[:MEMBER_OF]->(g:Group) RETURN a.id, g.id")
    assert members == {(r["account_id"], r["group_id"]) for r in rows(out / "group_members.csv")}
    assert len({g for _, g in members}) == 3
    shared = one(
        graph,
        "MATCH (a:Account)-[:POSTED]->(p:Post)-[:POSTED_IN]->(:Group) "
        "WHERE a.truth_cluster = 'page-admins' RETURN count(p) AS n",
    )
    assert shared["n"] == sum(1 for r in rows(out / "posts.csv") if r["group_id"])
    reposts = one(graph, "MATCH (:Post)-[r:REPOST_OF]->(:Post) RETURN count(r) AS n")
    assert reposts["n"] == sum(1 for r in rows(out / "posts.csv") if r["repost_of"])


def test_twitter_archive_loads_with_hashed_accounts(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    summary = generate(out, scale="tiny", seed=5, format="twitter-archive")
    load_clean(graph, out, tmp_path)
    check_truth(graph, out)
    users = rows(out / "hk2019_users_csv_hashed.csv")
    hashed = {u["userid"] for u in users if u["userid"] == u["user_screen_name"]}
    assert pairs(graph, "MATCH (a:Account) WHERE a.hashed = true RETURN a.id") == {
        (i,) for i in hashed
    }
    assert pairs(graph, "MATCH (a:Account) WHERE a.hashed = false RETURN a.id") == {
        (u["userid"],) for u in users if u["userid"] not in hashed
    }
    held = counts(graph)
    assert held["Post"] == summary["posts"] and held["Account"] == len(users)
    tweets = rows(out / "hk2019_tweets_csv_hashed.csv")
    assert held["REPOST_OF"] == sum(t["is_retweet"] == "True" for t in tweets)
    assert "Page" not in held and "Group" not in held


def test_crowdtangle_loads_pages_and_groups(graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "ct"
    summary = generate(out, scale="tiny", seed=5, format="crowdtangle")
    load_clean(graph, out, tmp_path)
    check_truth(graph, out)
    scale = SCALES["tiny"]
    truth = rows(out / "pages_truth.csv")
    named = pairs(graph, "MATCH (p:Page) WHERE p.name IS NOT NULL RETURN p.id, p.truth_label")
    assert named == {(r["id"], r["label"]) for r in truth if r["kind"] == "page"}
    assert Counter(label for _, label in named) == {
        "fake_news_page": 7,
        "hard_negative:news_outlet": scale.outlets,
        "organic": scale.organic_pages,
    }
    assert pairs(graph, "MATCH (p:NewsLike) RETURN p.truth_label") == {
        ("fake_news_page",),
        ("hard_negative:news_outlet",),
    }
    assert one(graph, "MATCH (p:NewsLike) RETURN count(p) AS n")["n"] == 7 + scale.outlets
    groups = pairs(graph, "MATCH (g:Group) WHERE g.name IS NOT NULL RETURN g.id")
    assert groups == {(r["id"],) for r in truth if r["kind"] == "group"} and len(groups) == 3
    held = counts(graph)
    assert held["Post"] == held["POSTED_IN"] == summary["posts"]
    assert "Account" not in held
    # post ids derived from the URLs are the native ones: <page or group id>_<n>
    post = one(graph, "MATCH (p:Post)-[:POSTED_IN]->(g:Group) RETURN p.id AS p, g.id AS g LIMIT 1")
    assert post["p"].startswith(post["g"] + "_")
