"""Scoring's matched posts: the n log n sweep gives exactly MATCH_SQL's rows."""

from __future__ import annotations

import duckdb
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.window_join import MATCH_SQL, matched_gaps


def by_sql(post, ts, obj, actor, cluster, window):
    con = duckdb.connect()
    con.register(
        "acts",
        {"actor": actor, "post": post, "ts": ts, "obj": obj, "cluster": cluster},
    )
    rows = con.execute(MATCH_SQL + " ORDER BY post", {"window": window}).fetchall()
    con.close()
    return [(int(p), int(a), int(g)) for a, p, g in rows]


def by_sweep(post, ts, obj, actor, cluster, window):
    posts, actors, gaps = matched_gaps(post, ts, obj, actor, cluster, window)
    return list(zip(posts.tolist(), actors.tolist(), gaps.tolist(), strict=True))


def columns(rows):
    """(post, actor, ts, obj, cluster) rows -> numpy columns; a post keeps one actor."""
    post, actor, ts, obj, cluster = (np.asarray(c, dtype=np.int64) for c in zip(*rows, strict=True))
    return post, ts, obj, actor, cluster


def test_window_edges_and_same_actor_runs():
    window = 60
    rows = [
        # object 1, cluster 0: a at 0 and 10, b at 70 (60 from 10: in), c at 131 (61: out)
        (1, 0, 0, 1, 0),
        (2, 0, 10, 1, 0),
        (3, 1, 70, 1, 0),
        (4, 2, 131, 1, 0),
        # the same object in another cluster matches nothing of cluster 0
        (5, 3, 71, 1, 1),
        # object 2: one actor alone, many times: no match
        (6, 4, 0, 2, 0),
        (7, 4, 1, 2, 0),
        # post 8 has two objects: its smallest gap counts
        (8, 5, 100, 3, 0),
        (8, 5, 100, 4, 0),
        (9, 6, 150, 3, 0),
        (10, 6, 103, 4, 0),
        # equal times, two actors
        (11, 7, 500, 5, 0),
        (12, 8, 500, 5, 0),
    ]
    cols = columns(rows)
    assert by_sweep(*cols, window) == [
        (2, 0, 60),
        (3, 1, 60),
        (8, 5, 3),
        (9, 6, 50),
        (10, 6, 3),
        (11, 7, 0),
        (12, 8, 0),
    ]
    assert by_sweep(*cols, window) == by_sql(*cols, window)


def test_nothing():
    empty = np.zeros(0, dtype=np.int64)
    assert by_sweep(empty, empty, empty, empty, empty, 60) == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),  # post
            st.integers(0, 300),  # ts
            st.integers(0, 4),  # object
        ),
        min_size=1,
        max_size=80,
    ),
    st.integers(0, 120),
    st.integers(1, 3),
)
def test_sweep_equals_the_query(rows, window, clusters):
    # a post's actor and cluster are fixed by the post (as in the action store)
    actor_of = {p: p % 9 for p, _, _ in rows}
    ts_of = {}
    full = []
    for p, t, o in rows:
        t = ts_of.setdefault(p, t)  # one post, one time
        full.append((p, actor_of[p], t, o, actor_of[p] % clusters))
    full = list(dict.fromkeys(full))  # a post acts on an object once
    cols = columns(full)
    assert by_sweep(*cols, window) == by_sql(*cols, window)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),  # post
            st.integers(0, 5000),  # ts
            st.integers(0, 4),  # object
            st.integers(0, 1),  # signal
        ),
        min_size=1,
        max_size=80,
    ),
    st.lists(st.integers(0, 3000), min_size=9, max_size=9),  # a roll per actor
    st.integers(1, 3),
)
def test_rolled_gaps_equal_the_sweep_at_every_window(rows, shift, clusters):
    """One nearest-gap pass per draw (analytics.rolled_gaps) says, for every window, the
    matched posts the sweep finds signal by signal, with the times rolled or not."""
    from analytics.chance import MemberActions
    from analytics.rolled_gaps import NO_MATCH, RolledGaps

    actor_of = {p: p % 9 for p, *_ in rows}
    ts_of: dict[int, int] = {}
    by_signal: dict[int, list[tuple[int, int, int, int, int]]] = {0: [], 1: []}
    for p, t, o, s in rows:
        t = ts_of.setdefault(p, t)
        by_signal[s].append((p, actor_of[p], t, o, actor_of[p] % clusters))
    members = []
    for signal_rows in by_signal.values():
        if signal_rows:
            post, ts, obj, actor, cluster = columns(list(dict.fromkeys(signal_rows)))
            members.append(MemberActions(post, ts, obj, actor, cluster))
    start, length = 0, 6000
    rolls = np.asarray(shift, dtype=np.int64)
    prepared = RolledGaps(members)
    posts = np.unique(np.concatenate([m.post for m in members]))
    for rolled in (False, True):
        actors, gaps = prepared.gaps(rolls, (start, length)) if rolled else prepared.gaps()
        assert actors.tolist() == [actor_of[int(p)] for p in posts]
        for window in (0, 30, 600, 4000):
            expected: dict[int, int] = {}
            for m in members:
                ts = (m.ts - start + rolls[m.actor]) % length + start if rolled else m.ts
                for p, _, g in zip(*matched_gaps(m.post, ts, m.obj, m.actor, m.cluster, window),
                                   strict=True):  # fmt: skip
                    expected[int(p)] = min(g, expected.get(int(p), NO_MATCH))
            found = {int(p): int(g) for p, g in zip(posts, gaps, strict=True) if g <= window}
            assert found == expected
