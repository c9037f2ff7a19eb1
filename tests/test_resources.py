"""Resource failures name their cause: a real out-of-memory in the embedded server's JVM
(a 128 MB heap and a write too big for it) is reported as such, with the setting to raise;
a real full disk (the data directory on a small tmpfs) as a full disk."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CLI

from cibgraph.embedded import EmbeddedServer

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


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MiB tmpfs mounted for this test (needs root and the right to mount)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is made with a small tmpfs: needs root and mount")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)],
        capture_output=True, text=True,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        EmbeddedServer(mount / "data").stop()
        subprocess.run(["umount", "-l", str(mount)], check=False)


BATCH = "UNWIND range(1, 20000) AS x CREATE (:T {x: x, s: '" + "x" * 120 + "'})"


@pytest.mark.embedded_only
def test_full_disk_is_named_with_the_free_space(small_disk: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBGRAPH_")}
    env.update(CIBGRAPH_DATA_DIR=str(small_disk / "data"))
    started = subprocess.run([*CLI, "db", "start"], env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    for _ in range(40):  # ~3 MiB a transaction: the disk fills within 16
        done = subprocess.run(
            [*CLI, "query", "run", "--write", "--cypher", BATCH],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            break
    assert done.returncode == 1, "the disk never filled"
    assert f"the disk holding {small_disk / 'data'} is full (" in done.stderr, done.stderr
    assert "MiB free)" in done.stderr and "CIBGRAPH_DATA_DIR" in done.stderr
    assert "Traceback" not in done.stderr
    # what was committed before stays readable
    counted = subprocess.run(
        [*CLI, "query", "run", "--cypher", "MATCH (t:T) RETURN count(t) AS n", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert counted.returncode == 0, counted.stderr
    assert '"n": ' in counted.stdout and '"n": 0' not in counted.stdout
