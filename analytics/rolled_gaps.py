"""Each member post's nearest match by another member, under many rolls of the timelines,
compiled: the inner loop of the test against chance (:mod:`analytics.chance`).

A draw moves every account's times and asks again which posts another member of the same
cluster matched on the same object. The groups (signal, object, cluster) do not change
from one draw to the next, only the order of times within each group, so the actions are
grouped once (:class:`RolledGaps`) and each draw sorts each group's rolled times and
takes, for every action, the gap to the nearest action by another actor of its group
(skipping the actor's own run of actions, as :func:`analytics.window_join.matched_gaps`
does). A post's gap is its smallest over its actions, on every signal; it is matched
within a window exactly when that gap is within it, so one draw serves every window.
"""

from __future__ import annotations

import numba
import numpy as np

#: The gap of an action or post that nothing matched.
NO_MATCH = np.iinfo(np.int64).max


@numba.njit(cache=True, nogil=True)
def _nearest(
    starts: np.ndarray,
    ts: np.ndarray,
    actor: np.ndarray,
    local_post: np.ndarray,
    shift: np.ndarray,
    span_start: int,
    span_length: int,
    rolled: bool,
    n_posts: int,
) -> np.ndarray:
    """The smallest gap of each local post (``NO_MATCH`` if none) under ``shift``."""
    best = np.full(n_posts, NO_MATCH, np.int64)
    widest = 0
    for g in range(len(starts) - 1):
        widest = max(widest, starts[g + 1] - starts[g])
    t = np.empty(widest, np.int64)  # one group's times, and their order (reused)
    order = np.empty(widest, np.int64)
    for g in range(len(starts) - 1):
        lo, hi = starts[g], starts[g + 1]
        n = hi - lo
        for i in range(n):
            row = lo + i
            if rolled:
                t[i] = (ts[row] - span_start + shift[actor[row]]) % span_length + span_start
            else:
                t[i] = ts[row]
        if n <= 32:  # most groups are small: an insertion sort, no allocation
            for i in range(n):
                order[i] = i
            for i in range(1, n):
                k = order[i]
                j = i - 1
                while j >= 0 and t[order[j]] > t[k]:
                    order[j + 1] = order[j]
                    j -= 1
                order[j + 1] = k
        else:
            order[:n] = np.argsort(t[:n])
        # runs of one actor in time order: the nearest other actor is just outside the run
        i = 0
        while i < n:
            a = actor[lo + order[i]]
            j = i
            while j + 1 < n and actor[lo + order[j + 1]] == a:
                j += 1
            before = t[order[i - 1]] if i > 0 else -1
            after = t[order[j + 1]] if j + 1 < n else -1
            for k in range(i, j + 1):
                tk = t[order[k]]
                gap = NO_MATCH
                if i > 0:
                    gap = tk - before
                if j + 1 < n and after - tk < gap:
                    gap = after - tk
                p = local_post[lo + order[k]]
                if gap < best[p]:
                    best[p] = gap
            i = j + 1
    return best


class RolledGaps:
    """The member actions of every signal, grouped by (signal, object, cluster) once."""

    def __init__(self, rows: list) -> None:  # rows: list[analytics.chance.MemberActions]
        if not rows:
            self.starts = np.zeros(1, np.int64)
            self.ts = self.actor = self.local_post = self.post_actor = np.zeros(0, np.int64)
            self.n_posts = 0
            return
        keys, ts, actors, posts = [], [], [], []
        n_clusters = max(int(r.cluster.max()) for r in rows) + 1
        offset = 0
        for r in rows:  # object codes are per signal: offset them so groups never mix
            obj = np.asarray(r.obj, np.int64)
            keys.append((obj + offset) * n_clusters + np.asarray(r.cluster, np.int64))
            offset += int(obj.max()) + 1
            ts.append(np.asarray(r.ts, np.int64))
            actors.append(np.asarray(r.actor, np.int64))
            posts.append(np.asarray(r.post, np.int64))
        key = np.concatenate(keys)
        order = np.argsort(key, kind="stable")
        key = key[order]
        self.ts = np.concatenate(ts)[order]
        self.actor = np.concatenate(actors)[order]
        post = np.concatenate(posts)[order]
        distinct, self.local_post = np.unique(post, return_inverse=True)
        self.local_post = self.local_post.astype(np.int64)
        self.n_posts = len(distinct)
        self.post_actor = np.zeros(self.n_posts, np.int64)
        self.post_actor[self.local_post] = self.actor  # every action of a post: its author
        new = np.r_[True, key[1:] != key[:-1]]
        self.starts = np.r_[np.flatnonzero(new), len(key)].astype(np.int64)

    def gaps(
        self, shift: np.ndarray | None = None, span: tuple[int, int] = (0, 1)
    ) -> tuple[np.ndarray, np.ndarray]:
        """(actor, smallest gap) of every member post, with the times rolled by ``shift``
        (seconds per actor) within ``span`` (start, length), or as they are."""
        rolled = shift is not None
        best = _nearest(
            self.starts,
            self.ts,
            self.actor,
            self.local_post,
            shift if rolled else np.zeros(1, np.int64),
            int(span[0]),
            int(span[1]),
            rolled,
            self.n_posts,
        )
        return self.post_actor, best
