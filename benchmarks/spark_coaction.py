"""The co-action step on Spark (local mode) against the DuckDB path, on the same machine.

    python benchmarks/spark_coaction.py [--posts 10000000] [--store DIR] [--signals repost,url]
        [--window 60] [--min-weight 2] [--max-actors 500] [--master local[*]]
        [--conf spark.driver.memory=6g ...] [--seed 7]

Without ``--store``, an action store of ``--posts`` posts (the layout of
docs/action-store.md) is generated into a temporary folder: 60% reposts of ~posts/50
originals (Pareto popularity, shared over the hours after the original) and 40% link posts
(one url each, Pareto over ~posts/200 urls on 5,000 sites), by ~posts/100 accounts, plus
coordinated bursts (5% of the rows: groups of 5-30 accounts reposting one original within
seconds). With ``--store``, that store (or any Parquet with its schema) is used.

Both sides read the same Parquet and compute the same edges (checked: equal edge sets):

* **duckdb**: ``StoreReader`` (DuckDB) reads the signal tables, then the compiled sweep
  (``analytics.coaction.signal_edges``), as ``cibgraph detect`` does;
* **spark**: ``analytics.spark_coaction`` in local mode (``--master``): the JVM's start,
  reading the store, then the window join per signal, edges written as Parquet and read
  back.

It prints both times, per signal and in total, and the ratio spark / duckdb.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analytics.coaction import SignalParams, signal_edges
from analytics.spark_coaction import SparkSettings, spark_coaction, spark_session
from analytics.store import StoreReader

START = 1_565_000_000
PART_ROWS = 2_000_000


def _ids(prefix: str, values: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pa.array(values).cast(pa.string()), "")


def generate(root: Path, posts: int, seed: int) -> None:
    """An action store of ``posts`` reposts and link posts under ``root``."""
    rng = np.random.default_rng(seed)
    out = root / "actions" / "dataset=bench"
    out.mkdir(parents=True, exist_ok=True)
    actors, originals, urls = max(posts // 100, 10), max(posts // 50, 10), max(posts // 200, 10)
    for part, first in enumerate(range(0, posts, PART_ROWS)):
        n = min(PART_ROWS, posts - first)
        actor = (rng.pareto(1.2, n) * actors / 20).astype(np.int64) % actors
        repost = rng.random(n) < 0.6
        orig = (rng.pareto(1.1, n) * originals / 50).astype(np.int64) % originals
        ts = START + orig * 30 + rng.exponential(1800, n).astype(np.int64)
        burst = rng.random(n) < 0.05  # coordinated: a group reposting one original at once
        group = rng.integers(0, max(n // 500, 1), n)
        actor = np.where(burst, (group * 30 + rng.integers(0, 30, n)) % actors, actor)
        orig = np.where(burst, group % originals, orig)
        ts = np.where(burst, START + (group % originals) * 30 + rng.integers(0, 20, n), ts)
        repost |= burst
        url = (rng.pareto(1.1, n) * urls / 50).astype(np.int64) % urls
        link = pc.binary_join_element_wise(
            "http://site", pa.array(url % 5000).cast(pa.string()), ".example/a",
            pa.array(url).cast(pa.string()), "",
        )  # fmt: skip
        urls_col = pa.ListArray.from_arrays(np.arange(n + 1, dtype=np.int32), link)
        urls_col = pc.if_else(pa.array(repost), pa.scalar([], pa.list_(pa.string())), urls_col)
        table = pa.table(
            {
                "post": _ids("bench:", np.arange(first, first + n)),
                "actor": _ids("bench:u", actor),
                "ts": pa.array(ts, pa.int64()),
                "kind": pc.if_else(pa.array(repost), "repost", "post"),
                "repost_of": pc.if_else(
                    pa.array(repost), _ids("bench:o", orig), pa.scalar(None, pa.string())
                ),
                "reply_to": pa.nulls(n, pa.string()),
                "posted_in": pa.nulls(n, pa.string()),
                "urls": urls_col,
                "seq": pa.array(np.full(n, part, np.int64)),
            }
        )
        pq.write_table(table, out / f"part-{part:06d}.parquet", compression="zstd")


def edge_set(acts, edges) -> set[tuple]:  # type: ignore[no-untyped-def]
    names = acts.actors.values
    pairs = zip(edges.src, edges.dst, edges.weight, strict=True)
    return {(names[s], names[d], int(w)) for s, d, w in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000_000)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--signals", default="repost,url")
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--min-weight", type=int, default=2)
    parser.add_argument("--max-actors", default="500")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    signals = tuple(s.strip() for s in args.signals.split(","))
    cap = None if args.max_actors.lower() == "none" else int(args.max_actors)
    params = SignalParams(args.window, args.min_weight, cap)
    conf = dict(c.split("=", 1) for c in args.conf)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    with tempfile.TemporaryDirectory(prefix="cibgraph-bench-") as scratch:
        store = args.store
        if store is None:
            store = Path(scratch) / "store"
            mark = time.monotonic()
            generate(store, args.posts, args.seed)
            print(f"generated {args.posts:,} posts in {time.monotonic() - mark:.1f} s")

        mark = time.monotonic()
        with StoreReader(store, signals) as reader:
            acts = reader.actions(signals)
        duck = {"read": time.monotonic() - mark}
        local = {}
        for signal in signals:
            mark = time.monotonic()
            local[signal] = signal_edges(acts, signal, params)
            duck[signal] = time.monotonic() - mark
        duck_total = sum(duck.values())

        settings = SparkSettings(args.master, conf)
        mark = time.monotonic()
        with spark_session(settings) as _session:
            spark = {"start": time.monotonic() - mark}
            mark = time.monotonic()
            with spark_coaction(str(store), signals, settings) as job:
                spark["read"] = time.monotonic() - mark
                for signal in signals:
                    mark = time.monotonic()
                    found = job.edges(acts, signal, params)
                    spark[signal] = time.monotonic() - mark
                    same = edge_set(acts, found) == edge_set(acts, local[signal])
                    print(f"{signal}: {len(found):,} edges; identical to duckdb: {same}")
        spark_total = sum(spark.values())
    print("duckdb  " + ", ".join(f"{k} {v:.1f} s" for k, v in duck.items()))
    print("spark   " + ", ".join(f"{k} {v:.1f} s" for k, v in spark.items()))
    print(
        f"co-action step: duckdb {duck_total:.1f} s, spark ({args.master}) {spark_total:.1f} s, "
        f"ratio spark/duckdb {spark_total / duck_total:.1f}x "
        f"(without the JVM's start: {(spark_total - spark['start']) / duck_total:.1f}x)"
    )


if __name__ == "__main__":
    main()
