"""Co-action signals on hand-built actions: exact edges and weights (QUT semantics)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.actions import Codes, SignalTable, build
from analytics.coaction import (
    HOT_SQL,
    MEMORY_ENV,
    SignalParams,
    connect,
    memory_limit,
    run_coaction,
    signal_edges,
    window_edges,
)
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


# --------------------------------------------------------------------------- bucketed join

#: The plain self-join COACTION_SQL replaced (kept here only as the reference): DuckDB
#: joins on obj and filters on time afterwards, n^2 pairs per object of n actions.
PLAIN_SQL = """
WITH counts AS (
    SELECT obj, count(DISTINCT actor) AS n FROM acts GROUP BY obj
), keep AS (
    SELECT a.actor, a.post, a.ts, a.obj FROM acts a
    JOIN counts c ON a.obj = c.obj
    WHERE c.n >= 2 AND c.n <= $max_actors
), sources AS (
    SELECT * FROM keep
    WHERE actor IN (SELECT actor FROM acts GROUP BY actor HAVING count(*) >= $min_weight)
)
SELECT e1.actor AS src, e2.actor AS dst, count(DISTINCT e1.post) AS weight,
       min(e1.obj) AS example
FROM sources e1
JOIN keep e2
  ON e1.obj = e2.obj
 AND e2.ts BETWEEN e1.ts - $window AND e1.ts + $window
 AND e1.actor <> e2.actor
