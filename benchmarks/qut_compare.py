"""Side by side with the QUT coordination-network-toolkit on the same CSV: edges and time.

    python benchmarks/qut_compare.py [--messages 1000000] [--seed 7] [--window 60]
        [--min-weight 2] [--workdir DIR]

Generates a synthetic CSV in QUT's generic 8-column layout (message_id, user_id, username,
repost_id, reply_id, message, timestamp, urls): ~N/20 users with heavy-tailed activity,
~40% retweets (coordinated bursts - a group retweets one message within seconds - and
background retweets spread over hours), ~30% of originals with 1-2 urls from a Zipf pool
(plus coordinated link bursts and a few same-user repeat shares), timestamps over 30 days.

Then, for co_retweet and co_link with the same ``--window`` and ``--min-weight``, both
tools as a user runs them, each a subprocess, in this one run:

* QUT (v1.5.2, installed into this interpreter with pip when missing):
  ``python -m coordination_network_toolkit DB preprocess``, then ``compute co_retweet``
  and ``compute co_link`` with a CSV export each (the export calls QUT's own
  ``output_gephi_csv`` in a subprocess, because the 1.5.2 CLI's ``export_network
  --output_format csv`` fails with a TypeError);
* cibgraph: ``cibgraph detect FILE --signals repost,url --window W --min-weight M
  --max-actors none --edges-out EDGES.csv --out DIR`` (file in, edges, clusters and
  explanations out; no hot-object cap, like QUT).

The edge sets (source, target, weight; QUT drops self loops on export, we never make
them) must be identical: counts and the first differences are printed, and the exit
status is 1 when they differ. QUT's preprocess splits the urls column with ``split(" ")``,
so an empty urls column becomes the url ``""`` and co_link links every pair of users
posting url-less originals within the window. The script counts those rows, then
recomputes QUT's co_link on the same database without them (timed too): that is the
network ours must equal, and the QUT time the ratio uses.

Also printed, labelled **library only** (no CLI start, no clusters, not what a user
runs): ``analytics.qutfile.edges_from_qut_csv``, DuckDB straight from the CSV to edges.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from analytics.coaction import SignalParams

QUT_PACKAGE = "coordination_network_toolkit"
QUT_VERSION = "1.5.2"
HEADER = [
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
]
NETWORKS = {"co_retweet": "repost", "co_link": "url"}
START = 1_567_296_000  # 2019-09-01T00:00:00Z
SPAN = 30 * 86_400
WORDS = [
    "hong",
    "kong",
    "protest",
    "police",
    "government",
    "freedom",
    "news",
    "today",
    "people",
    "city",
    "street",
    "march",
    "democracy",
    "vote",
    "law",
    "bill",
    "support",
    "against",
    "violence",
    "peace",
    "china",
    "world",
    "truth",
    "media",
    "video",
    "watch",
    "share",
    "breaking",
    "update",
    "live",
    "report",
    "must",
    "stop",
    "end",
    "now",
    "all",
    "our",
    "your",
    "the",
    "a",
    "is",
    "are",
    "was",
    "for",
    "with",
    "this",
    "that",
    "from",
    "they",
    "we",
    "you",
    "not",
    "never",
    "always",
    "again",
]
TAGS = ["#hongkong", "#antiELAB", "#HK", "#news", "#freedom", "#china", "#breaking"]


# --------------------------------------------------------------------------- data


def _diurnal_times(rng: np.random.Generator, n: int) -> np.ndarray:
    """n timestamps over the span with a day/night rhythm (rejection sampling)."""
    out: list[np.ndarray] = []
    have = 0
    while have < n:
        t = rng.uniform(0, SPAN, size=max(1024, 2 * (n - have)))
        keep = rng.random(len(t)) < (1 + 0.6 * np.sin(2 * np.pi * t / 86_400)) / 1.6
        out.append(t[keep])
        have += int(keep.sum())
    return np.concatenate(out)[:n].astype(np.int64)


def generate(path: Path, messages: int, seed: int, repeat_rate: float = 0.005) -> dict[str, int]:
    """Write a QUT generic CSV of exactly ``messages`` rows; returns a few counts."""
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    n_users = max(20, messages // 20)
    activity = rng.pareto(1.5, n_users) + 1.0
    p_user = activity / activity.sum()
    n_groups = max(2, messages // 4_000)
    groups = [
        rng.choice(n_users, size=int(rng.integers(5, 31)), replace=False, p=None)
        for _ in range(n_groups)
    ]
    n_rt = round(0.4 * messages)
    n_orig = messages - n_rt

    # originals: coordinated link bursts, same-user repeat shares, the rest
    ts_parts: list[np.ndarray] = []
    user_parts: list[np.ndarray] = []
    urls: list[list[str]] = []
    link_budget = round(0.04 * n_orig)
    burst_ts: list[int] = []
    burst_user: list[int] = []
    burst_no = 0
    while len(burst_ts) < link_budget:
        g = int(rng.integers(n_groups))
        members = groups[g][rng.random(len(groups[g])) < 0.8]
        t0 = int(rng.integers(0, SPAN))
        url = f"https://campaign{g}.example/story/{burst_no}"
        burst_no += 1
        for m in members:
            burst_ts.append(t0 + int(rng.exponential(6.0)))
            burst_user.append(int(m))
            urls.append([url])
    del burst_ts[link_budget:], burst_user[link_budget:], urls[link_budget:]
    ts_parts.append(np.asarray(burst_ts, dtype=np.int64))
    user_parts.append(np.asarray(burst_user, dtype=np.int64))

    n_repeat = round(repeat_rate * 0.3 * n_orig)
    n_regular = n_orig - link_budget - n_repeat
    reg_ts = _diurnal_times(rng, n_regular)
    reg_user = rng.choice(n_users, size=n_regular, p=p_user)
    n_pool = max(10, messages // 10)
    pool_weight = rng.pareto(1.2, n_pool) + 1.0
    url_pick = rng.choice(n_pool, size=2 * n_regular, p=pool_weight / pool_weight.sum())
    has_url = rng.random(n_regular) < 0.3
    two_urls = rng.random(n_regular) < 0.25
    reg_urls: list[list[str]] = []
    for i in range(n_regular):
        if not has_url[i]:
            reg_urls.append([])
            continue
        picks = {int(url_pick[2 * i])} | ({int(url_pick[2 * i + 1])} if two_urls[i] else set())
        reg_urls.append([f"https://site{k % 997}.example/p/{k}" for k in sorted(picks)])
    urls.extend(reg_urls)
    ts_parts.append(reg_ts)
    user_parts.append(reg_user)
    with_url = np.flatnonzero(has_url)
    source = rng.choice(with_url, size=n_repeat) if len(with_url) else np.zeros(0, np.int64)
    ts_parts.append(reg_ts[source] + rng.integers(1, 91, size=n_repeat))
    user_parts.append(reg_user[source])
    urls.extend(reg_urls[int(i)] for i in source)

    orig_ts = np.concatenate(ts_parts)
    orig_user = np.concatenate(user_parts)
    popularity = rng.pareto(1.1, n_orig) + 1.0
    p_orig = popularity / popularity.sum()

    # retweets: coordinated bursts, then background retweets spread over hours
    rt_budget = round(0.3 * n_rt)
    rb_ts: list[int] = []
    rb_user: list[int] = []
    rb_target: list[int] = []
    while len(rb_ts) < rt_budget:
        g = int(rng.integers(n_groups))
        members = groups[g][rng.random(len(groups[g])) < 0.8]
        target = (
            int(rng.choice(n_orig, p=p_orig)) if rng.random() < 0.5 else int(rng.integers(n_orig))
        )
        t0 = int(orig_ts[target]) + 1 + int(rng.exponential(600.0))
        for m in members:
            rb_ts.append(t0 + int(rng.exponential(5.0)))
            rb_user.append(int(m))
            rb_target.append(target)
    del rb_ts[rt_budget:], rb_user[rt_budget:], rb_target[rt_budget:]
    n_bg = n_rt - rt_budget
    bg_target = rng.choice(n_orig, size=n_bg, p=p_orig)
    bg_ts = orig_ts[bg_target] + 1 + rng.exponential(4 * 3600.0, size=n_bg).astype(np.int64)
    bg_user = rng.choice(n_users, size=n_bg, p=p_user)

    ts = np.concatenate([orig_ts, np.asarray(rb_ts, np.int64), bg_ts]) + START
    user = np.concatenate([orig_user, np.asarray(rb_user, np.int64), bg_user])
    target = np.concatenate(
        [np.full(n_orig, -1, np.int64), np.asarray(rb_target, np.int64), bg_target]
    )
    order = np.argsort(ts, kind="stable")
    position = np.empty(messages, dtype=np.int64)
    position[order] = np.arange(messages)
    is_reply = rng.random(messages) < 0.1

    texts = [
        " ".join(prng.choices(WORDS, k=prng.randint(4, 14)))
        + (f" {prng.choice(TAGS)}" if prng.random() < 0.3 else "")
        + (", right?" if prng.random() < 0.05 else "")
        for _ in range(n_orig)
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for pos in range(messages):
            i = int(order[pos])
            u = int(user[i])
            t = int(target[i])
            if t >= 0:
                repost_id = str(10**12 + int(position[t]))
                text = f"RT @user{int(orig_user[t])}: {texts[t]}"
                reply_id, url_field = "", ""
            else:
                repost_id = ""
                text = texts[i]
                reply_id = str(10**12 + prng.randrange(pos)) if is_reply[i] and pos else ""
                url_field = " ".join(urls[i])
            w.writerow(
                [
                    str(10**12 + pos),
                    str(10**8 + u),
                    f"user{u}",
                    repost_id,
                    reply_id,
                    text,
                    str(int(ts[i])),
                    url_field,
                ]
            )
    return {
        "users": n_users,
        "groups": n_groups,
        "retweets": n_rt,
        "burst_retweets": rt_budget,
        "originals": n_orig,
        "link_burst_originals": link_budget,
        "repeat_shares": n_repeat,
        "originals_with_urls": int(has_url.sum()) + link_budget + n_repeat,
    }


# --------------------------------------------------------------------------- QUT


def ensure_qut() -> str:
    if importlib.util.find_spec(QUT_PACKAGE) is None:
        print(f"installing {QUT_PACKAGE}=={QUT_VERSION} into {sys.executable} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", f"{QUT_PACKAGE}=={QUT_VERSION}"],
            check=True,
        )
        importlib.invalidate_caches()
    return importlib.metadata.version(QUT_PACKAGE)


def _run(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise subprocess.CalledProcessError(done.returncode, command)
    return time.perf_counter() - start


def qut(db: Path, *args: str) -> float:
    """Run one QUT command (``python -m coordination_network_toolkit DB ...``) as a
    subprocess; returns its wall seconds."""
    return _run([sys.executable, "-m", QUT_PACKAGE, str(db), *args])


def qut_export_csv(db: Path, network: str, out: Path) -> float:
    """QUT's own CSV edge export (``output.output_gephi_csv``, loops dropped) in a
    subprocess. The CLI's ``export_network --output_format csv`` cannot be used: in 1.5.2
    it passes ``n_messages`` to ``output_gephi_csv``, which has no such parameter
    (TypeError)."""
    code = (
        "import sys; from coordination_network_toolkit.output import output_gephi_csv; "
        "output_gephi_csv(sys.argv[1], sys.argv[2], sys.argv[3])"
    )
    return _run([sys.executable, "-c", code, str(db), network, str(out)])


def read_edge_csv(path: Path) -> dict[tuple[str, str], int]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        return {(row[0], row[1]): int(float(row[2])) for row in reader}


# --------------------------------------------------------------------------- ours


def read_signal_edges(path: Path) -> dict[str, dict[tuple[str, str], int]]:
    """``cibgraph detect --edges-out``: signal -> {(source, target): weight}."""
    out: dict[str, dict[tuple[str, str], int]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["signal"], {})[(row["source"], row["target"])] = int(row["weight"])
    return out


def write_edges(path: Path, edges: dict[tuple[str, str], int], network: str) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(["source", "target", "weight", "edge_type"])
        for (src, dst), weight in edges.items():
            w.writerow([src, dst, weight, network])


# --------------------------------------------------------------------------- compare


def compare(
    qut_edges: dict[tuple[str, str], int], ours: dict[tuple[str, str], int], show: int = 5
) -> bool:
    only_qut = sorted(set(qut_edges) - set(ours))
    only_ours = sorted(set(ours) - set(qut_edges))
    differ = sorted(k for k in set(qut_edges) & set(ours) if qut_edges[k] != ours[k])
    print(
        f"    edges: QUT {len(qut_edges):,}  ours {len(ours):,}  only QUT {len(only_qut):,}  "
        f"only ours {len(only_ours):,}  weight differs {len(differ):,}"
    )
    for label, keys in (("only QUT", only_qut), ("only ours", only_ours), ("differs", differ)):
        for key in keys[:show]:
            print(
                f"      {label}: {key[0]} -> {key[1]}  QUT={qut_edges.get(key)}  "
                f"ours={ours.get(key)}"
            )
    return not (only_qut or only_ours or differ)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--window", type=int, default=60, help="seconds either side")
    parser.add_argument("--min-weight", type=int, default=2)
    parser.add_argument(
        "--repeat-rate",
        type=float,
        default=0.005,
        help="share of url posts repeated by the same user within 90 s",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep the CSV, database and edge files here (default: a temp dir)",
    )
    args = parser.parse_args()

    version = ensure_qut()
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, QUT toolkit {version}, "
        f"window {args.window} s, min weight {args.min_weight}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = work / f"qut_{args.messages}_{args.seed}.csv"
        start = time.perf_counter()
        counts = generate(data, args.messages, args.seed, args.repeat_rate)
        print(
            f"generated {args.messages:,} messages in {time.perf_counter() - start:.1f} s "
            f"({data.stat().st_size / 2**20:.0f} MiB): "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )

        db = work / "qut.db"
        for leftover in work.glob("qut.db*"):
            leftover.unlink()
        qut_pre = qut(db, "preprocess", "--format", "csv", str(data))
        qut_net: dict[str, float] = {}
        qut_edges: dict[str, dict[tuple[str, str], int]] = {}
        for network in NETWORKS:
            out = work / f"qut_{network}.csv"
            qut_net[network] = qut(
                db,
                "compute",
                network,
                "--time_window",
                str(args.window),
                "--min_edge_weight",
                str(args.min_weight),
            ) + qut_export_csv(db, network, out)
            qut_edges[network] = read_edge_csv(out)
        with sqlite3.connect(db) as con:
            empty_urls = con.execute("select count(*) from message_url where url = ''").fetchone()
        print(
            f"QUT preprocess {qut_pre:.1f} s; empty-string urls in its message_url: "
            f"{empty_urls[0]:,}"
        )

        # QUT's preprocess splits the urls column with split(" "): an empty column is the
        # url "". Its co_link of the real urls: the same database without those rows.
        real = dict(qut_edges)
        qut_real = dict(qut_net)
        if empty_urls[0]:
            with sqlite3.connect(db) as con:
                con.execute("delete from message_url where url = ''")
            out = work / "qut_co_link_no_empty.csv"
            qut_real["co_link"] = qut(
                db,
                "compute",
                "co_link",
                "--time_window",
                str(args.window),
                "--min_edge_weight",
                str(args.min_weight),
            ) + qut_export_csv(db, "co_link", out)
            real["co_link"] = read_edge_csv(out)
            print(
                f"QUT co_link without its {empty_urls[0]:,} empty-string urls: compute+export "
                f"{qut_real['co_link']:.1f} s, {len(real['co_link']):,} edges"
            )

        ours_csv = work / "cibgraph_edges.csv"
        command = [
            str(Path(sys.executable).with_name("cibgraph")),
            "detect",
            str(data),
            "--signals",
            "repost,url",
            "--window",
            str(args.window),
            "--min-weight",
            str(args.min_weight),
            "--max-actors",
            "none",
            "--edges-out",
            str(ours_csv),
            "--out",
            str(work / "cibgraph_out"),
        ]
        ours_seconds = _run(command)
        by_signal = read_signal_edges(ours_csv)
        qut_both = qut_pre + sum(qut_real.values())
        print("user path, each tool as a subprocess (file in, both networks out):")
        print(f"  QUT toolkit: preprocess + co_retweet + co_link  {qut_both:.1f} s")
        print(f"  cibgraph detect FILE --signals repost,url --edges-out  {ours_seconds:.1f} s")
        print(f"  speed-up {qut_both / ours_seconds:.1f}x")
        identical = True
        for network, signal in NETWORKS.items():
            print(f"  {network}:")
            identical &= compare(real[network], by_signal.get(signal, {}))
        params = SignalParams(window=args.window, min_weight=args.min_weight, max_actors=None)

        try:
            from analytics.qutfile import edges_from_qut_csv
        except ImportError:
            edges_from_qut_csv = None  # type: ignore[assignment]
        if edges_from_qut_csv is not None:
            print("library only, analytics.qutfile.edges_from_qut_csv (DuckDB reads the CSV):")
            our_file: dict[str, float] = {}
            for network, signal in NETWORKS.items():
                start = time.perf_counter()
                found = edges_from_qut_csv(data, (signal,), params)[signal]
                file_edges = {(a, b): int(w) for a, b, w in found}
                write_edges(work / f"ours_file_{network}.csv", file_edges, network)
                our_file[network] = time.perf_counter() - start
                qut_total = qut_pre + qut_real[network]
                print(
                    f"  {network}: {our_file[network]:.1f} s end to end, speed-up "
                    f"{qut_total / our_file[network]:.1f}x (QUT {qut_total:.1f} s"
                    + (
                        " without the empty-string url)"
                        if empty_urls[0] and network == "co_link"
                        else ")"
                    )
                )
                identical &= compare(real[network], file_edges)  # never the empty url
            start = time.perf_counter()
            edges_from_qut_csv(data, tuple(NETWORKS.values()), params)
            both = time.perf_counter() - start
            qut_both = qut_pre + sum(qut_real.values())
            print(
                f"  both networks in one call: {both:.1f} s (no edge files), speed-up "
                f"{qut_both / both:.1f}x (QUT {qut_both:.1f} s)"
            )
        note = " (co_link: vs QUT without its empty-string url)" if empty_urls[0] else ""
        print(f"edges and weights IDENTICAL{note}" if identical else "edges DIFFER (see above)")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
