"""Parse-only speed of every input layout, on the user's path: ``cibgraph load FILE
--dry-run`` as a subprocess (read, validate, normalise, batch; nothing written).

    python benchmarks/parse_speed.py [--records 200000] [--only twitter-tweets ...]

For each layout, the records of its test fixture (the good ones: real headers and quirks)
are repeated, each copy with its own id, into a file of ``--records`` records (a Telegram
export: that many messages in one document); the process is timed whole (interpreter
start included) and the rate printed as records/s. The goal: no layout below 30,000
records/s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

#: layout -> (fixture file, the column or key made unique per copy, files loaded with it)
LAYOUTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "twitter-users": ("twitter/china_082019_1_users_csv_hashed.csv", "userid", ()),
    "twitter-tweets": ("twitter-2021/uyghur_2021_tweets_csv_hashed.csv", "tweetid", ()),
    "ira-tweets": ("ira-spreadsheet/IRAhandle_tweets_sample.csv", "article_url", ()),
    "ira-author-tweets": ("ira_authors/TEN_GOP.csv", "content", ("ira_authors/authors.csv",)),
    "crowdtangle": ("crowdtangle-locales/brazil_pages_2021.csv", "URL", ()),
    "coornet-shares": ("coornet/ct_shares.csv", "id", ()),
    "twarc2-csv": ("twarc2/tweets.csv", "id", ()),
    "qut": ("qut/messages.csv", "message_id", ()),
    "native-posts": ("native/posts.csv", "id", ()),
    "native-accounts": ("native/accounts.csv", "id", ()),
    "twarc2-jsonl": ("twarc2/search.jsonl", "", ()),
    "bluesky-jetstream": ("bluesky/jetstream.jsonl", "", ()),
    "telegram": ("telegram/result.json", "", ()),
}


def build(layout: str, records: int, folder: Path) -> tuple[Path, int]:
    """A file of about ``records`` records of ``layout``; returns it and its count."""
    sample, key, companions = LAYOUTS[layout]
    source = FIXTURES / sample
    folder.mkdir(parents=True, exist_ok=True)
    for companion in companions:
        (folder / Path(companion).name).write_bytes((FIXTURES / companion).read_bytes())
    target = folder / source.name
    if source.suffix == ".json":  # one document: repeat its messages
        doc = json.loads(source.read_text(encoding="utf-8"))
        messages = [m for m in doc["messages"] if m.get("type") == "message"]
        doc["messages"] = [{**messages[i % len(messages)], "id": i + 1} for i in range(records)]
        target.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        return target, records
    if source.suffix == ".jsonl":
        lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line]
        with open(target, "w", encoding="utf-8") as f:
            for i in range(records):
                f.write(lines[i % len(lines)] + "\n")
        return target, records
    text = source.read_text(encoding="utf-8")
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    at = header.index(key)
    with open(target, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        for i in range(records):
            row = list(body[i % len(body)])
            row[at] = (
                f"{row[at]}{i}"
                if key != "article_url"
                else row[at].replace("/statuses/", f"/statuses/{i}")
            )
            writer.writerow(row)
    return target, records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--only", nargs="*", default=None, choices=sorted(LAYOUTS))
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cpus, {args.records:,} records "
        "per layout, `cibgraph load FILE --dry-run` as a subprocess"
    )
    with tempfile.TemporaryDirectory(prefix="cibgraph-parse-") as tmp:
        for layout in args.only or list(LAYOUTS):
            folder = Path(tmp) / layout
            path, count = build(layout, args.records, folder)
            files = [str(p) for p in sorted(folder.iterdir()) if p.is_file()]
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "cibgraph.cli", "load", *files, "--dry-run",
                 "--format", layout if not LAYOUTS[layout][2] else "ira",
                 "--report-dir", str(Path(tmp) / f"{layout}-report")],
                capture_output=True, text=True,
            )  # fmt: skip
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                print(f"  {layout:18} failed: {done.stderr.strip()[-300:]}")
                continue
            summary = json.loads((Path(tmp) / f"{layout}-report" / "summary.json").read_text())
            mine = next(f for f in summary["files"] if Path(f["path"]).name == path.name)
            rate = (mine["loaded"] + mine["rejected"]) / seconds
            flag = "" if rate >= 30_000 else "  (below 30,000)"
            print(
                f"  {layout:18} {count:>9,} records in {seconds:5.1f} s: {rate:8,.0f} records/s"
                f" ({mine['loaded']:,} loaded, {mine['rejected']:,} rejected){flag}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
