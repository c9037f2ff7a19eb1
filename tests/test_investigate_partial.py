"""A query the server refuses costs an investigation only that query's table: the report
is still written, says why in the table's place, and the run then fails naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cibgraph.investigate as investigate
import queries.registry as registry
from cibgraph.errors import InvestigationIncomplete
from cibgraph.graph import Graph
from cibgraph.investigation import load_file
from cibgraph.settings import Settings

# fails inside the server at run time, on both backends, after the query was accepted
FAILING = """\
// name: divides-by-zero
// title: Divides by zero
// category: coordination
// description: Fails on its second row.
// mode: read
// ---
UNWIND [1, 0] AS d RETURN 1 / d AS x
"""


def test_a_refused_query_leaves_out_only_its_table(
    graph: Graph, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph.execute(
        "CREATE (:Account {uid: 'twitter:1', handle: 'admin_one'})"
        "-[:ADMINISTERS]->(:Page {uid: 'facebook:p1', name: 'Daily News One'})"
    )
    failing = tmp_path / "divides-by-zero.cypher"
    failing.write_text(FAILING, encoding="utf-8")
    known = {**registry.library(), "divides-by-zero": registry.load_file(failing)}
    monkeypatch.setattr(registry, "library", lambda *_a, **_k: known)
    monkeypatch.setattr(investigate, "library", lambda *_a, **_k: known)
    case = tmp_path / "case.yaml"
    case.write_text(
        "name: partial\ndescription: one query fails\nqueries:\n  - name: divides-by-zero\n"
        "  - name: shared-page-admins\n    params: {min_pages: 1}\n",
        encoding="utf-8",
    )
    out = tmp_path / "report"
    with pytest.raises(InvestigationIncomplete) as failed:
        investigate.run(load_file(case), out, settings=settings)
    message = str(failed.value)
    assert "report.html" in message and "divides-by-zero: " in message and "by zero" in message

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    sections = {s["name"]: s for s in report["sections"]}
    assert "by zero" in sections["divides-by-zero"]["error"]
    assert sections["divides-by-zero"]["rows"] == []
    assert sections["shared-page-admins"]["error"] is None
    assert [r["admin"] for r in sections["shared-page-admins"]["rows"]] == ["admin_one"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "This query failed on the graph server, so its table is missing" in html
    assert "admin_one" in html
    assert "**This query failed on the graph server:**" in (out / "report.md").read_text()
