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

from cibgraph.output import cell, columns, plain, to_csv, to_markdown

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


def render_html(report: dict[str, Any], figures: dict[str, tuple[str, bytes]]) -> str:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html", "j2"])
    )
    view = json.loads(json.dumps(plain(report), ensure_ascii=False))
    for section in view["sections"]:
        section["truncated"] = len(section["rows"]) > HTML_ROWS
        section["columns"] = columns(section["rows"])
        section["rows"] = [
            {k: cell(v) for k, v in row.items()} for row in section["rows"][:HTML_ROWS]
        ]
    if view.get("categories"):
        view["categories"]["columns"] = columns(view["categories"]["clusters"])
        view["categories"]["truncated"] = len(view["categories"]["clusters"]) > HTML_ROWS
        view["categories"]["clusters"] = view["categories"]["clusters"][:HTML_ROWS]
    view["figures"] = [
        {"title": title, "data": base64.b64encode(png).decode("ascii")}
        for title, png in figures.values()
    ]
    return env.get_template("template.html.j2").render(r=view)


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
        lines += ["## Pages posing as news outlets", "", to_markdown(report["pages"])]
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
        lines += [
            f"## {section['title']}",
            "",
            section["description"],
            "",
            to_markdown(section["rows"][:HTML_ROWS]),
        ]
    for name, file in report.get("figure_files", {}).items():
        lines += [f"![{name}]({file})", ""]
    return "\n".join(lines) + "\n"
