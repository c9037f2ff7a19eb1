"""Scenario variants: each one changes what it says, and nothing else of the world."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_scenario import rows, ts

from cibgraph.cli import cli
from cibgraph.scenario import ScenarioError, generate
from cibgraph.scenario.variants import VARIANTS

SEED = 3


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for variant in VARIANTS:
        out[variant] = tmp_path_factory.mktemp(variant)
        generate(out[variant], scale="tiny", seed=SEED, variant=variant)
    return out


def _roles(folder: Path) -> dict[str, str]:
    return {r["id"]: r["cluster"] for r in rows(folder / "truth.csv")}


def _joiner_posts(folder: Path) -> list[dict[str, str]]:
    """Core accounts' posts that carry a campaign hashtag or repost (events, not filler)."""
    roles = _roles(folder)
    return [
        p
        for p in rows(folder / "posts.csv")
        if roles.get(p["account_id"], "").startswith("core-") and (p["repost_of"] or p["urls"])
    ]


def _repost_delays(folder: Path) -> list[int]:
    """Seconds from each core member's repost back to the leader's post."""
    posts = rows(folder / "posts.csv")
    when = {p["id"]: ts(p["created_at"]) for p in posts}
    roles = _roles(folder)
    return [
        ts(p["created_at"]) - when[p["repost_of"]]
        for p in posts
        if p["repost_of"] in when and roles.get(p["account_id"], "").startswith("core-")
    ]


def test_the_world_is_the_same(worlds: dict[str, Path]) -> None:
    truth = {v: rows(f / "truth.csv") for v, f in worlds.items()}
    for variant, labels in truth.items():
        if variant != "breaking-news":  # more viral accounts, appended last
            assert labels == truth["demo"], variant
    assert rows(worlds["slow"] / "pages_truth.csv") == rows(worlds["demo"] / "pages_truth.csv")


def test_slow_joiners_follow_over_minutes_to_hours(worlds: dict[str, Path]) -> None:
    fast, slow = _repost_delays(worlds["demo"]), _repost_delays(worlds["slow"])
    assert max(fast) <= 300 and statistics.median(fast) < 120
    assert statistics.median(slow) > 600 and max(slow) <= 3 * 3600
    assert sum(d <= 60 for d in slow) / len(slow) < 0.1


def _texts_per_event(folder: Path) -> list[Counter[str]]:
    by_url: dict[str, Counter[str]] = defaultdict(Counter)
    for p in _joiner_posts(folder):
        if not p["repost_of"]:
            by_url[p["urls"] or p["hashtags"]][p["text"].split(" http")[0]] += 1
    return list(by_url.values())


def test_paraphrase_joiners_write_their_own_words(worlds: dict[str, Path]) -> None:
    copied = [max(c.values()) for c in _texts_per_event(worlds["demo"])]
    assert statistics.mean(copied) > 1.5  # copy-paste: texts repeat within an event
    own = [p for p in _joiner_posts(worlds["paraphrase"]) if not p["repost_of"]]
    texts = Counter(p["text"] for p in own)
    assert len(texts) >= 0.9 * len(own)  # (almost) every text is its own
    assert all(p["urls"] for p in own)  # still the same links


def test_nolinks_events_carry_no_link(worlds: dict[str, Path]) -> None:
    roles = _roles(worlds["nolinks"])
    core = [
        p
        for p in rows(worlds["nolinks"] / "posts.csv")
        if roles.get(p["account_id"], "").startswith("core-")
    ]
    assert core and not any(p["urls"] for p in core)
    assert sum(bool(p["repost_of"]) for p in core) > 0  # reposts and hashtags remain
    assert sum(bool(p["hashtags"]) for p in core) > len(core) / 3
    facebook = [p for p in rows(worlds["nolinks"] / "posts.csv") if p["platform"] == "facebook"]
    assert any(p["urls"] for p in facebook)  # the fake pages still publish


def test_mixed_operation_posts_organic_content(worlds: dict[str, Path]) -> None:
    def core_posts(folder: Path) -> int:
        roles = _roles(folder)
        return sum(
            roles.get(p["account_id"], "").startswith("core-") for p in rows(folder / "posts.csv")
        )

    assert core_posts(worlds["mixed"]) > 2 * core_posts(worlds["demo"])
    assert rows(worlds["mixed"] / "truth.csv") == rows(worlds["demo"] / "truth.csv")


def test_breaking_news_crowd_shares_three_stories_within_a_minute(worlds: dict[str, Path]) -> None:
    roles = _roles(worlds["breaking-news"])
    shares: dict[str, list[int]] = defaultdict(list)
    for p in rows(worlds["breaking-news"] / "posts.csv"):
        if roles.get(p["account_id"]) == "viral" and "youtube.com" in p["urls"]:
            shares[p["urls"]].append(ts(p["created_at"]))
    story = Counter(u.split("&")[0] for u, t in shares.items() for _ in t).most_common(1)[0][0]
    shares = {u: t for u, t in shares.items() if u.split("&")[0] == story}
    assert len(shares) == 3
    crowd = sum(r == "viral" for r in roles.values())
    assert crowd == 5 * sum(r == "viral" for r in _roles(worlds["demo"]).values())
    for times in shares.values():
        assert max(times) - min(times) <= 60
    assert len(next(iter(shares.values()))) == crowd  # everyone shares the first story


def test_unknown_variant_and_cli(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="unknown variant 'fast'"):
        generate(tmp_path / "x", scale="tiny", variant="fast")
    result = CliRunner().invoke(
        cli, ["demo", "generate", str(tmp_path / "s"), "--scale", "tiny", "--variant", "slow"]
    )
    assert result.exit_code == 0, result.output
    assert "variant slow" in result.output
    result = CliRunner().invoke(cli, ["demo", "generate", "--help"])
    assert "breaking-news" in result.output
