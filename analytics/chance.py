"""How much of a cluster's activity is aligned, as observed and as chance would have it.

*Observed*: the member posts that another member of the same cluster matched on the same
object (URL, repost, text ...) within the window (:func:`matched_posts`; a post matched on
several signals counts once).

*By chance*: the same count after each account's whole timeline is rolled by a random whole
number of days, wrapping around the data's span (:func:`test_window`). The members of one
cluster get different rolls while it has no more members than the span has days; beyond
that, the members that share a roll with another are also moved by up to ``JITTER``
seconds (at least twice the window) either way, so that no two members keep their
relative timing by luck, however large the cluster. Rolling by
whole days keeps everything about an account but its alignment with the others: how much it
posts, what it shares, its gaps between posts and the hours of the day it is active (two
night-shift accounts stay night-shift accounts, so sharing a rhythm is not taken for acting
together). What it breaks is the day on which each account acted, so matches that only
happen because the accounts acted *together* disappear, while matches that two busy
accounts with the same habits would make anyway remain. Each draw rolls every account
afresh; ``K`` draws give the expected count and its spread, per cluster and per account.

The test of a cluster is one-sided: ``z = (observed - mean) / sd`` over the draws (``sd``
at least that of a Poisson count with the draws' mean, and at least 1, so a null that never
matches does not make any single match infinitely significant), ``p`` its normal tail, and
the p-values of all the clusters that could be flagged are adjusted together with
Benjamini-Hochberg (:func:`benjamini_hochberg`), so that among the clusters called
significant at ``q <= alpha`` the expected share of chance findings is at most ``alpha``.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from analytics.actions import Actions
from analytics.arrays import first_positions
from analytics.rolled_gaps import RolledGaps
from analytics.window_join import matched_gaps, threads

DAY = 86400
#: How far (seconds, either way) a member that shares its day-roll with another member of
#: its cluster is also moved: far beyond a co-action window, small beside a day's rhythm.
JITTER = 1800
#: Draws every tested cluster gets; only a cluster whose observed count is at least
#: ``SCREEN_Z`` spreads above those draws' mean (at some window) gets the rest. A cluster
#: below that after 10 draws cannot reach significance after 50: its z would have to be
#: off by more than twice its own standard error, and even then it falls short of the
#: Benjamini-Hochberg bar over many clusters.
SCREEN_DRAWS = 10
SCREEN_Z = 1.0


@dataclass
class MemberActions:
    """One signal's actions by accounts that are in some cluster."""

    post: np.ndarray
    ts: np.ndarray
    obj: np.ndarray
    actor: np.ndarray
    cluster: np.ndarray


@dataclass
class ChanceTest:
    """Observed against expected matched posts of one cluster."""

    observed: int
    expected: float  # mean over the draws
    sd: float  # spread over the draws (before the Poisson floor)
    draws: int
    z: float
    p: float
    q: float = 1.0  # Benjamini-Hochberg adjusted, over the clusters tested together


def member_actions(
    acts: Actions, lookup: np.ndarray, signals: tuple[str, ...]
) -> list[MemberActions]:
    """The actions of ``signals`` whose actor is in a cluster (``lookup``: actor -> cluster
    or -1)."""
    found = []
    for signal in signals:
        table = acts.tables.get(signal)
        if table is None or len(table) == 0:
            continue
        cluster = lookup[table.actor]
        keep = cluster >= 0
        if keep.any():
            keep[keep] = _pairable(table.obj[keep], cluster[keep], table.actor[keep])
        if keep.any():
            found.append(
                MemberActions(
                    table.post[keep],
                    np.asarray(table.ts[keep], dtype=np.int64),
                    table.obj[keep],
                    table.actor[keep],
                    cluster[keep],
                )
            )
    return found


def _pairable(obj: np.ndarray, cluster: np.ndarray, actor: np.ndarray) -> np.ndarray:
    """Whether each action's object is touched by at least two members of its cluster: the
    others can never be matched, however the timelines are rolled."""
    group = np.asarray(obj, np.int64) * (int(cluster.max()) + 1) + cluster
    order = np.lexsort((actor, group))
    g, a = group[order], actor[order]
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_actor = new_group | np.r_[True, a[1:] != a[:-1]]
    starts = np.flatnonzero(new_group)
    actors_in_group = np.add.reduceat(new_actor.astype(np.int64), starts)
    keep = np.empty(len(order), dtype=bool)
    keep[order] = np.repeat(actors_in_group >= 2, np.diff(np.r_[starts, len(order)]))
    return keep


