"""The ``cibgraph`` command: a thin click layer over the Python API.

Each command parses options, calls one library function, and prints its result. Errors a
user can act on (:class:`~cibgraph.errors.CibgraphError`) are printed without a traceback
and exit with status 1.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from cibgraph import __version__
from cibgraph.cli.common import pass_settings_options
from cibgraph.errors import CibgraphError, refusal_message

#: command name -> (module, attribute). Modules are imported only when their command
#: runs (or help lists it), so `cibgraph detect FILE` does not pay for the report's
#: plotting or the query library.
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("cibgraph.cli.db", "db"),
    "query": ("cibgraph.cli.query", "query"),
    "load": ("cibgraph.cli.load", "load_cmd"),
    "demo": ("cibgraph.cli.demo", "demo"),
    "detect": ("cibgraph.cli.detect", "detect_cmd"),
    "evaluate": ("cibgraph.cli.evaluate", "evaluate_cmd"),
    "export": ("cibgraph.cli.export", "export_cmd"),
    "investigate": ("cibgraph.cli.investigate", "investigate"),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = COMMANDS.get(cmd_name)
        if found is None:
            return None
        module, attribute = found
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(
    cls=LazyGroup,
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


def _is_server_refusal(exc: BaseException) -> bool:
    from neo4j.exceptions import Neo4jError  # imported only when something failed

    return isinstance(exc, Neo4jError)


def _os_error_message(exc: OSError) -> str:
    """A file-system failure in one line, with what to do for the usual causes."""
    import errno

    where = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or str(exc)
    hint = {
        errno.EACCES: "choose a folder you can write to (CIBGRAPH_DATA_DIR, --report-dir, --out)",
        errno.EPERM: "choose a folder you can write to (CIBGRAPH_DATA_DIR, --report-dir, --out)",
        errno.EROFS: "the file system is read-only: choose a writable folder (CIBGRAPH_DATA_DIR, "
        "--report-dir, --out)",
        errno.ENOSPC: "the disk is full: free space or write elsewhere",
    }.get(exc.errno or 0)
    return f"cannot use{where}: {reason}" + (f"; {hint}" if hint else "")


def _quiet_driver_retries() -> None:
    """Drop the driver's "Transaction failed and will be retried" warnings.

    Retries of transient errors (a deadlock between writer sessions, a concurrent change
    on the embedded server) are expected and handled; only a retry that finally fails is
    the user's business, and that one raises and is reported.
    """
    logging.getLogger("neo4j.session").addFilter(
        lambda record: not str(record.msg).startswith("Transaction failed and will be retried")
    )


def main() -> None:
    _quiet_driver_retries()
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
    except OSError as exc:
        click.secho(f"error: {_os_error_message(exc)}", err=True, fg="red")
        sys.exit(1)
    except Exception as exc:
        if not _is_server_refusal(exc):
            raise
        # a statement the server refused: say what it said
        click.secho(
            f"error: the graph server refused a statement: {refusal_message(exc)}",
            err=True,
            fg="red",
        )
        sys.exit(1)
