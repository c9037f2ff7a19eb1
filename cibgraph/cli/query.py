"""``cibgraph query``: the stored Cypher library (list, show, run, export, lint)."""

from __future__ import annotations

from pathlib import Path

import click

from cibgraph.cli.common import format_option, settings_from
from cibgraph.cypherlint import lint_project
from cibgraph.errors import CibgraphError
from cibgraph.graph import connect
from cibgraph.output import FORMATS, print_table, render
from cibgraph.schema import has_data
from queries import registry


@click.group()
def query() -> None:
    """Work with the stored Cypher queries in queries/.

    \b
    Examples:
      cibgraph query list --category coordination
      cibgraph query show coordinated-link-sharing
      cibgraph query run coordinated-link-sharing -p window_seconds=30 -p min_shared=3
      cibgraph query run shared-page-admins --format json
      cibgraph query run --file my-query.cypher -p account=twitter:123
      cibgraph query run --cypher 'MATCH (a:Account) RETURN count(a) AS accounts'
      cibgraph query export-browser browser-scripts/
    """


@query.command("list")
@click.option("--category", help="Only this category.")
@click.option("--tag", help="Only queries with this tag.")
@click.option("--search", "text", help="Words to find in name, title or description.")
@format_option(FORMATS, "Output: a table on the terminal, or CSV, JSON or Markdown to redirect.")
def list_cmd(category: str | None, tag: str | None, text: str | None, fmt: str) -> None:
    """List the stored queries.

    \b
    Examples:
      cibgraph query list
      cibgraph query list --category pages --format markdown
      cibgraph query list --search hashtag
    """
    found = registry.select(registry.library().values(), category, tag, text)
    rows = [
        {
            "name": q.name,
            "category": q.category,
            "mode": q.mode,
            "title": q.title,
            "parameters": ", ".join(q.parameters),
            "tags": ", ".join(q.tags),
        }
        for q in found
    ]
    out = render(rows, fmt, title="stored queries")
    if out is not None:
        click.echo(out, nl=False)


@query.command("show")
@click.argument("name")
def show_cmd(name: str) -> None:
    """Show a query: description, parameters, and the Cypher to paste into Neo4j Browser.

    \b
    Example:
      cibgraph query show shared-page-admins
    """
    q = registry.get(name)
    click.secho(f"{q.name} - {q.title}", bold=True)
    click.echo(f"category: {q.category}   mode: {q.mode}   tags: {', '.join(q.tags)}")
    click.echo(f"file: {q.path}\n")
    click.echo(q.description + "\n")
    if q.parameters:
        print_table(
            [
                {
                    "parameter": p.name,
                    "type": p.type,
                    "default": "(required)" if p.required else p.default,
                    "meaning": p.description,
                }
                for p in q.parameters.values()
            ]
        )
    if q.example:
        click.echo("\nNeo4j Browser, first:\n" + q.example)
    click.echo("\n" + q.cypher)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="-p")
        params[key.strip()] = value
    return params


@query.command("run")
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter (repeat). Lists: a,b,c or JSON [1,2]; datetimes: ISO 8601.",
)
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run your own .cypher file (same header as the library).",
)
@click.option("--cypher", help="Run a one-off statement (read-only unless --write).")
@click.option("--write", is_flag=True, help="Allow a one-off --cypher statement to write.")
@format_option(FORMATS, "Output: a table on the terminal, or CSV, JSON or Markdown to redirect.")
@click.option("--limit", type=click.IntRange(min=0), help="Print at most this many rows.")
@click.pass_context
def run_cmd(
    ctx: click.Context,
    name: str | None,
    pairs: tuple[str, ...],
    file: Path | None,
    cypher: str | None,
    write: bool,
    fmt: str,
    limit: int | None,
) -> None:
    """Run a stored query by NAME, a --file, or a one-off --cypher statement.

    Read queries cannot change the graph: a write clause is refused before it is sent.

    \b
    Examples:
      cibgraph query run shared-page-admins -p min_pages=3
      cibgraph query run copy-paste-text -p min_accounts=5 --format csv > copies.csv
      cibgraph query run flagged-clusters --format json
      cibgraph query run --file my-query.cypher -p handle=someone
      cibgraph query run --cypher "MATCH (a:Account) RETURN count(a) AS accounts"
    """
    chosen = [x for x in (name, file, cypher) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of NAME, --file or --cypher")
    if write and not cypher:
        raise click.UsageError(
            "--write is for one-off --cypher statements; a stored query's header says its mode"
        )
    if file:
        q = registry.load_file(file)
    elif cypher:
        q = registry.adhoc(cypher, write=write)
    else:
        q = registry.get(str(name))
    params = _parse_params(pairs)
    q.bind(params)  # fail on bad parameters before connecting
    with connect(settings_from(ctx)) as graph:
        rows = registry.execute(graph, q, params, limit=limit)
        empty = not rows and not has_data(graph)
    if empty:
        click.echo(
            "the graph is empty: nothing is loaded yet (cibgraph load FILES, or "
            "cibgraph demo for a generated case)",
            err=True,
        )
    out = render(rows, fmt, title=q.title if q.name != "adhoc" else None)
    if out is not None:
        click.echo(out, nl=False)


@query.command("export-browser")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def export_browser_cmd(out: Path) -> None:
    """Write the library as Neo4j Browser saved scripts (folders + a .zip to import)."""
    result = registry.export_browser(out, registry.library().values())
    click.echo(f"{len(result.files)} scripts in {result.folder}/<category>/")
    click.echo(
        f"import into Neo4j Browser: Saved Scripts (star) drawer -> import "
        f"{result.zip_file}, or drag the .cypher files onto the Browser window"
    )


@query.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def lint_cmd(paths: tuple[Path, ...]) -> None:
    """Parse Cypher with Neo4j's own parser; exit 1 on any syntax error.

    With no PATHS: every .cypher file under queries/ and every internal statement.

    \b
    Examples:
      cibgraph query lint
      cibgraph query lint my-query.cypher
    """
    checked, diagnostics = lint_project(list(paths) or None)
    for diagnostic in diagnostics:
        click.echo(str(diagnostic))
    errors = sum(d.is_error for d in diagnostics)
    if errors:
        raise CibgraphError(f"Cypher lint: {errors} error(s) in {checked} statement(s)")
    click.echo(f"Cypher lint: {checked} statement(s), no errors, {len(diagnostics)} warning(s)")


@query.command("docs")
@click.argument(
    "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("docs/queries.md")
)
def docs_cmd(out: Path) -> None:
    """Regenerate docs/queries.md from the query headers."""
    out.write_text(registry.markdown(registry.library().values()), encoding="utf-8")
    click.echo(f"wrote {out}")
