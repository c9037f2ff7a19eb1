"""``--compute spark``: Spark (local mode, real JVM) gives exactly the DuckDB path's edges.

One SparkSession serves the module (``spark_session`` reuses an active one, so the
detection runs below do not start their own); the data is small and the shuffles narrow.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from analytics.coaction import COACTION_SQL
from analytics.detect import DetectionResult, DetectParams
from analytics.fromfiles import detect_files
from analytics.spark_coaction import SPARK_COACTION_SQL, SparkSettings, java_problem, spark_session
from cibgraph.cli import cli
from cibgraph.errors import CibgraphError
from cibgraph.scenario import generate

NO_PYSPARK = importlib.util.find_spec("pyspark") is None
NO_JAVA = java_problem()
LOCAL = SparkSettings(
    "local[2]",
    {"spark.sql.shuffle.partitions": "2", "spark.ui.enabled": "false"},
)
T = "twitter:"  # the platform prefix of the QUT file's uids
HEADER = ["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp",
          "urls"]  # fmt: skip


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    if os.environ.get("CIBGRAPH_TEST_URI"):
        pytest.skip("Spark needs no graph: its tests run once, in the embedded pass")
    if NO_PYSPARK:
        pytest.skip("pyspark is not installed (pip install '.[spark]')")
    if NO_JAVA is not None:
        pytest.skip(f"no usable Java: {NO_JAVA}")
    with spark_session(LOCAL) as session:
        yield session


def edge_rows(result: DetectionResult) -> dict[str, set[tuple]]:
    """signal -> {(source, target, weight, example object, window)} in the input's ids."""
    assert result.actions is not None
    names = result.actions.actors.values
    out = {}
    for e in result.edge_lists:
        windows = e.window if e.window is not None else np.full(len(e), -1)
        out[e.signal] = {
            (names[s], names[d], int(w), e.objects[x] if e.objects else int(x), int(win))
            for s, d, w, x, win in zip(e.src, e.dst, e.weight, e.example, windows, strict=True)
        }
    return out


def both(paths: list[Path], tmp_path: Path, **params: object) -> tuple[DetectionResult, ...]:
    duck, _ = detect_files(paths, DetectParams(**params), out_dir=tmp_path / "duck")  # type: ignore[arg-type]
    on_spark, _ = detect_files(
        paths,
        DetectParams(**params, compute="spark"),  # type: ignore[arg-type]
        out_dir=tmp_path / "spark",
        spark=LOCAL,
    )
    return duck, on_spark


def assert_same(duck: DetectionResult, on_spark: DetectionResult) -> None:
    assert edge_rows(on_spark) == edge_rows(duck)
    assert on_spark.skipped_objects == duck.skipped_objects
    for a, b in zip(duck.edge_lists, on_spark.edge_lists, strict=True):
        assert np.array_equal(a.src, b.src) and np.array_equal(a.dst, b.dst)  # same order
        if a.avg_gap is not None:
            assert b.avg_gap is not None
            np.testing.assert_allclose(b.avg_gap, a.avg_gap, rtol=1e-9, equal_nan=True)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, scale="tiny", seed=7)
    return out


def test_tiny_scenario_every_signal(spark: object, tiny: Path, tmp_path: Path) -> None:
    signals = ("url", "domain", "repost", "reply", "hashtag", "object", "text", "near_text",
               "admin")  # fmt: skip
    duck, on_spark = both([tiny], tmp_path, signals=signals, window=60)
    assert_same(duck, on_spark)
    counts = {s: len(r) for s, r in edge_rows(duck).items()}
    for signal in ("url", "domain", "repost", "hashtag", "text", "near_text", "admin"):
        assert counts[signal] > 0, signal  # the comparison is not of empty lists
    # the same clusters follow from the same edges
    members = lambda r: sorted(sorted(m) for m in r.members.values())  # noqa: E731
    assert members(on_spark) == members(duck)


