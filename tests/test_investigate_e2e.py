"""The README demo, at tiny scale, through the CLI: generate -> investigate -> report."""

from __future__ import annotations

import csv
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from helpers import chromium, cli_environment, read_gexf, run_cli, screenshot

from cibgraph.graph import Graph
from cibgraph.investigation import INVESTIGATIONS_DIR
from cibgraph.palette import cluster_hex

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
    # each step with the time since the start, then the time each kind of step took
    assert re.search(r"^hong-kong-2019: \[\s*\d+\.\d s\] detect: ", proc.stderr, re.M)
    assert re.search(
        r"^hong-kong-2019: done in \d+\.\d s \(load \d+\.\d s, .*query \d+\.\d s",
        proc.stderr,
        re.M,
    )
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


class _Visible(HTMLParser):
    """The text a reader sees (not scripts or styles), by section heading."""

    def __init__(self) -> None:
        super().__init__()
        self.skip, self.sections, self.current = 0, {"": []}, ""
        self.in_h2 = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
            self.scripts += tag == "script"
        self.in_h2 = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "h2":
            self.in_h2 = False

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_h2:
            self.current = data.strip()
            self.sections.setdefault(self.current, [])
        else:
            self.sections[self.current].append(data)

    def text(self, heading: str | None = None) -> str:
        if heading is None:
            parts = [p for ps in self.sections.values() for p in ps]
        else:
            parts = self.sections[heading]
        return re.sub(r"\s+", " ", " ".join(parts))


def visible(out: Path) -> _Visible:
    parser = _Visible()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    return parser


def truth_handles(data: Path, *labels: str) -> set[str]:
    truth = {r["id"]: r["label"] for r in read_csv(data / "truth.csv")}
    return {r["handle"] for r in read_csv(data / "accounts.csv") if truth.get(r["id"]) in labels}


def _strings(row: dict[str, Any]) -> set[str]:
    found = set()
    for value in row.values():
        found.update(
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
        )
    return found


def test_evidence_about_the_operation_comes_first(demo) -> None:  # type: ignore[no-untyped-def]
    data, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    operation = truth_handles(data, "operation")
    network = truth_handles(data, "operation", "amplifier")
    run = report["detection"]["run_id"]
    flagged = {f"{run}:{c['index']}" for c in report["detection"]["clusters"] if c["flagged"]}
    sections = {s["name"]: s for s in report["sections"]}
    for name in (
        "shared-page-admins",
        "pages-sharing-admins",
        "news-page-amplifiers",
        "coordinated-link-sharing",
        "copy-paste-text",
    ):
        section = sections[name]
        assert section["involving_flagged"] >= 1, name
        for row in section["rows"][: min(3, section["involving_flagged"])]:
            assert _strings(row) & operation, (name, row)
    # the creation days list the first 20 handles: the operation's accounts or amplifiers
    bursts = sections["creation-bursts"]
    assert bursts["involving_flagged"] >= 1 and _strings(bursts["rows"][0]) & network
    # the run's own clusters, every one flagged (the report passes this run's id)
    amplification = sections["flagged-cluster-amplification"]
    assert amplification["params"] == {"run_id": run}
    assert {r["cluster"] for r in amplification["rows"]} == flagged
    # the organic chatter copied by many accounts comes after the operation's texts
    copies = sections["copy-paste-text"]["rows"]
    first_organic = next(i for i, r in enumerate(copies) if not _strings(r) & network)
    assert all(_strings(r) & network for r in copies[:first_organic])
    # the query itself ranks the flagged clusters' texts first, tightest first
    ranked = [r for r in copies if r["flagged_accounts"] > 0]
    assert ranked and copies[: len(ranked)] == ranked
    spreads = [r["spread_seconds"] for r in ranked]
    assert spreads == sorted(spreads) and sections["copy-paste-text"]["params"]["run_id"] == run
    links = sections["coordinated-link-sharing"]["rows"]
    assert links[0]["flagged_members"] >= 1 and _strings(links[0]) & network
    # the operation's 3 groups, each posted in by the page admins' flagged cluster
    groups = {r["group_name"]: r for r in sections["group-posters"]["rows"]}
    operation_groups = {
        r["id"] for r in read_csv(data / "pages_truth.csv") if r["label"] == "operation_group"
    }
    names = {r["id"]: r["name"] for r in read_csv(data / "groups.csv")}
    assert len(operation_groups) == 3 and {names[g] for g in operation_groups} <= set(groups)
    admins = {r["account_id"] for r in read_csv(data / "page_admins.csv")}
    handles = {r["id"]: r["handle"] for r in read_csv(data / "accounts.csv")}
    for group in operation_groups:
        row = groups[names[group]]
        assert row["flagged_posters"] >= 2 and row["flagged_clusters"]
        assert set(row["top_posters"]) <= {handles[a] for a in admins}
    # the page says what it filters on
    html = visible(out)
    assert "rows involving a flagged cluster's members come first" in html.text()


