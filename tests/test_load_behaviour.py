"""Loader behaviour: idempotence, resume after kill -9, strict, dry run, detection, bad bytes."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loader_helpers import FIXTURES, counts, load_fixture, pairs

from cibgraph.graph import Graph
from loader import LoadError, load

POST_COLUMNS = ["platform", "id", "account_id", "created_at", "text", "hashtags", "urls"]


def write_posts(path: Path, n: int, accounts: int = 97) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(POST_COLUMNS)
        for i in range(n):
            w.writerow(
                [
                    "twitter",
                    f"p{i}",
                    f"a{i % accounts}",
                    f"2019-08-13T{10 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
                    f"post {i}",
                    f"tag{i % 7}",
                    f"https://site{i % 5}.example/{i % 11}",
                ]
            )


def test_loading_twice_leaves_identical_counts(graph: Graph, tmp_path: Path) -> None:
    for name in ("twitter", "crowdtangle", "native"):
        load_fixture(graph, name, tmp_path / "first")
    first = counts(graph)
    for name in ("twitter", "crowdtangle", "native"):
        report = load_fixture(graph, name, tmp_path / "again")
        assert all(f.skipped for f in report.files)  # checkpoints say: already loaded
        load_fixture(graph, name, tmp_path / "forced", resume=False)  # really written again
    assert counts(graph) == first


def test_kill_9_mid_load_then_rerun_finishes_exactly(
    graph: Graph, cli_env: dict[str, str], tmp_path: Path
) -> None:
    n = 40_000
    data = tmp_path / "posts.csv"
    write_posts(data, n)
    cmd = [
        sys.executable,
        "-m",
        "cibgraph.cli",
        "load",
        str(data),
        "--dataset",
        "killtest",
        "--batch-size",
        "500",
        "--report-dir",
        str(tmp_path / "report"),
    ]
    proc = subprocess.Popen(cmd, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        rows = graph.query("MATCH (c:LoadCheckpoint {dataset: 'killtest'}) RETURN c.records AS r")
        committed = rows[0]["r"] if rows else 0
        if committed >= 4_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the load finished before it could be killed; use more rows"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = graph.query("MATCH (p:Post) RETURN count(p) AS n")[0]["n"]
    assert 0 < partial < n
    rerun = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["files"][0]["resumed_from"] >= committed  # committed work was skipped
    assert summary["files"][0]["resumed_from"] + summary["files"][0]["records"] == n
    assert counts(graph) == {
        "Account": 97,
        "Post": n,
        "Url": 55,
        "Domain": 5,
        "Hashtag": 7,
        "LoadCheckpoint": 1,
        "POSTED": n,
        "TAGS": n,
        "LINKS_TO": n,
        "ON_DOMAIN": 55,
    }


def test_strict_refuses_the_file_before_writing(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"--strict: .*users_csv_hashed.csv:5: field 'userid'"):
        load_fixture(graph, "twitter", tmp_path, strict=True)
    assert counts(graph) == {}


def test_dry_run_writes_nothing_but_reports(graph: Graph, tmp_path: Path) -> None:
    report = load_fixture(graph, "twitter", tmp_path, dry_run=True)
    assert (report.loaded, report.rejected) == (9, 3) and report.dry_run
    assert counts(graph) == {}
    summary = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert summary["loaded"] == 9 and summary["rejected"] == 3


def test_unknown_format_names_the_candidates(graph: Graph, tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("name,colour\nx,red\n")
    with pytest.raises(LoadError) as err:
        load([odd], graph=graph, report_dir=tmp_path)
    message = str(err.value)
    assert "odd.csv: unrecognised columns (2, delimiter ','" in message
    for name in ("twitter-tweets", "ira-tweets", "crowdtangle", "native-posts", "qut"):
        assert name in message
    # the layout sharing most columns, and the required ones the file lacks
    assert "The closest is native-pages, which lacks platform, id." in message


def test_format_option_narrows_detection(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="It could be one of: crowdtangle"):
        load([FIXTURES / "qut"], graph=graph, format="crowdtangle", report_dir=tmp_path)
    with pytest.raises(LoadError, match="unknown format 'tweets'"):
        load([FIXTURES / "qut"], graph=graph, format="tweets", report_dir=tmp_path)


def test_bad_bytes_and_long_fields_are_quarantined(graph: Graph, tmp_path: Path) -> None:
    data = tmp_path / "posts.csv"
    good = "twitter,ok1,a1,2019-08-13T10:00:00Z,fine,,\n"
    rows = [
        ",".join(POST_COLUMNS).encode() + b"\n",
        good.encode(),
        b"twitter,bad1,a1,2019-08-13T10:00:00Z,caf\xe9 latin-1,,\n",
        b"twitter,bad2,a1,2019-08-13T10:00:00Z,nul\x00byte,,\n",
        ("twitter,bad3,a1,2019-08-13T10:00:00Z," + "x" * 100_001 + ",,\n").encode(),
        b"twitter,bad4,a1\n",
        good.replace("ok1", "ok2").encode(),
    ]
    data.write_bytes(b"".join(rows))
    report = load([data], graph=graph, report_dir=tmp_path / "r")
    assert (report.loaded, report.rejected) == (2, 4)
    with open(report.rejects_file, newline="") as f:
        got = [(r["line"], r["field"], r["reason"]) for r in csv.DictReader(f)]
    assert got == [
        ("3", "text", "contains bytes that are not valid UTF-8"),
        ("4", "text", "contains a NUL byte"),
        ("5", "text", "100,001 characters is longer than 100,000"),
        ("6", "", "expected 7 columns, got 3"),
    ]
    assert pairs(graph, "MATCH (p:Post) RETURN p.id") == {("ok1",), ("ok2",)}


def test_missing_path_is_a_clear_error(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"nope\.csv: no such file or directory"):
        load([tmp_path / "nope.csv"], graph=graph, report_dir=tmp_path)


def _tweets(path: Path, rows: list[dict[str, str]]) -> Path:
    from loader.formats.twitter import TWEET_COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(TWEET_COLUMNS)
        for row in rows:
            full = dict.fromkeys(TWEET_COLUMNS, "")
            full.update({"tweet_time": "2019-08-13 10:00", "is_retweet": "False", **row})
            w.writerow([full[c] for c in TWEET_COLUMNS])
    return path


@pytest.mark.parametrize("batch_size", [1, 2, 5000])
def test_a_repeated_post_takes_its_last_row_whatever_the_batches(
    graph: Graph, tmp_path: Path, batch_size: int
) -> None:
    """The same tweet id twice with different authors, links and tags: one POSTED (the
    last row's author) and the last row's links, with any batch size; a retweet's claim
    about who wrote an original never adds a second author."""
    graph.execute("MATCH (n) DETACH DELETE n")
    rt = {"is_retweet": "True", "tweet_text": "RT"}
    path = _tweets(
        tmp_path / "x_tweets_csv_hashed.csv",
        [
            dict(tweetid="1", userid="11", tweet_text="first", hashtags="['one']",
                 urls="['https://a.example/1']"),
            dict(tweetid="2", userid="12", retweet_tweetid="1", retweet_userid="66", **rt),
            dict(tweetid="1", userid="13", tweet_text="second", hashtags="['two']",
                 urls="['https://b.example/2']"),
            dict(tweetid="3", userid="14", retweet_tweetid="9", retweet_userid="15", **rt),
            dict(tweetid="4", userid="16", retweet_tweetid="9", retweet_userid="66", **rt),
        ],
    )  # fmt: skip
    report = load([path], graph=graph, report_dir=tmp_path / "r", batch_size=batch_size)
    assert report.rejected == 0, report.first_rejects
    authors = graph.query(
        "MATCH (a:Account)-[:POSTED]->(p:Post) WHERE p.id IN ['1', '9'] "
        "RETURN p.id AS post, a.id AS author ORDER BY post, author"
    )
    assert authors == [{"post": "1", "author": "13"}, {"post": "9", "author": "15"}]
    (one,) = graph.query(
        "MATCH (p:Post {id: '1'}) RETURN p.text AS text, "
        "[(p)-[:LINKS_TO]->(u) | u.url] AS urls, [(p)-[:TAGS]->(h) | h.tag] AS tags"
    )
    assert one == {"text": "second", "urls": ["https://b.example/2"], "tags": ["two"]}
    reposts = graph.query("MATCH (r:Post)-[:REPOST_OF]->(o:Post {id: '1'}) RETURN r.id AS r")
    assert reposts == [{"r": "2"}]
