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
from analytics.window_join import matched_gaps, threads

DAY = 86400
#: How far (seconds, either way) a member that shares its day-roll with another member of
#: its cluster is also moved: far beyond a co-action window, small beside a day's rhythm.
JITTER = 1800


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
    n_actors = max(len(lookup), 1)
    clusters, _, actors = matched_posts(rows, lookup, window)
    n_clusters = int(lookup.max()) + 1 if len(lookup) else 1
    matched = np.bincount(clusters, minlength=n_clusters)
    observed = {int(c): int(n) for c, n in enumerate(matched.tolist()) if n}
    by_actor = np.bincount(actors, minlength=n_actors)
    expected_by_actor = np.zeros(n_actors)
    counts = np.zeros((draws, max(n_clusters, 1)), dtype=np.int64)
    start, length = time_span(rows)
    days = length // DAY
    jitter = max(JITTER, 2 * window)

    def draw(k: int, rng: np.random.Generator) -> np.ndarray:
        shift = _rolls(lookup, days, jitter, rng)
        null_clusters, _, null_actors = matched_posts(rows, lookup, window, shift, (start, length))
        counts[k] = np.bincount(null_clusters, minlength=counts.shape[1])[: counts.shape[1]]
        return np.bincount(null_actors, minlength=n_actors)[:n_actors]

    if tested:  # one generator per draw, so the draws are the same on any number of threads
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(draws)]
        with ThreadPoolExecutor(max_workers=threads()) as pool:  # numpy sorts release the GIL
            for per_actor in pool.map(draw, range(draws), streams):
                expected_by_actor += per_actor
        expected_by_actor /= draws
    tests = {}
    for c in tested:
        null = counts[:, c]
        mean, spread = float(null.mean()), float(null.std(ddof=1)) if draws > 1 else 0.0
        sd = max(spread, math.sqrt(mean), 1.0)
        z = (observed.get(c, 0) - mean) / sd
        tests[c] = ChanceTest(observed.get(c, 0), mean, spread, draws, z, _upper_tail(z))
    result = WindowTest(window, observed, by_actor, expected_by_actor, tests)
    adjust([result])
    return result


def adjust(windows: list[WindowTest]) -> None:
    """Benjamini-Hochberg over every test of ``windows`` together (one false discovery
    rate for every cluster at every window)."""
    every = [t for w in windows for t in w.tests.values()]
    for t, q in zip(every, benjamini_hochberg([t.p for t in every]), strict=True):
        t.q = q


def _rolls(lookup: np.ndarray, days: int, jitter: int, rng: np.random.Generator) -> np.ndarray:
    """A roll in seconds per actor: within each cluster, members in a random order take
    consecutive whole-day rolls from a random start, so they differ while the cluster has
    at most ``days`` members; members after the first ``days`` (sharing a day with an
    earlier one) are also moved by up to ``jitter`` seconds either way."""
    order = np.lexsort((rng.random(len(lookup)), lookup))
    cluster = lookup[order]
    new = np.r_[True, cluster[1:] != cluster[:-1]]
    rank = np.arange(len(order)) - np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    start = rng.integers(0, days, size=int(lookup.max()) + 2 if len(lookup) else 1)
    moved = np.where(rank >= days, rng.integers(-jitter, jitter + 1, size=len(order)), 0)
    rolls = np.empty(len(lookup), dtype=np.int64)
    rolls[order] = (rank + start[cluster + 1]) % days * DAY + moved
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
