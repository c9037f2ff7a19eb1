"""The report folder of an investigation run.

``report.json`` (every table and score, machine-readable), ``report.md``, ``report.html``
(one self-contained page: CSS inline, pictures embedded as PNG data, no network needed),
one CSV per table under ``tables/``, and the Gephi snapshots the investigation asked for.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from cibgraph.output import plain, to_csv, to_markdown
from cibgraph.palette import cluster_hex
from cibgraph.report import interactive, view
from cibgraph.report.pages import PER_PAGE

HTML_ROWS = 200  # rows per table in the HTML (the CSV has them all)


def write(report: dict[str, Any], figures: dict[str, tuple[str, bytes]], out: Path) -> Path:
    """Write every file of the report into ``out``; return the HTML path."""
    out.mkdir(parents=True, exist_ok=True)
    tables = out / "tables"
    tables.mkdir(exist_ok=True)
    for section in report["sections"]:
        section["csv"] = str(Path("tables") / f"{section['name']}.csv")
        (out / section["csv"]).write_text(to_csv(section["rows"]), encoding="utf-8")
    if report.get("detection"):
        rows = [
            {k: v for k, v in c.items() if k != "features"} for c in report["detection"]["clusters"]
        ]
        (tables / "clusters.csv").write_text(to_csv(rows), encoding="utf-8")
    if report.get("pages"):
        (tables / "pages.csv").write_text(to_csv(report["pages"]), encoding="utf-8")
    if report.get("categories"):
        rows = report["categories"]["clusters"]
        (tables / "clusters-by-category.csv").write_text(to_csv(rows), encoding="utf-8")
    for name, (_, png) in figures.items():
        (out / f"{name}.png").write_bytes(png)
    report["figure_files"] = {name: f"{name}.png" for name in figures}
    (out / "report.json").write_text(
        json.dumps(plain(report), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    (out / "report.md").write_text(markdown(report), encoding="utf-8")
    html = out / "report.html"
    html.write_text(render_html(report, figures), encoding="utf-8")
    return html


#: Node labels of the graph's bookkeeping, not of the data: left out of the summary.
BOOKKEEPING = {"LoadCheckpoint", "DetectionRun", "Cluster", "NewsLike"}


def render_html(report: dict[str, Any], figures: dict[str, tuple[str, bytes]]) -> str:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html", "j2"])
    )
    r = json.loads(json.dumps(plain(report), ensure_ascii=False))
    run_id = (r.get("detection") or {}).get("run_id")
    for section in r["sections"]:
        rows, involved = section.pop("rows"), section.get("involving_flagged", 0)
        if section["name"] in PER_PAGE:
            regroup, section["layout"] = PER_PAGE[section["name"]]
            rows, involved = regroup(rows, involved)
            section["involving_flagged"] = involved
        section["table"] = view.table(
            rows,
            section.get("limit") or HTML_ROWS,
            [i < involved for i in range(len(rows))],
            run_id=run_id,
        )
        section["description"] = view.describe(section["description"], section.get("values", {}))
    if r.get("categories"):
        rows = r["categories"]["clusters"]
        r["categories"]["table"] = view.table(
            rows, HTML_ROWS, [bool(x.get("flagged")) for x in rows]
        )
    r["summary"] = {k: v for k, v in r["graph"]["nodes"].items() if v and k not in BOOKKEEPING}
    r["pages_tied"] = [p for p in r.get("pages") or [] if p["clusters"]]
    r["pages_untied"] = [p for p in r.get("pages") or [] if not p["clusters"]]
    r["colours"] = {
        str(c["index"]): cluster_hex(c["index"])
        for c in (r.get("detection") or {}).get("clusters", [])
    }
    r["figures"] = [
        {"title": title, "data": base64.b64encode(png).decode("ascii")}
        for title, png in figures.values()
    ]
    if r.get("interactive"):
        r["graph_js"] = interactive.bundle()
        r["graph_hint"] = interactive.INSTALL_HINT
        r["graph_data"] = Markup(interactive.script_json(r["interactive"]))
        r["graph_app"] = Markup((Path(__file__).parent / "graph.js").read_text(encoding="utf-8"))
        if r["graph_js"] is not None:
            r["graph_js"] = Markup(r["graph_js"])
    return env.get_template("template.html.j2").render(r=r)


def markdown(report: dict[str, Any]) -> str:
    inv = report["investigation"]
    lines = [
        f"# {inv['name']}",
        "",
        inv["description"],
        "",
        f"Generated {report['generated_at']} from `{inv['file']}`.",
        "",
    ]
    nodes = {k: v for k, v in report["graph"]["nodes"].items() if v}
    lines += ["## Graph", "", to_markdown([nodes]), ""]
    if report.get("load"):
        load = report["load"]
        lines += [
            f"Loaded `{load['dataset']}`: {load['loaded']:,} records, "
            f"{load['rejected']:,} rejected.",
            "",
        ]
    if report.get("detection"):
        det = report["detection"]
        lines += ["## Clusters", "", f"Run `{det['run_id']}`; {det['flagged']} flagged.", ""]
        lines.append(
            to_markdown(
                [
                    {k: c[k] for k in ("index", "size", "score", "flagged", "explanation")}
                    for c in det["clusters"]
                ]
            )
        )
    if report.get("pages"):
        for title, tied in (
            ("News-like pages tied to flagged clusters", True),
            ("News-like pages with no coordinated support", False),
        ):
            rows = [
                {"page": p["page"], "admins": ", ".join(p["admins"]), **_links(p)}
                for p in report["pages"]
                if bool(p["clusters"]) == tied
            ]
            lines += [f"## {title}", "", to_markdown(rows) if rows else "none", ""]
    if report.get("evaluation"):
        ev = report["evaluation"]
        lines += [
            "## Evaluation",
            "",
            to_markdown(
                [
                    {
                        k: ev[k]
                        for k in ("precision", "recall", "f1", "flagged", "positives", "ari", "nmi")
                    }
                ]
            ),
        ]
    if report.get("categories"):
        cat = report["categories"]
        lines += [
            f"## Clusters by {cat['label_column']}",
            "",
            f"{cat['covered']} of {cat['matched']} labelled accounts in a cluster "
            f"(of the {cat['active']} that posted: {cat['active_coverage']:.0%}); "
            f"NMI {cat['nmi']}, ARI {cat['ari']}, purity {cat['purity']}.",
            "",
            to_markdown(cat["clusters"][:HTML_ROWS]),
        ]
    for section in report["sections"]:
        rows, limit = section["rows"], section.get("limit") or HTML_ROWS
        lines += [
            f"## {section['title']}",
            "",
            str(view.describe(section["description"], section.get("values", {})).striptags()),
            "",
        ]
        if section.get("error"):
            lines += [f"**This query failed on the graph server:** {section['error']}", ""]
            continue
        lines += [
            to_markdown(
                [
                    {k: view.text(k, v) for k, v in row.items() if not view.hidden(k)}
                    for row in rows[:limit]
                ]
            ),
        ]
        if len(rows) > limit:
            lines += [
                "",
                f"First {limit} of {len(rows)} rows; all in [{section['csv']}]({section['csv']}).",
            ]
    for name, file in report.get("figure_files", {}).items():
        lines += [f"![{name}]({file})", ""]
    return "\n".join(lines) + "\n"


def _links(page: dict[str, Any]) -> dict[str, str]:
    """A news-like page's ties to flagged clusters, as one cell."""
    return {
        "flagged clusters": "; ".join(
            f"cluster {c['cluster']} {str(c['link']).lower()}"
            + (f" ({c['shares']} shares)" if c.get("shares") else "")
            for c in page["clusters"]
        )
        or "none"
    }
