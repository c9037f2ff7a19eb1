"""``cibgraph investigate``: saved investigations (investigations/*.yaml)."""

from __future__ import annotations

from pathlib import Path

import click

from cibgraph.cli.common import StepLog, settings_from
from cibgraph.investigate import run
from cibgraph.investigation import (
    INVESTIGATIONS_DIR,
    available,
    command_line_value,
    load_file,
)
from cibgraph.output import print_table


@click.group()
def investigate() -> None:
    """Run saved investigations: load, detect, queries, evaluation, report, Gephi files.

    \b
    Examples:
      cibgraph investigate list
      cibgraph demo generate data/hk --scale demo --seed 42
      cibgraph investigate run investigations/hong-kong-2019.yaml --param data=data/hk
      cibgraph investigate run my-case.yaml --out reports/my-case
    """


@investigate.command("list")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=INVESTIGATIONS_DIR,
    show_default=True,
    help="Folder of investigation YAML files.",
)
def list_cmd(folder: Path) -> None:
    """The saved investigations in a folder.

    \b
    Examples:
      cibgraph investigate list
      cibgraph investigate list --folder my-cases/
    """
    print_table(
        [
            {
                "file": inv.path.name,
                "name": inv.name,
                "description": inv.description,
                "queries": len(inv.queries),
            }
            for inv in available(folder)
        ],
        title="saved investigations",
    )


@investigate.command("run")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Report folder (default: reports/<investigation name>).",
)
@click.option(
    "--param",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set a ${KEY} of the investigation (repeat). A path is read from the current "
    "directory; paths written in the YAML are read from the YAML's folder.",
)
@click.pass_context
def run_cmd(ctx: click.Context, file: Path, out: Path | None, pairs: tuple[str, ...]) -> None:
    """Run the steps of FILE in order and write the report folder.

    Every value of FILE and every --param is checked before any step runs.

    \b
    Examples:
      cibgraph demo generate data/hk --scale demo --seed 42
      cibgraph investigate run investigations/hong-kong-2019.yaml --param data=data/hk
      cibgraph investigate run my-case.yaml --out reports/my-case --param data=exports/
    """
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        overrides[key.strip()] = command_line_value(value)
    inv = load_file(file, overrides)
    target = out or Path("reports") / inv.name
    say = StepLog(inv.name)
    html = run(inv, target, settings=settings_from(ctx), progress=say)
    say.done()
    click.echo(f"report: {html.resolve()}")
