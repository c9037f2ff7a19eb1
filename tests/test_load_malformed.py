"""Property test: any malformed row is quarantined with a reason; nothing of it is written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_helpers import pairs

from cibgraph.graph import Graph
from loader import LoadError, load

HEADER = ["platform", "id", "account_id", "created_at", "text", "like_count", "urls"]
GOOD = ["twitter", "{id}", "acc1", "2019-08-13T10:00:00Z", "fine", "3", "https://x.example/a"]

# (column index, bad value, field named in the reject): damage to what a record cannot
# exist without (a damaged optional field only costs that field: see below)
CORRUPTIONS = st.one_of(
    st.tuples(
        st.just(1),
        st.sampled_from(["9.06E+17", "1.2e5", "906000000000000000.0", ""]),
        st.just("id"),
    ),
    st.tuples(
        st.just(3),
        st.sampled_from(["yesterday", "2019-13-45", "13/08/2019", ""]),
        st.just("created_at"),
    ),
    st.tuples(st.just(0), st.sampled_from(["", "   "]), st.just("platform")),
    st.tuples(st.just(4), st.sampled_from(["a\x00b", "x" * 100_001]), st.just("text")),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    corruption=CORRUPTIONS,
    position=st.integers(min_value=0, max_value=4),
    good_rows=st.integers(min_value=1, max_value=6),
)
def test_malformed_row_is_quarantined_and_not_written(
    graph: Graph,
    tmp_path: Path,
    corruption: tuple[int, str, str],
    position: int,
    good_rows: int,
) -> None:
    graph.execute("MATCH (n) DETACH DELETE n")
    column, bad_value, field = corruption
    rows = [[v.format(id=f"g{i}") for v in GOOD] for i in range(good_rows)]
    bad = [v.format(id="BADROW") for v in GOOD]
    bad[column] = bad_value
    position = min(position, len(rows))
    rows.insert(position, bad)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path = tmp_path / "posts.csv"
    path.write_text(buffer.getvalue())

    report = load([path], graph=graph, report_dir=tmp_path / "r", resume=False)

    assert (report.loaded, report.rejected) == (good_rows, 1)
    with open(report.rejects_file, newline="") as f:
        (reject,) = list(csv.DictReader(f))
    assert reject["line"] == str(position + 2) and reject["field"] == field and reject["reason"]
    assert pairs(graph, "MATCH (p:Post) RETURN p.id") == {(f"g{i}",) for i in range(good_rows)}
    # nothing from the bad row: no post, no account or url that only it would create
    assert graph.query("MATCH (p:Post) WHERE p.id = 'BADROW' RETURN p") == []
    assert graph.query("MATCH (a:Account) RETURN a.id AS id") == [{"id": "acc1"}]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bad_value=st.text(alphabet="abcxyz!?", min_size=1, max_size=5),
    position=st.integers(min_value=0, max_value=4),
)
def test_a_damaged_count_costs_that_field_not_the_row(
    graph: Graph, tmp_path: Path, bad_value: str, position: int
) -> None:
    graph.execute("MATCH (n) DETACH DELETE n")
    rows = [[v.format(id=f"g{i}") for v in GOOD] for i in range(4)]
    bad = [v.format(id="DAMAGED") for v in GOOD]
    bad[5] = bad_value  # like_count
    position = min(position, len(rows))
    rows.insert(position, bad)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path = tmp_path / "posts.csv"
    path.write_text(buffer.getvalue())

    report = load([path], graph=graph, report_dir=tmp_path / "r", resume=False)

    assert (report.loaded, report.rejected) == (5, 0)
    assert report.files[0].dropped == {
        "like_count": {
            "count": 1,
            "examples": [f"line {position + 2}: {bad_value!r} is not a number"],
        }
    }
    likes = {
        r["id"]: r["n"] for r in graph.query("MATCH (p:Post) RETURN p.id AS id, p.like_count AS n")
    }
    assert likes == {"g0": 3, "g1": 3, "g2": 3, "g3": 3, "DAMAGED": None}
    with pytest.raises(LoadError, match=f":{position + 2}: field 'like_count'"):
        load([path], graph=graph, report_dir=tmp_path / "s", resume=False, strict=True)


def _native_posts(path: Path, lines: list[str]) -> Path:
    path.write_text(",".join(HEADER) + "\n" + "".join(lines), encoding="utf-8")
    return path


def _good(i: int) -> str:
    return f"twitter,g{i},acc1,2019-08-13T10:00:00Z,fine,3,https://x.example/a\n"


def _rejects(report) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    with open(report.rejects_file, newline="") as f:
        return list(csv.DictReader(f))


def test_an_unclosed_quote_does_not_swallow_the_rows_after_it(graph: Graph, tmp_path: Path) -> None:
    """A text that opens a quote and never closes it (the column count is right) used to
    take the next 100 rows into one field: now its lines are one reject with their range,
    and the rows before and after the runaway are loaded."""
    graph.execute("MATCH (n) DETACH DELETE n")
    opened = 'twitter,BAD,acc1,2019-08-13T10:00:00Z,"never closed,3,https://x.example/a\n'
    lines = [_good(0), opened] + [_good(i) for i in range(1, 101)]
    report = load(
        [_native_posts(tmp_path / "p.csv", lines)], graph=graph, report_dir=tmp_path / "r"
    )
    (reject,) = _rejects(report)
    assert reject["line"] == "3" and "lines 3-" in reject["reason"]
    assert "unclosed quote" in reject["reason"]
    loaded = {r[0] for r in pairs(graph, "MATCH (p:Post) RETURN p.id")}
    assert "BAD" not in loaded and "g0" in loaded
    assert report.loaded + report.rejected == len(loaded) + 1


def test_a_short_swallow_is_caught_by_the_rows_inside_it(graph: Graph, tmp_path: Path) -> None:
    """Three rows swallowed by a quote that a later row's text closes: the multi-line field
    holds whole rows, so the record is refused; real multi-line text still loads."""
    graph.execute("MATCH (n) DETACH DELETE n")
    lines = [
        'twitter,ml,acc1,2019-08-13T10:00:00Z,"line one\nline two, with a comma\nthree",3,\n',
        'twitter,BAD,acc1,2019-08-13T10:00:00Z,"opens here,3,https://x.example/a\n',
        _good(1),
        _good(2),
        _good(3),
        'twitter,g4,acc1,2019-08-13T10:00:00Z,closes" here,3,\n',
        _good(5),
    ]
    report = load(
        [_native_posts(tmp_path / "p.csv", lines)], graph=graph, report_dir=tmp_path / "r"
    )
    rejects = _rejects(report)
    assert [r["line"] for r in rejects] == ["5"]
    assert (
        "lines 5-9" in rejects[0]["reason"]
        and "3 lines that read as whole rows" in rejects[0]["reason"]
    )
    assert pairs(graph, "MATCH (p:Post) RETURN p.id") == {("ml",), ("g5",)}
    (text,) = graph.query("MATCH (p:Post {id: 'ml'}) RETURN p.text AS t")
    assert text["t"].count("\n") == 2


def test_an_oversized_quoted_field_smuggles_no_rows(graph: Graph, tmp_path: Path) -> None:
    """A quoted field far over the size limit, with lines inside that look like account
    rows: one reject for all its lines, nothing inside loaded, the row after it loaded."""
    graph.execute("MATCH (n) DETACH DELETE n")
    inside = "".join(f"twitter,SMUGGLED{i},acc9,2019-08-13T10:00:00Z,x,1,\n" for i in range(5))
    huge = "y" * 450_000
    lines = [
        _good(0),
        f'twitter,BAD,acc1,2019-08-13T10:00:00Z,"{huge}\n{inside}{huge}",3,\n',
        _good(1),
    ]
    report = load(
        [_native_posts(tmp_path / "p.csv", lines)], graph=graph, report_dir=tmp_path / "r"
    )
    (reject,) = _rejects(report)
    assert reject["line"] == "3" and "lines 3-9" in reject["reason"]
    assert pairs(graph, "MATCH (p:Post) RETURN p.id") == {("g0",), ("g1",)}
    assert graph.query("MATCH (a:Account {id: 'acc9'}) RETURN a") == []
