"""The set operations of analytics.arrays give numpy's answers (they only avoid its slow
hash route), and an edge's reverse and symmetry are found whatever the edges' order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.arrays import (
    contains,
    distinct,
    first_positions,
    heaviest_per_node,
    isin,
    pair_order,
    reverse_edges,
)
from analytics.coaction import EdgeList

small_ints = st.lists(st.integers(min_value=-50, max_value=50), max_size=60)


@settings(max_examples=200, deadline=None)
@given(small_ints, small_ints)
def test_set_operations_match_numpy(values: list[int], tests: list[int]) -> None:
    a, b = np.array(values, dtype=np.int64), np.array(tests, dtype=np.int64)
    assert distinct(a).tolist() == np.unique(a).tolist()
    assert first_positions(a).tolist() == np.unique(a, return_index=True)[1].tolist()
    assert isin(a, b).tolist() == np.isin(a, b).tolist()
    assert contains(np.unique(b), a).tolist() == np.isin(a, b).tolist()


pairs = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 12)).filter(lambda p: p[0] != p[1]),
    max_size=80,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_reverse_edges_and_symmetry(edges: list[tuple[int, int]]) -> None:
    src = np.array([s for s, _ in edges], dtype=np.int64)
    dst = np.array([d for _, d in edges], dtype=np.int64)
    order = pair_order(src, dst)
    ordered = sorted(edges)
    if order is None:
        assert edges == ordered
    else:
        assert [edges[i] for i in order] == ordered
    s_src = np.array([s for s, _ in ordered], dtype=np.int64)
    s_dst = np.array([d for _, d in ordered], dtype=np.int64)
    where = {pair: i for i, pair in enumerate(ordered)}
    expected = [where.get((d, s), -1) for s, d in ordered]
    assert reverse_edges(s_src, s_dst).tolist() == expected

    weight = np.arange(1, len(edges) + 1, dtype=np.int64)  # distinct weights, any order
    by_pair = dict(zip(edges, weight.tolist(), strict=True))
    symmetry = EdgeList("repost", src, dst, weight, np.zeros(len(edges), np.int64)).symmetry()
    for (s, d), value in zip(edges, symmetry.tolist(), strict=True):
        back = by_pair.get((d, s), 0)
        assert value == min(by_pair[(s, d)], back) / max(by_pair[(s, d)], back)


def test_reverse_of_a_known_list() -> None:
    # 0->1 (w 4), 1->0 (w 2), 0->2 (w 3), 2->1 (w 1): out of order on purpose
    edges = EdgeList(
        "url",
        np.array([2, 0, 1, 0]),
        np.array([1, 2, 0, 1]),
        np.array([1, 3, 2, 4]),
        np.zeros(4, np.int64),
    )
    assert edges.symmetry().tolist() == [0.0, 0.0, 0.5, 0.5]


def test_heaviest_edges_per_node_by_hand() -> None:
    u, v = np.array([0, 0, 0, 1, 2]), np.array([1, 2, 3, 2, 3])
    w = np.array([5.0, 3.0, 4.0, 1.0, 2.0])
    assert heaviest_per_node(u, v, w, np.array([0]), 2).tolist() == [1, 0, 1, 0, 0]
    # node 2's edges: (0,2) 3.0, (1,2) 1.0, (2,3) 2.0; node 3's: (0,3) 4.0, (2,3) 2.0
    assert heaviest_per_node(u, v, w, np.array([2, 3]), 1).tolist() == [0, 1, 1, 0, 0]
    assert not heaviest_per_node(u, v, w, np.array([], dtype=np.int64), 3).any()


@settings(max_examples=200, deadline=None)
@given(pairs, st.lists(st.integers(0, 12), max_size=6), st.integers(1, 4), st.randoms())
def test_heaviest_edges_per_node_match_a_plain_loop(
    edges: list[tuple[int, int]], nodes: list[int], k: int, rnd: object
) -> None:
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    w = np.array([float(rnd.randrange(4)) for _ in edges])  # type: ignore[attr-defined]
    expected = set()
    for node in set(nodes):
        mine = [i for i in range(len(edges)) if node in edges[i]]
        expected |= set(sorted(mine, key=lambda i: (-w[i], i))[:k])
    keep = heaviest_per_node(u, v, w, np.array(nodes, dtype=np.int64), k)
    assert set(np.flatnonzero(keep).tolist()) == expected
