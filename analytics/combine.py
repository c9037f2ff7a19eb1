"""Per-signal directed edges -> one undirected, weighted coordination graph.

For each signal the two directions of a pair are averaged (QUT weights are directed:
``u -> v`` counts u's posts matched by v), then signals are summed with configurable
weights. Filters like the peers': a minimum combined weight, a weight percentile
(CooRnet keeps edges at or above the 0.90 quantile; default here: no percentile cut) and an
edge symmetry floor (CooRTweet: min/max of the two directions, which drops pairs where a
hyperactive account matches a quiet one by chance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from analytics.arrays import distinct
from analytics.coaction import EdgeList

#: Default weight of each signal in the combined graph. Structural signals are weaker:
#: sharing a creation hour alone is not coordination.
DEFAULT_WEIGHTS: dict[str, float] = {
    "url": 1.0,
    "domain": 0.25,
    "repost": 1.0,
    "reply": 0.5,
    "hashtag": 0.25,
    "object": 1.0,
    "text": 1.0,
    "near_text": 1.0,
    "admin": 3.0,
    "creation": 0.25,
}


@dataclass
class CombineParams:
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    min_weight: float = 1.0
    percentile: float | None = None  # keep edges >= this quantile of weights (0..1)
    min_symmetry: float = 0.0  # min(w_uv, w_vu) / max(...) across signals, 0..1


@dataclass
class Graph:
    """Undirected weighted edges between actor codes (u < v), with per-signal parts."""

    u: np.ndarray
    v: np.ndarray
    weight: np.ndarray
    #: signal -> its symmetrised weight on each edge (NaN where the signal has none; a
    #: signal with no edges at all has no entry)
    parts: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.u)

    def nodes(self) -> np.ndarray:
        return distinct(np.concatenate([self.u, self.v])) if len(self) else self.u

    @property
    def signals(self) -> list[dict[str, float]]:
        """Per edge: signal -> its (symmetrised) weight, for the signals the edge has."""
        columns = [(name, values.tolist()) for name, values in self.parts.items()]
        return [
            {name: w for name, values in columns if (w := values[i]) == w}  # NaN: none
            for i in range(len(self))
        ]

    def subset(self, keep: np.ndarray) -> Graph:
        return Graph(
            self.u[keep],
            self.v[keep],
            self.weight[keep],
            {name: values[keep] for name, values in self.parts.items()},
        )


def combine(edge_lists: list[EdgeList], params: CombineParams | None = None) -> Graph:
    """One undirected graph from the signals' directed edge lists (vectorised: each
    signal's two directions meet on the pair key ``min * n + max``)."""
    params = params or CombineParams()
    directed: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for edges in edge_lists:
        if params.weights.get(edges.signal, 1.0) > 0:
            directed[edges.signal] = (
                np.asarray(edges.src, dtype=np.int64),
                np.asarray(edges.dst, dtype=np.int64),
                np.asarray(edges.weight, dtype=np.float64),
            )
    if not directed or not any(len(src) for src, _, _ in directed.values()):
        empty = np.zeros(0, dtype=np.int64)
        return Graph(empty, empty.copy(), np.zeros(0, dtype=np.float64))
    n = 1 + max(int(max(src.max(), dst.max())) for src, dst, _ in directed.values() if len(src))
    keyed = {}
    for signal, (src, dst, w) in directed.items():
        low, high = np.minimum(src, dst), np.maximum(src, dst)
        keyed[signal] = (low * n + high, src < dst, w)
    keys = distinct(np.concatenate([k for k, _, _ in keyed.values()]))
    total = np.zeros(len(keys))
    low_sum = np.zeros(len(keys))
    high_sum = np.zeros(len(keys))
    parts: dict[str, np.ndarray] = {}
    for signal, (key, forward_side, w) in keyed.items():
        if len(key) == 0:  # a signal with no edges adds nothing (and has no part)
            continue
        at = np.searchsorted(keys, key)
        forward = np.zeros(len(keys))
        backward = np.zeros(len(keys))
        forward[at[forward_side]] = w[forward_side]
        backward[at[~forward_side]] = w[~forward_side]
        present = np.zeros(len(keys), dtype=bool)
        present[at] = True
        factor = params.weights.get(signal, 1.0)
        detail = (forward + backward) / 2
        total += np.where(present, factor * detail, 0.0)
        low_sum += np.where(present, factor * np.minimum(forward, backward), 0.0)
        high_sum += np.where(present, factor * np.maximum(forward, backward), 0.0)
        parts[signal] = np.where(present, detail, np.nan)
    symmetry = np.divide(low_sum, high_sum, out=np.zeros(len(keys)), where=high_sum != 0)
    keep = (total >= params.min_weight) & (symmetry >= params.min_symmetry)
    graph = Graph(keys // n, keys % n, total, parts).subset(keep)
    if params.percentile is not None and len(graph):
        cut = float(np.quantile(graph.weight, params.percentile))
        graph = graph.subset(graph.weight >= cut)
    return graph
