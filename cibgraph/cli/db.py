"""``cibgraph db``: the embedded server's lifecycle, connection info and schema."""

from __future__ import annotations

import click

from cibgraph import admin
from cibgraph.cli.common import format_option, print_mapping, settings_from


def json_option(fn):  # type: ignore[no-untyped-def]
    """``--format table|json`` (as every command), and the older ``--json`` kept hidden."""
    fn = click.option(
        "--json", "as_json", is_flag=True, hidden=True, help="Same as --format json."
    )(fn)
    return format_option(("table", "json"), "Output: a table, or JSON for scripts.")(fn)


@click.group()
def db() -> None:
    """Start, stop and inspect the graph database.

    With no CIBGRAPH_URI, the first command that needs the embedded server starts it, and
    it stays warm for the next ones: it stops itself once no command has used it for
    CIBGRAPH_IDLE_TIMEOUT seconds (default 600; 0 stops it when that command ends).

    \b
    Examples:
      cibgraph db start     # embedded server stays up until `db stop` (no idle stop)
      cibgraph db info      # backend, version, URI, counts per label
      cibgraph db status    # running? warm or detached, and when a warm one stops
      cibgraph db schema    # constraints + indexes (loading applies them too)
      cibgraph db stop      # stop it now, warm or detached
    """


@db.command()
@click.pass_context
def start(ctx: click.Context) -> None:
    """Start the embedded server and keep it running until `cibgraph db stop`.

    A warm server a command started is kept instead: it no longer stops itself when idle.
    """
    settings = settings_from(ctx)
    was_warm = settings.embedded and admin.status(settings).get("mode") == "warm"
    state = admin.start(settings)
    click.echo(f"embedded server running: {state.uri} (pid {state.pid})")
    if was_warm:
        click.echo("it was warm (started by a command); it now runs until `cibgraph db stop`")


@db.command()
@click.pass_context
def stop(ctx: click.Context) -> None:
    """Stop the embedded server now, whether detached, warm or in use by commands (they
    then lose their connection)."""
    settings = settings_from(ctx)
    users = admin.users(settings)
    stopped = admin.stop(settings)
    if not stopped:
        click.echo("embedded server was not running")
        return
    click.echo("embedded server stopped")
    if users is None or users:
        pids = f" (pid {', '.join(map(str, users))})" if users else ""
        click.echo(
            f"it was in use by running commands{pids}: they lost their connection",
            err=True,
        )


@db.command()
@json_option
@click.pass_context
def status(ctx: click.Context, fmt: str, as_json: bool) -> None:
    """Is the embedded server running, where, and who started it (starts nothing).

    A warm server (started on demand by a command) shows when it stops itself unless a
    command uses it meanwhile, or that it is in use; a detached one (`db start`) runs
    until `cibgraph db stop`.
    """
    print_mapping(admin.status(settings_from(ctx)), "embedded server", as_json or fmt == "json")


@db.command()
@json_option
@click.pass_context
def info(ctx: click.Context, fmt: str, as_json: bool) -> None:
    """Backend, version, URI, database and node counts per label.

    \b
    Examples:
      cibgraph db info
      cibgraph db info --format json | jq .counts
    """
    print_mapping(admin.info(settings_from(ctx)), "graph", as_json or fmt == "json")


@db.command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Create constraints and indexes if missing and record the schema version."""
    version = admin.apply_schema(settings_from(ctx))
    click.echo(f"schema version {version} applied")
