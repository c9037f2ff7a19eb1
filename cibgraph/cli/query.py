"""``cibgraph query``: the stored Cypher library."""

from __future__ import annotations

from pathlib import Path

import click

from cibgraph.cypherlint import lint_project
from cibgraph.errors import CibgraphError


@click.group()
def query() -> None:
    """Work with the stored Cypher queries in queries/."""


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
