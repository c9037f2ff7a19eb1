"""Options every command shares and the helpers that turn them into settings."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
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


def format_option(
    choices: Sequence[str], help: str, default: str = "table"
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--format`` option every command takes (its value arrives as ``fmt``)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help,
    )


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


class StepLog:
    """Progress of a command's steps on stderr, each line with the time since the start,
    and a closing line with the time each kind of step took (``load``, ``query``, ...: the
    words before a message's first colon)."""

    def __init__(self, prefix: str = "") -> None:
        import time

        self._clock = time.monotonic
        self._start = self._last = self._clock()
        self._step: str | None = None
        self._spent: dict[str, float] = {}
        self._prefix = prefix
        self._console = Console(stderr=True, highlight=False)
        self._tty = self._console.is_terminal

    def _close_step(self) -> None:
        now = self._clock()
        if self._step is not None:
            self._spent[self._step] = self._spent.get(self._step, 0.0) + now - self._last
        self._last = now

    def __call__(self, message: str) -> None:
        self._close_step()
        self._step = message.split(":", 1)[0].strip() or message
        elapsed = f"[{self._last - self._start:6.1f} s]"
        if self._tty:
            head = f"[bold]{self._prefix}[/bold] " if self._prefix else ""
            self._console.print(f"{head}[dim]{elapsed}[/dim] {message}", markup=True)
        else:
            head = f"{self._prefix}: " if self._prefix else ""
            click.echo(f"{head}{elapsed} {message}", err=True)

    def done(self) -> None:
        """Print how long each kind of step took, and the whole."""
        self._close_step()
        self._step = None
        if not self._spent:
            return
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self._spent.items())
        total = self._last - self._start
        head = f"{self._prefix}: " if self._prefix else ""
        click.echo(f"{head}done in {total:.1f} s ({parts})", err=True)
