"""Set operations on large integer arrays: distinct values, membership, reverse edges.

numpy 2.4's ``np.unique`` of a plain integer array takes a hash-table route that costs
about 100x a sort on tens of millions of values (57 s against 0.5 s for 30M int64 on
the project's 2-core machine), and ``np.isin`` and ``np.union1d`` go through it; these
give the same answers by sorting. A binary search of tens of millions of values in random
order is slow too (14 s for 22M): :func:`contains` is quick when the values are sorted,
and :func:`reverse_edges` searches each edge's reverse within one source's edges.
"""

from __future__ import annotations

import numba
import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``: the distinct values, sorted."""
    ordered = np.sort(np.asarray(values))
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def first_positions(values: np.ndarray) -> np.ndarray:
    """``np.unique(values, return_index=True)[1]``: where each distinct value first
    occurs, in the order of the sorted distinct values."""
    values = np.asarray(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    if len(ordered) == 0:
        return order
    return order[np.r_[True, ordered[1:] != ordered[:-1]]]


def contains(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per value: whether it is in ``ordered`` (sorted, distinct); ``np.isin`` without
    its hash route (quickest when ``values`` are sorted too)."""
    values = np.asarray(values)
    if len(ordered) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values


def isin(values: np.ndarray, test_values: np.ndarray) -> np.ndarray:
    """``np.isin(values, test_values)`` for integer arrays, by sorting."""
    return contains(distinct(test_values), values)


def degrees(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Edges per node code of the undirected edges ``u``-``v`` (index = code; codes
    above the largest end are absent)."""
    return np.bincount(np.concatenate([u, v]).astype(np.int64, copy=False))


def pair_order(src: np.ndarray, dst: np.ndarray) -> np.ndarray | None:
    """The order that sorts the pairs by (src, dst), or None when they already are."""
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    if len(src) < 2:
        return None
    step_src, step_dst = np.diff(src), np.diff(dst)
    if np.all((step_src > 0) | ((step_src == 0) & (step_dst >= 0))):
        return None
    return np.lexsort((dst, src))


def reverse_edges(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """For edges sorted by (src, dst), each distinct: the position of each edge's reverse
    ``dst -> src``, or -1 where there is none."""
    src, dst = np.asarray(src, np.int64), np.asarray(dst, np.int64)
    if len(src) == 0:
        return np.zeros(0, dtype=np.int64)
    n = int(max(src.max(), dst.max())) + 1
    return _reverse(src, dst, np.searchsorted(src, np.arange(n + 1)))


@numba.njit(cache=True, nogil=True)
def _reverse(src: np.ndarray, dst: np.ndarray, starts: np.ndarray) -> np.ndarray:
    out = np.full(len(src), -1, np.int64)
    for e in range(len(src)):
        s, d = src[e], dst[e]
        i, j = starts[d], starts[d + 1]
        while i < j:  # the first edge of d at or after s
            m = (i + j) >> 1
            if dst[m] < s:
                i = m + 1
            else:
                j = m
        if i < starts[d + 1] and dst[i] == s:
            out[e] = i
    return out


def heaviest_per_node(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, nodes: np.ndarray, k: int
) -> np.ndarray:
    """Per edge: whether it is among the ``k`` heaviest edges of one of its ends that is
    in ``nodes`` (ties: the earlier edge first). One compiled pass that keeps each node's
    best ``k`` so far: memory grows with ``nodes``, not with the edges."""
    src, dst = np.asarray(src), np.asarray(dst)  # int32 or int64: no copy
    keep = np.zeros(len(src), dtype=bool)
    nodes = distinct(np.asarray(nodes, np.int64))
    if len(nodes) == 0 or len(src) == 0 or k < 1:
        return keep
    top = max(int(src.max()), int(dst.max()), int(nodes.max())) + 1
    slot = np.full(top, -1, dtype=np.int64)
    slot[nodes[nodes >= 0]] = np.arange(int((nodes >= 0).sum()))
    best = np.full((len(nodes), k), -1, dtype=np.int64)
    _heaviest(src, dst, np.asarray(weight, np.float64), slot, best)
    chosen = best[best >= 0]
    keep[chosen] = True
    return keep


@numba.njit(cache=True)
def _heaviest(src, dst, weight, slot, best):  # type: ignore[no-untyped-def]
    k = best.shape[1]
    for i in range(len(src)):
        for end in (src[i], dst[i]):
            s = slot[end]
            if s < 0:
                continue
            worst = -1  # the free place, else the lightest (latest among equals) held
            for j in range(k):
                held = best[s, j]
                if held < 0:
                    worst = j
                    break
                if worst < 0:
                    worst = j
                else:
                    cur = best[s, worst]
                    if weight[held] < weight[cur] or (weight[held] == weight[cur] and held > cur):
                        worst = j
            held = best[s, worst]
            if held < 0 or weight[i] > weight[held]:
                best[s, worst] = i
