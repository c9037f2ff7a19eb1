"""Co-action signals on hand-built actions: exact edges and weights (QUT semantics)."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.actions import build
from analytics.coaction import SignalParams, signal_edges
from analytics.combine import CombineParams, combine


def post(
    actor: str,
    pid: str,
    ts: int,
    *,
    text: str | None = None,
    urls=(),
    reposts=(),
    replies=(),
    hashtags=(),
    is_repost: bool = False,
) -> dict:
    return {
        "actor": actor,
        "post": pid,
        "ts": ts,
        "text": text,
        "is_repost": is_repost,
        "reposts": list(reposts),
        "replies": list(replies),
        "urls": list(urls),
        "domains": [u.split("/")[2] for u in urls],
        "hashtags": list(hashtags),
    }


def edges(rows, signal, **params) -> dict[tuple[str, str], int]:
    acts = build(rows, signals=[signal])
    found = signal_edges(acts, signal, SignalParams(**params))
    return found.as_dict(acts.actors.values)


def test_url_window_is_inclusive_and_weights_count_posts() -> None:
    rows = [
        post("A", "a1", 0, urls=["http://x.example/1"]),
        post("B", "b1", 30, urls=["http://x.example/1"]),
        post("C", "c1", 61, urls=["http://x.example/1"]),
        post("A", "a2", 100, urls=["http://x.example/2"]),
        post("B", "b2", 160, urls=["http://x.example/2"]),
    ]
    assert edges(rows, "url", window=60, min_weight=2) == {("A", "B"): 2, ("B", "A"): 2}
    assert edges(rows, "url", window=60, min_weight=1) == {
        ("A", "B"): 2,
        ("B", "A"): 2,
        ("B", "C"): 1,
        ("C", "B"): 1,
    }
    assert edges(rows, "url", window=59, min_weight=1) == {
        ("A", "B"): 1,
        ("B", "A"): 1,
        ("B", "C"): 1,
        ("C", "B"): 1,
    }


def test_domain_signal_joins_different_urls_on_one_site() -> None:
    rows = [
        post("A", "a1", 0, urls=["http://x.example/1"]),
        post("B", "b1", 30, urls=["http://x.example/2"]),
        post("C", "c1", 30, urls=["http://y.example/1"]),
    ]
    assert edges(rows, "url", window=60, min_weight=1) == {}
    assert edges(rows, "domain", window=60, min_weight=1) == {("A", "B"): 1, ("B", "A"): 1}


def test_weights_are_directed_like_qut() -> None:
    rows = [
        post("A", "a1", 0, urls=["http://x.example/1"]),
        post("A", "a2", 10, urls=["http://x.example/1"]),
        post("B", "b1", 5, urls=["http://x.example/1"]),
    ]
    assert edges(rows, "url", window=60, min_weight=1) == {("A", "B"): 2, ("B", "A"): 1}


def test_a_quiet_account_can_be_the_target_of_a_heavy_edge() -> None:
    # B retweeted once, between two of A's retweets of the same post: QUT gives A -> B
    # weight 2 (two of A's posts matched) and no B -> A (B has one post < min weight).
    rows = [
        post("A", "a1", 0, reposts=["O"], is_repost=True),
        post("A", "a2", 40, reposts=["O"], is_repost=True),
        post("B", "b1", 20, reposts=["O"], is_repost=True),
    ]
    assert edges(rows, "repost", window=60, min_weight=2) == {("A", "B"): 2}


def test_hot_objects_are_skipped_and_counted() -> None:
    rows = [post(x, f"{x}1", i, urls=["http://viral.example/v"]) for i, x in enumerate("ABCD")]
    rows += [
        post("A", "A2", 100, urls=["http://x.example/1"]),
        post("B", "B2", 101, urls=["http://x.example/1"]),
    ]
    acts = build(rows, signals=["url"])
    capped = signal_edges(acts, "url", SignalParams(window=60, min_weight=1, max_actors=3))
    assert capped.as_dict(acts.actors.values) == {("A", "B"): 1, ("B", "A"): 1}
    assert capped.skipped_objects == 1
    uncapped = signal_edges(acts, "url", SignalParams(window=60, min_weight=1, max_actors=None))
    assert len(uncapped) == 12 and uncapped.skipped_objects == 0


def test_repost_signal_and_reposts_do_not_count_as_links() -> None:
    rows = [
        post("A", "a1", 0, reposts=["O"], urls=["http://x.example/1"], is_repost=True),
        post("B", "b1", 20, reposts=["O"], urls=["http://x.example/1"], is_repost=True),
        post("A", "a2", 50, reposts=["P"], is_repost=True),
        post("B", "b2", 90, reposts=["P"], is_repost=True),
    ]
    assert edges(rows, "repost", window=60, min_weight=2) == {("A", "B"): 2, ("B", "A"): 2}
    assert edges(rows, "url", window=60, min_weight=1) == {}


def test_reply_and_hashtag_signals() -> None:
    rows = [
        post("A", "a1", 0, replies=["T"], hashtags=["hk"]),
        post("B", "b1", 10, replies=["T"], hashtags=["hk"]),
        post("C", "c1", 500, replies=["T"], hashtags=["hk"]),
    ]
    assert edges(rows, "reply", window=60, min_weight=1) == {("A", "B"): 1, ("B", "A"): 1}
    assert edges(rows, "hashtag", window=600, min_weight=1) == {
        ("A", "B"): 1,
        ("B", "A"): 1,
        ("A", "C"): 1,
        ("C", "A"): 1,
        ("B", "C"): 1,
        ("C", "B"): 1,
    }


def test_text_is_normalised_before_matching() -> None:
    rows = [
        post("A", "a1", 0, text="Support the Hong Kong police! @someone http://t.co/x"),
        post("B", "b1", 30, text="support the hong kong police"),
        post("C", "c1", 40, text="RT @A: Support the Hong Kong police!", is_repost=True),
    ]
    assert edges(rows, "text", window=60, min_weight=1) == {("A", "B"): 1, ("B", "A"): 1}


def test_near_duplicate_text() -> None:
    base = "rioters are destroying our city and the police must act now 支持香港警察"
    rows = [
        post("A", "a1", 0, text=base),
        post("B", "b1", 20, text=base.replace("city", "home") + " 🇭🇰"),
        post("C", "c1", 40, text="completely different words about the weather today"),
        post("A", "a2", 1000, text="a second script line for the network to repeat today"),
        post("B", "b2", 1010, text="A second script line, for the network to repeat today!"),
    ]
    assert edges(rows, "near_text", window=60, min_weight=2) == {("A", "B"): 2, ("B", "A"): 2}


def test_admin_and_creation_signals() -> None:
    admins = [
        {"actor": "a1", "object": "p1"},
        {"actor": "a1", "object": "p2"},
        {"actor": "a2", "object": "p2"},
        {"actor": "a2", "object": "p1"},
        {"actor": "a3", "object": "p3"},
    ]
    acts = build([], admins=admins, signals=["admin"])
    assert signal_edges(acts, "admin", SignalParams()).as_dict(acts.actors.values) == {
        ("a1", "a2"): 2,
        ("a2", "a1"): 2,
    }
    hour = dt.datetime(2019, 7, 15, 9, tzinfo=dt.UTC)
    accounts = [
        {"uid": f"b{i}", "created_at": hour + dt.timedelta(minutes=i)} for i in range(5)
    ] + [{"uid": "late", "created_at": hour.replace(hour=11)}]
    acts = build([], accounts=accounts, signals=["creation"])
    found = signal_edges(acts, "creation", SignalParams()).as_dict(acts.actors.values)
    assert len(found) == 20 and ("b0", "b4") in found and ("late", "b0") not in found


def test_combine_symmetrises_weights_and_filters() -> None:
    rows = [
        post("A", "a1", 0, urls=["http://x.example/1"]),
        post("A", "a2", 10, urls=["http://x.example/1"]),
        post("B", "b1", 5, urls=["http://x.example/1"]),
        post("A", "a3", 100, reposts=["O"], is_repost=True),
        post("B", "b3", 110, reposts=["O"], is_repost=True),
    ]
    acts = build(rows, signals=["url", "repost"])
    lists = [
        signal_edges(acts, s, SignalParams(window=60, min_weight=1)) for s in ("url", "repost")
    ]
    graph = combine(lists, CombineParams(weights={"url": 1.0, "repost": 2.0}))
    assert len(graph) == 1
    assert graph.signals[0] == {"url": 1.5, "repost": 1.0}
    assert graph.weight[0] == pytest.approx(1.5 + 2.0)
    # url directions are 2 and 1: symmetry (1*1 + 2*1) / (2*1 + 2*1) = 0.75
    assert (
        len(combine(lists, CombineParams(weights={"url": 1.0, "repost": 2.0}, min_symmetry=0.8)))
        == 0
    )
    assert (
        len(combine(lists, CombineParams(weights={"url": 1.0, "repost": 2.0}, min_weight=4.0))) == 0
    )
