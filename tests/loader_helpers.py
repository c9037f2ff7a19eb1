"""Helpers for loader tests: load fixtures and read back what the graph holds."""

from __future__ import annotations

from pathlib import Path

from cibgraph.graph import Graph
from cibgraph.schema import label_counts, rel_counts
from loader import LoadReport, load

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(graph: Graph, name: str, tmp_path: Path, **kwargs) -> LoadReport:
    return load([FIXTURES / name], graph=graph, report_dir=tmp_path / "report", **kwargs)


def counts(graph: Graph) -> dict[str, int]:
    """Non-zero node counts per label and relationship counts per type."""
    both = {**label_counts(graph), **rel_counts(graph)}
    return {k: v for k, v in both.items() if v}


def one(graph: Graph, cypher: str, params: dict | None = None) -> dict:
    rows = graph.query(cypher, params or {})
    assert len(rows) == 1, rows
    return rows[0]


def pairs(graph: Graph, cypher: str) -> set[tuple]:
    return {tuple(r.values()) for r in graph.query(cypher)}