def matched_posts(
    rows: list[MemberActions],
    lookup: np.ndarray,
    window: int,
    shift: np.ndarray | None = None,
    span: tuple[int, int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cluster, gap, actor) of every member post another member matched within ``window``; with
    ``shift`` (seconds per actor) the times are first rolled by it within ``span``
    (start, length)."""
    found_posts, found_clusters, found_gaps, found_actors = [], [], [], []
    for r in rows:
        ts = r.ts
        if shift is not None and span is not None:
            start, length = span
            ts = (ts - start + shift[r.actor]) % length + start
        posts, actors, gaps = matched_gaps(r.post, ts, r.obj, r.actor, r.cluster, window)
        found_posts.append(posts)
        found_clusters.append(lookup[actors])
        found_gaps.append(gaps)
        found_actors.append(actors)
    if not found_posts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    first = first_positions(np.concatenate(found_posts))
    return (
        np.concatenate(found_clusters)[first],
        np.concatenate(found_gaps)[first],
        np.concatenate(found_actors)[first],
    )


def time_span(rows: list[MemberActions]) -> tuple[int, int]:
    """(start, length) of the whole days that hold every action of ``rows``."""
    if not rows:
        return 0, DAY
    start = min(int(r.ts.min()) for r in rows)
    end = max(int(r.ts.max()) for r in rows)
    return start, ((end - start) // DAY + 1) * DAY


@dataclass
class WindowTest:
    """Every tested cluster at one window: observed and expected matched posts, per
    cluster and per actor."""

    window: int
    matched: dict[int, int]  # cluster -> observed matched posts
    by_actor: np.ndarray  # actor -> observed matched posts
    expected_by_actor: np.ndarray  # actor -> mean matched posts over the draws
    tests: dict[int, ChanceTest]


def test_window(
    rows: list[MemberActions],
    lookup: np.ndarray,
    window: int,
    tested: list[int],
    *,
    draws: int,
    seed: int,
) -> WindowTest:
    """Test each cluster of ``tested`` at ``window`` against ``draws`` day-rolled
    timelines; the q-values are adjusted over ``tested`` (see :func:`adjust`)."""
    result = test_windows(rows, lookup, (window,), tested, draws=draws, seed=seed)
    adjust(result)
    return result[0]


def test_windows(
    rows: list[MemberActions],
    lookup: np.ndarray,
    windows: tuple[int, ...],
    tested: list[int],
    *,
    draws: int,
    seed: int,
    posts: np.ndarray | None = None,
    min_excess: float = 0.0,
) -> list[WindowTest]:
    """Test each cluster of ``tested`` at every window of ``windows`` against the same
    ``draws`` day-rolled timelines (one nearest-match pass per draw serves every window:
    a post is matched within a window when its nearest match is). The q-values are left
    to the caller (:func:`adjust`, over every window together).

    Every tested cluster gets ``SCREEN_DRAWS`` draws; only those that may still be flagged
    get the rest: at some window, a z of at least ``SCREEN_Z``, and (with ``posts``, the
    posts per cluster) an excess over the draws' mean that could reach ``min_excess`` of
    its posts within three standard errors of that mean. A cluster screened out keeps the
    test of its first draws, which says how many there were."""
    n_actors = max(len(lookup), 1)
    n_clusters = max(int(lookup.max()) + 1, 1) if len(lookup) else 1
    widest = max(windows)
    actors, gaps = RolledGaps(rows).gaps()
    clusters = lookup[actors]
    observed, by_actor = [], []
    for w in windows:
        within = gaps <= w
        matched = np.bincount(clusters[within], minlength=n_clusters)
        observed.append({int(c): int(n) for c, n in enumerate(matched.tolist()) if n})
        by_actor.append(np.bincount(actors[within], minlength=n_actors))
    counts = np.zeros((len(windows), draws, n_clusters), dtype=np.int64)
    actor_sums = np.zeros((len(windows), n_actors))
    given = np.zeros(n_clusters, dtype=np.int64)  # draws each cluster was given
    start, length = time_span(rows)
    days = length // DAY
    jitter = max(JITTER, 2 * widest)
    members = np.flatnonzero(lookup >= 0).astype(np.int64)
    # one generator per draw, so the draws are the same on any number of threads
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(draws)]

    def run(first: int, last: int, clusters_in: np.ndarray) -> None:
        part = RolledGaps(_only(rows, clusters_in, n_clusters))

        def draw(k: int) -> np.ndarray:
            shift = _rolls(lookup, members, days, jitter, streams[k])
            null_a, null_g = part.gaps(shift, (start, length))
            null_c = lookup[null_a]
            per_actor = np.zeros((len(windows), n_actors))
            for i, w in enumerate(windows):
                within = null_g <= w
                counts[i, k] = np.bincount(null_c[within], minlength=n_clusters)[:n_clusters]
                per_actor[i] = np.bincount(null_a[within], minlength=n_actors)[:n_actors]
            return per_actor

        with ThreadPoolExecutor(max_workers=threads()) as pool:  # numpy sorts release the GIL
            for per_actor in pool.map(draw, range(first, last)):
                actor_sums[:] += per_actor
        given[clusters_in] = last

    if tested and draws:
        screen = min(SCREEN_DRAWS, draws)
        run(0, screen, np.asarray(tested, dtype=np.int64))
        if screen < draws:
            open_ = [
                c
                for c in tested
                if any(
                    _may_flag(observed[i].get(c, 0), counts[i, :screen, c], posts, c, min_excess)
                    for i in range(len(windows))
                )
            ]
            if open_:
                run(screen, draws, np.asarray(open_, dtype=np.int64))
    actor_cluster = lookup if len(lookup) else np.zeros(0, dtype=np.int64)
    actor_draws = np.where(actor_cluster >= 0, given[np.maximum(actor_cluster, 0)], 0)
    found = []
    for i, w in enumerate(windows):
        expected_by_actor = np.zeros(n_actors)
        has = actor_draws > 0
        expected_by_actor[: len(actor_draws)][has] = (
            actor_sums[i][: len(actor_draws)][has] / (actor_draws[has])
        )
        tests = {}
        for c in tested:
            null = counts[i, : int(given[c]), c]
            n = len(null)
            mean = float(null.mean()) if n else 0.0
            spread = float(null.std(ddof=1)) if n > 1 else 0.0
            z = _z(observed[i].get(c, 0), null)
            tests[c] = ChanceTest(observed[i].get(c, 0), mean, spread, n, z, _upper_tail(z))
        found.append(WindowTest(w, observed[i], by_actor[i], expected_by_actor, tests))
    return found


def _may_flag(
    observed: int, null: np.ndarray, posts: np.ndarray | None, cluster: int, min_excess: float
) -> bool:
    """Whether a cluster's first draws leave it a chance of being flagged (see
    :func:`test_windows`)."""
    if _z(observed, null) < SCREEN_Z:
        return False
    if posts is None or not min_excess:
        return True
    mean = float(null.mean())
    spread = float(null.std(ddof=1)) if len(null) > 1 else 0.0
    margin = 3 * max(spread, math.sqrt(mean), 1.0) / math.sqrt(len(null))
    return observed - mean + margin >= min_excess * float(posts[cluster])


def _z(observed: int, null: np.ndarray) -> float:
    """(observed - mean) / sd over the draws, the sd at least a Poisson count's with the
    draws' mean, and at least 1."""
    mean = float(null.mean()) if len(null) else 0.0
    spread = float(null.std(ddof=1)) if len(null) > 1 else 0.0
    return (observed - mean) / max(spread, math.sqrt(mean), 1.0)


