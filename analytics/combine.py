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

from analytics.coaction import EdgeList

#: Default weight of each signal in the combined graph. Structural signals are weaker:
#: sharing a creation hour alone is not coordination.
DEFAULT_WEIGHTS: dict[str, float] = {
    "url": 1.0,
    "domain": 0.25,
    "repost": 1.0,
    "reply": 0.5,
    "hashtag": 0.25,
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
    signals: list[dict[str, float]]  # per edge: signal -> its (symmetrised) weight

    def __len__(self) -> int:
        return len(self.u)

    def nodes(self) -> np.ndarray:
        return np.unique(np.concatenate([self.u, self.v])) if len(self) else self.u


def combine(edge_lists: list[EdgeList], params: CombineParams | None = None) -> Graph:
    params = params or CombineParams()
    parts: dict[tuple[int, int], dict[str, list[float]]] = {}
    for edges in edge_lists:
        factor = params.weights.get(edges.signal, 1.0)
        if factor <= 0:
            continue
        for s, d, w in zip(
            edges.src.tolist(), edges.dst.tolist(), edges.weight.tolist(), strict=True
        ):
            key = (s, d) if s < d else (d, s)
            pair = parts.setdefault(key, {}).setdefault(edges.signal, [0.0, 0.0])
            pair[0 if s < d else 1] = float(w)
    u, v, weight, signals = [], [], [], []
    for (a, b), by_signal in parts.items():
        total, low, high = 0.0, 0.0, 0.0
        detail: dict[str, float] = {}
        for signal, (forward, backward) in by_signal.items():
            factor = params.weights.get(signal, 1.0)
            detail[signal] = (forward + backward) / 2
            total += factor * detail[signal]
            low += factor * min(forward, backward)
            high += factor * max(forward, backward)
        symmetry = low / high if high else 0.0
        if total < params.min_weight or symmetry < params.min_symmetry:
            continue
        u.append(a)
        v.append(b)
        weight.append(total)
        signals.append(detail)
    order = np.lexsort((np.asarray(v), np.asarray(u))) if u else np.zeros(0, dtype=np.int64)
    graph = Graph(
        np.asarray(u, dtype=np.int64)[order],
        np.asarray(v, dtype=np.int64)[order],
        np.asarray(weight, dtype=np.float64)[order],
        [signals[i] for i in order],
    )
    if params.percentile is not None and len(graph):
        cut = float(np.quantile(graph.weight, params.percentile))
        keep = graph.weight >= cut
        graph = Graph(
            graph.u[keep],
            graph.v[keep],
            graph.weight[keep],
            [s for s, k in zip(graph.signals, keep, strict=True) if k],
        )
    return graph
