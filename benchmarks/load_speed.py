"""Load throughput: posts/s (with all their relationships) into the embedded database,
and parse-only throughput of the same file.

    python benchmarks/load_speed.py --posts 200000 [--batch-size 5000] [--format twitter]

Generates a Twitter IO archive tweets file (the heaviest real layout: author, hashtags,
URLs, mentions, retweets) of N posts in a temporary directory, measures
1. parse only (read + validate + normalise + batch; no graph), and
2. a full load into a fresh embedded server (then stops it),
and prints both rates and what the graph holds. Figures go to the README.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
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
        server.start(detached=True)
        try:
            with connect(settings) as graph:
                t = time.perf_counter()
                report = load(
                    [data], graph=graph, report_dir=work / "load", batch_size=args.batch_size
                )
                load_s = time.perf_counter() - t
                nodes = {k: v for k, v in label_counts(graph).items() if v}
                rels = {k: v for k, v in rel_counts(graph).items() if v}
        finally:
            server.stop()
        print(
            f"load: {report.loaded:,} posts in {load_s:.1f} s = "
            f"{report.loaded / load_s:,.0f} posts/s (batch {args.batch_size})"
        )
        print(f"graph: nodes {nodes}")
        print(f"       relationships {rels} = {sum(rels.values()):,}")


if __name__ == "__main__":
    main()
