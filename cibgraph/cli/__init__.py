"""The ``cibgraph`` command: a thin click layer over the Python API.

Each command parses options, calls one library function, and prints its result. Errors a
user can act on (:class:`~cibgraph.errors.CibgraphError`) are printed without a traceback
and exit with status 1.
"""

from __future__ import annotations

import sys

import click
from neo4j.exceptions import Neo4jError

from cibgraph import __version__
from cibgraph.cli.common import pass_settings_options
from cibgraph.cli.db import db
from cibgraph.cli.demo import demo
from cibgraph.cli.detect import detect_cmd, evaluate_cmd
from cibgraph.cli.export import export_cmd
from cibgraph.cli.investigate import investigate
from cibgraph.cli.load import load_cmd
from cibgraph.cli.query import query
from cibgraph.errors import CibgraphError


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  cibgraph db info                       # embedded default, started on demand
  cibgraph db start                      # keep the embedded server running
  CIBGRAPH_URI=bolt://localhost:7687 CIBGRAPH_PASSWORD_FILE=~/.neo4j-pass cibgraph db info
""",
)
@click.version_option(__version__, prog_name="cibgraph")
@pass_settings_options
def cli() -> None:
    """Investigate coordinated inauthentic behaviour in a graph database.

    With no CIBGRAPH_URI, cibgraph uses an embedded ArcadeDB server (started on demand,
    listening on 127.0.0.1 only). Point CIBGRAPH_URI at Neo4j 5 for production.
    """


cli.add_command(db)
cli.add_command(query)
cli.add_command(load_cmd)
cli.add_command(demo)
cli.add_command(detect_cmd)
cli.add_command(evaluate_cmd)
cli.add_command(export_cmd)
cli.add_command(investigate)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except CibgraphError as exc:
        click.secho(f"error: {exc}", err=True, fg="red")
        sys.exit(1)
    except Neo4jError as exc:  # a statement the server refused: say what it said
        click.secho(
            f"error: the graph server refused a statement: {exc.message}", err=True, fg="red"
        )
        sys.exit(1)
