"""What the CLI says besides its results: help for every option, tables that keep words
whole, exit codes and hints that tell the user what happened."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import click
import pytest
from helpers import run_cli

from cibgraph.cli import cli
from cibgraph.output import print_table
from loader.estimate import estimate_records

FIXTURES = Path(__file__).parent / "fixtures"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((" ".join((*path, name)), command))
    return found


def test_every_option_of_every_command_has_help() -> None:
    missing = [
        f"{name} {param.opts[0]}"
        for name, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert missing == []


@pytest.mark.parametrize("name", ["query run", "investigate run", "detect", "load", "db info"])
def test_main_commands_show_examples(name: str) -> None:
    command = dict(_commands(cli))[name]
    assert "Example" in (command.help or "")


WORDY = [
    {
        "cluster": 1,
        "members": "alpha_news, beta_daily, gamma_report, delta_watch",
        "reasons": "87% of posts matched within 60 s; 2% expected by chance (p < 0.001)",
        "score": 0.93,
    },
    {
        "cluster": 2,
        "members": "香港時事, 大公新聞台",
        "reasons": "shared the same 14 links within 60 s",
        "score": 0.71,
    },
]


def _words(rows: list[dict[str, object]]) -> set[str]:
    return {w for row in rows for value in row.values() for w in str(value).split()}


@pytest.mark.parametrize("columns", ["80", "50", "200"])
def test_tables_never_split_a_word(
    columns: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    wide = [{**row, "url": "https://example.com/a/" + "x" * 15} for row in WORDY]
    print_table(wide, title="clusters")
    out = capsys.readouterr().out
    printed = set(re.findall(r"[^\s│┃|]+", out))
    assert _words(wide) <= printed  # every word printed whole somewhere
    assert max(len(line) for line in out.splitlines()) <= int(columns)
    if columns == "50":  # too narrow for four columns' longest words: one block per row
        assert "-[ row 2 ]" in out
        assert re.search(r"^members\s+香港時事, 大公新聞台", out, re.M)
    if columns == "200":
        assert "-[ row" not in out


def test_record_estimate_is_close_for_each_shape(tmp_path: Path) -> None:
    # CSV with a header, JSON lines of pages (twarc2), a Telegram document
    csv_file = FIXTURES / "qut" / "messages.csv"
    with open(csv_file, newline="", encoding="utf-8") as f:
        assert estimate_records(csv_file) == sum(1 for _ in csv.reader(f)) - 1
    big = tmp_path / "big.csv"
    body = csv_file.read_text(encoding="utf-8").split("\n", 1)
    rows = [line for line in body[1].splitlines() if line]
    copies = 20_000 // len(rows) + 1
    big.write_text(body[0] + "\n" + "\n".join(rows * copies) + "\n", encoding="utf-8")
    assert abs(estimate_records(big) - len(rows) * copies) <= 0.02 * len(rows) * copies
    assert estimate_records(FIXTURES / "telegram" / "result.json") == sum(
        1
        for m in __import__("json").loads(
            (FIXTURES / "telegram" / "result.json").read_text(encoding="utf-8")
        )["messages"]
        if m.get("type") == "message"
    )
    assert estimate_records(tmp_path / "missing.csv") is None


def test_a_load_whose_every_record_is_rejected_fails(tmp_path: Path) -> None:
    bad = tmp_path / "messages.csv"
    bad.write_text(
        "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        "1,10,ann,,,hello,not-a-time,\n2,11,bob,,,hi,yesterday,\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    done = run_cli(
        "load", str(bad), "--format", "qut", "--dry-run", "--report-dir", str(tmp_path / "r"),
        env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "every record of messages.csv was rejected" in done.stderr
    assert "Traceback" not in done.stderr
    assert "0 loaded, 2 rejected" in done.stdout


@pytest.mark.parametrize("text", ["", "handle,account_category\n"])
def test_an_empty_labels_file_is_an_error(tmp_path: Path, text: str) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    env["CIBGRAPH_DATA_DIR"] = str(tmp_path / "db")  # never started: the file fails first
    done = run_cli(
        "evaluate", "--labels", str(labels), "--label-column", "account_category",
        env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "labels.csv" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "db").exists()


def test_an_empty_truth_file_is_an_error(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("platform,kind,id,label,cluster\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    env["CIBGRAPH_DATA_DIR"] = str(tmp_path / "db")
    done = run_cli("evaluate", "--truth", str(truth), env=env, check=False)
    assert done.returncode == 1
    assert "the truth file has no rows" in done.stderr and "Traceback" not in done.stderr


def test_a_query_on_an_empty_graph_says_so(graph: object, cli_env: dict[str, str]) -> None:
    done = run_cli("query", "run", "flagged-clusters", env=cli_env)
    assert "the graph is empty" in done.stderr
    assert "0 row(s)" in done.stdout
