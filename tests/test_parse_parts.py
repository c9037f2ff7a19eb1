"""A large file parsed in parts on every core gives exactly what one process gives: the
same summary, the same rejects (file, line, field, reason, in order), the same dropped
fields, and the same action store. The parts are made tiny here so that a small file is
cut hundreds of times, at multi-line records, CRLF line ends, damaged rows, and quotes
that break the count a boundary relies on (the parts after them are read again in one
process)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest
from loader_helpers import FIXTURES

from loader import load, parse
from loader.formats import FORMATS
from loader.reader import read_csv

TWEETS = FIXTURES / "twitter-2021" / "uyghur_2021_tweets_csv_hashed.csv"


def _tweets_file(path: Path, copies: int, *, crlf: bool = False, stray_quote: bool = False) -> Path:
    rows = list(csv.reader(io.StringIO(TWEETS.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    at, text_at = header.index("tweetid"), header.index("tweet_text")
    end = "\r\n" if crlf else "\n"

    def record(row: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator=end).writerow(row)
        return out.getvalue()

    records = [record(header)]
    for i in range(copies):
        row = list(body[i % len(body)])
        row[at] = _tweet_id(i)
        if i % 7 == 3:
            row[text_at] = f'a text over\nthree "quoted"\nlines {i}'
        if i % 11 == 5:
            row[header.index("in_reply_to_tweetid")] = "1.198473762313818e+18"  # dropped field
        if i % 13 == 6:
            row[header.index("tweet_time")] = "not a time"  # rejected
        if i % 17 == 8:
            row = row[:-2]  # wrong column count
        if i == copies // 2:  # the same tweet again, later: its last row wins
            row[at] = _tweet_id(0)
            row[text_at] = "the later text of tweet 0"
        records.append(record(row))
    if stray_quote:  # a quote inside an unquoted field: CSV reads it as a character
        row = [v if not set(v) & set(',"\n') else "" for v in body[1]]
        row[at], row[text_at] = _tweet_id(copies), 'Xin"jiang'
        records.insert(len(records) // 3, ",".join(row) + end)
    path.write_text("".join(records), encoding="utf-8", newline="")
    return path


def _float_reply(i: int) -> bool:
    """Whether the fixture row copy ``i`` is made from has a reply id a spreadsheet made a
    float (the real release's quirk)."""
    rows = list(csv.DictReader(io.StringIO(TWEETS.read_text(encoding="utf-8"))))
    value = rows[i % len(rows)]["in_reply_to_tweetid"]
    return "." in value or "e+" in value


def _tweet_id(i: int) -> str:
    return f"1334501234567{i:06d}"


def _summary(report_dir: Path) -> dict:
    found = json.loads((report_dir / "summary.json").read_text())
    found.pop("report_dir")
    found.pop("rejects_file")
    for f in found["files"]:
        f.pop("seconds")
    return found


def _rejects(report_dir: Path) -> str:
    path = report_dir / "rejects.csv"
    return path.read_text() if path.exists() else ""


def _store(root: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect()
    actions = con.sql(
        f"SELECT * EXCLUDE (seq) FROM read_parquet('{root}/actions/**/*.parquet') "
        "QUALIFY row_number() OVER (PARTITION BY post ORDER BY seq DESC) = 1 ORDER BY post"
    ).fetchall()
    accounts = con.sql(
        f"SELECT uid, arg_max(handle, seq) FROM read_parquet('{root}/accounts/**/*.parquet') "
        "GROUP BY uid ORDER BY uid"
    ).fetchall()
    return {"actions": actions, "accounts": accounts}


@pytest.fixture
def tiny_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "PART_BYTES", 2048)
    monkeypatch.setenv("CIBGRAPH_PARSE_WORKERS", "2")


@pytest.mark.parametrize(
    ("crlf", "stray_quote"), [(False, False), (True, False), (False, True)], ids=str
)
def test_parts_give_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_parts: None, crlf: bool, stray_quote: bool
) -> None:
    path = _tweets_file(tmp_path / "tweets.csv", 600, crlf=crlf, stray_quote=stray_quote)
    assert len(parse.spans(path, FORMATS["twitter-tweets"])) > 50
    assert parse.splittable(path, FORMATS["twitter-tweets"])
    seen = []
    for workers in ("1", "2"):
        monkeypatch.setenv("CIBGRAPH_PARSE_WORKERS", workers)
        out, store = tmp_path / f"r{workers}", tmp_path / f"s{workers}"
        report = load([path], report_dir=out, store_only=store)
        seen.append((report, _summary(out), _rejects(out), _store(store)))
    (one, one_summary, one_rejects, one_store), (parts, summary, rejects, store) = seen
    assert summary == one_summary
    assert rejects == one_rejects
    assert store == one_store
    # and the answers themselves: 600 records, of which these were refused
    bad = {i for i in range(600) if i % 13 == 6 or i % 17 == 8}
    assert one.files[0].records == 600 + stray_quote
    assert one.rejected == len(bad)
    assert one.files[0].dropped["in_reply_to_tweetid"]["count"] == len(
        {i for i in range(600) if i % 11 == 5 or _float_reply(i)} - bad
    ) + (stray_quote and _float_reply(1))
    texts = {row[0]: row[11] for row in one_store["actions"]}
    assert texts[f"twitter:{_tweet_id(0)}"] == "the later text of tweet 0"
    assert (f"twitter:{_tweet_id(600)}" in texts) is stray_quote
    assert parts.loaded == one.loaded