GROUP BY e1.actor, e2.actor
HAVING count(DISTINCT e1.post) >= $min_weight
ORDER BY src, dst
"""

Row = tuple[int, int, float, int]  # actor, post, ts, obj


def _columns(rows: list[Row], float_ts: bool = False) -> dict[str, np.ndarray]:
    arr = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
    return {
        "actor": arr[:, 0].astype(np.int64),
        "post": arr[:, 1].astype(np.int64),
        "ts": arr[:, 2] if float_ts else arr[:, 2].astype(np.int64),
        "obj": arr[:, 3].astype(np.int64),
    }


def plain_edges(rows: list[Row], params: SignalParams, float_ts: bool = False) -> list[tuple]:
    """(src, dst, weight, example) of the reference plain join, plus the hot-object count."""
    cap = params.max_actors if params.max_actors is not None else np.iinfo(np.int64).max
    con = duckdb.connect()
    try:
        con.register("acts", _columns(rows, float_ts))
        found = con.execute(
            PLAIN_SQL,
            {"window": params.window, "min_weight": params.min_weight, "max_actors": cap},
        ).fetchall()
        skipped = con.execute(HOT_SQL, {"cap": cap}).fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    return [*found, ("skipped", skipped)]


def sql_edges(rows: list[Row], params: SignalParams, float_ts: bool = False) -> list[tuple]:
    """The same through COACTION_SQL (run_coaction; DOUBLE ts is the QUT-file path)."""
    con = duckdb.connect()
    try:
        con.register("acts", _columns(rows, float_ts))
        found, skipped = run_coaction(con, params)
    finally:
        con.close()
    got = zip(found["src"], found["dst"], found["weight"], found["example"], strict=True)
    return [*(tuple(int(v) for v in t) for t in got), ("skipped", skipped)]


def sweep_edges(rows: list[Row], params: SignalParams, float_ts: bool = False) -> list[tuple]:
    """The same through window_edges on a SignalTable: the compiled sweep detection runs."""
    cols = _columns(rows, float_ts)
    table = SignalTable(cols["actor"], cols["post"], cols["ts"], cols["obj"], Codes())
    found = window_edges(table, "url", params)
    got = zip(found.src, found.dst, found.weight, found.example, strict=True)
    return [*(tuple(int(v) for v in t) for t in got), ("skipped", found.skipped_objects)]


def assert_same(rows: list[Row], float_ts: bool = False, **params) -> list[tuple]:
    """The bucketed SQL and the sweep == the plain join for these rows and params, the
    mean gaps of both == a brute-force count; returns the edges (no hot count)."""
    p = SignalParams(**params)
    expected = plain_edges(rows, p, float_ts)
    assert sql_edges(rows, p, float_ts) == expected
    assert sweep_edges(rows, p, float_ts) == expected
    edges = [(src, dst) for src, dst, *_ in expected[:-1]]
    gaps = brute_force_gaps(rows, p, edges, float_ts)
    # means of fractional gaps summed in another order differ in the last bits
    assert sql_gaps(rows, p, float_ts) == pytest.approx(gaps, rel=1e-12, abs=1e-9)
    assert sweep_gaps(rows, p, float_ts) == pytest.approx(gaps, rel=1e-12, abs=1e-9)
    return expected[:-1]


def brute_force_gaps(
    rows: list[Row], params: SignalParams, edges: list[tuple], float_ts: bool
) -> list[float]:
    """Per edge src -> dst: the mean over src's posts that dst matched of the gap to dst's
    nearest action on the same object within the window (kept objects only)."""
    cols = _columns(rows, float_ts)
    actor, post, ts, obj = (cols[k].tolist() for k in ("actor", "post", "ts", "obj"))
    spread: dict[int, set[int]] = {}
    for a, o in zip(actor, obj, strict=True):
        spread.setdefault(o, set()).add(a)
    cap = params.max_actors if params.max_actors is not None else len(rows) + 1
    kept = {o for o, who in spread.items() if 2 <= len(who) <= cap}
    out = []
    for src, dst in edges:
        best: dict[int, float] = {}
        for i in range(len(rows)):
            if actor[i] != src or obj[i] not in kept:
                continue
            for j in range(len(rows)):
                # BETWEEN t - window AND t + window, as the SQL (floats: not |dt| <= window)
                near = ts[i] - params.window <= ts[j] <= ts[i] + params.window
                if actor[j] == dst and obj[j] == obj[i] and near:
                    gap = abs(ts[i] - ts[j])
                    best[post[i]] = min(best.get(post[i], gap), gap)
        out.append(sum(best.values()) / len(best))
    return out


def sql_gaps(rows: list[Row], params: SignalParams, float_ts: bool = False) -> list[float]:
    con = duckdb.connect()
    try:
        con.register("acts", _columns(rows, float_ts))
        found, _ = run_coaction(con, params)
    finally:
        con.close()
    return [float(g) for g in found["avg_gap"]]


def sweep_gaps(rows: list[Row], params: SignalParams, float_ts: bool = False) -> list[float]:
    cols = _columns(rows, float_ts)
    table = SignalTable(cols["actor"], cols["post"], cols["ts"], cols["obj"], Codes())
    found = window_edges(table, "url", params)
    assert found.avg_gap is not None
    return [float(g) for g in found.avg_gap]


def pairs_at(deltas, window: int, base: int = 1000) -> list[Row]:
    """Actor 0 and actor 1 on object i, actor 1 ``deltas[i]`` seconds later; every action
    twice (two posts) so that min_weight 2 is reachable."""
    rows: list[Row] = []
    for i, d in enumerate(deltas):
        for k in range(2):
            t = base + k * 10 * (window + 2)
            rows += [(0, 100 * i + k, t, i), (1, 100 * i + 50 + k, t + d, i)]
    return rows


@pytest.mark.parametrize("window", [1, 2, 59, 60, 61, 3600])
@pytest.mark.parametrize("float_ts", [False, True])
def test_bucketed_join_window_edges(window: int, float_ts: bool) -> None:
    # deltas exactly window (in), window - 1 (in), 0 (in), window + 1 (out), both signs
    for delta, linked in [
        (window, True),
        (-window, True),
        (window - 1, True),
        (0, True),
        (window + 1, False),
        (-window - 1, False),
    ]:
        for base in (0, window, window + 1, -window - 1, 7 * (window + 1) - 1, -1):
            got = assert_same(pairs_at([delta], window, base), float_ts, window=window)
            assert (got == [(0, 1, 2, 0), (1, 0, 2, 0)]) is linked, (delta, base, got)


@pytest.mark.parametrize("float_ts", [False, True])
def test_bucketed_join_negative_timestamps_and_bucket_boundaries(float_ts: bool) -> None:
    for window in (0, 1, 2, 5, 60):
        width = window + 1
        # actions on and next to the bucket boundaries of both widths, around 0
        stamps = sorted(
            {k * w + e for k in range(-4, 5) for w in (window or 1, width) for e in (-1, 0, 1)}
        )
        rows = [(i % 3, i, t, 0) for i, t in enumerate(stamps)]
        rows += [(3, 1000 + i, t, 1) for i, t in enumerate(stamps)]
        rows += [(4, 2000 + i, t + window, 1) for i, t in enumerate(stamps)]
        for min_weight in (1, 2, 3):
            got = assert_same(rows, float_ts, window=window, min_weight=min_weight)
            assert got, (window, min_weight)


@pytest.mark.parametrize("float_ts", [False, True])
def test_bucketed_join_window_zero_is_equal_time(float_ts: bool) -> None:
    rows = [(0, 1, -5, 0), (1, 2, -5, 0), (2, 3, -4, 0), (0, 4, 0, 0), (2, 5, 0, 0)]
    rows += [(0, 6, 1, 1), (1, 7, 0, 1), (1, 8, 2, 1)]
    got = assert_same(rows, float_ts, window=0, min_weight=1)
    assert got == [(0, 1, 1, 0), (0, 2, 1, 0), (1, 0, 1, 0), (2, 0, 1, 0)]
    assert_same(rows, float_ts, window=1, min_weight=1)


@pytest.mark.parametrize("float_ts", [False, True])
def test_bucketed_join_large_windows(float_ts: bool) -> None:
    rows = [(i % 4, i, (i * 7_919) % 100_000 - 50_000, i % 3) for i in range(40)]
    for window in (10_000, 99_999, 100_000, 2**31 - 1, 2**31, 10**12):
        got = assert_same(rows, float_ts, window=window, min_weight=2)
        if window >= 99_999:  # every action within the window of every other one
            assert len(got) == 12 and all(w == 10 for _, _, w, _ in got)


def test_bucketed_join_same_actor_and_many_posts_on_one_object() -> None:
    # actor 0 twice at the same second on one object and 30 times within a minute on
    # another: no self-edges, weights count distinct posts; one post on two objects once
    rows = [(0, 1, 100, 0), (0, 2, 100, 0), (1, 3, 130, 0)]
    rows += [(0, 10 + i, 1000 + 2 * i, 1) for i in range(30)] + [(1, 50, 1030, 1)]
    rows += [(0, 60, 5000, 2), (0, 60, 5000, 3), (1, 61, 5010, 2), (1, 61, 5010, 3)]
    for min_weight in (1, 3):
        for cap in (None, 2, 1):
            got = assert_same(rows, window=60, min_weight=min_weight, max_actors=cap)
            assert all(src != dst for src, dst, _, _ in got)
    got = assert_same(rows, window=30, min_weight=1)
    # 0 -> 1: posts 1 and 2 (object 0), the 30 posts on object 1 (all within 30 s of 1030),
    # post 60 (objects 2 and 3, counted once); 1 -> 0: posts 3, 50 and 61
    assert got == [(0, 1, 2 + 30 + 1, 0), (1, 0, 3, 0)]
    # a post with two urls, both shared by the other actor: one post, the smaller example
    rows = [(0, 1, 0, 5), (0, 1, 0, 3), (1, 2, 10, 3), (1, 2, 10, 5), (1, 3, 500, 4)]
    assert assert_same(rows, window=60, min_weight=1) == [(0, 1, 1, 3), (1, 0, 1, 3)]


@pytest.mark.parametrize("cap", [None, 2, 3, 500])
@pytest.mark.parametrize("min_weight", [1, 3])
def test_bucketed_join_hot_object_cap(cap: int | None, min_weight: int) -> None:
    hot = [(a, 10 * a + k, 50 * k + a, 0) for a in range(5) for k in range(4)]  # 5 actors
    cold = [(0, 100 + k, 60 * k, 1) for k in range(4)]
    cold += [(1, 200 + k, 60 * k + 59, 1) for k in range(4)]
    got = assert_same(hot + cold, window=60, min_weight=min_weight, max_actors=cap)
    assert got and ((cap is None or cap >= 5) == any(ex == 0 for *_, ex in got))


@pytest.mark.parametrize(
    ("window", "early", "late"),
    [(1, 0.9999999999999999, 2.0), (60, 59.99999999999999, 120.0)],
)
def test_bucketed_join_fractional_times_next_to_a_bucket_boundary(window, early, late) -> None:
    # early + window rounds to late, so the plain join links early -> late (not late ->
    # early: late - window is exact and above early); in buckets of exactly window seconds
    # they would be two buckets apart - why the buckets are window + 1 seconds wide
    assert early + window == late and (late // window) - (early // window) == 2
    rows: list[Row] = [(0, 1, early, 0), (1, 2, late, 0)]
    assert assert_same(rows, float_ts=True, window=window, min_weight=1) == [(0, 1, 1, 0)]


def test_bucketed_join_nan_and_infinite_times_like_the_plain_join() -> None:
    # the QUT file path reads times as DOUBLE: 'nan' and 'inf' cast, and compare as DuckDB does
    rows: list[Row] = [(0, 1, float("nan"), 0), (1, 2, float("nan"), 0), (2, 3, 5.0, 0)]
    rows += [(0, 4, float("inf"), 1), (1, 5, float("inf"), 1), (2, 6, -float("inf"), 1)]
    rows += [(0, 7, 0.5, 2), (1, 8, 60.5, 2), (2, 9, 61.0, 2), (3, 10, -0.0, 2), (4, 11, 0.0, 2)]
    for window in (0, 1, 60):
        p = SignalParams(window=window, min_weight=1)
        assert sql_edges(rows, p, float_ts=True) == plain_edges(rows, p, float_ts=True)
    # detection's actions have whole-second times (the store keeps only finite ones): the
    # sweep refuses others rather than compare them differently from DuckDB
    with pytest.raises(ValueError, match="finite"):
        sweep_edges(rows, SignalParams(window=60, min_weight=1), float_ts=True)


def test_bucketed_join_text_ids_and_nulls_like_the_plain_join() -> None:
    # the QUT file path: VARCHAR ids, DOUBLE times, and NULLs (an empty message id or url)
    values = """
        ('u1', 'm1', 0.0, 'x'), ('u2', 'm2', 30.0, 'x'), ('u1', NULL, 40.0, 'x'),
        ('u2', NULL, 50.0, 'x'), ('u3', 'm5', NULL, 'x'), (NULL, 'm6', 10.0, 'x'),
        ('u1', 'm7', 100.0, NULL), ('u2', 'm8', 100.0, NULL), ('u1', 'm9', 200.0, 'y'),
        ('u2', 'm10', 259.5, 'y'), ('u3', 'm11', 230.0, 'y'), ('u3', NULL, 20.0, 'x'),
        ('u4', NULL, 5.0, 'x')
    """
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE acts AS SELECT * FROM (VALUES {values}) t(actor, post, ts, obj)")
        for window, min_weight, cap in itertools.product((0, 30, 60), (0, 1, 2), (None, 2)):
            params = SignalParams(window=window, min_weight=min_weight, max_actors=cap)
            found, skipped = run_coaction(con, params)
            got = list(zip(*(found[k] for k in ("src", "dst", "weight", "example")), strict=True))
            limit = cap if cap is not None else np.iinfo(np.int64).max
            sql_params = {"window": window, "min_weight": min_weight, "max_actors": limit}
            assert got == con.execute(PLAIN_SQL, sql_params).fetchall(), params
            assert skipped == con.execute(HOT_SQL, {"cap": limit}).fetchone()[0]  # type: ignore[index]
        # NULL posts are not counted: u4's only action has none, so u4 -> u1 weighs 0 and is
        # an edge only at min weight 0
        found, _ = run_coaction(con, SignalParams(window=60, min_weight=0, max_actors=None))
        pairs = zip(found["src"], found["dst"], strict=True)
        weights = dict(zip(pairs, found["weight"], strict=True))
        assert weights[("u4", "u1")] == 0 and weights[("u1", "u4")] == 1
    finally:
        con.close()


ROWS = st.lists(
    st.tuples(
        st.integers(0, 5),  # actor
        st.integers(0, 25),  # post (shared by rows: a post with several urls)
        st.one_of(st.integers(-200, 200), st.sampled_from([-62, -61, -60, -1, 0, 60, 61, 122])),
        st.integers(0, 3),  # object
    ),
    max_size=60,
)
PARAMS = st.fixed_dictionaries(
    {
        "window": st.one_of(st.sampled_from([0, 1, 2, 60]), st.integers(0, 400)),
        "min_weight": st.integers(0, 3),
        "max_actors": st.one_of(st.none(), st.integers(1, 6)),
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, params=PARAMS)
def test_bucketed_join_equals_plain_join_on_random_tables(rows, params) -> None:
    assert_same(rows, **params)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=ROWS,
    params=PARAMS,
    fractions=st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.999999, 1e-9]), min_size=60),
)
def test_bucketed_join_equals_plain_join_on_fractional_times(rows, params, fractions) -> None:
    shifted = [(a, p, t + f, o) for (a, p, t, o), f in zip(rows, fractions, strict=False)]
    assert_same(shifted, float_ts=True, **params)


@pytest.mark.parametrize("cap", [None, 100])
def test_sweep_on_all_cores_equals_the_sql_on_a_generated_world(cap: int | None) -> None:
    # enough source actions for the sweep to split its actors over threads; hot objects,
    # posts with two urls, sparse actor and object codes (renumbered inside the sweep)
    rng = np.random.default_rng(11)
    n = 150_000
    hot = (rng.pareto(1.2, n) * 50).astype(np.int64) % 20_000
    obj = np.where(rng.random(n) < 0.6, rng.integers(20_000, 23_000, n), hot) * 1_000_003
    actor = rng.integers(0, 2_000, n) * 7_919
    ts = rng.integers(0, 7_200, n) + 1_567_296_000
    post = np.arange(n, dtype=np.int64)
    second = np.flatnonzero(rng.random(n) < 0.15)[1:]
    post[second], actor[second], ts[second] = post[second - 1], actor[second - 1], ts[second - 1]
    params = SignalParams(window=600, min_weight=2, max_actors=cap)
    con = duckdb.connect()
    try:
        con.register("acts", {"actor": actor, "post": post, "ts": ts, "obj": obj})
        expected, skipped = run_coaction(con, params)
    finally:
        con.close()
    found = window_edges(SignalTable(actor, post, ts, obj, Codes()), "url", params)
    assert len(found) > 10_000 and (skipped > 0) == (cap is not None)
    assert found.skipped_objects == skipped
    for mine, column in [("src", "src"), ("dst", "dst"), ("weight", "weight")]:
        assert np.array_equal(getattr(found, mine), expected[column]), mine
    assert np.array_equal(found.example, expected["example"])


def test_duckdb_memory_limit_and_spill_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    limit = memory_limit()
    assert limit is None or (limit.endswith("MiB") and int(limit[:-3]) > 0)
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    assert memory_limit() == "1GB"
    with connect() as con:
        memory, spill = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()  # type: ignore[misc]
        assert memory in ("953.6 MiB", "1.0 GiB", "1GB", "1000.0 MiB")
        assert Path(spill).is_dir()
    assert not Path(spill).exists()
