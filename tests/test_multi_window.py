"""Several windows in one run (``--window 10,60``): each edge at its tightest window, the
clusters tested at every window, and a flagged cluster's members each aligned beyond
chance."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli
from test_chance import T0, _accounts, _background, _post

from analytics.actions import Codes, SignalTable, build
from analytics.coaction import SignalParams, merge_windows, signal_edges, window_edges
from analytics.combine import combine
from analytics.detect import DetectParams
from analytics.scoring import FlagRule, score_clusters
from cibgraph.errors import CibgraphError

FILE = Path(__file__).parent / "fixtures" / "coortweet" / "shares.csv"
DAY = 86400


def test_each_edge_at_its_tightest_window(tmp_path: Path) -> None:
    env = {**os.environ, "CIBGRAPH_DATA_DIR": str(tmp_path / "data")}
    edges = tmp_path / "edges.csv"
    run_cli(
        "detect", str(FILE), "--signals", "object", "--min-weight", "1",
        "--window", "60,10", "--edges-out", str(edges), "--out", str(tmp_path / "o"),
        env=env,
    )  # fmt: skip
    with open(edges, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-1] == "window"
    # A-B co-shared 10 s and 5 s apart (and 30 s), E-F 5 s, G-H 10 s; A-C 20 s, C-D 50 s
    tightest = {frozenset((r["source"], r["target"])): r["window"] for r in rows}
    assert tightest == {
        frozenset("AB"): "10",
        frozenset("EF"): "10",
        frozenset("GH"): "10",
        frozenset("AC"): "60",
        frozenset("CD"): "60",
    }
    # weight and mean gap as they are at the tightest window: A's two posts within 10 s
    got = {(r["source"], r["target"]): (r["weight"], r["avg_time_delta"]) for r in rows}
    assert got[("A", "B")] == ("2", "7.5")
    assert got[("C", "D")] == ("1", "50.0")
    assert len(rows) == 10  # every edge once, in both directions


def test_merge_keeps_every_edge_of_the_widest_window_once() -> None:
    rng = np.random.default_rng(4)
    n = 400
    table = SignalTable(
        rng.integers(0, 30, n), np.arange(n), rng.integers(0, 3000, n), rng.integers(0, 20, n),
        Codes.of([f"o{i}" for i in range(20)]),
    )  # fmt: skip
    lists = [window_edges(table, "url", SignalParams(w, 1)) for w in (10, 60, 300)]
    merged = merge_windows(lists, (10, 60, 300))
    pairs = list(zip(merged.src.tolist(), merged.dst.tolist(), strict=True))
    assert len(pairs) == len(set(pairs)) == len(lists[-1])
    at = [
        dict(zip(zip(e.src.tolist(), e.dst.tolist(), strict=True), e.weight.tolist(), strict=True))
        for e in lists
    ]
    assert set(pairs) == set(at[-1])
    for pair, window, weight in zip(pairs, merged.window.tolist(), merged.weight, strict=True):
        i = (10, 60, 300).index(window)
        assert at[i][pair] == weight  # as it is at its window
        assert all(pair not in narrower for narrower in at[:i])  # the tightest one
    assert len(set(merged.window.tolist())) == 3
    assert np.array_equal(merged.symmetry(), merged.fixed_symmetry)


def _slow_group(lockstep: bool) -> tuple[list[dict], list[str]]:  # type: ignore[type-arg]
    """10 members who share one new link a day, each 1 to 8 hours after the first;
    ``lockstep``: all of them within 20 s instead."""
    rng = random.Random(11)
    posts: list[dict] = []  # type: ignore[type-arg]
    members = [f"s{i}" for i in range(10)]
    for day in range(40):
        start = T0 + day * DAY + rng.randrange(DAY - 30000)
        for m in members:
            late = rng.randrange(20) if lockstep else rng.randrange(3600, 28800)
            posts.append(_post(m, day, start + late, f"https://slow.example/{day}"))
    _background(rng, posts, 40)
    return posts, members


def _cluster(posts: list[dict], members: list[str], markers: bool, wider: tuple[int, ...]):  # type: ignore[no-untyped-def,type-arg]
    accounts = _accounts(members) if markers else [{"uid": m, "handle": m} for m in members]
    acts = build(posts, accounts=accounts, signals=("url", "text"))
    membership = {acts.actors.values.index(m): 0 for m in members}
    edges = combine([signal_edges(acts, "url", SignalParams(28800))])
    (c,) = score_clusters(
        acts, membership, edges, window=60, wider=wider, news_domains={}, rule=FlagRule()
    )
    c.acts = acts  # type: ignore[attr-defined]
    return c


def test_slow_coordination_is_found_at_the_wider_window() -> None:
    posts, members = _slow_group(lockstep=False)
    tight = _cluster(posts, members, markers=True, wider=())
    assert not tight.flagged  # within 60 s they rarely meet
    both = _cluster(posts, members, markers=True, wider=(28800,))
    assert both.flagged and both.rule == "aligned+markers"
    assert both.features["flag_window"] == 28800
    assert both.features["excess_share_28800s"] > 0.9
    assert "within 28800 s, 100% of their posts" in both.explanation


def test_a_wider_window_alone_is_never_lockstep() -> None:
    """All aligned within the hour but with no marks of fabrication: not flagged; the same
    accounts in lockstep within seconds are."""
    posts, members = _slow_group(lockstep=False)
    plain = _cluster(posts, members, markers=False, wider=(28800,))
    assert plain.features["excess_share_28800s"] > 0.9 and not plain.flagged
    posts, members = _slow_group(lockstep=True)
    fast = _cluster(posts, members, markers=False, wider=(28800,))
    assert fast.flagged and fast.rule == "lockstep"


def test_members_not_aligned_themselves_are_left_out() -> None:
    """A flagged cluster with two hangers-on (they share one of the group's links once,
    hours later): the hangers-on are left out, the group stays flagged."""
    posts, members = _slow_group(lockstep=True)
    for i, hanger in enumerate(("h0", "h1")):
        for n in range(30):
            posts.append(_post(hanger, n, T0 + n * DAY + 3600 * i, f"https://own{i}.example/{n}"))
        posts.append(_post(hanger, 99, T0 + 5 * DAY + 7200, "https://slow.example/5"))
    c = _cluster(posts, [*members, "h0", "h1"], markers=True, wider=())
    assert c.flagged and c.features["left_out"] == 2
    names = c.acts.actors.values  # type: ignore[attr-defined]
    assert sorted(names[m] for m in c.left_out) == ["h0", "h1"]
    assert sorted(names[m] for m in c.members) == sorted(members)


def test_window_list_is_checked() -> None:
    params = DetectParams(window=[3600, 60, 60])
    params.check()
    assert params.window == (60, 3600) and params.windows == (60, 3600)
    one = DetectParams(window=[30])
    one.check()
    assert one.window == 30
    with pytest.raises(CibgraphError, match="every window"):
        DetectParams(window=[60, -1]).check()
    with pytest.raises(CibgraphError, match="fast-window"):
        DetectParams(window=(10, 60), fast_window=10).check()
