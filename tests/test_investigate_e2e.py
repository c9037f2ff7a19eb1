"""The README demo, at tiny scale, through the CLI: generate -> investigate -> report."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from helpers import chromium, cli_environment, run_cli, screenshot

from cibgraph.graph import Graph
from cibgraph.investigation import INVESTIGATIONS_DIR

GEXF_SCHEMA = Path(__file__).parent / "schemas" / "gexf-1.3-subset" / "gexf.xsd"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, session_graph: Graph, settings
) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    session_graph.execute("MATCH (n) DETACH DELETE n")
    root = tmp_path_factory.mktemp("e2e")
    env = cli_environment(settings)
    data, out = root / "hk", root / "report"
    run_cli("demo", "generate", str(data), "--scale", "tiny", "--seed", "42", env=env)
    proc = run_cli(
        "investigate",
        "run",
        str(INVESTIGATIONS_DIR / "hong-kong-2019.yaml"),
        "--param",
        f"data={data}",
        "--out",
        str(out),
        env=env,
        timeout=600,
    )
    assert proc.stdout.strip().endswith(str((out / "report.html").resolve()))
    return data, out


def test_report_names_the_fake_pages_their_admins_and_the_core(demo) -> None:  # type: ignore[no-untyped-def]
    data, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    fake = {r["id"] for r in read_csv(data / "pages_truth.csv") if r["label"] == "fake_news_page"}
    admins = {r["account_id"] for r in read_csv(data / "page_admins.csv")}
    assert len(fake) == 7 and len(admins) == 5
    # every fake page is tied to a flagged cluster; the genuine outlets' pages are not
    tied = {p["uid"].split(":", 1)[1] for p in report["pages"] if p["clusters"]}
    assert tied == fake
    sections = {s["name"]: s for s in report["sections"]}
    found_admins = {r["admin_uid"].split(":", 1)[1] for r in sections["shared-page-admins"]["rows"]}
    assert found_admins == admins
    flagged = [c for c in report["detection"]["clusters"] if c["flagged"]]
    core = {r["id"] for r in read_csv(data / "truth.csv") if r["label"] == "operation"}
    assert len(flagged) >= 3 and all(c["explanation"] for c in flagged)
    evaluation = report["evaluation"]
    assert evaluation["fake_pages"] == {"total": 7, "tied_to_flagged_cluster": 7, "missed": []}
    assert evaluation["precision"] >= 0.95 and evaluation["by_role"]["operation"]["flagged"] >= (
        0.9 * len(core)
    )
    assert all(v["flagged"] == 0 for k, v in evaluation["hard_negatives"].items())
    # clusters x the truth labels as categories: the flagged clusters hold the operation
    categories = report["categories"]
    assert categories["label_column"] == "label" and categories["covered"] > 0
    rows = {r["cluster"]: r for r in categories["clusters"]}
    twitter = [rows[c["index"]] for c in flagged if c["index"] in rows]  # (the page network
    assert len(twitter) >= 3  # is on Facebook, and these labels are matched on Twitter)
    for row in twitter:
        assert row["flagged"] and row["operation"] + row["amplifier"] >= 0.9 * row["labelled"]
    assert (out / "tables" / "clusters-by-category.csv").stat().st_size > 50
    names = {r["id"]: r["name"] for r in read_csv(data / "pages.csv")}
    html = (out / "report.html").read_text(encoding="utf-8")
    for page in fake:
        assert names[page] in html
    assert html.count("data:image/png;base64,") == 3  # self-contained pictures
    assert "Clusters by label" in html
    for table in ("clusters.csv", "pages.csv", "shared-page-admins.csv"):
        assert (out / "tables" / table).stat().st_size > 100
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# hong-kong-2019")


def test_gephi_snapshots_validate_and_hold_the_flagged_clusters(demo) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx
    from lxml import etree

    _, out = demo
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    document = etree.parse(str(out / "graph.gexf"))
    assert schema.validate(document), schema.error_log
    gexf = nx.read_gexf(out / "graph.gexf")
    graphml = nx.read_graphml(out / "graph.graphml")
    assert set(gexf.nodes) == set(graphml.nodes) and gexf.number_of_edges() > 50
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    flagged = {c["index"] for c in report["detection"]["clusters"] if c["flagged"]}
    in_snapshot = {d.get("cluster") for _, d in gexf.nodes(data=True) if d.get("flagged")}
    assert flagged <= in_snapshot


@pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"),
    reason="chromium is not installed (CI installs it)",
)
def test_report_renders_in_headless_chromium(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = demo
    png = tmp_path / "report.png"
    screenshot(out / "report.html", png, tmp_path / "profile")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
