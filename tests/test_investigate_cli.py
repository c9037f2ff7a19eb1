"""``cibgraph investigate run`` refuses a bad investigation before any step runs: one line
naming file, line and key, a non-zero exit, no traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cibgraph.investigation import INVESTIGATIONS_DIR, command_line_value

HK = (INVESTIGATIONS_DIR / "hong-kong-2019.yaml").read_text(encoding="utf-8")


def investigate(tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    case = tmp_path / "case.yaml"
    case.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    # a data dir that must stay untouched: nothing may connect, let alone load
    env["CIBGRAPH_DATA_DIR"] = str(tmp_path / "db")
    return subprocess.run(
        [sys.executable, "-m", "cibgraph.cli", "investigate", "run", str(case), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "engine: igraph",
            "engine: igrph",
            r"case.yaml:{line}: detect.engine: 'igrph' is not allowed; "
            r"expected one of igraph, louvain, leiden, gds",
        ),
        (
            "min_weight: 2",
            "window: sixty",
            r"case.yaml:{line}: detect.window: 'sixty' is not allowed; expected a number",
        ),
        (
            "threshold: 0.5",
            "threshold: 5",
            r"case.yaml:{line}: detect.threshold: 5 is not allowed; expected a score between 0 and",
        ),
        (
            "near_text, hashtag",
            "near_txt, hashtag",
            r"case.yaml:{line}: detect.signals\[4\]: unknown signal 'near_txt'; expected",
        ),
    ],
)
def test_a_bad_detect_value_is_one_line_before_any_step(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in HK
    line = next(i for i, text in enumerate(HK.splitlines(), 1) if old in text)
    message = message.replace("{line}", str(line))
    proc = investigate(
        tmp_path, HK.replace(old, new), "--param", f"data={tmp_path}", "--out", str(tmp_path / "r")
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert lines[0].startswith("error: ") and str(tmp_path / "case.yaml") in lines[0]
    assert re.search(message, lines[0]), lines[0]
    assert not (tmp_path / "db").exists() and not (tmp_path / "r").exists()


def test_an_unknown_param_is_an_error(tmp_path: Path) -> None:
    proc = investigate(tmp_path, HK, "--param", f"dta={tmp_path}", "--out", str(tmp_path / "r"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: --param dta: case.yaml has no parameter 'dta' (it has: data)"
    ]
    assert not (tmp_path / "db").exists()


def test_a_param_used_without_a_default_is_known(tmp_path: Path) -> None:
    """A ``${name}`` the YAML uses but declares no default for may be given with --param."""
    text = HK.replace("params:\n  data: ../data/hk-demo", "params:\n  other: x")
    assert "${data}" in text and "../data/hk-demo" not in text
    proc = investigate(
        tmp_path, text.replace("engine: igraph", "engine: nope"), "--param", "data=/d"
    )
    # data is known: parsing goes on, as far as the engine's value
    assert proc.returncode != 0 and "no parameter" not in proc.stderr
    assert "detect.engine: 'nope' is not allowed" in proc.stderr


def test_command_line_paths_are_read_from_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "data" / "hk").mkdir(parents=True)
    here = tmp_path.resolve()
    assert command_line_value("data/hk", tmp_path) == str(here / "data" / "hk")
    assert command_line_value("data/new", tmp_path) == str(here / "data" / "new")  # not yet
    assert command_line_value("/abs/x", tmp_path) == "/abs/x"
    assert command_line_value("600", tmp_path) == "600"  # not a path: as given
    assert command_line_value("", tmp_path) == ""
