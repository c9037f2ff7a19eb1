"""The synthetic Hong Kong 2019 scenario: composition, determinism, the behaviours it
promises (coordination and hard negatives), identifiers and the layouts' quirks. All
computed from the generated files; loading is in test_scenario_load.py."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from cibgraph.cli import cli
from cibgraph.scenario import FORMATS, FULL, SCALES, Scale, ScenarioError, generate
from cibgraph.scenario.scales import FAKE_PAGES, OPERATION_GROUPS, PAGE_ADMINS, scale_table
from cibgraph.scenario.world import ADMIN_PAGES, World

DOCS = Path(__file__).parent.parent / "docs" / "scenario.md"


def rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def ts(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def expected_accounts(scale: Scale) -> dict[str, int]:
    return {
        "operation": scale.core_accounts + PAGE_ADMINS,
        "amplifier": scale.amplifiers,
        "organic": scale.organic,
        "hard_negative:news_outlet": scale.outlets * (1 + scale.outlet_staff),
        "hard_negative:fan_community": scale.fans,
        "hard_negative:bot": scale.bots,
        "hard_negative:viral_link": scale.viral,
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("tiny")
    start = time.perf_counter()
    summary = generate(out, scale="tiny", seed=7)
    print(f"\ntiny generation (native, seed 7): {time.perf_counter() - start:.3f} s")
    return out, summary


def check_composition(out: Path, scale: Scale) -> None:
    truth = rows(out / "truth.csv")
    assert Counter(r["label"] for r in truth) == expected_accounts(scale)
    clusters = Counter(r["cluster"] for r in truth)
    core = {c: n for c, n in clusters.items() if c.startswith("core-")}
    assert len(core) == scale.core_clusters and sum(core.values()) == scale.core_accounts
    assert clusters["page-admins"] == PAGE_ADMINS
    amps = {c: n for c, n in clusters.items() if c.startswith("amp-")}
    assert sum(amps.values()) == scale.amplifiers
    assert set(amps) == {"amp-dormant", *(f"amp-{k}" for k in range(scale.core_clusters))}
    assert 0.08 < 1 - amps["amp-dormant"] / scale.amplifiers < 0.18  # ~12% active
    assert {c: clusters[c] for c in clusters if c.startswith("outlet-")} == {
        f"outlet-{o}": 1 + scale.outlet_staff for o in range(scale.outlets)
    }
    assert sorted(c for c in clusters if c.startswith("bot-")) == sorted(
        f"bot-{b}" for b in range(scale.bots)
    )
    assert (clusters["fans"], clusters["viral"]) == (scale.fans, scale.viral)

    pages = rows(out / "pages_truth.csv")
    assert Counter((r["kind"], r["label"]) for r in pages) == {
        ("page", "fake_news_page"): FAKE_PAGES,
        ("page", "hard_negative:news_outlet"): scale.outlets,
        ("page", "organic"): scale.organic_pages,
        ("group", "operation_group"): OPERATION_GROUPS,
    }
    fake = {r["id"] for r in pages if r["label"] == "fake_news_page"}
    admins = rows(out / "page_admins.csv")
    per_admin = defaultdict(set)
    per_page = defaultdict(set)
    for r in admins:
        per_admin[r["account_id"]].add(r["page_id"])
        per_page[r["page_id"]].add(r["account_id"])
    assert len(per_admin) == PAGE_ADMINS and all(per_admin.values())
    assert set(per_page) == fake  # admins run exactly the 7 fake pages, all of them
    assert max(len(a) for a in per_page.values()) >= 2  # shared administration
    admin_ids = {r["id"] for r in truth if r["cluster"] == "page-admins"}
    assert set(per_admin) == admin_ids
    members = rows(out / "group_members.csv")
    groups = {r["id"] for r in pages if r["kind"] == "group"}
    assert {r["group_id"] for r in members} == groups
    assert {r["account_id"] for r in members} == admin_ids


def test_composition_tiny(tiny: tuple[Path, dict]) -> None:
    out, summary = tiny
    check_composition(out, SCALES["tiny"])
    assert summary["accounts"] == expected_accounts(SCALES["tiny"])
    assert summary["posts"] == len(rows(out / "posts.csv")) < 2000
    assert summary["files"]["posts.csv"] == summary["posts"]


def test_composition_demo(tmp_path: Path) -> None:
    summary = generate(tmp_path, scale="demo", seed=3)
    check_composition(tmp_path, SCALES["demo"])
    assert 40_000 < summary["posts"] < 65_000


def test_full_scale_parameters_without_generating() -> None:
    assert (FULL.core_accounts, FULL.core_clusters, FULL.amplifiers) == (936, 8, 200_000)
    assert (FULL.organic, FULL.outlets, FULL.outlet_staff) == (5_000, 6, 8)
    assert (FULL.fans, FULL.bots, FULL.viral, FULL.bot_interval_h) == (500, 10, 3_000, 1.0)
    world = World(FULL, 42)
    assert world.truth_counts() == expected_accounts(FULL)
    assert sum(world.cluster_sizes) == 936 and len(world.cluster_sizes) == 8
    assert Counter(p.label for p in world.pages) == {
        "fake_news_page": 7,
        "hard_negative:news_outlet": 6,
        "organic": FULL.organic_pages,
    }
    assert len(world.groups) == 3 and len(world.admins) == 5
    assert sorted({p for pages in ADMIN_PAGES for p in pages}) == list(range(7))
    for scale in SCALES.values():
        small = World(scale, 1)
        assert (len(small.admins), len(small.groups)) == (PAGE_ADMINS, OPERATION_GROUPS)
        assert sum(p.label == "fake_news_page" for p in small.pages) == FAKE_PAGES


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_same_seed_gives_identical_files(tmp_path: Path, fmt: str) -> None:
    first = generate(tmp_path / "a", scale="tiny", seed=11, format=fmt)
    second = generate(tmp_path / "b", scale="tiny", seed=11, format=fmt)
    assert first["files"] == second["files"] and first["files"]
    for name in first["files"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_seed_gives_other_posts(tmp_path: Path, tiny: tuple[Path, dict]) -> None:
    generate(tmp_path, scale="tiny", seed=8)
    assert (tmp_path / "posts.csv").read_bytes() != (tiny[0] / "posts.csv").read_bytes()


def test_core_events_are_coordinated(tiny: tuple[Path, dict]) -> None:
    """Per cluster: bursts of one URL (split when a post is more than event_max_delay_s
    after the burst's first) are exactly the events, each joined by >= 60% of members."""
    out, _ = tiny
    scale = SCALES["tiny"]
    truth = rows(out / "truth.csv")
    posts = rows(out / "posts.csv")
    for k in range(scale.core_clusters):
        members = {r["id"] for r in truth if r["cluster"] == f"core-{k}"}
        by_url = defaultdict(list)
        for p in posts:
            if p["account_id"] in members and p["urls"]:
                by_url[p["urls"]].append((ts(p["created_at"]), p["account_id"]))
        bursts: list[set[str]] = []
        for shares in by_url.values():
            start = None
            for when, author in sorted(shares):
                if start is None or when - start > scale.event_max_delay_s:
                    bursts.append(set())
                    start = when
                bursts[-1].add(author)
        assert len(bursts) == scale.events_per_cluster
        low, high = (math.ceil(share * (len(members) - 1)) for share in scale.event_join)
        for burst in bursts:
            assert low <= len(burst) - 1 <= high  # joiners besides the leader


def test_organic_reposts_are_spread_out(tiny: tuple[Path, dict]) -> None:
    out, _ = tiny
    truth = {r["id"]: r["label"] for r in rows(out / "truth.csv")}
    posts = rows(out / "posts.csv")
    when = {p["id"]: ts(p["created_at"]) for p in posts}
    delays = [
        ts(p["created_at"]) - when[p["repost_of"]]
        for p in posts
        if p["repost_of"] and truth[p["account_id"]] == "organic"
    ]
    assert len(delays) > 20
    assert min(delays) >= 600 and statistics.median(delays) > 3600


def test_hard_negatives_behave_as_documented(tiny: tuple[Path, dict]) -> None:
    out, _ = tiny
    scale = SCALES["tiny"]
    truth = {r["id"]: r for r in rows(out / "truth.csv")}
    posts = rows(out / "posts.csv")
    by_account = defaultdict(list)
    for p in posts:
        by_account[p["account_id"]].append(p)
    when = {p["id"]: ts(p["created_at"]) for p in posts}
    # bots: a fixed schedule, every bot_interval_h, +-15 s of jitter
    bots = [a for a, r in truth.items() if r["label"] == "hard_negative:bot"]
    for bot in bots:
        times = sorted(ts(p["created_at"]) for p in by_account[bot])
        steps = {b - a for a, b in itertools.pairwise(times)}
        assert all(abs(s - scale.bot_interval_h * 3600) <= 15 for s in steps)
        assert len({p["text"][:3] for p in by_account[bot]}) == 1  # one template each
    # viral: every viral account shares the one link exactly once, within the window
    viral = {a for a, r in truth.items() if r["label"] == "hard_negative:viral_link"}
    link = Counter(p["urls"] for a in viral for p in by_account[a] if p["urls"]).most_common(1)
    shares = [p for a in viral for p in by_account[a] if p["urls"] == link[0][0]]
    assert len(shares) == len({p["account_id"] for p in shares}) == scale.viral
    times = [ts(p["created_at"]) for p in shares]
    assert max(times) - min(times) <= scale.viral_max_delay_s + 1
    assert len({p["text"] for p in shares}) > scale.viral // 3  # diverse words
    # fans: protest tags on every original, reposts of fans at least 30 minutes later
    fans = {a for a, r in truth.items() if r["label"] == "hard_negative:fan_community"}
    fan_posts = [p for a in fans for p in by_account[a]]
    assert all(p["hashtags"] for p in fan_posts)
    delays = [when[p["id"]] - when[p["repost_of"]] for p in fan_posts if p["repost_of"]]
    assert delays and min(delays) >= 1800
    # outlets: staff share the official's article within outlet_staff_max_delay_s
    accounts = rows(out / "accounts.csv")
    officials = {a["id"] for a in accounts if a["description"].startswith("News from Hong Kong")}
    for o in range(scale.outlets):
        outlet = {a for a, r in truth.items() if r["cluster"] == f"outlet-{o}"}
        (official,) = outlet & officials
        first = {p["urls"]: when[p["id"]] for p in by_account[official]}
        assert len(first) == len(by_account[official]) > 0  # one post per article
        for a in outlet - {official}:
            for p in by_account[a]:
                assert 0 <= when[p["id"]] - first[p["urls"]] <= scale.outlet_staff_max_delay_s


def test_amplifiers_repost_their_cluster_within_minutes(tiny: tuple[Path, dict]) -> None:
    out, summary = tiny
    scale = SCALES["tiny"]
    truth = {r["id"]: r for r in rows(out / "truth.csv")}
    posts = {p["id"]: p for p in rows(out / "posts.csv")}
    posting = set()
    for p in posts.values():
        amp = truth.get(p["account_id"], {})
        if amp.get("label") != "amplifier":
            continue
        posting.add(p["account_id"])
        original = posts[p["repost_of"]]
        assert truth[original["account_id"]]["cluster"] == "core-" + amp["cluster"][4:]
        delay = ts(p["created_at"]) - ts(original["created_at"])
        assert 1 <= delay <= scale.amp_max_delay_s
    active = {a for a, r in truth.items() if r["cluster"].startswith("amp-")} - {
        a for a, r in truth.items() if r["cluster"] == "amp-dormant"
    }
    assert posting == active and len(active) == summary["active_amplifiers"]


def test_platform_like_ids(tiny: tuple[Path, dict]) -> None:
    out, _ = tiny
    accounts = rows(out / "accounts.csv")
    for a in accounts:
        if a["platform"] == "facebook":
            assert re.fullmatch(r"\d{15}", a["id"])
        elif a["created_at"] < "2016":
            assert re.fullmatch(r"[1-9]\d{8,9}", a["id"]), a
        elif a["created_at"] >= "2019":
            assert re.fullmatch(r"[1-9]\d{18}", a["id"]), a
    assert len({a["id"] for a in accounts}) == len(accounts)
    posts = rows(out / "posts.csv")
    tweets = [p for p in posts if p["platform"] == "twitter"]
    assert len({p["id"] for p in tweets}) == len(tweets)
    ordered = sorted(tweets, key=lambda p: int(p["id"]))
    assert [p["created_at"] for p in ordered] == sorted(p["created_at"] for p in tweets)
    assert all(re.fullmatch(r"1\d{18}", p["id"]) for p in tweets)
    for p in posts:
        if p["platform"] == "facebook":
            entity = p["page_id"] or p["group_id"]
            assert re.fullmatch(rf"{entity}_\d{{16}}", p["id"]) and re.fullmatch(r"\d{15}", entity)
    assert len({p["id"] for p in posts}) == len(posts)
    times = [p["created_at"] for p in posts]
    assert min(times) >= "2019-06-09T00:00:00Z" and max(times) < "2019-08-20T00:00:00Z"


def test_twitter_archive_quirks(tmp_path: Path) -> None:
    summary = generate(tmp_path, scale="tiny", seed=4, format="twitter-archive")
    users = rows(tmp_path / "hk2019_users_csv_hashed.csv")
    first_line = (tmp_path / "hk2019_users_csv_hashed.csv").read_text().split("\n")[1]
    assert first_line.startswith('"') and first_line.count('","') == 9  # all fields quoted
    hashed = [u for u in users if u["userid"] == u["user_screen_name"] == u["user_display_name"]]
    assert all(int(u["follower_count"]) < 5000 for u in hashed)
    assert all(int(u["follower_count"]) >= 5000 for u in users if u not in hashed)
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{43}=", u["userid"]) for u in hashed)
    assert 0 < len(users) - len(hashed) < len(hashed)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", u["account_creation_date"]) for u in users)
    tweets = rows(tmp_path / "hk2019_tweets_csv_hashed.csv")
    assert len(tweets) == summary["posts"]
    retweets = [t for t in tweets if t["is_retweet"] == "True"]
    assert retweets and all(t["tweet_text"].startswith("RT @") for t in retweets)
    assert all(t["retweet_tweetid"] and t["retweet_userid"] for t in retweets)
    by_id = {t["tweetid"]: t for t in tweets}
    for t in retweets:
        assert by_id[t["retweet_tweetid"]]["userid"] == t["retweet_userid"]
        assert t["tweet_text"].startswith(f"RT @{by_id[t['retweet_tweetid']]['user_screen_name']}:")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t["tweet_time"]) for t in tweets)
    assert all(re.fullmatch(r"\[('[^']+'(, '[^']+')*)?\]", t["hashtags"]) for t in tweets)
    assert {t["latitude"] for t in tweets} == {""}
    assert len({t["userid"] for t in tweets}) < len(users)  # dormant accounts: no tweets
    truth = rows(tmp_path / "truth.csv")
    assert [r["id"] for r in truth] == [u["userid"] for u in users]
    assert {r["platform"] for r in truth} == {"twitter"}


