"""Run a saved investigation end to end: load -> detect -> queries -> evaluate -> exports ->
report folder. What ``cibgraph investigate run`` calls.

Re-running is safe: loading is idempotent (checkpoints skip committed files) and each run
records a new DetectionRun; queries in the report read that new run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from analytics.categories import evaluate_categories, read_labels
from analytics.combine import DEFAULT_WEIGHTS
from analytics.detect import DetectParams, detect
from analytics.evaluate import evaluate, read_truth
from cibgraph import __version__, schema
from cibgraph.graph import Graph, connect
from cibgraph.investigation import Investigation
from cibgraph.report import plots, write
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
MEMBER_SAMPLE = 12


def detect_params(spec: dict[str, Any] | None) -> DetectParams:
    spec = dict(spec or {})
    if "signals" in spec:
        spec["signals"] = tuple(spec["signals"])
    if "weights" in spec:
        spec["weights"] = {**DEFAULT_WEIGHTS, **spec["weights"]}
    return DetectParams(**spec)


def run(
    inv: Investigation,
    out: Path,
    *,
    settings: Settings | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Run ``inv`` and write its report into ``out``; return the report.html path."""
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
        if inv.detect is not None:
            say("detect: co-action signals, communities, scores")
            result = detect(graph, detect_params(inv.detect), write=True, progress=say)
            report["detection"] = _detection(result, member_labels(graph, result))
            report["pages"] = graph.query(PAGES_CYPHER, {"run_id": result.run_id})
        queries = library()
        for step in inv.queries:
            say(f"query: {step.name}")
            stored = queries[step.name]
            rows = execute(graph, stored, step.params, limit=step.limit)
            report["sections"].append(
                {
                    "name": step.name,
                    "title": step.title or stored.title,
                    "description": stored.description,
                    "params": step.params,
                    "rows": rows,
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
    say("write report")
    return write(report, figures, out)


#: A member as the report names it: its handle or name, and where it is (platform, and
#: "page" or "group" for those), from the graph.
MEMBER_LABELS_CYPHER = """
UNWIND $uids AS uid
OPTIONAL MATCH (a:Account {uid: uid})
OPTIONAL MATCH (p:Page {uid: uid})
OPTIONAL MATCH (g:Group {uid: uid})
WITH uid, a, p, g
WHERE a IS NOT NULL OR p IS NOT NULL OR g IS NOT NULL
RETURN uid,
       coalesce(a.handle, a.display_name, p.name, p.handle, g.name, a.id, p.id, g.id) AS name,
       coalesce(a.platform, p.platform, g.platform) AS platform,
       CASE WHEN p IS NOT NULL THEN 'page' WHEN g IS NOT NULL THEN 'group' ELSE '' END AS kind
"""


def member_labels(graph: Graph, result: Any) -> dict[str, str]:
    """uid -> ``name (platform)`` / ``name (platform page)`` for every clustered member."""
    uids = sorted({uid for members in result.members.values() for uid in members})
    labels = {}
    for row in graph.query(MEMBER_LABELS_CYPHER, {"uids": uids}):
        where = " ".join(x for x in (row["platform"], row["kind"]) if x)
        labels[row["uid"]] = f"{row['name']} ({where})" if where else str(row["name"])
    return labels


def _detection(result: Any, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "run_id": result.run_id,
        "params": asdict(result.params),
        "edges": result.edge_counts,
        "skipped_hot_objects": result.skipped_objects,
        "combined_edges": result.combined_edges,
        "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
        "flagged": len(result.flagged),
        "clusters": [
            {
                "index": c.index,
                "size": len(c.members),
                "score": c.score,
                "flagged": c.flagged,
                "explanation": c.explanation,
                "members": _names(result, c.index, labels or {})[:MEMBER_SAMPLE],
                "features": {k: round(v, 4) for k, v in c.features.items()},
                "runs": c.runs,
                "amplifies": c.amplifies,
            }
            for c in result.clusters
        ],
    }


def _names(result: Any, index: int, labels: dict[str, str]) -> list[str]:
    """Members by ``labels`` where known, else as handles (else uids), sorted."""
    accounts = result.actions.accounts if result.actions is not None else {}
    return sorted(
        labels.get(uid) or (accounts.get(uid) or {}).get("handle") or uid
        for uid in result.members[index]
    )


def _exports(
    graph: Graph, formats: list[str], out: Path, run_id: str | None, say: Callable[[str], None]
) -> dict[str, str]:
    from analytics.export import export

    written = {}
    for fmt in formats:
        say(f"export: {fmt}")
        target = out / ("graph-csv" if fmt == "csv" else f"graph.{fmt}")
        written[fmt] = str(export(graph, target, fmt=fmt, run_id=run_id))
    return written
