"""Engines agree on a planted partition; ARI/NMI maths."""

from __future__ import annotations

import random

import numpy as np
import pytest

from analytics.combine import Graph
from analytics.communities import adjusted_rand_index, communities, normalized_mutual_info


def planted(
    groups: int = 4, size: int = 30, p_in: float = 0.4, p_out: float = 0.01, seed: int = 3
) -> tuple[Graph, list[int]]:
    rng = random.Random(seed)
    n = groups * size
    u, v = [], []
    for a in range(n):
        for b in range(a + 1, n):
            if rng.random() < (p_in if a // size == b // size else p_out):
                u.append(a)
                v.append(b)
    graph = Graph(np.asarray(u), np.asarray(v), np.ones(len(u)))
    return graph, [i // size for i in range(n)]


@pytest.mark.parametrize("engine", ["louvain", "igraph", "leiden"])
def test_engine_recovers_planted_partition(engine: str) -> None:
    graph, truth = planted()
    found = communities(graph, engine, seed=1)
    labels = [found[i] for i in range(len(truth))]
    assert adjusted_rand_index(labels, truth) >= 0.9


def test_engines_agree_with_each_other_and_are_deterministic() -> None:
    graph, _ = planted(groups=5, size=40, seed=11)
    results = {e: communities(graph, e, seed=7) for e in ("louvain", "igraph", "leiden")}
    nodes = sorted(results["igraph"])
    for a in results:
        for b in results:
            la = [results[a][n] for n in nodes]
            lb = [results[b][n] for n in nodes]
            assert adjusted_rand_index(la, lb) >= 0.9, (a, b)
    assert communities(graph, "louvain", seed=7) == results["louvain"]
    assert communities(graph, "igraph", seed=7) == results["igraph"]


def test_largest_community_is_index_zero() -> None:
    graph = Graph(np.asarray([0, 0, 1, 10]), np.asarray([1, 2, 2, 11]), np.ones(4))
    found = communities(graph, "igraph")
    assert found[0] == found[1] == found[2] == 0 and found[10] == found[11] == 1


def test_unknown_engine_and_gds_without_server() -> None:
    graph, _ = planted(groups=2, size=5)
    with pytest.raises(ValueError, match="unknown engine"):
        communities(graph, "magic")
    with pytest.raises(Exception, match="Graph Data Science"):
        communities(graph, "gds", db=None)


def test_ari_and_nmi_maths() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 9, 9]) == 1.0
    assert normalized_mutual_info([0, 0, 1, 1], [1, 1, 0, 0]) == pytest.approx(1.0)
    # by hand: contingency [[2, 1], [0, 2]] -> index C(2,2)+C(2,2) = 2; row pairs
    # C(3,2)+C(2,2) = 4; column pairs 4; expected 4*4/C(5,2) = 1.6; max 4
    # -> ARI = (2 - 1.6) / (4 - 1.6) = 1/6
    assert adjusted_rand_index([0, 0, 0, 1, 1], [0, 0, 1, 1, 1]) == pytest.approx(1 / 6)
    assert normalized_mutual_info([0, 1, 0, 1], [0, 0, 1, 1]) == pytest.approx(0.0)
