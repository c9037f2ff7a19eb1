"""One hostile row never stops a load, in any format, on the real server.

For every CSV layout, the first data row of its fixture is copied once per (column,
hostile value) with that one field replaced, between two good rows; the file is loaded into
the graph. No exception may escape, every record is either loaded or rejected, the summary
is written, and the good row after the hostile ones is in the graph. JSON lines get their
own hostile values (lone surrogates, deep nesting, integers beyond 64 bits, NaN).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_helpers import FIXTURES

from cibgraph.graph import Graph
from loader import LoadError, load
from loader.formats.common import py_list

HOSTILE = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01 00:00:00 AEST",
    "99999999999999999999",
    "1e30",
    "-5",
    "NaN",
    "inf",
    "[" + "-" * 200 + "1]",
    "[" + "1+" * 200 + "1]",
    "[" * 3000,
    "['a'",
    "\x00",
    '"',
    '=HYPERLINK("http://x")',
    "\r",
    "\u2028",
    "1.198473762313818e+18",
    "",
]
# (fixture, column whose value marks the good last row, how to find it in the graph)
LAYOUTS = {
    "twitter/china_082019_1_tweets_csv_hashed.csv": "tweetid",
    "twitter/china_082019_1_users_csv_hashed.csv": "userid",
    "ira/IRAhandle_tweets_1.csv": "tweet_id",
    "crowdtangle/hk_pages_2019.csv": "URL",
    "qut/messages.csv": "message_id",
    "native/posts.csv": "id",
    "native/accounts.csv": "id",
}


def _rows(path: Path) -> tuple[list[str], list[str], str]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    return rows[0], rows[1], delimiter


@pytest.mark.parametrize("fixture", sorted(LAYOUTS))
def test_no_hostile_field_stops_a_load(graph: Graph, tmp_path: Path, fixture: str) -> None:
    header, good, delimiter = _rows(FIXTURES / fixture)
    key = header.index(LAYOUTS[fixture])
    last = list(good)
    last[key] = good[key] + "9" if "://" not in good[key] else good[key] + "/last"
    path = tmp_path / Path(fixture).name
    records = [good]
    for column in range(len(header)):
        for value in HOSTILE:
            row = list(good)
            row[column] = value
            records.append(row)
    records.append(last)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(records)
    report = load([path], graph=graph, report_dir=tmp_path / "report")
    assert (tmp_path / "report" / "summary.json").exists()
    assert report.loaded + report.rejected == report.files[0].records
    assert report.files[0].records >= len(records) - 1  # a row may span lines (\r)
    assert report.loaded >= 2
    wanted = last[key]
    found = graph.query(
        "MATCH (n) WHERE n.id = $v OR n.url = $v OR n.uid ENDS WITH $suffix RETURN count(n) AS c",
        {"v": wanted, "suffix": ":" + wanted},
    )
    assert found[0]["c"] >= 1, f"the good row after the hostile ones ({wanted}) was lost"


def test_hostile_json_lines(graph: Graph, tmp_path: Path) -> None:
    good = {"type": "account", "platform": "twitter", "id": "g1", "handle": "good"}
    lines = [json.dumps(good)]
    lines += [
        '{"type": "account", "platform": "twitter", "id": "s1", "handle": "\\ud800"}',
        '{"type": "account", "platform": "twitter", "id": "n1", "handle": "a\\u0000b"}',
        '{"type": "account", "platform": "twitter", "id": "b1", "followers": 99999999999999999999}',
        '{"type": "account", "platform": "twitter", "id": "f1", "followers": 1e23}',
        '{"type": "account", "platform": "twitter", "id": "x1", "followers": NaN}',
        '{"type": "account", "platform": "twitter", "id": "x2", "followers": -Infinity}',
        '{"type": "account", "platform": "twitter", "id": "d1", "deep": '
        + "[" * 5000
        + "]" * 5000
        + "}",
        '{"type": "post", "platform": "twitter", "id": "p1", "account_id": "g1", '
        '"created_at": "0001-01-01T00:00:00+01:00", "text": "x"}',
    ]
    lines.append(json.dumps({**good, "id": "g2", "handle": "after"}))
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load([path], graph=graph, report_dir=tmp_path / "report")
    assert report.loaded + report.rejected == len(lines)
    assert report.rejected >= 7
    handles = {r["h"] for r in graph.query("MATCH (a:Account) RETURN a.handle AS h")}
    assert {"good", "after"} <= handles


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_list_literals_never_raise_anything_but_a_reject(value: str) -> None:
    for candidate in (value, f"[{value}]", f"['{value}']"):
        try:
            items = py_list(candidate, "hashtags")
        except Exception as exc:  # only the row's reject may come out
            assert type(exc).__name__ == "RowError", exc
        else:
            assert all(isinstance(i, str) for i in items)


def test_dataset_names_cannot_write_outside_the_report_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    load([FIXTURES / "qut"], dataset="../../escaped", dry_run=True)
    assert not (tmp_path / "escaped").exists() and not (work.parent / "escaped").exists()
    assert [p.name for p in (work / "cibgraph-load").iterdir()] == ["escaped"]
    assert (work / "cibgraph-load" / "escaped" / "summary.json").exists()


@pytest.mark.parametrize("platform", ["x y", "Twitter", "../x", "", "a" * 31, "tw\u0131tter"])
def test_platform_is_validated(tmp_path: Path, platform: str) -> None:
    with pytest.raises(LoadError, match="is not a platform name"):
        load([FIXTURES / "qut"], platform=platform, dry_run=True, report_dir=tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("encode", "says"),
    [
        (lambda b: __import__("gzip").compress(b), "gzip-compressed"),
        (lambda b: b.decode("utf-8").encode("utf-16"), "UTF-16"),
        (lambda b: b.decode("utf-8").encode("utf-16-le"), "UTF-16"),
        (lambda b: __import__("bz2").compress(b), "bzip2-compressed"),
    ],
)
def test_compressed_or_utf16_files_get_one_line(tmp_path: Path, encode, says: str) -> None:
    (source,) = (FIXTURES / "qut").glob("*.csv")
    path = tmp_path / "messages.csv"
    path.write_bytes(encode(source.read_bytes()))
    with pytest.raises(LoadError) as caught:
        load([path], dry_run=True, report_dir=tmp_path / "r")
    message = str(caught.value)
    assert says in message and "\n" not in message and message.isprintable()
    assert str(path) in message


def test_an_unwritable_data_directory_is_one_line(tmp_path: Path) -> None:
    """/sys refuses new folders even to root: the CLI says so in one line, no traceback."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    env["CIBGRAPH_DATA_DIR"] = "/sys/cibgraph-test-data"
    done = subprocess.run(
        [sys.executable, "-m", "cibgraph.cli", "db", "info"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use /sys/cibgraph-test-data")
    assert "Traceback" not in done.stderr


def test_the_server_log_names_out_of_memory_and_a_full_disk(tmp_path: Path) -> None:
    from cibgraph.embedded import EmbeddedServer

    server = EmbeddedServer(tmp_path / "data")
    server.log_file.parent.mkdir(parents=True)
    assert server.failure_cause() is None
    server.log_file.write_text("...\njava.lang.OutOfMemoryError: Java heap space\n\tat x\n")
    assert "ran out of memory" in server.failure_cause() and "CIBGRAPH_EMBEDDED_HEAP" in (
        server.failure_cause() or ""
    )
    server.log_file.write_text("java.io.IOException: No space left on device\n")
    assert "is full" in (server.failure_cause() or "")


def test_an_old_out_of_memory_in_the_log_is_not_blamed(tmp_path: Path) -> None:
    from cibgraph.embedded import EmbeddedServer

    server = EmbeddedServer(tmp_path / "data")
    server.log_file.parent.mkdir(parents=True)
    server.log_file.write_text(
        "--- cibgraph: starting embedded server at Mon\njava.lang.OutOfMemoryError\n"
        "--- cibgraph: starting embedded server at Tue\nall fine\n"
    )
    assert server.failure_cause() is None


#: Junk for the fuzz test: any text or bytes except a double quote (an unclosed quote may
#: rightly take the lines after it into one field, which is then one reject).
_JUNK = st.one_of(
    st.text(st.characters(blacklist_characters='"'), max_size=200),
    st.binary(max_size=200).map(lambda b: b.replace(b'"', b"").decode("latin-1")),
    st.lists(
        st.sampled_from([h for h in HOSTILE if h and '"' not in h]), min_size=1, max_size=8
    ).map(",".join),
)


@pytest.mark.parametrize("fixture", sorted(LAYOUTS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=_JUNK, position=st.integers(min_value=0, max_value=3))
def test_fuzz_any_line_among_good_rows(fixture: str, junk: str, position: int) -> None:
    """Arbitrary text or bytes as a line among good rows of every layout: no exception
    escapes the parser, every record is loaded or rejected, and every good row - before or
    after the junk - is still loaded (parse only, no graph)."""
    import tempfile

    header, good, delimiter = _rows(FIXTURES / fixture)
    key = header.index(LAYOUTS[fixture])
    goods = []
    for i in range(4):
        row = list(good)
        row[key] = f"{good[key]}/{i}" if "://" in good[key] else f"{good[key]}{i}"
        goods.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(fixture).name
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(goods[:position])
        text = buffer.getvalue() + junk.replace("\r", "").replace("\n", " ") + "\n"
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(goods[position:])
        path.write_bytes((text + buffer.getvalue()).encode("utf-8", "surrogatepass"))
        report = load([path], dry_run=True, report_dir=Path(tmp) / "r")
        assert report.loaded + report.rejected == report.files[0].records
        rejected_lines = set()
        if report.rejects_file:
            with open(report.rejects_file, newline="", encoding="utf-8") as f:
                rejected_lines = {int(r["line"]) for r in csv.DictReader(f)}
        junk_line = position + 2
        assert rejected_lines <= {junk_line}, (rejected_lines, junk_line)
        assert report.loaded >= len(goods)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    junk=st.one_of(
        st.text(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
            max_leaves=20,
        ).map(lambda v: json.dumps(v, allow_nan=True)),
    ),
    position=st.integers(min_value=0, max_value=3),
)
def test_fuzz_any_line_among_good_json_lines(junk: str, position: int) -> None:
    """The same for native JSONL: any text or JSON value as a line among good posts."""
    import tempfile

    goods = [
        json.dumps({"type": "post", "platform": "twitter", "id": f"t{i}", "account_id": "601",
                    "created_at": "2019-08-14T09:00:00Z", "text": f"post {i}"})
        for i in range(4)
    ]  # fmt: skip
    lines = [*goods[:position], junk.replace("\r", " ").replace("\n", " "), *goods[position:]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "extra.jsonl"
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
        report = load([path], dry_run=True, report_dir=Path(tmp) / "r")
        assert report.loaded + report.rejected == report.files[0].records
        if report.rejects_file:
            with open(report.rejects_file, newline="", encoding="utf-8") as f:
                assert {int(r["line"]) for r in csv.DictReader(f)} <= {position + 1}
        assert report.loaded >= len(goods)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON value (dict keys and list indices), depth first."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


def _nest(pair: tuple[int, object]) -> object:
    depth, value = pair
    for _ in range(depth):
        value = [value]
    return value


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@pytest.mark.parametrize("sample", ["twarc2/search.jsonl", "bluesky/jetstream.jsonl"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), position=st.integers(min_value=1, max_value=3))
def test_fuzz_json_layouts_any_value_anywhere(
    sample: str, data: st.DataObject, position: int
) -> None:
    """twarc2 pages and Jetstream events: a good line with any one of its values replaced by
    any JSON value, or any text, among good lines; no exception escapes, only that line can
    be rejected, and every good line still loads."""
    import copy
    import tempfile

    lines = (FIXTURES / sample).read_text(encoding="utf-8").splitlines()
    goods = lines[:3]  # lines the fixture loads whole
    base = json.loads(data.draw(st.sampled_from(goods)))
    if data.draw(st.booleans()):
        junk_value = copy.deepcopy(base)
        where = data.draw(st.sampled_from(_paths(base)))
        node = junk_value
        for step in where[:-1]:
            node = node[step]
        node[where[-1]] = data.draw(_JSON_VALUES)
        junk = json.dumps(junk_value)
    else:
        junk = data.draw(st.text(max_size=200)).replace("\r", " ").replace("\n", " ")
    body = [*goods[:position], junk, *goods[position:]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(sample).name
        path.write_bytes(("\n".join(body) + "\n").encode("utf-8", "surrogatepass"))
        report = load([path], dry_run=True, report_dir=Path(tmp) / "r")
        assert report.files[0].format == FORMATS_OF[sample]
        assert report.loaded + report.rejected == report.files[0].records
        if report.rejects_file:
            with open(report.rejects_file, newline="", encoding="utf-8") as f:
                assert {int(r["line"]) for r in csv.DictReader(f)} <= {position + 1}
        assert report.loaded >= len(goods)


FORMATS_OF = {"twarc2/search.jsonl": "twarc2-jsonl", "bluesky/jetstream.jsonl": "bluesky-jetstream"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), position=st.integers(min_value=0, max_value=3))
def test_fuzz_telegram_any_value_anywhere(data: st.DataObject, position: int) -> None:
    """A Telegram export with one message replaced by any JSON value, or with any one of
    a good message's values replaced: no exception escapes, only that message can be
    rejected, and every good message still loads."""
    import copy
    import tempfile

    doc = json.loads((FIXTURES / "telegram" / "result.json").read_text(encoding="utf-8"))
    goods = [m for m in doc["messages"] if m.get("id") in (2, 3, 6)]
    if data.draw(st.booleans()):
        junk = copy.deepcopy(data.draw(st.sampled_from(goods)))
        where = data.draw(st.sampled_from(_paths(junk)))
        node = junk
        for step in where[:-1]:
            node = node[step]
        node[where[-1]] = data.draw(_JSON_VALUES)
    else:
        junk = data.draw(_JSON_VALUES)
    messages = [*goods[:position], junk, *goods[position:]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        path.write_text(json.dumps({**doc, "messages": messages}, indent=1), encoding="utf-8")
        report = load([path], dry_run=True, report_dir=Path(tmp) / "r")
        assert report.files[0].format == "telegram"
        assert report.loaded + report.rejected == report.files[0].records == len(messages)
        assert report.rejected <= 1 and report.loaded >= len(goods)


def _nest(pair: tuple[int, object]) -> object:
    depth, value = pair
    for _ in range(depth):
        value = [value]
    return value


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**18, 10**19])
    | st.text(st.characters(codec=None, exclude_categories=()))
    | st.integers(min_value=12, max_value=20).map(lambda n: "[" * n),  # brackets in a text
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner)
        | st.tuples(st.integers(min_value=12, max_value=20), inner).map(_nest)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(value=_JSON_VALUES, ascii_only=st.booleans(), spaced=st.booleans())
def test_the_json_text_precheck_never_passes_a_value_the_walk_refuses(
    value: object, ascii_only: bool, spaced: bool
) -> None:
    """The check on the text (which lets a record skip the walk over its values) says
    "plain" only for texts whose decoded values all pass the walk, however written."""
    from loader.jsonread import _bad_json_value, _plain_json

    try:
        text = json.dumps(
            {"k": value}, ensure_ascii=ascii_only, separators=(", ", ": ") if spaced else None
        )
    except (ValueError, UnicodeEncodeError):
        return
    decoded = json.loads(text)
    if _plain_json(text, decoded):
        assert _bad_json_value(decoded) is None, text