def _only(rows: list[MemberActions], clusters: np.ndarray, n_clusters: int) -> list[MemberActions]:
    """``rows`` restricted to the actions of ``clusters`` (a cluster's matches depend on
    its own members' actions only)."""
    wanted = np.zeros(n_clusters, dtype=bool)
    wanted[clusters] = True
    found = []
    for r in rows:
        keep = wanted[r.cluster]
        if keep.any():
            found.append(
                MemberActions(r.post[keep], r.ts[keep], r.obj[keep], r.actor[keep], r.cluster[keep])
            )
    return found


def adjust(windows: list[WindowTest]) -> None:
    """Benjamini-Hochberg over every test of ``windows`` together (one false discovery
    rate for every cluster at every window)."""
    every = [t for w in windows for t in w.tests.values()]
    for t, q in zip(every, benjamini_hochberg([t.p for t in every]), strict=True):
        t.q = q


def _rolls(
    lookup: np.ndarray, members: np.ndarray, days: int, jitter: int, rng: np.random.Generator
) -> np.ndarray:
    """A roll in seconds per actor (0 for actors in no cluster; ``members``: the actors
    in one, by code): within each cluster, members in a random order take consecutive
    whole-day rolls from a random start, so they differ while the cluster has at most
    ``days`` members; members after the first ``days`` (sharing a day with an earlier one)
    are also moved by up to ``jitter`` seconds either way."""
    cluster_of = lookup[members]
    # one sort of (cluster, random) packed in 64 bits: a random order within each cluster
    order = members[np.argsort((cluster_of << 31) | rng.integers(0, 1 << 31, len(members)))]
    cluster = lookup[order]
    new = np.r_[True, cluster[1:] != cluster[:-1]]
    index = np.arange(len(order))
    rank = index - np.maximum.accumulate(np.where(new, index, 0))
    start = rng.integers(0, days, size=int(lookup.max()) + 1 if len(lookup) else 1)
    moved = np.where(rank >= days, rng.integers(-jitter, jitter + 1, size=len(order)), 0)
    rolls = np.zeros(len(lookup), dtype=np.int64)
    rolls[order] = (rank + start[cluster]) % days * DAY + moved
    return rolls


def _upper_tail(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def benjamini_hochberg(pvalues: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the order given."""
    m = len(pvalues)
    if m == 0:
        return []
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        adjusted[i] = min(running, 1.0)
    return adjusted
