"""`load --bulk-csv`: neo4j-admin import files hold exactly what a transactional load writes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from loader_helpers import FIXTURES, counts, load_fixture

from cibgraph.graph import Graph
from loader import load
from loader.bulk import REL_FILES


def bulk_counts(out: Path) -> dict[str, int]:
    """Rows per label / relationship type in the import files (header excluded)."""
    found: dict[str, int] = {}
    for file in out.glob("*.csv"):
        kind, what = file.stem.split("-", 1)
        with open(file, newline="") as f:
            rows = list(csv.reader(f))[1:]
        if kind == "nodes":
            found[what] = found.get(what, 0) + len(rows)
            if what == "Page":
                found["NewsLike"] = sum("NewsLike" in r[-1] for r in rows)
        else:
            rel = REL_FILES[what][1]
            found[rel] = found.get(rel, 0) + len(rows)
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize(
    "fixture", ["twitter", "crowdtangle", "native", "ira", "qut", "coornet", "coortweet"]
)
def test_bulk_files_match_transactional_load(graph: Graph, tmp_path: Path, fixture: str) -> None:
    out = tmp_path / "bulk"
    report = load([FIXTURES / fixture], bulk_csv=out, report_dir=tmp_path / "r")
    assert report.bulk_args and (out / "import-args.txt").read_text().split() == report.bulk_args
    load_fixture(graph, fixture, tmp_path)
    expected = counts(graph)
    expected.pop("LoadCheckpoint")
    assert bulk_counts(out) == expected


def test_bulk_import_args_name_every_file(tmp_path: Path) -> None:
    out = tmp_path / "bulk"
    report = load([FIXTURES / "twitter"], bulk_csv=out, report_dir=tmp_path / "r")
    named = {arg.split("=")[-1] for arg in report.bulk_args}
    assert named == {f.name for f in out.glob("*.csv")}
    assert "--nodes=Account=nodes-Account.csv" in report.bulk_args
    assert "--relationships=POSTED=rels-posted.csv" in report.bulk_args
    with open(out / "nodes-Account.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header[:3] == ["uid:ID(Account)", "platform", "id"]
    assert "created_at:datetime" in header and "hashed:boolean" in header
