"""CrowdTangle Pages export (newer era, ,) and Groups export (2020 era, ;)."""

import datetime as dt
from pathlib import Path

from loader_helpers import FIXTURES, counts, load_fixture, one, pairs

from cibgraph.graph import Graph


def test_pages_and_groups(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "crowdtangle", tmp_path)
    assert [f.format for f in report.files] == ["crowdtangle", "crowdtangle"]
    assert (report.loaded, report.rejected) == (5, 1)
    assert report.first_rejects[0].endswith(
        "hk_pages_2019.csv:5: field 'Post Created': unknown time zone abbreviation 'XYZ' "
        "in '2019-08-21 01:00:00 XYZ'"
    )
    assert counts(graph) == {
        "Page": 2,
        "Group": 1,
        "Post": 5,
        "Url": 2,
        "Domain": 1,
        "Hashtag": 2,
        "LoadCheckpoint": 2,
        "NewsLike": 1,
        "POSTED_IN": 5,
        "LINKS_TO": 4,
        "ON_DOMAIN": 2,
        "TAGS": 3,
    }
    assert pairs(graph, "MATCH (p:NewsLike) RETURN p.name, p.category") == {
        ("HK News Now", "NEWS_SITE")
    }
    page = one(
        graph,
        "MATCH (p:Page {uid: 'facebook:100200300'}) RETURN p.handle AS h, "
        "p.admin_country AS c, p.followers AS f, labels(p) AS l",
    )
    assert page["h"] == "hknewsnow" and page["c"] == "HK" and page["f"] == 1200
    assert sorted(page["l"]) == ["NewsLike", "Page"]


def test_zones_links_and_post_ids(graph: Graph, tmp_path: Path) -> None:
    load_fixture(graph, "crowdtangle", tmp_path)
    first = one(
        graph,
        "MATCH (p:Post {uid: 'facebook:100200300_555001'}) RETURN p.ts AS ts, "
        "p.share_count AS s, p.overperforming AS o",
    )
    # 03:12:45 EDT = 07:12:45 UTC
    assert first == {
        "ts": int(dt.datetime(2019, 8, 19, 7, 12, 45, tzinfo=dt.UTC).timestamp()),
        "s": 6,
        "o": 2.5,
    }
    hkt = one(graph, "MATCH (p:Post {uid: 'facebook:400500600_777001'}) RETURN p.ts AS ts")
    assert hkt["ts"] == int(dt.datetime(2019, 8, 20, 0, 30, tzinfo=dt.UTC).timestamp())
    # Final Link preferred; fbclid dropped, so the group shares hit the same Url node
    assert pairs(graph, "MATCH (p:Post)-[:LINKS_TO]->(u:Url) RETURN p.id, u.url") == {
        ("100200300_555001", "https://hknewsnow.example/2019/08/19/rioters"),
        ("100200300_555002", "https://hknewsnow.example/2019/08/19/second"),
        ("900800700_880001", "https://hknewsnow.example/2019/08/19/rioters"),
        ("900800700_880002", "https://hknewsnow.example/2019/08/19/rioters"),
    }
    assert pairs(graph, "MATCH (p:Post)-[:POSTED_IN]->(g:Group) RETURN p.id, g.name") == {
        ("900800700_880001", "Defend Hong Kong 守護香港"),
        ("900800700_880002", "Defend Hong Kong 守護香港"),
    }


def test_zone_abbreviations_and_number_locales(graph: Graph, tmp_path: Path) -> None:
    # a Brazilian export: BRT times, counts like 407.137, scores like 1,4; and other
    # users' zones. Each post was written at 12:00 local time on 1 March 2021.
    report = load_fixture(graph, "crowdtangle-locales", tmp_path)
    (f,) = report.files
    assert (f.loaded, f.rejected) == (6, 1)
    assert report.first_rejects == [
        f"{FIXTURES / 'crowdtangle-locales' / 'brazil_pages_2021.csv'}:8: field 'Post Created': "
        "unknown time zone abbreviation 'XYZT' in '2021-03-01 12:00:00 XYZT'"
    ]
    assert f.missing_columns == ["Page Admin Top Country"] and f.ignored_columns == [
        "Post Views Rate"
    ]
    assert {k: v["examples"] for k, v in f.dropped.items()} == {
        "Overperforming Score": [
            "line 4: '1,234' is ambiguous: 1,234 could be a decimal or a thousands separator"
        ],
        "Total Interactions": ["line 7: '1.5' is not a whole number"],
    }
    rows = graph.query(
        "MATCH (p:Post)-[:POSTED_IN]->(g:Page) RETURN p.id AS id, p.created_at AS t, "
        "p.interactions AS total, p.like_count AS likes, p.overperforming AS score "
        "ORDER BY id"
    )
    got = [
        (r["id"][-1], r["t"].strftime("%H:%M"), r["total"], r["likes"], r["score"]) for r in rows
    ]
    assert got == [
        ("1", "15:00", 407137, 398002, 1.4),  # BRT  -03:00
        ("2", "11:00", 1204, 1150, -2.35),  # CET  +01:00
        ("3", "06:30", 87, 80, None),  # IST  +05:30 (the score is ambiguous: dropped)
        ("4", "03:00", 12, 10, 0.87),  # JST  +09:00
        ("5", "02:00", 5, 5, 3.1),  # AEST +10:00
        ("6", "15:00", None, 1, 1.0),  # -03 (1.5 interactions is no count: dropped)
    ]
    page = one(graph, "MATCH (g:Page) RETURN g.followers AS f, g.created_at AS c")
    assert page["f"] == 1_350_112 and page["c"].strftime("%Y-%m-%d %H:%M") == "2015-06-01 13:00"
