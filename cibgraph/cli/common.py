"""Options every command shares and the helpers that turn them into settings."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from cibgraph.settings import Settings


def pass_settings_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add the connection options to the root group and keep them in ``ctx.obj``."""

    @click.option(
        "--uri",
        envvar="CIBGRAPH_URI",
        help="Graph URI (bolt://, neo4j://, +s "
        "for TLS). Default: the embedded server. Env: CIBGRAPH_URI.",
    )
    @click.option("--user", envvar="CIBGRAPH_USER", help="User name. Env: CIBGRAPH_USER.")
    @click.option(
        "--database",
        envvar="CIBGRAPH_DATABASE",
        help="Database name on the server. Env: CIBGRAPH_DATABASE.",
    )
    @click.option(
        "--data-dir",
        envvar="CIBGRAPH_DATA_DIR",
        type=click.Path(file_okay=False),
        help="Embedded server's data directory. Env: CIBGRAPH_DATA_DIR.",
    )
    @click.option(
        "--password-file",
        envvar="CIBGRAPH_PASSWORD_FILE",
        type=click.Path(dir_okay=False),
        help="File (mode 0600) holding the password. The password itself is "
        "never an option: use this or the CIBGRAPH_PASSWORD variable.",
    )
    @click.pass_context
    @functools.wraps(fn)
    def wrapper(
        ctx: click.Context,
        uri: str | None,
        user: str | None,
        database: str | None,
        data_dir: str | None,
        password_file: str | None,
    ) -> Any:
        ctx.obj = {
            "settings": functools.partial(
                Settings.from_env,
                uri=uri,
                user=user,
                database=database,
                data_dir=data_dir,
                password_file=password_file,
            )
        }
        return ctx.invoke(fn)

    return wrapper


def settings_from(ctx: click.Context) -> Settings:
    """Settings built lazily, so `--help` never touches the password file."""
    return ctx.find_root().obj["settings"]()


def print_mapping(data: dict[str, Any], title: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in data.items():
        if isinstance(value, dict):
            value = "\n".join(f"{k}: {v}" for k, v in value.items())
        table.add_row(key, "" if value is None else str(value))
    Console().print(table)
