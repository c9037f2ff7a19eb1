"""Load throughput: posts/s (with all their relationships) into the embedded database and
into Neo4j, by the transactional route and the bulk route, and parse-only throughput.

    python benchmarks/load_speed.py --posts 200000 [--batch-size 5000] [--no-neo4j]
        [--neo4j-writers 1,2]

Generates a Twitter IO archive tweets file (the heaviest real layout: author, hashtags,
URLs, mentions, retweets) of N posts in a temporary directory, measures
1. parse only (read + validate + normalise + batch; no graph),
2. a full load into a fresh embedded server (cold start to Bolt ready, then the load),
3. with a local Neo4j (``scripts/neo4j-local``, its jars resolved; skipped with
   ``--no-neo4j``): cold start to Bolt ready, the same load into a fresh server once per
   ``--neo4j-writers`` count (sessions writing each batch at once), and the bulk route
   (``load --bulk-csv`` + ``neo4j-admin database import full`` into a second, stopped
   server) with each part timed,
and prints the rates and what each graph holds. Figures go to the README.

Beside each rate it prints the CPU seconds the embedded server's JVM and this process
spent per post, and the machine's load average: on a shared machine the wall-clock rate
moves with the other work, the server's CPU per post much less. The other ways of writing
into the embedded server that were measured (its own importer, several sessions at once,
fewer statements per post) are in ``benchmarks/embedded_routes.py``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import subprocess
import tempfile
import time
from pathlib import Path

from cibgraph.embedded import EmbeddedServer
from cibgraph.graph import connect
from cibgraph.schema import label_counts, rel_counts
from cibgraph.settings import Settings
from loader import load
from loader.formats.twitter import TWEET_COLUMNS


def write_tweets(path: Path, posts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    accounts = max(50, posts // 20)
    tags = [f"tag{i}" for i in range(200)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(TWEET_COLUMNS)
        for i in range(posts):
            user = str(100000 + rng.randrange(accounts))
            retweet = rng.random() < 0.3 and i > 10
            original = str(900000000 + rng.randrange(i)) if retweet else ""
            row = dict.fromkeys(TWEET_COLUMNS, "")
            row.update(
                tweetid=str(900000000 + i),
                userid=user,
                user_display_name=f"user {user}",
                user_screen_name=f"user{user}",
                follower_count=str(int(user) % 5000),  # the account snapshot repeats on
                following_count=str(int(user) % 500),  # every tweet, as in real archives
                account_creation_date="2019-07-01",
                account_language="zh-cn",
                tweet_language="zh",
                tweet_text=f"post {i} about #{rng.choice(tags)}",
                tweet_time=f"2019-08-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}",
                tweet_client_name="Twitter for Android",
                is_retweet=str(retweet),
                retweet_tweetid=original,
                retweet_userid=user if retweet else "",
                quote_count="0",
                reply_count="0",
                like_count=str(rng.randrange(50)),
                retweet_count="0",
                hashtags=repr(rng.sample(tags, 2)),
                urls=repr(
                    [f"https://news{rng.randrange(50)}.example/a/{rng.randrange(5000)}"]
                    if rng.random() < 0.5
                    else []
                ),
                user_mentions=repr(
                    [str(100000 + rng.randrange(accounts))] if rng.random() < 0.2 else []
                ),
            )
            w.writerow([row[c] for c in TWEET_COLUMNS])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument(
        "--no-neo4j", action="store_true", help="embedded only (no local Neo4j runs)"
    )
    parser.add_argument(
        "--neo4j-writers",
        default="1,2",
        help="comma-separated writer-session counts, one fresh Neo4j load each",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "bench_tweets_csv_hashed.csv"
        t = time.perf_counter()
        write_tweets(data, args.posts)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; generated {args.posts:,} tweets "
            f"({data.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s"
        )

        t = time.perf_counter()
        report = load([data], dry_run=True, report_dir=work / "dry", batch_size=args.batch_size)
        parse_s = time.perf_counter() - t
        print(
            f"parse only: {report.loaded:,} posts in {parse_s:.1f} s = "
            f"{report.loaded / parse_s:,.0f} posts/s"
        )

        settings = Settings(data_dir=work / "db")
        server = EmbeddedServer(settings.data_dir)
        t = time.perf_counter()
        state = server.start(detached=True)
        print(f"embedded server: cold start to Bolt ready {time.perf_counter() - t:.1f} s")
        try:
            with connect(settings) as graph:
                _timed_load(graph, data, work / "load", args.batch_size, "embedded", state.pid)
        finally:
            server.stop()
        if not args.no_neo4j:
            writers = [int(w) for w in args.neo4j_writers.split(",")]
            _neo4j(data, work, args.batch_size, writers)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed_load(  # type: ignore[no-untyped-def]
    graph,
    data: Path,
    report_dir: Path,
    batch_size: int,
    label: str,
    server_pid: int | None = None,
    writers: int = 1,
) -> None:
    server_cpu = cpu_seconds(server_pid) if server_pid else 0.0
    client_cpu = time.process_time()
    t = time.perf_counter()
    report = load(
        [data], graph=graph, report_dir=report_dir, batch_size=batch_size, writers=writers
    )
    load_s = time.perf_counter() - t
    client_cpu = time.process_time() - client_cpu
    if server_pid:
        server_cpu = cpu_seconds(server_pid) - server_cpu
    nodes = {k: v for k, v in label_counts(graph).items() if v}
    rels = {k: v for k, v in rel_counts(graph).items() if v}
    print(
        f"load into {label}: {report.loaded:,} posts in {load_s:.1f} s = "
        f"{report.loaded / load_s:,.0f} posts/s (batch {batch_size})"
    )
    per_post = 1000 / max(report.loaded, 1)
    server = f"server {server_cpu * per_post:.3f}, " if server_pid else ""
    print(
        f"  CPU ms per post: {server}this process {client_cpu * per_post:.3f}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"  graph: nodes {nodes}")
    print(f"         relationships {rels} = {sum(rels.values()):,}")


LOCAL = Path(__file__).resolve().parents[1] / "scripts" / "neo4j-local"


def _local(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run([str(LOCAL), *args], capture_output=True, text=True, cwd=cwd)
    if done.returncode:
        raise SystemExit(f"scripts/neo4j-local {args[0]} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def _exports(text: str) -> dict[str, str]:
    return dict(
        line.removeprefix("export ").split("=", 1)
        for line in text.splitlines()
        if line.startswith("export ")
    )


def _settings(exports: dict[str, str], data_dir: Path) -> Settings:
    """Settings for the server whose ``export`` lines neo4j-local printed."""
    return Settings(
        uri=exports["CIBGRAPH_URI"],
        user="neo4j",
        password=Path(exports["CIBGRAPH_PASSWORD_FILE"]).read_text().strip(),
        data_dir=data_dir,
    )


def _neo4j(data: Path, work: Path, batch_size: int, writers: list[int]) -> None:
    """The transactional route (a fresh server per writer count) and the bulk route into
    a local Neo4j 5.26."""
    os.environ.setdefault("NEO4J_LOCAL_HEAP", "2g")  # 512m runs out on 100k-post batches
    os.environ.setdefault("NEO4J_LOCAL_PAGECACHE", "1g")
    for count in writers:
        home = work / f"neo4j-{count}"
        t = time.perf_counter()
        exports = _exports(_local("start", str(home)))
        print(f"neo4j (local, APOC+GDS): cold start to Bolt ready {time.perf_counter() - t:.1f} s")
        try:
            with connect(_settings(exports, work / f"neo4j-cibgraph-{count}")) as graph:
                label = f"neo4j (transactional, {count} writer session{'s' * (count > 1)})"
                _timed_load(
                    graph, data, work / f"load-neo4j-{count}", batch_size, label, writers=count
                )
        finally:
            _local("stop", str(home))

    bulk_home, bulk = work / "neo4j-bulk", work / "bulk"
    _local("start", str(bulk_home))  # the conf and the password, then stopped for the import
    _local("stop", str(bulk_home))
    t = time.perf_counter()
    report = load([data], bulk_csv=bulk, report_dir=work / "bulk-report", batch_size=batch_size)
    files_s = time.perf_counter() - t
    t = time.perf_counter()
    _local(
        "admin", str(bulk_home), "database", "import", "full", "neo4j",
        "--overwrite-destination=true", *report.bulk_args, cwd=bulk,
    )  # fmt: skip
    import_s = time.perf_counter() - t
    total = files_s + import_s
    print(
        f"bulk route into neo4j: {report.loaded:,} posts: load --bulk-csv {files_s:.1f} s + "
        f"neo4j-admin import {import_s:.1f} s = {total:.1f} s "
        f"= {report.loaded / total:,.0f} posts/s"
    )
    exports = _exports(_local("start", str(bulk_home)))
    try:
        with connect(_settings(exports, work / "neo4j-bulk-cibgraph")) as graph:
            rels = {k: v for k, v in rel_counts(graph).items() if v}
            print(f"  imported graph: relationships {rels} = {sum(rels.values()):,}")
    finally:
        _local("stop", str(bulk_home))


if __name__ == "__main__":
    main()
