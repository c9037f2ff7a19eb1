"""--window auto: CooRnet's estimate of the coordination interval."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from helpers import run_cli

from analytics.actions import Actions, Codes, SignalTable
from analytics.detect import DetectParams, _detect
from analytics.window_estimate import estimate, estimate_window
from cibgraph.errors import CibgraphError

FIXTURE = Path(__file__).parent / "fixtures" / "coortweet" / "shares.csv"


def table(shares: dict[int, list[float]]) -> SignalTable:
    rows = [(i, o, t) for i, (o, ts) in enumerate(shares.items()) for t in ts]
    obj = np.asarray([o for _, o, _ in rows], np.int64)
    ts = np.asarray([t for _, _, t in rows], np.float64)
    n = len(rows)
    return SignalTable(np.arange(n), np.arange(n), ts, obj, Codes())


SHARES = {
    1: [0, 2, 4, 100],  # second share after 2 s; past half of 4 shares: the 3rd, at 4 s
    2: [20, 10, 0],  # 10 s; the 2nd of 3, at 10 s (read in any order)
    3: [0, 30],  # 30 s; the 2nd, at 30 s
    4: [0, 50, 60, 70, 80],  # 50 s; the 3rd of 5, at 60 s
    5: [7],  # shared once: not counted
}


def test_by_hand() -> None:
    # second shares 2, 10, 30, 50 s: their 0.1-quantile is 4.4 s, so only object 1 is
    # among the quickest, and it reaches half its shares in 4 s
    assert estimate(table(SHARES)) == (4.0, 4, 1)
    # the quickest half (2 and 10 s <= the median 20 s): 4 and 10 s, median 7 s
    assert estimate(table(SHARES), q=0.5) == (7.0, 4, 2)
    # p = 1: no share is past all of an object's shares
    seconds, objects, _ = estimate(table(SHARES), p=1.0)
    assert seconds != seconds and objects == 4
    # nothing shared twice: no estimate
    assert estimate(table({1: [0], 2: [5]}))[1] == 0
    with pytest.raises(ValueError):
        estimate(table(SHARES), q=1.5)


def test_the_first_signal_with_shared_objects_and_0_s_is_1_s() -> None:
    acts = Actions()
    acts.tables["url"] = table({1: [0], 2: [3]})  # nothing shared twice
    acts.tables["repost"] = table({1: [5, 5, 5], 2: [0, 0]})
    found = estimate_window(acts)
    assert found is not None and (found.signal, found.seconds, found.window) == ("repost", 0, 1)
    assert "window 1 s from the data" in found.reason()


def test_detection_refuses_a_window_of_days() -> None:
    acts = Actions()
    acts.actors = Codes.of(["a", "b"])
    acts.post_actor = np.zeros(4, np.int64)
    acts.post_ts = np.zeros(4, np.int64)
    acts.tables["url"] = table({1: [0, 86_400 * 3], 2: [0, 86_400 * 5]})
    params = DetectParams(signals=("url",), window="auto")
    params.check()
    with pytest.raises(CibgraphError, match="no fast sharing"):
        _detect(None, acts, {}, params, False, lambda _m: None, {}, 0.0)


def test_cli(tmp_path: Path) -> None:
    env = {**os.environ, "CIBGRAPH_DATA_DIR": str(tmp_path / "data")}
    done = run_cli(
        "detect", str(FIXTURE), "--signals", "object", "--window", "auto", "--min-weight",
        "1", "--min-size", "2", "--format", "json", "--out", str(tmp_path / "o"), env=env,
    )  # fmt: skip
    # the quickest of the 7 objects shared twice (o5, o11: second shares after 5 s)
    assert "window 5 s from the data" in done.stderr
    import json

    found = json.loads(done.stdout)
    assert found["window"] == 5 and found["window_estimate"]["quickest"] == 2
    bad = run_cli("detect", str(FIXTURE), "--window", "soon", env=env, check=False)
    assert bad.returncode == 2 and "not a number of seconds, several (60,3600) or 'auto'" in (
        " ".join(bad.stderr.split())
    )