def test_dry_run_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_parts) -> None:
    path = _tweets_file(tmp_path / "tweets.csv", 400)
    summaries = []
    for workers in ("1", "2"):
        monkeypatch.setenv("CIBGRAPH_PARSE_WORKERS", workers)
        load([path], report_dir=tmp_path / workers, dry_run=True)
        summaries.append((_summary(tmp_path / workers), _rejects(tmp_path / workers)))
    assert summaries[0] == summaries[1]
    assert summaries[0][0]["loaded"] == 400 - len(
        {i for i in range(400) if i % 13 == 6 or i % 17 == 8}
    )


def test_json_lines_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_parts) -> None:
    lines = [
        line for line in (FIXTURES / "bluesky" / "jetstream.jsonl").read_text().splitlines() if line
    ]
    body = []
    for i in range(300):
        line = lines[i % len(lines)].replace('"rkey":"', f'"rkey":"{i:05d}')
        if i % 19 == 4:
            line = line[: len(line) // 2]  # broken JSON
        if i % 23 == 7:
            line = line + "\r"  # a carriage return: a line end of its own to Python
        body.append(line)
    path = tmp_path / "jetstream.jsonl"
    path.write_text("\n".join(body) + "\n", encoding="utf-8", newline="")
    seen = []
    for workers in ("1", "2"):
        monkeypatch.setenv("CIBGRAPH_PARSE_WORKERS", workers)
        out, store = tmp_path / f"r{workers}", tmp_path / f"s{workers}"
        load([path], report_dir=out, store_only=store)
        seen.append((_summary(out), _rejects(out), _store(store)))
    assert seen[0] == seen[1]
    assert seen[0][0]["rejected"] >= 300 // 19
    assert seen[0][2]["actions"]


def test_a_part_starts_on_the_line_a_record_starts(tmp_path: Path) -> None:
    """Each part's first record is the record one process reads there, on the same line."""
    path = _tweets_file(tmp_path / "tweets.csv", 300, crlf=True)
    whole = {r.line for r in read_csv(path)}
    parts = parse.spans(path, FORMATS["twitter-tweets"], part_bytes=1500)
    assert len(parts) > 20
    for span in parts[1:]:
        first = next(iter(read_csv(path, span=span)))
        assert first.line in whole
        assert not span.cut
    assert sum(1 for s in parts for _ in read_csv(path, span=s)) == len(whole)


def _telegram(path: Path, count: int, *, nested_at_message_indent: bool = False) -> Path:
    doc = json.loads((FIXTURES / "telegram" / "result.json").read_text(encoding="utf-8"))
    messages = doc["messages"]
    doc["messages"] = []
    for i in range(count):
        message = {**messages[i % len(messages)], "id": i + 1}
        if i % 29 == 11:
            message["date_unixtime"] = "soon"  # rejected: no time
        doc["messages"].append(message)
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if nested_at_message_indent:  # an object inside a message, where messages start
        text = text.replace('\n   "text_entities": [\n    {', '\n   "text_entities": [\n  {', 40)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("nested", [False, True], ids=["as-exported", "nested-at-indent"])
def test_a_telegram_export_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_parts: None, nested: bool
) -> None:
    path = _telegram(tmp_path / "result.json", 400, nested_at_message_indent=nested)
    assert len(parse.spans(path, FORMATS["telegram"])) > 20
    assert parse.splittable(path, FORMATS["telegram"])
    seen = []
    for workers in ("1", "2"):
        monkeypatch.setenv("CIBGRAPH_PARSE_WORKERS", workers)
        out, store = tmp_path / f"r{workers}", tmp_path / f"s{workers}"
        load([path], report_dir=out, store_only=store)
        seen.append((_summary(out), _rejects(out), _store(store)))
    assert seen[0] == seen[1]
    assert seen[0][0]["files"][0]["records"] == 400
    assert "soon" in seen[0][1]
    assert len(seen[0][2]["actions"]) > 200


def _coornet(path: Path, posts: int) -> Path:
    """CooRnet shares: every post written once per link (two or three rows in a row)."""
    source = FIXTURES / "coornet" / "ct_shares.csv"
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    at, link = header.index("id"), header.index("expanded")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(posts):
        for n in range(2 + i % 2):
            row = list(body[i % len(body)])
            row[at] = f"{row[at]}{i:05d}"
            row[link] = f"https://news.example/{i}/{n}"
            writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_rows_of_a_post_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiny_parts
) -> None:
    """A layout that merges a post's rows runs in parts when nothing is written (the same
    summary and rejects), and in order in one process when the action store is written (a
    post keeps every link, however the file would be cut)."""
    path = _coornet(tmp_path / "ct_shares.csv", 300)
    spec = FORMATS["coornet-shares"]
    assert parse.splittable(path, spec)
    assert len(parse.spans(path, spec)) > 20
    seen = []
    for workers in ("1", "2"):
        monkeypatch.setenv("CIBGRAPH_PARSE_WORKERS", workers)
        out, store = tmp_path / f"r{workers}", tmp_path / f"s{workers}"
        load([path], report_dir=out / "dry", dry_run=True)
        load([path], report_dir=out / "store", store_only=store)
        actions = duckdb.sql(
            f"SELECT post, urls FROM read_parquet('{store}/actions/**/*.parquet') "
            "QUALIFY row_number() OVER (PARTITION BY post ORDER BY seq DESC) = 1 ORDER BY post"
        ).fetchall()
        seen.append(
            (_summary(out / "dry"), _rejects(out / "dry"), _summary(out / "store"), actions)
        )
    assert seen[0] == seen[1]
    assert seen[0][0]["files"][0]["records"] == sum(2 + i % 2 for i in range(300))
    loaded = {int(post[-5:]) for post, _ in seen[0][3]}
    assert len(loaded) > 200
    assert all(len(urls) == 2 + int(post[-5:]) % 2 for post, urls in seen[0][3])
