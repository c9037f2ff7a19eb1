"""Community detection speed and accuracy per engine on a planted-partition graph.

    python benchmarks/louvain_speed.py [--edges 1000000] [--nodes 100000] [--mixing 0.3]
        [--engines igraph leiden louvain] [--skip-slow] [--timeout 300] [--seed 7]

Builds an ``analytics.combine.Graph`` of exactly ``--edges`` distinct undirected weighted
edges over ``--nodes`` nodes split into planted communities (sizes drawn from a power law
between 10 and 2,000): a share ``--mixing`` of the edges joins random nodes anywhere
(weight 1), the rest join two members of one community (weight 1 + Poisson(2), as
repeated co-actions would), communities picked in proportion to their size. Then times
``analytics.communities.communities(graph, engine)`` end to end (graph conversion
included) for each engine and prints the seconds, the number of communities found and
the adjusted Rand index against the planted partition
(``analytics.communities.adjusted_rand_index``, over the nodes that have an edge).

Each engine runs in a forked child process; one that has not finished after
``--timeout`` seconds (default 300) is killed and reported as such. ``--skip-slow``
leaves python-louvain (``louvain``) out altogether. Target: igraph <= 5 s on 1M edges.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import time
from multiprocessing.connection import Connection

import numpy as np

from analytics.combine import Graph
from analytics.communities import adjusted_rand_index, communities

SLOW = ("louvain",)


def planted_graph(edges: int, nodes: int, mixing: float, seed: int) -> tuple[Graph, np.ndarray]:
    """A graph with exactly ``edges`` distinct (u < v) edges and the planted community of
    every node."""
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < nodes:  # power law sizes, exponent 2, between 10 and 2,000
        sizes.append(int(min(2_000, 10 / (1 - rng.random()))))
    sizes[-1] -= sum(sizes) - nodes
    if sizes[-1] < 2:
        sizes[-2] += sizes.pop()
    size = np.asarray(sizes, dtype=np.int64)
    start = np.r_[0, np.cumsum(size)[:-1]]
    label = np.repeat(np.arange(len(size)), size)

    keys = np.zeros(0, dtype=np.int64)
    weights = np.zeros(0, dtype=np.int64)
    while len(keys) < edges:
        want = int((edges - len(keys)) * 1.1) + 16
        inter = rng.random(want) < mixing
        community = rng.choice(len(size), size=want, p=size / size.sum())
        a = start[community] + (rng.random(want) * size[community]).astype(np.int64)
        b = start[community] + (rng.random(want) * size[community]).astype(np.int64)
        a[inter] = rng.integers(0, nodes, size=int(inter.sum()))
        b[inter] = rng.integers(0, nodes, size=int(inter.sum()))
        w = np.where(inter, 1, 1 + rng.poisson(2.0, size=want))
        ok = a != b
        u, v = np.minimum(a, b)[ok], np.maximum(a, b)[ok]
        new_keys = u * nodes + v
        keys = np.concatenate([keys, new_keys])
        weights = np.concatenate([weights, w[ok]])
        keys, first = np.unique(keys, return_index=True)  # keep one weight per edge
        weights = weights[first]
    pick = np.sort(rng.choice(len(keys), size=edges, replace=False))
    keys, weights = keys[pick], weights[pick].astype(np.float64)
    u, v = keys // nodes, keys % nodes
    graph = Graph(u, v, weights)
    return graph, label


def _run(graph: Graph, engine: str, seed: int, out: Connection) -> None:
    start = time.perf_counter()
    found = communities(graph, engine=engine, seed=seed)
    seconds = time.perf_counter() - start
    nodes = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
    labels = np.fromiter(found.values(), dtype=np.int64, count=len(found))
    out.send((seconds, nodes, labels))
    out.close()


def measure(
    graph: Graph, engine: str, seed: int, timeout: float
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """Run one engine in a forked child; None when it did not finish in time."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_run, args=(graph, engine, seed, send))
    child.start()
    send.close()
    if receive.poll(timeout):
        result = receive.recv()
        child.join()
        return result  # type: ignore[no-any-return]
    child.kill()
    child.join()
    return None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--mixing", type=float, default=0.3, help="share of random edges")
    parser.add_argument(
        "--engines",
        nargs="+",
        default=["igraph", "leiden", "louvain"],
        choices=("igraph", "leiden", "louvain"),
    )
    parser.add_argument("--skip-slow", action="store_true", help="leave python-louvain out")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per engine")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    graph, planted = planted_graph(args.edges, args.nodes, args.mixing, args.seed)
    present = graph.nodes()
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus | graph: {len(graph):,} "
        f"edges, {len(present):,} nodes with an edge, {planted.max() + 1:,} planted "
        f"communities, mixing {args.mixing}, built in {time.perf_counter() - start:.1f} s"
    )
    for engine in args.engines:
        if args.skip_slow and engine in SLOW:
            print(f"{engine:8s}: skipped (--skip-slow)")
            continue
        result = measure(graph, engine, args.seed, args.timeout)
        if result is None:
            print(f"{engine:8s}: did not finish in {args.timeout:.0f} s (killed)")
            continue
        seconds, nodes, labels = result
        ari = adjusted_rand_index(planted[nodes].tolist(), labels.tolist())
        print(
            f"{engine:8s}: {seconds:.1f} s, {len(np.unique(labels)):,} communities, "
            f"ARI {ari:.3f} vs planted ({len(nodes):,} nodes)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
