"""Co-action network speed and memory at scale, and near-duplicate grouping speed.

    python benchmarks/coaction_speed.py [--posts 10000000] [--texts 1000000] [--window 60]
        [--min-weight 2] [--timeout 600] [--seed 7] [--only repost url text]
        [--caps 500 none] [--hot-share 0.02]

``--max-actors`` is another name for ``--caps`` (``--max-actors none``: only without cap).

Co-action: synthetic action tables built directly as numpy columns into
``analytics.actions.SignalTable`` objects (no row dicts): ``--posts`` reposts over
~posts/20 actors (Pareto activity) and ~posts/10 reposted messages (Pareto popularity, so
a few are hot; the hottest gets at most ``--hot-share`` of the rows, default 2%), spread
over hours after the message, plus coordinated bursts (5% of the rows: groups of 5-50
actors acting on one object within seconds); and ``--posts`` link-share rows the same
way (15% of link posts carry two urls). For each signal,
``analytics.coaction.window_edges`` (the compiled sweep of ``analytics.window_join``) is
timed with ``max_actors`` 500 and with ``None`` (no hot-object cap); ``--caps`` picks which.

Near duplicates: ``--texts`` short multilingual texts (English words and a few Chinese
characters, 5% near-copies of another text with one word swapped or an emoji added),
normalised with ``analytics.actions.normalise_text`` as the pipeline does, then
``analytics.minhash.near_duplicate_groups`` is timed; the recall of the planted
near-copy pairs (both texts in one group) is printed too.

Every measurement runs in its own child process (so peak RSS, ``ru_maxrss``, is that
measurement's, data included; the RSS once the data is built is printed alongside) and
is killed after ``--timeout`` seconds. Targets: 10M posts <= 60 s and <= 8 GiB per signal;
1M texts <= 20 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from analytics.actions import Codes, SignalTable, normalise_text
from analytics.coaction import SignalParams, window_edges
from analytics.minhash import near_duplicate_groups

SPAN = 30 * 86_400
START = 1_567_296_000


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- actions


def action_table(posts: int, seed: int, signal: str, hot_share: float = 0.02) -> SignalTable:
    """``posts`` (actor, post, ts, obj) rows of a repost-like or link-like signal."""
    rng = np.random.default_rng([seed, 0 if signal == "repost" else 1])
    n_actors = max(100, posts // 20)
    n_objects = max(100, posts // 10)
    activity = rng.pareto(1.5, n_actors) + 1.0
    popularity = rng.pareto(1.1, n_objects) + 1.0
    # the hottest object gets at most hot_share of the actions (Pareto's maximum would be
    # ~10% of them: one link shared a million times in 10M shares)
    popularity = np.minimum(popularity, hot_share * popularity.sum())
    created = rng.integers(0, SPAN, size=n_objects)

    # coordinated bursts: groups of 5-50 actors on one object within seconds
    n_groups = max(2, posts // 20_000)
    sizes = rng.integers(5, 51, size=n_groups)
    offsets = np.r_[0, np.cumsum(sizes)]
    members = rng.integers(0, n_actors, size=int(offsets[-1]))
    burst_budget = posts // 20
    n_bursts = max(1, int(burst_budget / (0.8 * sizes.mean())))
    group = rng.integers(0, n_groups, size=n_bursts)
    burst_obj = rng.integers(0, n_objects, size=n_bursts)
    burst_t0 = created[burst_obj] + 1 + rng.exponential(600.0, size=n_bursts).astype(np.int64)
    per = sizes[group]
    burst_of_row = np.repeat(np.arange(n_bursts), per)
    within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    b_actor = members[offsets[group][burst_of_row] + within]
    keep = rng.random(len(b_actor)) < 0.8
    burst_of_row, b_actor = burst_of_row[keep][:burst_budget], b_actor[keep][:burst_budget]
    b_obj = burst_obj[burst_of_row]
    b_ts = burst_t0[burst_of_row] + rng.exponential(5.0, size=len(b_actor)).astype(np.int64)

    n_bg = posts - len(b_actor)
    g_actor = rng.choice(n_actors, size=n_bg, p=activity / activity.sum())
    g_obj = rng.choice(n_objects, size=n_bg, p=popularity / popularity.sum())
    g_ts = created[g_obj] + 1 + rng.exponential(6 * 3600.0, size=n_bg).astype(np.int64)

    actor = np.concatenate([b_actor, g_actor]).astype(np.int64)
    obj = np.concatenate([b_obj, g_obj]).astype(np.int64)
    ts = np.concatenate([b_ts, g_ts]).astype(np.int64) + START
    post = np.arange(posts, dtype=np.int64)
    if signal == "url":  # 15% of link posts carry two urls: the second row reuses a post id
        second = np.flatnonzero(rng.random(posts) < 0.15)
        second = second[second > 0]
        post[second] = post[second - 1]
        actor[second] = actor[second - 1]
        ts[second] = ts[second - 1]
    return SignalTable(actor, post, ts, obj, Codes())


def run_coaction(args: argparse.Namespace, signal: str, cap: int | None) -> dict[str, Any]:
    start = time.perf_counter()
    table = action_table(args.posts, args.seed, signal, args.hot_share)
    built = time.perf_counter() - start
    rss_data = peak_rss_mib()
    params = SignalParams(window=args.window, min_weight=args.min_weight, max_actors=cap)
    start = time.perf_counter()
    edges = window_edges(table, signal, params)
    seconds = time.perf_counter() - start
    return {
        "rows": len(table),
        "posts": len(np.unique(table.post)),
        "actors": len(np.unique(table.actor)),
        "objects": len(np.unique(table.obj)),
        "max_object_rows": int(np.bincount(table.obj).max()),
        "build_s": built,
        "seconds": seconds,
        "edges": len(edges),
        "skipped": edges.skipped_objects,
        "rss_data_mib": rss_data,
        "peak_rss_mib": peak_rss_mib(),
    }


# --------------------------------------------------------------------------- texts

EMOJI = ["😀", "🔥", "👍", "🙏", "😡", "💔", "🇭🇰", "✊"]


def make_texts(n: int, seed: int) -> tuple[list[str], list[tuple[int, int]]]:
    """n short texts; 5% are near-copies of an earlier one. Returns texts and the planted
    (original, copy) pairs."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnoprstuvwyz"
    vocab = sorted({"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(20_000)})
    hanzi = [chr(c) for c in range(0x4E00, 0x4E00 + 3_000)]
    texts: list[str] = []
    pairs: list[tuple[int, int]] = []
    for i in range(n):
        if i > 10 and rng.random() < 0.05:
            j = rng.randrange(i)
            words = texts[j].split(" ")
            if rng.random() < 0.5:
                words[rng.randrange(len(words))] = rng.choice(vocab)
            else:
                words.insert(rng.randrange(len(words) + 1), rng.choice(EMOJI))
            texts.append(" ".join(words))
            pairs.append((j, i))
            continue
        words = rng.choices(vocab, k=rng.randint(8, 20))
        chinese = "".join(rng.choices(hanzi, k=rng.randint(2, 6)))
        words.insert(rng.randrange(len(words) + 1), chinese)
        if rng.random() < 0.3:
            words.append(rng.choice(EMOJI))
        texts.append(" ".join(words))
    return texts, pairs


def run_texts(args: argparse.Namespace) -> dict[str, Any]:
    start = time.perf_counter()
    raw, pairs = make_texts(args.texts, args.seed)
    made = time.perf_counter() - start
    start = time.perf_counter()
    texts = [normalise_text(t) for t in raw]
    normalised = time.perf_counter() - start
    rss_data = peak_rss_mib()
    start = time.perf_counter()
    groups = near_duplicate_groups(texts, threshold=0.8)
    seconds = time.perf_counter() - start
    found = sum(1 for a, b in pairs if groups[a] >= 0 and groups[a] == groups[b])
    return {
        "texts": len(texts),
        "make_s": made,
        "normalise_s": normalised,
        "seconds": seconds,
        "grouped_texts": int((groups >= 0).sum()),
        "groups": len(np.unique(groups[groups >= 0])),
        "planted_pairs": len(pairs),
        "planted_found": found,
        "rss_data_mib": rss_data,
        "peak_rss_mib": peak_rss_mib(),
    }


# --------------------------------------------------------------------------- driver


def child(args: argparse.Namespace, task: str, timeout: float) -> dict[str, Any] | None:
    """Run one measurement in a fresh interpreter; None when it timed out."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--posts",
        str(args.posts),
        "--texts",
        str(args.texts),
        "--window",
        str(args.window),
        "--min-weight",
        str(args.min_weight),
        "--seed",
        str(args.seed),
        "--hot-share",
        str(args.hot_share),
        "--task",
        task,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        print(f"  {task}: killed after {time.perf_counter() - start:.0f} s (--timeout)")
        return None
    if proc.returncode:
        raise SystemExit(f"{task} failed with exit status {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1])


def cap_value(text: str) -> str:
    """A --caps / --max-actors value: a positive integer or ``none``, normalised."""
    if text.strip().lower() == "none":
        return "none"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer or 'none': {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return str(value)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=10_000_000)
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--min-weight", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--hot-share",
        type=float,
        default=0.02,
        help="cap on the share of one signal's actions that the hottest object gets",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per measurement")
    parser.add_argument(
        "--only", nargs="+", choices=("repost", "url", "text"), default=["repost", "url", "text"]
    )
    parser.add_argument(
        "--caps",
        "--max-actors",
        nargs="+",
        default=["500", "none"],
        type=cap_value,
        help="max_actors values to time: integers, or none (no hot-object cap)",
    )
    parser.add_argument("--task", default=None, help=argparse.SUPPRESS)  # child process
    args = parser.parse_args()

    if args.task is not None:  # child: one measurement, a JSON line on stdout
        if args.task == "text":
            result = run_texts(args)
        else:
            signal, cap = args.task.split(":")
            result = run_coaction(args, signal, None if cap == "none" else int(cap))
        print(json.dumps(result))
        return 0

    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, posts {args.posts:,}, "
        f"texts {args.texts:,}, window {args.window} s, min weight {args.min_weight}"
    )
    for signal in ("repost", "url"):
        if signal not in args.only:
            continue
        for cap in args.caps:
            r = child(args, f"{signal}:{cap}", args.timeout)
            if r is None:
                continue
            print(
                f"{signal:6s} max_actors={cap:>4s}: {r['seconds']:.1f} s, {r['edges']:,} edges, "
                f"{r['skipped']:,} hot objects skipped, peak RSS {r['peak_rss_mib'] / 1024:.2f} "
                f"GiB (data alone {r['rss_data_mib'] / 1024:.2f} GiB) | {r['rows']:,} rows, "
                f"{r['posts']:,} posts, {r['actors']:,} actors, {r['objects']:,} objects, "
                f"hottest object {r['max_object_rows']:,} rows, generated in {r['build_s']:.1f} s"
            )
    if "text" in args.only:
        r = child(args, "text", args.timeout)
        if r is not None:
            print(
                f"near_duplicate_groups on {r['texts']:,} texts: {r['seconds']:.1f} s, "
                f"{r['grouped_texts']:,} texts in {r['groups']:,} groups, planted near-copies "
                f"found {r['planted_found']:,}/{r['planted_pairs']:,}, peak RSS "
                f"{r['peak_rss_mib'] / 1024:.2f} GiB (data alone "
                f"{r['rss_data_mib'] / 1024:.2f} GiB) | generated in {r['make_s']:.1f} s, "
                f"normalised in {r['normalise_s']:.1f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
