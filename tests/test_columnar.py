"""The DuckDB fast path for QUT files writes exactly the store the row parser writes, and
hands every file it cannot read exactly back to the row parser."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.store import StoreReader
from loader import columnar, load
from loader.columnar import _NORMAL_URL, write_qut
from loader.formats.qut import COLUMNS as QUT_COLUMNS
from loader.store import StoreWriter, clear
from loader.urls import normalise_url

HEADER = list(QUT_COLUMNS)
ROWS = [
    [
        "1",
        "u1",
        "alice",
        "",
        "",
        "Stand with #HongKong 香港 #香港加油",
        "1565690400",
        "https://a.example/x",
    ],
    ["2", "u2", "bob", "", "", "same link, other form", "1565690410", "HTTPS://A.Example:443/x/"],
    ["3", "u3", "carol", "1", "", "RT @alice: Stand with #HongKong", "1565690420", ""],
    [
        "4",
        "u1",
        "alice",
        "",
        "2",
        "reply with www link",
        "1565690430.9",
        "www.b.example/p?utm_source=x&id=7",
    ],
    [
        "5",
        "u2",
        "",
        "",
        "",
        "",
        "1565690440",
        "https://c.example/\xa0https://d.example/q  not-a-url",
    ],
    [
        "6",
        "u4",
        "dave",
        "",
        "",
        "  spaced text  ",
        " 1565690450 ",
        "https://a.example/x https://a.example/x",
    ],
    ["7", "u3", "carol", "", "", "#tag1 #Tag1 &#39; x#no", "-5", "http://e.example/"],
]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _store_rows(root: Path, signals: tuple[str, ...]) -> tuple[list, dict, dict]:
    with StoreReader(root) as reader:
        acts = reader.actions(signals)
        posts = reader.con.execute(
            "SELECT post, actor, ts, kind, repost_of, reply_to, posted_in, list_sort(urls), "
            "list_sort(domains), text FROM posts ORDER BY post"
        ).fetchall()
        tables = {
            s: sorted(
                zip(
                    [acts.actors.values[a] for a in t.actor],
                    t.ts.tolist(),
                    [t.objects.values[o] for o in t.obj],
                    strict=True,
                )
            )
            for s, t in acts.tables.items()
        }
        return posts, tables, reader.accounts()


SIGNALS = ("url", "domain", "repost", "reply", "hashtag", "text")


def test_fast_path_equals_the_row_parser(tmp_path: Path, monkeypatch) -> None:
    path = _write(tmp_path / "messages.csv", ROWS)
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    report = load([path], store_only=fast, report_dir=tmp_path / "r1")
    assert report.loaded == len(ROWS) and report.rejected == 0
    monkeypatch.setattr(columnar, "FORMATS", ())
    load([path], store_only=slow, report_dir=tmp_path / "r2")
    assert _store_rows(fast, SIGNALS) == _store_rows(slow, SIGNALS)
    _, tables, accounts = _store_rows(fast, SIGNALS)
    assert [t[2] for t in tables["url"]].count("https://a.example/x") == 3
    assert ("twitter:u1", 1565690400, "香港加油") in tables["hashtag"]
    assert accounts["twitter:u2"]["handle"] == "bob"


def test_fast_path_used_for_clean_files(tmp_path: Path) -> None:
    path = _write(tmp_path / "messages.csv", ROWS)
    root = tmp_path / "store"
    clear(root)
    assert write_qut(path, StoreWriter(root, "x"), "p", "twitter") == len(ROWS)


@pytest.mark.parametrize(
    ("extra", "fast"),
    [
        (["8", "u1", "alice", "", "", "a clean extra row", "1565690460", ""], True),
        (["20", "u1", "alice", "", "", "two lines,\nof text", "1565690460", ""], True),
        (
            ["21", "u1", "alice", "", "", "swallowed:\n22,u1,alice,,,x,1565690461,\n", "15", ""],
            False,
        ),
        (["23", "u1", "alice", "", "", "many\n" * 120, "1565690460", ""], False),
        (
            ["17\xa0", "u1", "alice\u3000", "", "", "ids trimmed like str.strip", "15656904", ""],
            True,
        ),
        (
            ["19", "u5", "eve\t", "", "", "a tab DuckDB's trim keeps", "15656904", ""],
            False,
        ),
        (["1", "u9", "zed", "", "", "duplicate post id", "1565690460", ""], False),
        (["9", "9.06E+17", "x", "", "", "mangled user id", "1565690460", ""], False),
        (["10", "u1", "alice", "1.5", "", "floaty repost id", "1565690460", ""], False),
        (["11", "u1", "alice", "", "", "bad time", "yesterday", ""], False),
        (["12", "u1", "alice", "", "", "huge time", "1e30", ""], False),
        (["13", "u1", "alice", "", "", "nul \x00 byte", "1565690460", ""], False),
        (["14", "u1", "alicia", "", "", "second username for u1", "1565690460", ""], False),
        (["15", "", "", "", "", "no author", "1565690460", ""], False),
        (["16", "u1", "alice", "", "", "no time", "", ""], False),
        (["1 8", "u1", "alice", "", "", "id with a space inside", "1565690460", ""], False),
        (
            ["1\u20038", "u1", "alice", "", "", "id with an em space inside", "1565690460", ""],
            False,
        ),
    ],
)
def test_anything_unusual_goes_to_the_row_parser(
    tmp_path: Path, monkeypatch, extra: list[str], fast: bool
) -> None:
    path = _write(tmp_path / "messages.csv", [*ROWS, extra])
    root = tmp_path / "store"
    clear(root)
    found = write_qut(path, StoreWriter(root, "x"), "p", "twitter")
    # the row parser's store, the definition either way
    monkeypatch.setattr(columnar, "FORMATS", ())
    report = load([path], store_only=tmp_path / "slow", report_dir=tmp_path / "r")
    assert report.loaded + report.rejected == len(ROWS) + 1
    if fast:
        assert found == len(ROWS) + 1
        assert _store_rows(root, SIGNALS) == _store_rows(tmp_path / "slow", SIGNALS)
    else:
        assert found is None


_HOST = st.from_regex(r"[a-z0-9-]{1,8}(\.[a-z0-9-]{1,8}){0,3}", fullmatch=True)
_SEGMENT = st.from_regex(r"[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,8}", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https"]),
    host=_HOST,
    segments=st.lists(_SEGMENT, max_size=4),
)
def test_urls_the_fast_path_keeps_are_already_normal(scheme, host, segments) -> None:
    url = f"{scheme}://{host}/" + "/".join(segments)
    if re.match(_NORMAL_URL, url):
        assert normalise_url(url) == url


def _coordinated_rows(start: int, burst_of: int = 4, bursts: int = 3) -> list[list[str]]:
    """Accounts c1..c4 repost and link the same things within seconds, three times over;
    o1 and o2 post the same link hours apart (no edge)."""
    rows, n = [], start
    for b in range(bursts):
        t0 = 1565690400 + b * 3600
        rows.append([str(n), "s1", "source", "", "", f"original {b}", str(t0), ""])
        original = n
        n += 1
        for i in range(1, burst_of + 1):
            rows.append([str(n), f"c{i}", f"core{i}", str(original), "", "RT", str(t0 + i), ""])
            rows.append(
                [
                    str(n + 1),
                    f"c{i}",
                    f"core{i}",
                    "",
                    "",
                    f"look {b}",
                    str(t0 + 10 + i),
                    f"https://hk.example/story{b}",
                ]
            )
            n += 2
    rows.append(
        [str(n), "o1", "other1", "", "", "old link", "1565600000", "https://hk.example/story0"]
    )
    rows.append(
        [str(n + 1), "o2", "other2", "", "", "old link", "1565700000", "https://hk.example/story0"]
    )
    return rows


def test_detect_from_files_in_memory_equals_the_row_parser(tmp_path: Path, monkeypatch) -> None:
    """``detect FILES`` on clean QUT files reads them in memory (no row parser at all); its
    edges, clusters, scores and kept store equal the row parser's, also when a later file
    repeats a post of an earlier one (the later row wins, as in a store)."""
    import analytics.fromfiles as fromfiles
    from analytics.detect import DetectParams

    first = _write(tmp_path / "a.csv", _coordinated_rows(100))
    again = _coordinated_rows(100)[:1]
    again[0][6] = "1565690405"  # post 100 again, later and moved
    second = _write(tmp_path / "b.csv", [*again, *_coordinated_rows(500)])
    params = DetectParams(signals=("repost", "url"), min_size=3)

    def no_row_parser(*_a, **_k):
        raise AssertionError("the row parser ran")

    with monkeypatch.context() as m:
        m.setattr(fromfiles, "load", no_row_parser)
        fast, report = fromfiles.detect_files(
            [first, second], params, out_dir=tmp_path / "fast", keep_store=True
        )
    assert report.loaded == 29 + 1 + 29 and report.rejected == 0
    monkeypatch.setattr(columnar, "FORMATS", ())
    slow, _ = fromfiles.detect_files(
        [first, second], params, out_dir=tmp_path / "slow", keep_store=True
    )
    edges = lambda r: {e.signal: e.as_dict(r.actions.actors.values) for e in r.edge_lists}  # noqa: E731
    assert edges(fast) == edges(slow)
    assert edges(fast)["repost"][("twitter:c1", "twitter:c2")] == 6
    clusters = lambda r: sorted(sorted(m) for m in r.members.values())  # noqa: E731
    assert clusters(fast) == clusters(slow) == [[f"twitter:c{i}" for i in range(1, 5)]]
    assert [c.score for c in fast.clusters] == [c.score for c in slow.clusters]
    assert _store_rows(tmp_path / "fast" / "store", SIGNALS) == _store_rows(
        tmp_path / "slow" / "store", SIGNALS
    )


def test_detect_from_files_keeps_no_store_unless_asked(tmp_path: Path, monkeypatch) -> None:
    import analytics.fromfiles as fromfiles
    from analytics.detect import DetectParams

    path = _write(tmp_path / "a.csv", _coordinated_rows(100))
    params = DetectParams(signals=("repost",))
    fromfiles.detect_files([path], params, out_dir=tmp_path / "fast")
    monkeypatch.setattr(columnar, "FORMATS", ())
    fromfiles.detect_files([path], params, out_dir=tmp_path / "slow")
    for out in ("fast", "slow"):
        assert sorted(p.name for p in (tmp_path / out).iterdir()) == ["load"]
