"""Run a saved investigation end to end: load -> detect -> queries -> evaluate -> exports ->
report folder. What ``cibgraph investigate run`` calls.

Re-running is safe: loading is idempotent (checkpoints skip committed files) and each run
records a new DetectionRun; queries in the report read that new run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neo4j.exceptions import Neo4jError

from analytics.categories import evaluate_categories, read_labels
from analytics.detect import detect
from analytics.evaluate import evaluate, read_truth
from cibgraph import __version__, schema
from cibgraph.errors import InvestigationIncomplete, refusal_message
from cibgraph.graph import Graph, connect
from cibgraph.investigation import Investigation
from cibgraph.investigation_values import detect_params
from cibgraph.report import interactive, members, plots, view, write
from cibgraph.settings import Settings
from loader import load
from queries.registry import execute, library

PAGES_CYPHER = """
MATCH (p:NewsLike)
OPTIONAL MATCH (a:Account)-[:ADMINISTERS]->(p)
WITH p, a ORDER BY a.handle
WITH p, collect(DISTINCT a.handle) AS admins
OPTIONAL MATCH (k:Cluster {run_id: $run_id, flagged: true})-[link:RUNS|AMPLIFIES]->(p)
WITH p, admins, k, link ORDER BY k.index
WITH p, admins, collect(CASE WHEN k IS NULL THEN null
                             ELSE {cluster: k.index, link: type(link), shares: link.shares}
                        END) AS clusters
RETURN p.name AS page, p.uid AS uid, admins, clusters
ORDER BY size(clusters) DESC, page
"""


def run(
    inv: Investigation,
    out: Path,
    *,
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Run ``inv`` and write its report into ``out``; return the report.html path.

    A query the server refuses (too big for its memory, say) costs only its own table:
    the report is written with the server's message in that table's place, and then
    :class:`~cibgraph.errors.InvestigationIncomplete` names the queries that failed."""
    say = progress or (lambda _m: None)
    out = Path(out)
    report: dict[str, Any] = {
        "version": __version__,
        "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "investigation": {
            "name": inv.name,
            "description": inv.description,
            "file": str(inv.path),
            "params": inv.params,
        },
        "load": None,
        "detection": None,
        "interactive": None,
        "pages": [],
        "sections": [],
        "evaluation": None,
        "exports": {},
    }
    figures: dict[str, tuple[str, bytes]] = {}
    with connect(settings) as graph:
        if inv.load:
            say("load: " + ", ".join(inv.load["paths"]))
            loaded = load(
                [inv.resolve(p) for p in inv.load["paths"]],
                format=inv.load.get("format"),
                dataset=inv.load.get("dataset"),
                batch_size=int(inv.load.get("batch_size", 5000)),
                platform=inv.load.get("platform", "twitter"),
                graph=graph,
                report_dir=out / "load",
            )
            report["load"] = loaded.to_dict()
        schema.apply_schema(graph)
        report["graph"] = {
            "nodes": schema.label_counts(graph),
            "relationships": schema.rel_counts(graph),
        }
        result = None
        keys: set[str] = set()
        if inv.detect is not None:
            say("detect: co-action signals, communities, scores")
            result = detect(graph, detect_params(inv.detect), write=True, progress=say)
            info = members.member_info(graph, result)
            keys = members.flagged_keys(result, info)
            report["detection"] = members.detection(result, info)
            report["pages"] = graph.query(PAGES_CYPHER, {"run_id": result.run_id})
            report["interactive"] = interactive.graph_data(result, members.labels(info))
        queries = library()
        failed: list[str] = []
        for step in inv.queries:
            say(f"query: {step.name}")
            stored = queries[step.name]
            params = dict(step.params)
            if result is not None and "run_id" in stored.parameters and "run_id" not in params:
                params["run_id"] = result.run_id  # this run, as every other table
            # every row goes to the CSV; the page shows the first `limit` and says so
            error = None
            try:
                rows = execute(graph, stored, params)
            except Neo4jError as exc:  # one table lost, not the whole report
                error = refusal_message(exc)
                say(f"warning: query {step.name} failed, its table is left out: {error}")
                failed.append(f"{step.name}: {error}")
                rows = []
            involved = 0
            if result is not None:
                rows, involved = view.flagged_first(rows, keys)
            report["sections"].append(
                {
                    "name": step.name,
                    "title": step.title or stored.title,
                    "description": stored.description,
                    "params": params,
                    "values": stored.bind(params),
                    "limit": step.limit,
                    "involving_flagged": involved,
                    "rows": rows,
                    "error": error,
                }
            )
        if inv.evaluate and result is not None and "truth" in inv.evaluate:
            say("evaluate against ground truth")
            truth = read_truth(inv.resolve(inv.evaluate["truth"]))
            report["evaluation"] = evaluate(graph, truth, result.run_id).to_dict()
        if inv.evaluate and result is not None and "labels" in inv.evaluate:
            say("clusters against the labels' categories")
            spec = inv.evaluate
            rows = read_labels(
                inv.resolve(spec["labels"]), spec["label_column"], spec.get("id_column")
            )
            report["categories"] = evaluate_categories(
                graph,
                rows,
                label_column=spec["label_column"],
                platform=spec.get("platform", "twitter"),
                run_id=result.run_id,
            ).to_dict()
            flagged = {c.index for c in result.flagged}
            for row in report["categories"]["clusters"]:
                row["flagged"] = row["cluster"] in flagged
        if inv.exports and result is not None:
            report["exports"] = _exports(graph, inv.exports, out, result.run_id, say)
    if result is not None:
        say("pictures")
        for name, title, draw in (
            (
                "coordination",
                "Coordination graph coloured by cluster (sample)",
                plots.coordination_graph,
            ),
            (
                "activity",
                "Posts per day: flagged clusters against the baseline",
                plots.activity_timeline,
            ),
            (
                "creation",
                "Account creation dates: flagged clusters against the rest",
                plots.creation_histogram,
            ),
        ):
            png = draw(result)
            if png:
                figures[name] = (title, png)
    if report["interactive"] and interactive.bundle() is None:
        say(
            "warning: cytoscape.js is not installed, so the report has no interactive graph "
            f"(only the static picture): {interactive.INSTALL_HINT}"
        )
    say("write report")
    html = write(report, figures, out)
    if failed:
        raise InvestigationIncomplete(
            f"the report is written ({html}), but without the table of " + "; ".join(failed)
        )
    return html


def _exports(
    graph: Graph, formats: list[str], out: Path, run_id: str | None, say: Callable[[str], None]
) -> dict[str, str]:
    from cibgraph.snapshot import snapshot, write

    say("export: the run's coordination graph")
    G = snapshot(graph, run_id)  # built once, written in every format asked for
    written = {}
    for fmt in formats:
        say(f"export: {fmt}")
        target = out / ("graph-csv" if fmt == "csv" else f"graph.{fmt}")
        path = Path(write(G, target, fmt))
        # relative to the report folder, so report.html links it wherever the folder goes
        written[fmt] = os.path.relpath(path.resolve(), out.resolve())
    return written
