"""One investigation across platforms: a Twitter IO tweets file and a CrowdTangle export
share the same links within seconds; co-URL edges join the Twitter accounts and the
Facebook pages into one cluster, and the report names each member with its platform."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cibgraph.graph import Graph
from cibgraph.investigate import run
from cibgraph.investigation import load_file
from loader.formats.crowdtangle import COLUMNS as CT_COLUMNS
from loader.formats.twitter import TWEET_COLUMNS

LINKS = [f"https://truth-daily.example/story/{i}" for i in range(3)]
HOUR = ["2021-03-01 10:00", "2021-03-01 12:00", "2021-03-01 14:00"]


def write_files(folder: Path) -> None:
    columns = [c for c in TWEET_COLUMNS if c != "poll_choices"]  # a 30-column release
    with open(folder / "op_tweets_csv_hashed.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, quoting=csv.QUOTE_ALL)
        w.writeheader()
        for n, (user, handle) in enumerate([("9001", "truthteller1"), ("9002", "truthteller2")]):
            for i, (link, hour) in enumerate(zip(LINKS, HOUR, strict=True)):
                w.writerow(
                    {c: "" for c in columns}
                    | {"tweetid": f"77{n}{i}", "userid": user, "user_screen_name": handle,
                       "user_display_name": handle, "tweet_text": f"read this {link}",
                       "tweet_time": hour, "is_retweet": "False", "urls": f"['{link}']",
                       "hashtags": "[]", "user_mentions": "[]"}
                )  # fmt: skip
    with open(folder / "pages_export.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(CT_COLUMNS), quoting=csv.QUOTE_ALL)
        w.writeheader()
        for n, (page, name) in enumerate([("5001", "Patriot News"), ("5002", "Daily Truth")]):
            for i, (link, hour) in enumerate(zip(LINKS, HOUR, strict=True)):
                w.writerow(
                    {c: "" for c in CT_COLUMNS}
                    | {"Page Name": name, "Facebook Id": page, "Page Category": "NEWS_SITE",
                       "Post Created": f"{hour}:{20 + 10 * n} UTC", "Type": "Link",
                       "URL": f"https://www.facebook.com/{page}/posts/88{n}{i}",
                       "Message": "must read", "Link": link}
                )  # fmt: skip


def test_one_cluster_across_twitter_and_facebook(
    session_graph: Graph, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    session_graph.execute("MATCH (n) DETACH DELETE n")
    data = tmp_path / "data"
    data.mkdir()
    write_files(data)
    spec = tmp_path / "across.yaml"
    spec.write_text(
        "name: across-platforms\n"
        "description: the same links on Twitter and Facebook within seconds\n"
        f"load:\n  paths: [{str(data)!r}]\n  dataset: across\n"
        "detect:\n  signals: [url]\n  window: 60\n  min_weight: 2\n  seed: 42\n"
    )
    out = tmp_path / "report"
    run(load_file(spec), out, settings=settings)
    report = json.loads((out / "report.json").read_text())
    clusters = report["detection"]["clusters"]
    assert len(clusters) == 1
    assert clusters[0]["members"] == [
        "Daily Truth (facebook page)",
        "Patriot News (facebook page)",
        "truthteller1 (twitter)",
        "truthteller2 (twitter)",
    ]
    assert report["detection"]["edges"] == {"url": 12}  # 4 members, both directions
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Patriot News (facebook page)" in html and "truthteller1 (twitter)" in html
