"""Flagging against chance: day-rolled timelines, z and p, Benjamini-Hochberg, the rule.

Hand-built worlds, with the clusters given (no community detection), so each test is about
the significance model alone:

* a planted group that shares links within seconds of each other, on days each link is new,
  gives p ~ 0 and is flagged (lockstep);
* a group with identical daily rhythms (every member active 09:00-09:10 on the same few
  links) but acting independently matches as often as chance says, and is not flagged -
  although its authenticity markers alone (a creation burst, name+digits handles) score
  above the threshold that flagged clusters before;
* the same group, aligned, is flagged.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from analytics.actions import build
from analytics.chance import benjamini_hochberg
from analytics.coaction import SignalParams, signal_edges
from analytics.combine import combine
from analytics.scoring import FlagRule, score_clusters

DAY = 86400
T0 = 1_560_000_000 - 1_560_000_000 % DAY  # a midnight


def _post(actor: str, n: int, ts: int, url: str) -> dict:  # type: ignore[type-arg]
    return {
        "actor": actor,
        "post": f"{actor}-{n}",
        "ts": ts,
        "text": f"read story {url.rsplit('/', 1)[-1]} on {url.split('/')[2]}",
        "is_repost": False,
        "reposts": [],
        "replies": [],
        "urls": [url],
        "domains": [],
        "hashtags": [],
    }


def _accounts(names: list[str]) -> list[dict]:  # type: ignore[type-arg]
    """Name+digits handles created within one hour: the markers of a fabricated group."""
    return [
        {
            "uid": n,
            "handle": f"user{1000 + i}",
            "created_at": dt.datetime.fromtimestamp(T0 - 100 * DAY + i * 60, dt.UTC),
        }
        for i, n in enumerate(names)
    ]


def _background(rng: random.Random, posts: list[dict], days: int) -> None:  # type: ignore[type-arg]
    """20 ordinary accounts posting their own links at any time."""
    for a in range(20):
        for n in range(30):
            ts = T0 + rng.randrange(days * DAY)
            posts.append(_post(f"bg{a}", n, ts, f"https://blog{a}.example/{n}"))


def _score(posts: list[dict], members: list[str], accounts: list[dict]):  # type: ignore[no-untyped-def,type-arg]
    acts = build(posts, accounts=accounts, signals=("url", "text"))
    membership = {acts.actors.values.index(m): 0 for m in members}
    edges = combine([signal_edges(acts, "url", SignalParams(60))])
    clusters = score_clusters(acts, membership, edges, window=60, news_domains={}, rule=FlagRule())
    assert len(clusters) == 1
    return clusters[0]


def test_planted_synchronised_group_is_far_beyond_chance() -> None:
    rng = random.Random(1)
    posts: list[dict] = []  # type: ignore[type-arg]
    members = [f"op{i}" for i in range(10)]
    for day in range(40):  # one link a day, all members within 20 s of its first share
        start = T0 + day * DAY + rng.randrange(DAY - 100)
        for m in members:
            posts.append(_post(m, day, start + rng.randrange(20), f"https://fake.example/{day}"))
    _background(rng, posts, 40)
    c = _score(posts, members, _accounts(members))
    assert c.chance is not None
    assert c.chance.observed == 400  # every member post is matched by another member
    assert c.chance.expected < 40  # by chance: only members rolled by the same days
    assert c.chance.p < 1e-12 and c.chance.q < 1e-12
    assert c.features["coordinated_share"] == 1.0
    assert c.features["excess_share"] > 0.9
    assert c.flagged and c.rule == "lockstep"
    assert "100% of their posts" in c.explanation and "expected by chance" in c.explanation
    assert "50 day-rolled timelines" in c.explanation


def _same_rhythm(aligned: bool) -> tuple[list[dict], list[str]]:  # type: ignore[type-arg]
    """10 members, each active 09:00-09:10 every day of 60, each posting one of the same
    six links a day; ``aligned``: on each day all post the same link within 20 s."""
    rng = random.Random(7)
    posts: list[dict] = []  # type: ignore[type-arg]
    members = [f"m{i}" for i in range(10)]
    links = [f"https://news.example/{k}" for k in "abcdef"]
    for day in range(60):
        nine = T0 + day * DAY + 9 * 3600
        shared, start = rng.choice(links), nine + rng.randrange(580)
        for m in members:
            if aligned:
                ts, url = start + rng.randrange(20), shared
            else:
                ts, url = nine + rng.randrange(600), rng.choice(links)
            posts.append(_post(m, day, ts, url))
    _background(rng, posts, 60)
    return posts, members


def test_identical_rhythms_without_alignment_are_not_flagged() -> None:
    posts, members = _same_rhythm(aligned=False)
    c = _score(posts, members, _accounts(members))
    assert c.chance is not None
    # many chance matches (same links, same ten minutes a day) ...
    assert c.features["coordinated_share"] > 0.2
    # ... and rolling whole days keeps them: that much is expected
    assert c.features["excess_share"] < 0.1
    assert abs(c.chance.z) < 3
    # the markers alone would have flagged it under the old fixed threshold
    assert c.features["creation_burst"] == 1.0 and c.features["handle_digits"] == 1.0
    assert c.score >= 0.5
    assert not c.flagged and c.rule == ""


def test_the_same_rhythms_aligned_are_flagged() -> None:
    posts, members = _same_rhythm(aligned=True)
    c = _score(posts, members, _accounts(members))
    assert c.chance is not None and c.chance.q < 1e-6
    assert c.features["excess_share"] > 0.5
    assert c.flagged and c.rule == "lockstep"


def test_significant_but_small_effect_is_not_flagged() -> None:
    """A cluster aligned beyond chance on 5 of its 205 posts: significant, below the floor."""
    rng = random.Random(3)
    posts: list[dict] = []  # type: ignore[type-arg]
    members = [f"p{i}" for i in range(5)]
    start = T0 + 3 * DAY
    for i, m in enumerate(members):
        posts.append(_post(m, 0, start + i, "https://fake.example/once"))
        for n in range(1, 41):
            posts.append(_post(m, n, T0 + rng.randrange(60 * DAY), f"https://own{i}.example/{n}"))
    _background(rng, posts, 60)
    c = _score(posts, members, _accounts(members))
    assert c.chance is not None and c.chance.observed == 5
    assert c.chance.q < 0.05  # chance almost never lines five accounts up to the second
    assert c.features["excess_share"] < 0.1
    assert not c.flagged


def test_too_small_clusters_are_not_tested() -> None:
    rng = random.Random(5)
    posts = [
        _post(m, d, T0 + d * DAY + i, f"https://x.example/{d}")
        for d in range(10)
        for i, m in enumerate(["a", "b"])
    ]
    _background(rng, posts, 10)
    c = _score(posts, ["a", "b"], _accounts(["a", "b"]))
    assert c.chance is None and not c.flagged


def test_benjamini_hochberg_by_hand() -> None:
    # sorted: 0.005 (rank 1) -> 0.02, 0.01 (2) -> 0.02, 0.03 (3) -> 0.04, 0.04 (4) -> 0.04
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # monotone step-up: a larger p never gets a smaller q; capped at 1
    assert benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])
    assert benjamini_hochberg([0.6, 0.7, 0.9]) == pytest.approx([0.9, 0.9, 0.9])
    assert benjamini_hochberg([]) == []
