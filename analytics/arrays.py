"""Sorted distinct values of large integer arrays.

numpy 2.4's ``np.unique`` of a plain integer array takes a hash-table route that costs
about 100x a sort on tens of millions of values (57 s against 0.5 s for 30M int64 on
the project's 2-core machine); these give the same answers by sorting.
"""

from __future__ import annotations

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
