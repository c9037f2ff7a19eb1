"""Every stored query, run on a hand-built world with a known answer (tests/query_world.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import query_world

from cibgraph.graph import Graph
from queries.registry import execute, library

LIB = library()


@pytest.fixture(scope="module")
def world(session_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    query_world.build(session_graph, tmp_path_factory.mktemp("query_world"))
    return session_graph


def run(graph: Graph, name: str, **params) -> list[dict]:
    return execute(graph, LIB[name], params)


def col(rows: list[dict], *names: str) -> list:
    return [tuple(r[n] for n in names) if len(names) > 1 else r[names[0]] for r in rows]


def test_shared_page_admins_finds_the_five_admins_of_the_seven_pages(world: Graph) -> None:
    rows = run(world, "shared-page-admins")
    assert col(rows, "admin", "page_count", "news_like_pages") == [
        ("admin.4", 3, 3),
        ("admin.1", 2, 2),
        ("admin.2", 2, 2),
        ("admin.3", 2, 2),
        ("admin.5", 2, 2),
    ]
    assert rows[0]["pages"] == ["Kowloon Daily", "Pearl Post", "Victoria Tribune"]
    assert rows[0]["co_admins"] == ["admin.3", "admin.5"]
    pages = {p for r in rows for p in r["pages"]}
    assert len(pages) == 7 and "Lantau Hikers" not in pages
    assert [r["admin"] for r in run(world, "shared-page-admins", min_pages=3)] == ["admin.4"]


def test_pages_sharing_admins(world: Graph) -> None:
    rows = run(world, "pages-sharing-admins")
    assert col(rows, "page_a", "page_b", "shared_admins") == [
        ("HK Truth Daily 香港真相日報", "HK Voice News", ["admin.1"]),
        ("HK Truth Daily 香港真相日報", "Victoria Tribune", ["admin.5"]),
        ("HK Voice News", "Lion Rock Times", ["admin.2"]),
        ("Harbour Herald", "Kowloon Daily", ["admin.3"]),
        ("Kowloon Daily", "Pearl Post", ["admin.4"]),
        ("Kowloon Daily", "Victoria Tribune", ["admin.4"]),
        ("Pearl Post", "Victoria Tribune", ["admin.4"]),
    ]
    assert all(r["a_news_like"] and r["b_news_like"] for r in rows)
    assert run(world, "pages-sharing-admins", min_shared=2) == []


def test_news_page_amplifiers_and_how_fast(world: Graph) -> None:
    rows = run(world, "news-page-amplifiers")
    assert col(rows, "page", "amplifier", "fastest_seconds") == [
        ("HK Truth Daily 香港真相日報", "patriot_hk01", 10),
        ("HK Truth Daily 香港真相日報", "patriot_hk02", 25),
        ("HK Truth Daily 香港真相日報", "patriot_hk03", 40),
        ("HK Truth Daily 香港真相日報", "patriot_hk04", 70),
        ("HK Voice News", "JohnSmith12345678", 120),
    ]
    assert rows[0]["admins"] == ["admin.1", "admin.5"]
    # o1 shared the page's link 5,000 s later: outside the default hour, inside 2 hours
    later = run(world, "news-page-amplifiers", max_delay_seconds=7200)
    assert ("HK Truth Daily 香港真相日報", "foodie_kate", 5000) in col(
        later, "page", "amplifier", "fastest_seconds"
    )


def test_coordinated_link_sharing_window_and_minimum(world: Graph) -> None:
    rows = run(world, "coordinated-link-sharing")
    assert col(rows, "account_a", "account_b", "shared_urls", "closest_seconds") == [
        ("patriot_hk01", "patriot_hk02", 2, 15),
        ("patriot_hk02", "patriot_hk03", 2, 15),
        ("patriot_hk01", "patriot_hk03", 2, 30),
    ]
    # c1 and c4 posted U1 exactly 60 s apart: in at 60, out at 59
    at_60 = col(run(world, "coordinated-link-sharing", min_shared=1), "account_a", "account_b")
    assert ("patriot_hk01", "patriot_hk04") in at_60
    at_59 = col(
        run(world, "coordinated-link-sharing", min_shared=1, window_seconds=59),
        "account_a",
        "account_b",
    )
    assert ("patriot_hk01", "patriot_hk04") not in at_59
    # U1 is posted by 6 posts: skipping URLs with more than 5 posters leaves only U3 pairs
    capped = run(world, "coordinated-link-sharing", min_shared=1, max_sharers=5)
    assert {tuple(r["example_urls"]) for r in capped} == {(query_world.U3,)}


def test_co_repost(world: Graph) -> None:
    rows = run(world, "co-repost")
    assert col(rows, "account_a", "account_b", "shared_originals", "closest_seconds") == [
        ("JohnSmith12345678", "MaryLee87654321", 2, 15)
    ]
    assert sorted(rows[0]["example_originals"]) == ["twitter:q0", "twitter:r0"]
    assert len(run(world, "co-repost", min_shared=1)) == 3  # the o2 repost is a day late


def test_copy_paste_text(world: Graph) -> None:
    rows = run(world, "copy-paste-text")
    assert col(rows, "text", "accounts", "posts", "spread_seconds") == [
        (query_world.COPY.lower(), ["patriot_hk01", "patriot_hk02", "patriot_hk03"], 3, 11)
    ]
    two = run(world, "copy-paste-text", min_accounts=2)
    assert col(two, "text") == [query_world.COPY.lower(), "lovely dim sum today"]


def test_copy_paste_text_puts_a_runs_flagged_clusters_first(world: Graph) -> None:
    plain = run(world, "copy-paste-text", min_accounts=2)
    assert col(plain, "flagged_accounts") == [0, 0]
    # run r2 flags c1..c4: their copied text first, its members counted
    r2 = run(world, "copy-paste-text", min_accounts=2, run_id="r2")
    assert col(r2, "text", "flagged_accounts") == [
        (query_world.COPY.lower(), 3),
        ("lovely dim sum today", 0),
    ]
    # the old run r1 flags o1 and o2 (who wrote about dim sum): now that text leads
    r1 = run(world, "copy-paste-text", min_accounts=2, run_id="r1")
    assert col(r1, "text") == ["lovely dim sum today", query_world.COPY.lower()]
    assert col(r1, "flagged_accounts")[0] >= 1
    only = run(world, "copy-paste-text", min_accounts=2, run_id="r1", only_flagged=True)
    assert col(only, "text") == ["lovely dim sum today"]


def test_coordinated_link_sharing_puts_a_runs_flagged_pairs_first(world: Graph) -> None:
    rows = run(world, "coordinated-link-sharing", min_shared=1, run_id="r2")
    flagged = col(rows, "flagged_members")
    assert flagged[0] == 2 and flagged == sorted(flagged, key=lambda n: n == 0)
    assert col(run(world, "coordinated-link-sharing", min_shared=1), "flagged_members") == [
        0
    ] * len(rows)


def test_creation_bursts(world: Graph) -> None:
    rows = run(world, "creation-bursts")
    assert col(rows, "day", "created", "busiest_hour_accounts", "digit_handle_share") == [
        ("2019-05-20", 5, 1, 0.0),
        ("2019-06-01", 4, 1, 0.0),
        ("2019-07-15", 3, 3, 1.0),
    ]
    assert col(run(world, "creation-bursts", min_accounts=5), "day") == ["2019-05-20"]


def test_hashtag_campaigns(world: Graph) -> None:
    rows = run(world, "hashtag-campaigns")
    assert col(rows, "hashtag", "uses", "accounts", "top_share", "peak_day") == [
        ("#standwithhkpolice", 7, 4, 0.857, "2019-08-13")
    ]
    assert rows[0]["top"] == ["patriot_hk01", "patriot_hk02", "patriot_hk03"] or (
        sorted(rows[0]["top"]) == ["patriot_hk01", "patriot_hk02", "patriot_hk03"]
    )
    # #hongkong: 6 uses by 5 accounts (foodie_kate twice), top-3 share 4/6
    spread = run(world, "hashtag-campaigns", min_top_share=0.5)
    assert ("#hongkong", 6, 5, 0.667) in col(spread, "hashtag", "uses", "accounts", "top_share")


def test_reciprocal_follow_rings(world: Graph) -> None:
    rows = run(world, "reciprocal-follow-rings")
    assert col(rows, "account", "mutual_follows", "mutuals_in_triangles", "mutuals") == [
        ("patriot_hk01", 2, 2, ["patriot_hk02", "patriot_hk03"]),
        ("patriot_hk02", 2, 2, ["patriot_hk01", "patriot_hk03"]),
        ("patriot_hk03", 2, 2, ["patriot_hk01", "patriot_hk02"]),
    ]
    assert len(run(world, "reciprocal-follow-rings", min_mutual=1)) == 5  # + o1, o2


def test_evidence_between_two_accounts(world: Graph) -> None:
    rows = run(world, "evidence-between-accounts", account_a="patriot_hk01", account_b="twitter:c2")
    assert col(rows, "tie", "object", "gap_seconds") == [
        ("detected coordination", "run r2", None),
        ("follows", "patriot_hk01 follows patriot_hk02", None),
        ("follows", "patriot_hk02 follows patriot_hk01", None),
        ("same hashtag", "#standwithhkpolice", 15),
        ("same text", query_world.COPY.lower(), 5),
        ("same url", query_world.U3, 15),
        ("same url", query_world.U1, 15),
    ]
    url_row = rows[-1]
    assert (url_row["post_a"], url_row["post_b"]) == ("twitter:s1", "twitter:s2")
    assert url_row["time_a"].isoformat().startswith("2019-08-13T10:00:10")
    reposts = run(
        world, "evidence-between-accounts", account_a="twitter:amp1", account_b="MaryLee87654321"
    )
    assert ("same repost", "twitter:r0", 15) in col(reposts, "tie", "object", "gap_seconds")


def test_detection_runs_and_flagged_clusters_read_the_latest_run(world: Graph) -> None:
    assert col(run(world, "detection-runs"), "run_id", "clusters", "flagged") == [
        ("r2", 3, 2),
        ("r1", 1, 1),
    ]
    rows = run(world, "flagged-clusters")
    assert col(rows, "cluster", "size", "members") == [
        ("r2:0", 4, ["patriot_hk01", "patriot_hk02", "patriot_hk03", "patriot_hk04"]),
        ("r2:1", 3, ["JohnSmith12345678", "MaryLee87654321", "PeterWong11223344"]),
    ]
    assert col(run(world, "flagged-clusters", run_id="r1"), "cluster") == ["r1:0"]
    assert len(run(world, "flagged-clusters", include_unflagged=True)) == 3


def test_cluster_profile(world: Graph) -> None:
    (row,) = run(world, "cluster-profile")
    assert row["cluster"] == "r2:0" and row["size"] == 4
    assert row["top_domains"] == [{"domain": "hktruthdaily.example", "shares": 7}]
    assert row["top_urls"] == [
        {"url": query_world.U1, "shares": 4},
        {"url": query_world.U3, "shares": 3},
    ]
    assert row["top_hashtags"] == [
        {"hashtag": "#standwithhkpolice", "uses": 7},
        {"hashtag": "#hongkong", "uses": 1},
    ]
    assert row["pages"] == [{"page": "HK Truth Daily 香港真相日報", "link": "AMPLIFIES"}]
    assert row["activity"] == [{"day": "2019-08-13", "posts": 13}]
    (amps,) = run(world, "cluster-profile", cluster="1")
    assert amps["cluster"] == "r2:1" and amps["pages"] == [
        {"page": "HK Voice News", "link": "AMPLIFIES"}
    ]


def test_bridge_accounts(world: Graph) -> None:
    rows = run(world, "bridge-accounts")
    assert col(rows, "account", "home_cluster", "other_cluster", "links", "partners") == [
        ("patriot_hk04", "r2:0", "r2:1", 2, ["JohnSmith12345678", "MaryLee87654321"])
    ]
    assert len(run(world, "bridge-accounts", min_links=1)) == 3  # + amp1 and amp2 to c4


def test_flagged_cluster_amplification(world: Graph) -> None:
    rows = run(world, "flagged-cluster-amplification")
    assert col(rows, "cluster", "domain", "shares", "pages_on_domain", "news_like_pages") == [
        ("r2:0", "hktruthdaily.example", 7, ["HK Truth Daily 香港真相日報"], 1),
        ("r2:1", "hkvoicenews.example", 1, ["HK Voice News"], 1),
    ]


def test_graph_summary(world: Graph) -> None:
    counts = dict(col(run(world, "graph-summary"), "label", "nodes"))
    assert counts["Post"] == 26 and counts["Account"] == 16 and counts["NewsLike"] == 7
    assert counts["Page"] == 8 and counts["Group"] == 1 and counts["Cluster"] == 4


def test_every_stored_query_has_a_test_here() -> None:
    source = Path(__file__).read_text()
    untested = [name for name in LIB if f'"{name}"' not in source]
    assert untested == []


def test_group_posters_names_who_posts_and_the_flagged_clusters(world: Graph) -> None:
    world.execute(
        """
        CREATE (g:Group {uid: 'facebook:g-test', platform: 'facebook', name: 'Test Group'})
        WITH g
        UNWIND [['twitter:c1', 3], ['twitter:c2', 1], ['twitter:o1', 2]] AS x
        MATCH (a:Account {uid: x[0]})
        UNWIND range(1, x[1]) AS i
        CREATE (a)-[:POSTED]->(:Post {uid: 'gp:' + x[0] + ':' + toString(i)})-[:POSTED_IN]->(g)
        """
    )
    try:
        rows = run(world, "group-posters", run_id="r2")
        assert col(rows, "group_name", "posts", "posting_accounts", "flagged_posters") == [
            ("Test Group", 6, 3, 2)
        ]
        assert rows[0]["flagged_clusters"] == [0]
        assert rows[0]["top_posters"] == [
            "patriot_hk01",
            "patriot_hk02",
            col(rows, "top_posters")[0][2],
        ]
        assert col(run(world, "group-posters"), "flagged_posters") == [0]
        assert run(world, "group-posters", min_posters=4) == []
    finally:
        world.execute("MATCH (p:Post) WHERE p.uid STARTS WITH 'gp:' DETACH DELETE p")
        world.execute("MATCH (g:Group {uid: 'facebook:g-test'}) DETACH DELETE g")