def test_the_page_shows_values_and_names_never_keys_or_placeholders(demo) -> None:  # type: ignore[no-untyped-def]
    data, out = demo
    html = visible(out)
    text = html.text()
    assert not re.findall(r"\$[a-z_]{3,}", text) and "`" not in text
    assert not re.findall(r"(?:facebook|twitter):\d{6,}", text)
    # the values used, in words: the investigation's max_delay_seconds 600 is "10 min"
    amplifiers = html.text("News-like pages - who runs them, who amplifies them, how fast")
    assert "within 10 min of the page publishing it" in amplifiers
    # pages named among cluster members, and counted as pages, not accounts
    clusters = html.text("Clusters, ranked")
    assert "(facebook page)" in clusters and re.search(r"\b\d+ accounts?, 1 page\b", clusters)
    # no bookkeeping card, no JSON arrays, durations in words
    summary = html.text("Summary")
    assert "LoadCheckpoint" not in summary and "NewsLike" not in summary
    assert '["' not in text and "spread seconds" not in text
    copies = html.text("Identical text posted by several accounts")
    assert re.search(r"\b\d+(\.\d)? (s|min|h|days?)\b", copies)
    # the cluster that runs the pages: its page and its admins, by name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    admins = {r["account_id"] for r in read_csv(data / "page_admins.csv")}
    handles = {r["id"]: r["handle"] for r in read_csv(data / "accounts.csv")}
    runners = [c for c in report["detection"]["clusters"] if c["runs"]]
    assert runners
    accounts = [m for m in runners[0]["members"] if not m.endswith(" page)")]
    assert accounts and {m.split(" (")[0] for m in accounts} <= {handles[a] for a in admins}
    # its explanation counts its pages as pages
    assert re.match(r"\d+ accounts? and [1-9]\d* pages?; ", runners[0]["explanation"])


def test_no_table_is_cut_without_saying_so(demo) -> None:  # type: ignore[no-untyped-def]
    data, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    html = visible(out)
    for section in report["sections"]:
        rows = read_csv(out / "tables" / f"{section['name']}.csv")
        assert len(rows) == len(section["rows"])  # the CSV has every row
        shown = html.text(section["title"])
        limit = section["limit"]
        if section["name"] == "news-page-amplifiers":
            continue  # one row per page, below
        if limit is not None and len(rows) > limit:
            assert f"First {limit} of {len(rows)} rows; all {len(rows)} in" in shown
        else:
            assert f"All {len(rows)} row" in shown or "no rows" in shown
    # one row per news-like page, whatever the number of amplifiers: every fake page is there
    names = {r["id"]: r["name"] for r in read_csv(data / "pages.csv")}
    fake = {r["id"] for r in read_csv(data / "pages_truth.csv") if r["label"] == "fake_news_page"}
    amplified = html.text("News-like pages - who runs them, who amplifies them, how fast")
    assert "One row per page here" in amplified
    tied = html.text("News-like pages tied to flagged clusters")
    assert all(names[p] in tied for p in fake)


def test_genuine_outlets_are_not_tied_to_flagged_clusters(demo) -> None:  # type: ignore[no-untyped-def]
    data, out = demo
    names = {r["id"]: r["name"] for r in read_csv(data / "pages.csv")}
    labels = {
        r["id"]: r["label"] for r in read_csv(data / "pages_truth.csv") if r["kind"] == "page"
    }
    fake = {names[p] for p, label in labels.items() if label == "fake_news_page"}
    genuine = {names[p] for p, label in labels.items() if label == "hard_negative:news_outlet"}
    assert len(fake) == 7 and genuine
    html = visible(out)
    tied = html.text("News-like pages tied to flagged clusters")
    untied = html.text("News-like pages with no coordinated support")
    assert all(p in tied for p in fake) and not any(p in tied for p in genuine)
    # the genuine outlets are news-like pages with no coordinated support, every one
    assert all(p in untied for p in genuine) and not any(p in untied for p in fake)
    summary = html.text("Summary")
    assert (
        f"7 news-like pages tied to flagged clusters {len(genuine)} news-like pages with "
        "no coordinated support" in summary
    )
    assert "posing as news outlets" not in " ".join(html.sections)


