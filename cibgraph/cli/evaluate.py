"""``cibgraph evaluate``: a detection run against ground truth or category labels."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cibgraph.cli.common import format_option, settings_from
from cibgraph.output import print_table


@click.command("evaluate")
@click.option(
    "--truth",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="truth.csv (labels format); default: truth labels loaded in the graph.",
)
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV of accounts labelled by category (e.g. the IRA release's authors.csv): "
    "coverage, NMI, ARI and purity of the clusters against the categories.",
)
@click.option("--label-column", help="With --labels: the category column (e.g. account_category).")
@click.option(
    "--id-column",
    help="With --labels: the column naming the account (uid, id or handle; default: the "
    "first of uid, id, userid, user_id, account_id, author_id, handle, author).",
)
@click.option(
    "--platform", default="twitter", show_default=True, help="With --labels: ids' platform."
)
@click.option("--run", "run_id", help="Detection run id (default: the newest).")
@format_option(("table", "json"), "Output: tables, or the whole evaluation as JSON.")
@click.pass_context
def evaluate_cmd(
    ctx: click.Context,
    truth: Path | None,
    labels: Path | None,
    label_column: str | None,
    id_column: str | None,
    platform: str,
    run_id: str | None,
    fmt: str,
) -> None:
    """Precision, recall and F1 of a detection run against ground truth, or how well its
    clusters recover labelled categories (--labels).

    \b
    Examples:
      cibgraph evaluate --truth scenario/truth.csv
      cibgraph evaluate --run run-20261123T010203000000Z --format json
      cibgraph evaluate --labels ira/authors.csv --label-column account_category
    """
    from analytics.evaluate import evaluate, read_truth
    from cibgraph.graph import connect

    if labels is not None or label_column is not None:
        if labels is None or label_column is None:
            raise click.UsageError("--labels and --label-column go together")
        _evaluate_categories(ctx, labels, label_column, id_column, platform, run_id, fmt)
        return
    rows = read_truth(truth) if truth else None
    with connect(settings_from(ctx)) as graph:
        result = evaluate(graph, rows, run_id)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    print_table(
        [
            {
                "run": result.run_id,
                "precision": result.precision,
                "recall": result.recall,
                "f1": result.f1,
                "flagged": result.flagged,
                "positives": result.positives,
                "ari": result.ari,
                "nmi": result.nmi,
            }
        ],
        title="operation accounts",
    )
    print_table([{"role": k, **v} for k, v in result.by_role.items()], title="by role")
    print_table(
        [{"label": k, **v} for k, v in result.hard_negatives.items()],
        title="not operation (flagged = false positives)",
    )
    click.echo(
        f"fake news pages tied to a flagged cluster: "
        f"{result.fake_pages.get('tied_to_flagged_cluster')}/"
        f"{result.fake_pages.get('total')}"
    )


def _evaluate_categories(
    ctx: click.Context,
    labels: Path,
    label_column: str,
    id_column: str | None,
    platform: str,
    run_id: str | None,
    fmt: str,
) -> None:
    from analytics.categories import evaluate_categories, read_labels
    from cibgraph.graph import connect

    rows = read_labels(labels, label_column, id_column)
    with connect(settings_from(ctx)) as graph:
        result = evaluate_categories(
            graph, rows, label_column=label_column, platform=platform, run_id=run_id
        )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    print_table(
        [
            {
                "run": result.run_id,
                "labelled": result.labelled,
                "in graph": result.matched,
                "posted": result.active,
                "in a cluster": result.covered,
                "coverage": result.coverage,
                "of those posting": result.active_coverage,
                "nmi": result.nmi,
                "ari": result.ari,
                "purity": result.purity,
            }
        ],
        title=f"clusters against {label_column}",
    )
    print_table(result.categories, title="by category")
    if result.matched < result.labelled:
        click.echo(
            f"{result.labelled - result.matched} labelled id(s) name no account in the graph "
            f"(e.g. {', '.join(result.unmatched_examples[:3])})",
            err=True,
        )
