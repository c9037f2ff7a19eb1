"""Resource failures name their cause: a real out-of-memory in the embedded server's JVM
(a 128 MB heap and a write too big for it) is reported as such, with the setting to raise."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import CLI

TOO_BIG = (
    "UNWIND range(1, 1000000) AS x UNWIND range(1, 30) AS y "
    "CREATE (:T {x: x, y: y, s: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'})"
)


@pytest.mark.embedded_only
def test_out_of_memory_is_named_with_the_heap_setting(fresh_data_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    env.update(CIBGRAPH_DATA_DIR=str(fresh_data_dir), CIBGRAPH_EMBEDDED_HEAP="128m")
    done = subprocess.run(
        [*CLI, "query", "run", "--write", "--cypher", TOO_BIG],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1
    assert "ran out of memory (Java heap 128m)" in done.stderr
    assert "CIBGRAPH_EMBEDDED_HEAP" in done.stderr and "Traceback" not in done.stderr
