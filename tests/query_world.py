"""A hand-built world with a known answer for every stored query.

Written as native CSV files and loaded through the loader, then a detection run is added
by hand (two runs: the latest one is what queries read by default). See the comments for
the intended answer of each pattern.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from cibgraph.graph import Graph
from loader import load

T0 = dt.datetime(2019, 8, 13, 10, 0, tzinfo=dt.UTC)
U1 = "https://hktruthdaily.example/2019/08/13/rioters"
U2 = "https://hkvoicenews.example/2019/08/13/police"
U3 = "https://hktruthdaily.example/2019/08/13/foreign-forces"
COPY = "Rioters are destroying Hong Kong! 支持香港警察"


def at(seconds: float) -> str:
    return (T0 + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


ACCOUNTS = [  # platform, id, handle, created_at
    # operation core: created within hours on 2019-06-01 (a burst of 4)
    ("twitter", "c1", "patriot_hk01", "2019-06-01T10:00:00Z"),
    ("twitter", "c2", "patriot_hk02", "2019-06-01T11:00:00Z"),
    ("twitter", "c3", "patriot_hk03", "2019-06-01T12:00:00Z"),
    ("twitter", "c4", "patriot_hk04", "2019-06-01T13:00:00Z"),
    # amplifiers: name+digits, created within the hour on 2019-07-15 (a burst of 3)
    ("twitter", "amp1", "JohnSmith12345678", "2019-07-15T09:00:00Z"),
    ("twitter", "amp2", "MaryLee87654321", "2019-07-15T09:20:00Z"),
    ("twitter", "amp3", "PeterWong11223344", "2019-07-15T09:40:00Z"),
    # organic, spread over years
    ("twitter", "o1", "foodie_kate", "2012-03-04T08:00:00Z"),
    ("twitter", "o2", "mtr_commuter", "2015-05-05T08:00:00Z"),
    ("twitter", "o3", "hk_photog", "2017-02-02T08:00:00Z"),
    # the five fake page admins: a burst of 5 on 2019-05-20
    *[("facebook", f"a{i}", f"admin.{i}", f"2019-05-20T0{i}:00:00Z") for i in range(1, 6)],
    ("facebook", "hiker", "hiker.fb", "2014-01-01T00:00:00Z"),
]
PAGES = [  # id, name, category
    ("p1", "HK Truth Daily 香港真相日報", "NEWS_SITE"),
    ("p2", "HK Voice News", "NEWS_SITE"),
    ("p3", "Lion Rock Times", "MEDIA_NEWS_COMPANY"),
    ("p4", "Harbour Herald", "NEWS_SITE"),
    ("p5", "Kowloon Daily", "NEWS_SITE"),
    ("p6", "Pearl Post", "MEDIA_NEWS_COMPANY"),
    ("p7", "Victoria Tribune", "NEWS_SITE"),
    ("p8", "Lantau Hikers", "COMMUNITY"),
]
# 5 admins behind 7 pages, sharing administration; an organic admin runs one page
ADMINS = [
    ("a1", "p1"),
    ("a1", "p2"),
    ("a2", "p2"),
    ("a2", "p3"),
    ("a3", "p4"),
    ("a3", "p5"),
    ("a4", "p5"),
    ("a4", "p6"),
    ("a4", "p7"),
    ("a5", "p7"),
    ("a5", "p1"),
    ("hiker", "p8"),
]
FOLLOWS = [
    ("c1", "c2"),
    ("c2", "c1"),
    ("c2", "c3"),
    ("c3", "c2"),
    ("c3", "c1"),
    ("c1", "c3"),
    ("c4", "c1"),
    ("o1", "o2"),
    ("o2", "o1"),
]

POSTS = [  # platform, id, author, page, created, text, hashtags, urls, repost_of
    # page p1 publishes U1 at T0, p2 publishes U2 an hour later
    ("facebook", "f1", "", "p1", at(0), "New article", "", U1, ""),
    ("facebook", "f2", "", "p2", at(3600), "New article", "", U2, ""),
    # core shares U1 within 10..70 s and U3 within 0..30 s of each other
    ("twitter", "s1", "c1", "", at(10), "read", "standwithhkpolice", U1, ""),
    ("twitter", "s2", "c2", "", at(25), "read this", "standwithhkpolice", U1, ""),
    ("twitter", "s3", "c3", "", at(40), "must read", "standwithhkpolice", U1, ""),
    ("twitter", "s4", "c4", "", at(70), "read now", "standwithhkpolice hongkong", U1, ""),
    ("twitter", "s5", "c1", "", at(7200), "truth", "standwithhkpolice", U3, ""),
    ("twitter", "s6", "c2", "", at(7215), "the truth", "standwithhkpolice", U3, ""),
    ("twitter", "s7", "c3", "", at(7230), "truth!", "standwithhkpolice", U3, ""),
    ("twitter", "s8", "o1", "", at(5000), "interesting", "hongkong", U1, ""),
    ("twitter", "s9", "amp1", "", at(3720), "look", "hongkong", U2, ""),
    # originals by the core, reposted by amplifiers within seconds; o2 a day later
    ("twitter", "r0", "c1", "", at(10800), "Support the police", "", "", ""),
    ("twitter", "r1", "amp1", "", at(10830), "RT Support the police", "", "", "r0"),
    ("twitter", "r2", "amp2", "", at(10845), "RT Support the police", "", "", "r0"),
    ("twitter", "r3", "amp3", "", at(10850), "RT Support the police", "", "", "r0"),
    ("twitter", "r4", "o2", "", at(10800 + 86400), "RT Support the police", "", "", "r0"),
    ("twitter", "q0", "c2", "", at(14400), "Stop the violence", "", "", ""),
    ("twitter", "q1", "amp1", "", at(14420), "RT Stop the violence", "", "", "q0"),
    ("twitter", "q2", "amp2", "", at(14435), "RT Stop the violence", "", "", "q0"),
    # copy-paste: c1, c2, c3 post the same normalised text; c4 adds a "!"
    ("twitter", "t1", "c1", "", at(20000), COPY, "", "", ""),
    ("twitter", "t2", "c2", "", at(20005), "  " + COPY.lower() + "  ", "", "", ""),
    ("twitter", "t3", "c3", "", at(20011), COPY, "", "", ""),
    ("twitter", "t4", "c4", "", at(20020), COPY.replace("!", "!!"), "", "", ""),
    ("twitter", "t5", "o1", "", at(30000), "Lovely dim sum today", "dimsum hongkong", "", ""),
    ("twitter", "t6", "o3", "", at(40000), "lovely dim sum today", "dimsum hongkong", "", ""),
    ("twitter", "t7", "o2", "", at(50000), "MTR delays again", "hongkong", "", ""),
]


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)

    def table(name: str, header: list[str], rows: list[tuple]) -> None:
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)

    table("accounts.csv", ["platform", "id", "handle", "created_at"], ACCOUNTS)
    table("pages.csv", ["platform", "id", "name", "category"], [("facebook", *p) for p in PAGES])
    table("groups.csv", ["platform", "id", "name"], [("facebook", "g1", "Protect HK 守護香港")])
    table(
        "page_admins.csv", ["platform", "account_id", "page_id"], [("facebook", *a) for a in ADMINS]
    )
    table(
        "group_members.csv",
        ["platform", "account_id", "group_id"],
        [("facebook", "a1", "g1"), ("facebook", "a2", "g1")],
    )
    table(
        "follows.csv",
        ["platform", "follower_id", "followed_id"],
        [("twitter", *f) for f in FOLLOWS],
    )
    table(
        "posts.csv",
        [
            "platform",
            "id",
            "account_id",
            "page_id",
            "created_at",
            "text",
            "hashtags",
            "urls",
            "repost_of",
        ],
        POSTS,
    )
    return folder


# A latest run (r2) with three clusters and coordination edges; an older run (r1) whose
# cluster must be ignored by queries reading the latest run.
DETECTION_CYPHER = """
CREATE (r1:DetectionRun {id: 'r1', created_at: datetime('2019-09-01T00:00:00Z')})
CREATE (r2:DetectionRun {id: 'r2', created_at: datetime('2019-09-02T00:00:00Z')})
CREATE (old:Cluster {id: 'r1:0', run_id: 'r1', index: 0, size: 2, score: 0.9, flagged: true,
                     explanation: 'old run'})-[:FROM_RUN]->(r1)
