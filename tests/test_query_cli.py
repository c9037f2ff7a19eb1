"""`cibgraph query ...` as a user runs it (subprocess, the session's server)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import run_cli

from cibgraph.graph import Graph


@pytest.fixture
def accounts(graph: Graph) -> Graph:
    graph.execute(
        "UNWIND range(1, 5) AS i CREATE (:Account {uid: 'twitter:' + toString(i), "
        "handle: 'user' + toString(i), created_at: datetime('2019-07-01T10:00:00Z')})"
    )
    return graph


def test_list_show_and_filters(cli_env: dict[str, str]) -> None:
    listed = json.loads(
        run_cli("query", "list", "--category", "pages", "--format", "json", env=cli_env).stdout
    )
    assert [r["name"] for r in listed] == [
        "group-posters",
        "news-page-amplifiers",
        "pages-sharing-admins",
        "shared-page-admins",
    ]
    tagged = json.loads(
        run_cli("query", "list", "--tag", "seed-case", "--format", "json", env=cli_env).stdout
    )
    assert "flagged-cluster-amplification" in [r["name"] for r in tagged]
    shown = run_cli("query", "show", "coordinated-link-sharing", env=cli_env).stdout
    assert "window_seconds" in shown and "MATCH (url:Url)" in shown and ":params" in shown


def test_run_stored_query_as_json_csv_markdown(accounts: Graph, cli_env: dict[str, str]) -> None:
    out = run_cli(
        "query", "run", "creation-bursts", "-p", "min_accounts=5", "--format", "json", env=cli_env
    ).stdout
    rows = json.loads(out)
    assert isinstance(rows, list) and rows[0]["day"] == "2019-07-01" and rows[0]["created"] == 5
    text = run_cli("query", "run", "creation-bursts", "--format", "csv", env=cli_env).stdout
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["created"] == "5" and json.loads(row["handles"])[0].startswith("user")
    md = run_cli("query", "run", "creation-bursts", "--format", "markdown", env=cli_env).stdout
    assert md.splitlines()[0].startswith("| day | created |")


def test_adhoc_cypher_read_only_unless_write(accounts: Graph, cli_env: dict[str, str]) -> None:
    out = run_cli(
        "query",
        "run",
        "--cypher",
        "MATCH (a:Account) RETURN a.handle AS h ORDER BY h",
        "--limit",
        "2",
        "--format",
        "json",
        env=cli_env,
    ).stdout
    assert json.loads(out) == [{"h": "user1"}, {"h": "user2"}]
    refused = run_cli(
        "query", "run", "--cypher", "MATCH (a:Account) DETACH DELETE a", env=cli_env, check=False
    )
    assert refused.returncode == 1 and "refused to run in read mode" in refused.stderr
    assert accounts.query("MATCH (a:Account) RETURN count(a) AS n") == [{"n": 5}]
    run_cli(
        "query",
        "run",
        "--cypher",
        "MATCH (a:Account {handle: $h}) DETACH DELETE a",
        "-p",
        "h=user1",
        "--write",
        env=cli_env,
    )
    assert accounts.query("MATCH (a:Account) RETURN count(a) AS n") == [{"n": 4}]


def test_run_own_file(accounts: Graph, cli_env: dict[str, str], tmp_path: Path) -> None:
    mine = tmp_path / "mine.cypher"
    mine.write_text(
        "// name: my-query\n// title: Mine\n// category: mine\n// mode: read\n"
        "// description: count accounts above a number\n"
        "// parameters:\n//   above: {type: int, default: 0, description: x}\n"
        "// ---\nMATCH (a:Account) WHERE toInteger(split(a.uid, ':')[1]) > $above "
        "RETURN count(a) AS n\n"
    )
    out = run_cli(
        "query", "run", "--file", str(mine), "-p", "above=3", "--format", "json", env=cli_env
    ).stdout
    assert json.loads(out) == [{"n": 2}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "run", "no-such-query"], "no stored query named 'no-such-query'"),
        (
            ["query", "run", "creation-bursts", "-p", "min_accounts=many"],
            "parameter 'min_accounts' must be int",
        ),
        (["query", "run", "creation-bursts", "-p", "colour=red"], "unknown parameter(s) colour"),
        (
            ["query", "run", "evidence-between-accounts", "-p", "account_a=x"],
            "missing parameter 'account_b'",
        ),
        (["query", "run", "creation-bursts", "-p", "novalue"], "is not key=value"),
        (["query", "run"], "give exactly one of NAME, --file or --cypher"),
    ],
)
def test_clear_errors(cli_env: dict[str, str], args: list[str], message: str) -> None:
    proc = run_cli(*args, env=cli_env, check=False)
    assert proc.returncode != 0 and message in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_export_browser_cli(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = run_cli("query", "export-browser", str(tmp_path / "b"), env=cli_env).stdout
    assert "cibgraph-saved-scripts.zip" in out
    assert (tmp_path / "b" / "coordination" / "co-repost.cypher").exists()