def test_one_colour_per_cluster_in_pictures_html_and_gexf(demo) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.image
    import numpy as np
    from lxml import etree

    _, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    flagged = [c["index"] for c in report["detection"]["clusters"] if c["flagged"]]
    colours = {c: cluster_hex(c) for c in flagged}
    assert len(set(colours.values())) == len(flagged)
    html = (out / "report.html").read_text(encoding="utf-8")
    for cluster, colour in colours.items():
        # the cluster table's swatch and the interactive graph's nodes
        assert re.search(
            rf'<span class="swatch" style="background: {colour}"></span>{cluster}</td>', html
        )
    graph = report["interactive"]
    assert {n["colour"] for n in graph["nodes"] if n["cluster"] == flagged[0]} == {
        colours[flagged[0]]
    }
    ns = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}
    document = etree.parse(str(out / "graph.gexf"))
    ids = {a.get("title"): a.get("id") for a in document.iterfind(".//g:attribute", ns)}
    seen: dict[int, set[str]] = {}
    for node in document.iterfind(".//g:node", ns):
        value = node.find(f"g:attvalues/g:attvalue[@for='{ids['cluster']}']", ns)
        if value is None:
            continue
        c = node.find("viz:color", ns)
        rgb = "#{:02x}{:02x}{:02x}".format(int(c.get("r")), int(c.get("g")), int(c.get("b")))
        seen.setdefault(int(value.get("value")), set()).add(rgb)
    for cluster, colour in colours.items():
        assert seen[cluster] == {colour}
    # the coordination picture paints each flagged cluster's nodes in the same colour
    pixels = (matplotlib.image.imread(out / "coordination.png")[..., :3] * 255).round()
    for colour in colours.values():
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels - rgb).max(axis=-1) <= 1).sum() > 20, colour


def test_gephi_snapshots_validate_and_hold_the_flagged_clusters(demo) -> None:  # type: ignore[no-untyped-def]
    import networkx as nx
    from lxml import etree

    _, out = demo
    schema = etree.XMLSchema(etree.parse(str(GEXF_SCHEMA)))
    document = etree.parse(str(out / "graph.gexf"))
    assert schema.validate(document), schema.error_log
    gexf = read_gexf(out / "graph.gexf")
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


@pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"),
    reason="chromium is not installed (CI installs it)",
)
def test_the_interactive_graph_renders_and_search_finds_a_handle(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The page's coordination graph in headless Chromium (offline: file://, no network):
    it draws every node, a search highlights the handle, a legend click a cluster."""
    sync_api = pytest.importorskip("playwright.sync_api")
    data, out = demo
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    graph = report["interactive"]
    admins = {r["account_id"] for r in read_csv(data / "page_admins.csv")}
    handle = next(r["handle"] for r in read_csv(data / "accounts.csv") if r["id"] in admins)
    node = next(n for n in graph["nodes"] if n["label"].startswith(handle + " "))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("http*://**", lambda route: route.abort())  # offline: nothing fetched
            page.goto((out / "report.html").resolve().as_uri())
            page.wait_for_selector("#cy[data-nodes]", timeout=30_000)
            assert page.get_attribute("#cy", "data-nodes") == str(len(graph["nodes"]))
            assert page.locator("#cy canvas").count() >= 1 and not errors
            page.fill("#cy-search", handle)
            page.wait_for_selector("#cy[data-found='1']", timeout=10_000)
            found = page.evaluate("window.cibgraphCy.$('node.found').map(n => n.id())")
            assert found == [node["id"]]
            assert "1 match for" in page.inner_text("#cy-info")
            page.locator("#cy").screenshot(path=str(tmp_path / "found.png"))
            page.fill("#cy-search", "")
            page.click(f"[data-cluster='{node['cluster']}']")
            lit = page.evaluate("window.cibgraphCy.$('node.highlight').map(n => n.id())")
            members = {n["id"] for n in graph["nodes"] if n["cluster"] == node["cluster"]}
            assert set(lit) == members and node["id"] in lit
            # hovering a node shows its handle, cluster, score and reasons
            box = page.evaluate(
                "id => { const p = window.cibgraphCy.getElementById(id).renderedPosition();"
                " return [p.x, p.y]; }",
                node["id"],
            )
            origin = page.locator("#cy").bounding_box()
            page.mouse.move(origin["x"] + box[0], origin["y"] + box[1])
            page.wait_for_selector("#cy-tip", state="visible", timeout=5_000)
            tip = page.inner_text("#cy-tip")
            assert handle in tip and f"cluster {node['cluster']}" in tip and "score" in tip
        finally:
            browser.close()
