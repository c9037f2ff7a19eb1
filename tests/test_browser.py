"""Neo4j Browser, in a real browser: log in, set a stored query's parameters with its own
``:param`` line, run its statement, and see the result rows.

The Browser is the one the local Neo4j serves (``org.neo4j.client:neo4j-browser`` from Maven
Central, see docs/neo4j.md); the browser is Debian's Chromium, headless, driven by
Playwright (no browser download). Runs in the suite's Neo4j pass: ``scripts/test`` passes
the Browser's address as ``CIBGRAPH_TEST_BROWSER_URL``. The screenshot it takes is the one
in docs/queries.md.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import query_world

from cibgraph.graph import Graph
from queries.registry import library

BROWSER_URL = os.environ.get("CIBGRAPH_TEST_BROWSER_URL")


def _run(page, text: str) -> None:
    """Type ``text`` into the Browser's editor and run it (Ctrl+Enter)."""
    page.locator("[data-testid=activeEditor]").first.click()
    page.keyboard.insert_text(text)
    page.keyboard.press("Control+Enter")


def test_a_stored_query_runs_in_neo4j_browser(graph: Graph, settings, tmp_path: Path) -> None:
    if settings.embedded:
        pytest.skip("Neo4j Browser is served by Neo4j: runs in the Neo4j pass")
    if not BROWSER_URL:
        pytest.skip("no Browser address (scripts/test sets CIBGRAPH_TEST_BROWSER_URL)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    query_world.build(graph, tmp_path)
    query = library()["shared-page-admins"]
    assert query.example == ":param min_pages => 2"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{BROWSER_URL}?dbms={graph.uri.replace('bolt://', 'neo4j://')}")
            page.fill("input[data-testid=username]", settings.user)
            page.fill("input[data-testid=password]", settings.password)
            page.click("button[data-testid=connect]")
            page.wait_for_selector("text=You are connected", timeout=60_000)
            _run(page, query.example)
            page.wait_for_selector('text="min_pages": 2', timeout=30_000)
            _run(page, query.cypher)
            table = page.locator("table").first
            table.wait_for(timeout=60_000)
            cells = table.locator("td").all_inner_texts()
            # the five admins of the world, the first running three news-like pages
            for admin in ("admin.1", "admin.2", "admin.3", "admin.4", "admin.5"):
                assert f'"{admin}"' in cells
            assert page.get_by_text("Started streaming 5 records").count() == 1
            shot = Path(os.environ.get("CIBGRAPH_BROWSER_SCREENSHOT", tmp_path / "browser.png"))
            page.screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
