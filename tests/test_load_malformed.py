"""Property test: any malformed row is quarantined with a reason; nothing of it is written."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_helpers import pairs

from cibgraph.graph import Graph
from loader import load

HEADER = ["platform", "id", "account_id", "created_at", "text", "like_count", "urls"]
GOOD = ["twitter", "{id}", "acc1", "2019-08-13T10:00:00Z", "fine", "3", "https://x.example/a"]

# (column index, bad value, field named in the reject)
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
    st.tuples(
        st.just(5), st.text(alphabet="abcxyz!?", min_size=1, max_size=5), st.just("like_count")
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