CREATE (k0:Cluster {id: 'r2:0', run_id: 'r2', index: 0, size: 4, score: 0.95, flagged: true,
                    explanation: '4 accounts share fake-news links within 60 s'})-[:FROM_RUN]->(r2)
CREATE (k1:Cluster {id: 'r2:1', run_id: 'r2', index: 1, size: 3, score: 0.8, flagged: true,
                    explanation: '3 amplifiers repost the core within a minute'})-[:FROM_RUN]->(r2)
CREATE (k2:Cluster {id: 'r2:2', run_id: 'r2', index: 2, size: 3, score: 0.1, flagged: false,
                    explanation: 'organic'})-[:FROM_RUN]->(r2)
WITH old, k0, k1, k2
MATCH (p1:Page {uid: 'facebook:p1'}), (p2:Page {uid: 'facebook:p2'})
CREATE (k0)-[:AMPLIFIES {shares: 4}]->(p1), (k1)-[:AMPLIFIES {shares: 1}]->(p2)
WITH old, k0, k1, k2
UNWIND [['twitter:c1', k0], ['twitter:c2', k0], ['twitter:c3', k0], ['twitter:c4', k0],
        ['twitter:amp1', k1], ['twitter:amp2', k1], ['twitter:amp3', k1],
        ['twitter:o1', k2], ['twitter:o2', k2], ['twitter:o3', k2],
        ['twitter:o1', old], ['twitter:o2', old]] AS m
MATCH (a:Account {uid: m[0]})
WITH a, m[1] AS k
CREATE (a)-[:IN_CLUSTER]->(k)
"""
EDGES_CYPHER = """
UNWIND $pairs AS pair
MATCH (a:Account {uid: pair[0]}), (b:Account {uid: pair[1]})
CREATE (a)-[:COORDINATED_WITH {run_id: 'r2', weight: pair[2], signals: ['co_url']}]->(b)
"""
COORDINATED = [
    ("c1", "c2", 2),
    ("c1", "c3", 2),
    ("c2", "c3", 2),
    ("c3", "c4", 1),
    ("amp1", "amp2", 2),
    ("amp2", "amp3", 1),
    ("amp1", "amp3", 1),
    ("c4", "amp1", 1),
    ("c4", "amp2", 1),
]


def build(graph: Graph, folder: Path) -> None:
    graph.execute("MATCH (n) DETACH DELETE n")
    report = load([write_world(folder / "world")], graph=graph, report_dir=folder / "report")
    assert report.rejected == 0, report.first_rejects
    graph.execute(DETECTION_CYPHER)
    graph.execute(
        EDGES_CYPHER, {"pairs": [[f"twitter:{a}", f"twitter:{b}", w] for a, b, w in COORDINATED]}
    )
