"""Every CSV cibgraph writes neutralises cells a spreadsheet would run as a formula: the
text comes from the operations under study (a handle named ``=HYPERLINK(...)``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from cibgraph.graph import Graph
from cibgraph.output import to_csv
from cibgraph.snapshot import write_csv
from loader import load


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


EVIL = '=HYPERLINK("http://x.example","click")'


def test_query_and_report_tables() -> None:
    text = to_csv([{"handle": EVIL, "n": -3, "note": "-5 is text here", "ok": "fine"}])
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row == {"handle": "'" + EVIL, "n": "-3", "note": "'-5 is text here", "ok": "fine"}


def test_gephi_csv_snapshot(tmp_path: Path) -> None:
    g = nx.Graph()
    g.add_node("@evil", label=EVIL, handle="+1")
    g.add_edge("@evil", "plain", weight=2.0, signals="-x")
    write_csv(g, tmp_path)
    nodes = _rows(tmp_path / "nodes.csv")
    assert {n["id"] for n in nodes} == {"'@evil", "plain"}
    assert [n["label"] for n in nodes if n["id"] == "'@evil"] == ["'" + EVIL]
    (edge,) = _rows(tmp_path / "edges.csv")
    assert (edge["source"], edge["target"], edge["signals"]) == ("'@evil", "plain", "'-x")


def test_rejects_file(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "posts.csv"
    path.write_text(
        "platform,id,account_id,created_at,text\n"
        f'"{EVIL.replace(chr(34), chr(34) * 2)}",1,a1,2019-08-13T10:00:00Z,hi\n',
        encoding="utf-8",
    )
    report = load([path], graph=graph, report_dir=tmp_path / "r")
    assert report.rejected == 1
    (reject,) = _rows(Path(report.rejects_file))
    assert reject["raw"].startswith("'=HYPERLINK")