def test_crowdtangle_layouts(tmp_path: Path) -> None:
    generate(tmp_path, scale="tiny", seed=4, format="crowdtangle")
    pages = rows(tmp_path / "hk2019_pages_crowdtangle.csv")
    groups = rows(tmp_path / "hk2019_groups_crowdtangle.csv", delimiter=";")
    header = (tmp_path / "hk2019_groups_crowdtangle.csv").read_text().split("\n")[0]
    assert header.startswith("Group Name;User Name;Facebook Id;Likes at Posting;Created;")
    assert all(p["Post Created"].endswith(" EDT") for p in pages)
    local = dt.datetime.strptime(pages[0]["Post Created"][:19], "%Y-%m-%d %H:%M:%S")
    assert pages[0]["Post Created Date"] == f"{local:%Y-%m-%d}"
    assert all(
        re.fullmatch(r"https://www.facebook.com/\d{15}/posts/\d{16}", p["URL"]) for p in pages
    )
    assert all("/groups/" in g["URL"] and g["Created"].endswith(" EDT") for g in groups)
    truth = rows(tmp_path / "pages_truth.csv")
    ids = {p["Facebook Id"] for p in pages} | {g["Facebook Id"] for g in groups}
    assert ids == {r["id"] for r in truth}


def test_errors_and_cli(tmp_path: Path, tiny: tuple[Path, dict]) -> None:
    with pytest.raises(ScenarioError, match="unknown scale"):
        generate(tmp_path, scale="huge")
    with pytest.raises(ScenarioError, match="from another format"):
        generate(tiny[0], scale="tiny", format="crowdtangle")
    result = CliRunner().invoke(
        cli, ["demo", "generate", str(tmp_path / "cli"), "--scale", "tiny", "--seed", "7"]
    )
    assert result.exit_code == 0, result.output
    assert "posts written" in result.output and "operation" in result.output
    assert (tmp_path / "cli" / "posts.csv").read_bytes() == (tiny[0] / "posts.csv").read_bytes()


def test_docs_table_matches_the_code() -> None:
    assert scale_table() in DOCS.read_text(encoding="utf-8")