def write_qut(path: Path, rows: list[tuple]) -> Path:
    """A QUT CSV of (message id, user, repost id, ts, urls[, text]) rows."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for mid, user, repost, ts, urls, *text in rows:
            body = text[0] if text else f"text of {mid}"
            writer.writerow([mid, user, f"name_{user}", repost, "", body, ts, urls])
    return path


#: Window 60. Reposts: u1 and u2 repost o1 exactly 60 s apart (counted) and o2 30 s apart:
#: weight 2 both ways; u3 reposts o1 61 s after u2 (not counted) and o3 with u1 (weight 1,
#: below min weight 2). m9 appears twice: the later row (ts 2005) wins, as in a store, so
#: u4 matches u1 on o2 and o3 (weight 2); with the first row (ts 9000) it would not. u5 acts
#: once: a target, never a source. Urls: H is shared by u1, u2, u4 (hot at --max-actors 2);
#: u1 and u4 share a.example/1, a.example/2 61 s apart (not counted), a.example/3 60 s apart.
QUT_ROWS = [
    ("m1", "u1", "o1", 1000, ""),
    ("m2", "u2", "o1", 1060, ""),
    ("m3", "u3", "o1", 1121, ""),
    ("m4", "u1", "o2", 2000, ""),
    ("m5", "u2", "o2", 2030, ""),
    ("m6", "u1", "o3", 3000, ""),
    ("m7", "u3", "o3", 3010, ""),
    ("m8", "u5", "o2", 2010, ""),
    ("m9", "u4", "o2", 9000, ""),
    ("m9", "u4", "o2", 2005, ""),
    ("m17", "u4", "o3", 3005, ""),
    ("m10", "u1", "", 5000, "http://h.example/x http://a.example/1"),
    ("m11", "u2", "", 5010, "http://h.example/x"),
    ("m12", "u4", "", 5020, "http://h.example/x http://a.example/1"),
    ("m13", "u1", "", 6000, "http://a.example/2"),
    ("m14", "u4", "", 6061, "http://a.example/2"),
    ("m15", "u4", "", 6100, "http://a.example/3"),
    ("m16", "u1", "", 6160, "http://a.example/3"),
]


def test_qut_sample_window_boundaries_and_hot_objects(spark: object, tmp_path: Path) -> None:
    qut = write_qut(tmp_path / "qut.csv", QUT_ROWS)
    for max_actors in (None, 2):
        duck, on_spark = both(
            [qut], tmp_path / f"cap{max_actors}", signals=("repost", "url"), window=60,
            min_weight=2, max_actors=max_actors,
        )  # fmt: skip
        assert_same(duck, on_spark)
    # the last run, at --max-actors 2: o1, o2, o3 and the url H have 3+ actors: skipped
    assert on_spark.skipped_objects == {"repost": 3, "url": 1}
    url = {(f"{T}u1", f"{T}u4", 2, "http://a.example/1", -1),
           (f"{T}u4", f"{T}u1", 2, "http://a.example/1", -1)}  # fmt: skip
    assert edge_rows(on_spark) == {"repost": set(), "url": url}
    duck, on_spark = both(
        [qut], tmp_path / "nocap", signals=("repost", "url"), window=60, min_weight=2
    )
    assert edge_rows(on_spark) == {
        "repost": {
            (f"{T}u1", f"{T}u2", 2, f"{T}o1", -1), (f"{T}u2", f"{T}u1", 2, f"{T}o1", -1),
            (f"{T}u1", f"{T}u4", 2, f"{T}o2", -1), (f"{T}u4", f"{T}u1", 2, f"{T}o2", -1),
        },
        "url": url,
    }  # fmt: skip


def test_several_windows_and_the_fast_window(spark: object, tmp_path: Path) -> None:
    qut = write_qut(tmp_path / "qut.csv", QUT_ROWS)
    duck, on_spark = both(
        [qut], tmp_path, signals=("repost",), window=(60, 3600), fast_window=10, min_weight=1
    )
    assert_same(duck, on_spark)
    rows = edge_rows(on_spark)["repost"]
    assert (f"{T}u2", f"{T}u3", 1, f"{T}o1", 3600) in rows  # 61 s apart: the wide window only
    assert (f"{T}u1", f"{T}u2", 2, f"{T}o1", 60) in rows
    (a,) = [e for e in duck.edge_lists if e.signal == "repost"]
    (b,) = [e for e in on_spark.edge_lists if e.signal == "repost"]
    assert a.fast is not None and b.fast is not None and np.array_equal(a.fast, b.fast)
    assert b.fast.any() and not b.fast.all()


def test_text_keys_and_hashtags_taken_from_the_text(spark: object, tmp_path: Path) -> None:
    # a QUT file has no text keys or hashtags: both engines take them from the text
    # (DuckDB's ASCII SQL and the loader's functions; Spark the loader's functions).
    # Per text: u1 and u2 match on both posts, u3 on the first only (90 s late after).
    texts = [
        "Stand with HK now! #HK #Free",
        "光復香港 時代革命 #香港 #HK",
        "plain words here again",
    ]
    rows = [
        (f"t{i}{n}{user}", user, "", 10_000 * (i + 1) + 100 * n + delay, "", text)
        for i, text in enumerate(texts)
        for n in range(2)
        for user, delay in (("u1", 0), ("u2", 10), ("u3", 30 + 60 * n))
    ]
    qut = write_qut(tmp_path / "qut.csv", rows)
    duck, on_spark = both([qut], tmp_path, signals=("text", "hashtag"), window=60)
    assert_same(duck, on_spark)
    found = edge_rows(on_spark)
    assert {(s[-2:], d[-2:], w) for s, d, w, _, _ in found["text"]} == {
        ("u1", "u2", 6), ("u2", "u1", 6), ("u1", "u3", 3), ("u3", "u1", 3),
        ("u2", "u3", 3), ("u3", "u2", 3),
    }  # fmt: skip
    assert ("u1", "u2", 4) in {(s[-2:], d[-2:], w) for s, d, w, _, _ in found["hashtag"]}
    (tags,) = [e for e in on_spark.edge_lists if e.signal == "hashtag"]
    assert {"hk", "free", "香港"} <= set(tags.objects)


def test_the_cli_writes_the_same_edges_csv(spark: object, tmp_path: Path) -> None:
    qut = write_qut(tmp_path / "qut.csv", QUT_ROWS)
    runner = CliRunner()
    outputs = {}
    for compute in ("duckdb", "spark"):
        out = tmp_path / f"{compute}.csv"
        args = ["detect", str(qut), "--signals", "repost,url", "--min-weight", "2",
                "--window", "60",
                "--compute", compute, "--spark-master", "local[2]",
                "--spark-conf", "spark.sql.shuffle.partitions=2",
                "--out", str(tmp_path / compute), "--edges-out", str(out)]  # fmt: skip
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        with out.open(newline="") as f:
            outputs[compute] = {
                (r["signal"], r["source"], r["target"], float(r["weight"]))
                for r in csv.DictReader(f)
            }
    assert outputs["spark"] == outputs["duckdb"]
    assert ("repost", "u1", "u2", 2.0) in outputs["spark"] and len(outputs["spark"]) == 6


def test_a_bad_spark_conf_and_participation_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["detect", str(write_qut(tmp_path / "q.csv", QUT_ROWS)), "--compute", "spark",
               "--spark-conf", "nokey"],
    )  # fmt: skip
    assert result.exit_code == 2 and "is not KEY=VALUE" in result.output
    with pytest.raises(CibgraphError, match="--min-participation runs with --compute duckdb"):
        DetectParams(compute="spark", min_participation=2).check()


def test_no_java_is_one_line_saying_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # a folder with no bin/java
    problem = java_problem()
    assert problem is not None and "Java 17 or 21" in problem and "\n" not in problem


def test_an_empty_store_gives_no_edges_on_both(spark: object, tmp_path: Path) -> None:
    from analytics.detect import detect

    (tmp_path / "store").mkdir()
    params = {"signals": ("repost", "url"), "min_size": 3}
    duck = detect(None, DetectParams(**params), store=tmp_path / "store", write=False)  # type: ignore[arg-type]
    on_spark = detect(
        None,
        DetectParams(**params, compute="spark"),  # type: ignore[arg-type]
        store=tmp_path / "store",
        write=False,
        spark=LOCAL,
    )
    assert on_spark.edge_counts == duck.edge_counts == {"repost": 0, "url": 0}


def _code(sql: str) -> list[str]:
    lines = (line.split("--")[0].strip() for line in sql.splitlines())
    return [line for line in lines if line]


def test_the_spark_sql_is_the_duckdb_sql_in_sparks_dialect() -> None:
    duck = re.sub(r"\$(\w+)::DOUBLE", r"CAST(:\1 AS DOUBLE)", COACTION_SQL)
    duck = re.sub(r"\$(\w+)", r":\1", duck)
    # the only other difference: Spark leaves the order to the reader (edges are sorted
    # locally after they are read back)
    assert _code(SPARK_COACTION_SQL) == [
        line for line in _code(duck) if line != "ORDER BY src, dst"
    ]
