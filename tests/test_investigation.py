"""Saved investigations: schema validation with file/line/key errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cibgraph.investigation import INVESTIGATIONS_DIR, InvestigationError, available, parse

GOOD = """name: demo-case
description: a test
params:
  data: folder
load:
  paths: ["${data}"]
  dataset: d
detect:
  window: 30
  signals: [url, repost]
queries:
  - name: shared-page-admins
    params: {min_pages: 3}
  - coordinated-link-sharing
exports: [gexf]
evaluate:
  truth: "${data}/truth.csv"
"""


def test_parsed_with_params_substituted(tmp_path: Path) -> None:
    inv = parse(GOOD, tmp_path / "case.yaml", {"data": "/x/y"})
    assert inv.name == "demo-case" and inv.load == {"paths": ["/x/y"], "dataset": "d"}
    assert inv.detect == {"window": 30, "signals": ["url", "repost"]}
    assert [(q.name, q.params) for q in inv.queries] == [
        ("shared-page-admins", {"min_pages": 3}),
        ("coordinated-link-sharing", {}),
    ]
    assert inv.evaluate == {"truth": "/x/y/truth.csv"} and inv.exports == ["gexf"]
    assert inv.resolve("rel/file.csv") == (tmp_path / "rel/file.csv").resolve()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t.replace("  window: 30", "  windw: 30"),
            r"case.yaml:9: detect.windw: unknown key; expected one of",
        ),
        (
            lambda t: t.replace("- coordinated-link-sharing", "- no-such-query"),
            r"case.yaml:14: queries\[1\]: no stored query named 'no-such-query'",
        ),
        (
            lambda t: t.replace("{min_pages: 3}", "{min_pages: lots}"),
            r"case.yaml:13: queries\[0\].params: .*parameter 'min_pages' must be int",
        ),
        (
            lambda t: t.replace('"${data}/truth.csv"', '"${dta}/truth.csv"'),
            r"case.yaml:16: evaluate: unknown parameter \$\{dta\}",
        ),
        (
            lambda t: t.replace("name: demo-case", "name: Demo Case"),
            r"case.yaml:1: name: must be lower-case words",
        ),
        (lambda t: t.replace("exports: [gexf]", "exports: [pdf]"), r"case.yaml:15: exports:"),
        (lambda t: t.replace("description: a test\n", ""), r"description: is required"),
        (lambda t: t + "colour: red\n", r"case.yaml:18: colour: unknown key"),
        (lambda t: t.replace("queries:", "queries: [\n"), r"case.yaml:\d+: not valid YAML"),
    ],
)
def test_errors_name_file_line_and_key(change, message: str, tmp_path: Path) -> None:
    with pytest.raises(InvestigationError, match=message):
        parse(change(GOOD), tmp_path / "case.yaml", {"data": "/x"})


def test_shipped_investigations_are_valid() -> None:
    names = {inv.name: inv for inv in available(INVESTIGATIONS_DIR)}
    assert set(names) == {"hong-kong-2019", "my-case"}
    hk = names["hong-kong-2019"]
    assert hk.queries[0].name == "shared-page-admins" and hk.exports == ["gexf", "graphml"]
    assert hk.evaluate is not None and hk.evaluate["truth"].endswith("truth.csv")
