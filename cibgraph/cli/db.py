"""``cibgraph db``: the embedded server's lifecycle, connection info and schema."""

from __future__ import annotations

import click

from cibgraph import admin
from cibgraph.cli.common import print_mapping, settings_from

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group()
def db() -> None:
    """Start, stop and inspect the graph database.

    \b
    Examples:
      cibgraph db start     # embedded server stays up until `db stop`
      cibgraph db info      # backend, version, URI, counts per label
      cibgraph db schema    # constraints + indexes (loading applies them too)
      cibgraph db stop
    """


@db.command()
@click.pass_context
def start(ctx: click.Context) -> None:
    """Start the embedded server and keep it running (until `cibgraph db stop`)."""
    state = admin.start(settings_from(ctx))
    click.echo(f"embedded server running: {state.uri} (pid {state.pid})")


@db.command()
@click.pass_context
def stop(ctx: click.Context) -> None:
    """Stop the embedded server."""
    stopped = admin.stop(settings_from(ctx))
    click.echo("embedded server stopped" if stopped else "embedded server was not running")


@db.command()
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Is the embedded server running, where, and who started it (starts nothing)."""
    print_mapping(admin.status(settings_from(ctx)), "embedded server", as_json)


@db.command()
@json_option
@click.pass_context
def info(ctx: click.Context, as_json: bool) -> None:
    """Backend, version, URI, database and node counts per label."""
    print_mapping(admin.info(settings_from(ctx)), "graph", as_json)


@db.command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Create constraints and indexes if missing and record the schema version."""
    version = admin.apply_schema(settings_from(ctx))
    click.echo(f"schema version {version} applied")
