"""The co-action step on Apache Spark: :data:`analytics.coaction.COACTION_SQL` in Spark SQL.

``cibgraph detect --compute spark`` runs the time-windowed signals' window join here
instead of in the compiled sweep: Spark reads the Parquet action store (docs/action-store.md;
any Parquet with its schema, on a local disk, HDFS or S3), derives each signal's
(actor, post, ts, obj) rows exactly as :mod:`analytics.store` does (the last row of a post
by ``seq``, file and row; reposts count for the repost signal only; text keys and hashtags
taken from the text where the store left them null), runs :data:`SPARK_COACTION_SQL` and
writes the edges as Parquet (``<edges>/<signal>-w<window>-...``). Detection reads them
back through Spark and goes on locally: combining, communities and scoring.

``near_text`` needs MinHash groups: they are computed locally (:func:`near_text_table`) and
their rows are sent to Spark, which joins them with the same SQL.

The SQL differs from COACTION_SQL only in dialect: ``:name`` parameters, ``CAST(.. AS
DOUBLE)``; the rest (buckets, source-side pruning, hot objects, weights, mean gap) is the
same text, and the tests hold the two engines to identical edges.

Also a job of its own for ``spark-submit`` (see :func:`main`): store in, edges out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.actions import MIN_TEXT_CHARS, Actions
from analytics.coaction import EdgeList, SignalParams, near_text_table, signal_edges
from cibgraph.errors import CibgraphError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MASTER_ENV = "CIBGRAPH_SPARK_MASTER"
DEFAULT_MASTER = "local[*]"
INSTALL_HINT = "pip install 'cibgraph[spark]'"
#: The signals Spark computes (admin and creation have no time and stay local).
SPARK_SIGNALS = ("url", "domain", "repost", "reply", "hashtag", "object", "text", "near_text")

SPARK_COACTION_SQL = """
WITH counts AS (
    SELECT obj, count(DISTINCT actor) AS n FROM acts GROUP BY obj
), keep AS (
    -- bucket: time slices of window + 1 seconds, so two actions at most window seconds
    -- apart are in the same or adjacent buckets (window 0 too: slices of 1 second)
    SELECT a.actor, a.post, a.ts, a.obj, floor(a.ts / (CAST(:window AS DOUBLE) + 1)) AS bucket
    FROM acts a
    JOIN counts c ON a.obj = c.obj
    WHERE c.n >= 2 AND c.n <= :max_actors
), sources AS (
    -- QUT's pruning, on the source side only: an actor with fewer actions than
    -- min_weight cannot be the source of an edge (it can still be a target)
    SELECT * FROM keep
    WHERE actor IN (SELECT actor FROM acts GROUP BY actor HAVING count(*) >= :min_weight)
), reach AS (
    -- each target action once per bucket it can be reached from: its own and its two
    -- neighbours
    SELECT k.actor, k.post, k.ts, k.obj, k.bucket + n.step AS bucket
    FROM keep k, (VALUES (-1), (0), (1)) AS n(step)
), matches AS (
    -- one row per post of src with an action of dst on the same object within the window
    -- (the bucket only narrows the candidates; BETWEEN decides), with its smallest object
    -- and the gap to dst's nearest such action
    SELECT e1.actor AS src, e2.actor AS dst, e1.post, min(e1.obj) AS obj,
           min(abs(e1.ts - e2.ts)) AS gap
    FROM sources e1
    JOIN reach e2
      ON e1.obj = e2.obj
     AND e1.bucket = e2.bucket
     AND e2.ts BETWEEN e1.ts - :window AND e1.ts + :window
     AND e1.actor <> e2.actor
    GROUP BY e1.actor, e2.actor, e1.post
)
-- weight = count(DISTINCT post) of the matches: their number (a NULL post not counted);
-- avg_gap: the mean over those posts of the gap to dst's nearest action
SELECT src, dst, count(post) AS weight, min(obj) AS example,
       avg(gap) FILTER (WHERE post IS NOT NULL) AS avg_gap
FROM matches
GROUP BY src, dst
HAVING count(post) >= :min_weight
"""
HOT_SQL = (
    "SELECT count(*) FROM (SELECT obj FROM acts GROUP BY obj HAVING count(DISTINCT actor) > :cap)"
)
#: signal -> its (actor, post, ts, obj) rows of the ``posts`` view, as in analytics.store.
SIGNAL_SQL = {
    "repost": "SELECT actor, post, ts, repost_of AS obj FROM posts "
    "WHERE kind = 'repost' AND repost_of IS NOT NULL",
    "reply": "SELECT actor, post, ts, reply_to AS obj FROM posts "
    "WHERE kind <> 'repost' AND reply_to IS NOT NULL",
    "url": "SELECT DISTINCT actor, post, ts, explode(urls) AS obj FROM posts "
    "WHERE kind <> 'repost'",
    "domain": "SELECT DISTINCT actor, post, ts, explode(domains) AS obj FROM posts "
    "WHERE kind <> 'repost'",
    "hashtag": "SELECT DISTINCT actor, post, ts, explode(coalesce(hashtags, "
    "cibgraph_hashtags(text))) AS obj FROM posts WHERE kind <> 'repost'",
    "object": "SELECT DISTINCT actor, post, ts, explode(objects) AS obj FROM posts",
    "text": "SELECT actor, post, ts, obj FROM (SELECT actor, post, ts, kind, "
    "coalesce(text_key, cibgraph_text_key(text)) AS obj FROM posts) "
    f"WHERE kind <> 'repost' AND length(obj) >= {MIN_TEXT_CHARS}",
}
#: Columns each signal reads besides the core ones.
_CORE = ("post", "actor", "ts", "kind", "repost_of", "reply_to", "seq")
_NEEDS = {
    "url": ("urls",),
    "domain": ("domains",),
    "hashtag": ("hashtags", "text"),
    "object": ("objects",),
    "text": ("text_key", "text"),
}
_TYPES = {
    "ts": "BIGINT", "seq": "BIGINT", "urls": "ARRAY<STRING>", "domains": "ARRAY<STRING>",
    "hashtags": "ARRAY<STRING>", "objects": "ARRAY<STRING>",
}  # fmt: skip


@dataclass
class SparkSettings:
    """Where and how Spark runs: the master URL, settings passed through verbatim, and
    where the edge Parquet goes (None: a temporary folder, removed afterwards)."""

    master: str = DEFAULT_MASTER
    conf: dict[str, str] = field(default_factory=dict)
    edges_dir: str | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> SparkSettings:
        master = os.environ.get(MASTER_ENV, "").strip() or DEFAULT_MASTER
        return cls(**{"master": master, **overrides})


def java_problem() -> str | None:
    """Why Spark cannot start a JVM here (None: it can): no ``java`` (``$JAVA_HOME/bin``,
    else ``PATH``), or one older than 17."""
    home = os.environ.get("JAVA_HOME", "").strip()
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        return (
            "--compute spark needs Java 17 or 21: install a JRE (e.g. apt-get install "
            "openjdk-17-jre-headless) and put java on PATH or set JAVA_HOME"
        )
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
        version = out.stderr.split('"')[1] if '"' in out.stderr else ""
        major = int(version.split(".")[1] if version.startswith("1.") else version.split(".")[0])
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None  # let Spark say what is wrong with it
    if major < 17:
        return f"--compute spark needs Java 17 or 21, and {java} is Java {major}: set JAVA_HOME"
    return None


@contextmanager
def spark_session(settings: SparkSettings) -> Iterator[SparkSession]:
    """A SparkSession on ``settings.master`` with ``settings.conf``, stopped at the end
    (a session that already ran in this process is reused and left running)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CibgraphError(f"--compute spark needs pyspark: {INSTALL_HINT}") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    problem = java_problem()
    if problem:
        raise CibgraphError(problem)
    # Python UDFs (text keys, hashtags) run in workers started with this interpreter
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = dict(settings.conf)
    if settings.master.startswith("local"):
        conf.setdefault("spark.sql.shuffle.partitions", str(max(4, 2 * (os.cpu_count() or 1))))
        conf.setdefault("spark.ui.showConsoleProgress", "false")
    builder = SparkSession.builder.master(settings.master).appName("cibgraph co-action")
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(conf.get("cibgraph.logLevel", "ERROR"))
    try:
        yield spark
    finally:
        spark.stop()


def _register_udfs(spark: SparkSession) -> None:
    from pyspark.sql.types import ArrayType, StringType

    def text_key(text: str | None) -> str:
        from loader.text import normalise_text

        return normalise_text(text) if text is not None else ""

    def hashtags(text: str | None) -> list[str]:
        from loader.text import hashtags_in

        return hashtags_in(text) if text is not None and "#" in text else []

    spark.udf.register("cibgraph_text_key", text_key, StringType())
    spark.udf.register("cibgraph_hashtags", hashtags, ArrayType(StringType()))


def actions_path(store: str) -> str:
    """The actions folder of a store root, or the path itself when it is not a store."""
    if "://" not in store and os.path.isdir(os.path.join(store, "actions")):
        return os.path.join(store, "actions")
    return store


def read_posts(spark: SparkSession, path: str, signals: tuple[str, ...]) -> DataFrame:
    """The ``posts`` view: the last row of each post (by ``seq``, file and row, as the
    local reader keeps it) with the columns ``signals`` need (absent ones as nulls)."""
    from pyspark.sql import functions as F

    _register_udfs(spark)
    wanted = [*_CORE, *sorted({c for s in signals for c in _NEEDS.get(s, ())})]
    if "://" not in path and not any(Path(path).rglob("*.parquet")):  # an empty store
        schema = ", ".join(f"{c} {_TYPES.get(c, 'STRING')}" for c in wanted)
        empty = spark.createDataFrame([], f"{schema}, file STRING, rown BIGINT")
        empty.createOrReplaceTempView("posts")
        return empty
    raw = spark.read.option("mergeSchema", "true").parquet(path)
    cols = [
        F.col(c) if c in raw.columns else F.lit(None).cast(_TYPES.get(c, "STRING")).alias(c)
        for c in wanted
    ]
    rows = raw.select(*cols, F.col("_metadata.file_path").alias("file"),
                      F.col("_metadata.row_index").alias("rown"))  # fmt: skip
    rows.createOrReplaceTempView("raw_posts")
    if spark.sql("SELECT count(*) - count(DISTINCT post) FROM raw_posts").first()[0]:  # type: ignore[index]
        rows = spark.sql(
            "SELECT * FROM raw_posts QUALIFY row_number() OVER "
            "(PARTITION BY post ORDER BY seq DESC, file DESC, rown DESC) = 1"
        )
    posts = rows.cache()
    posts.createOrReplaceTempView("posts")
    return posts


def coaction(spark: SparkSession, acts: DataFrame, params: SignalParams) -> tuple[DataFrame, int]:
    """SPARK_COACTION_SQL over ``acts`` (actor, post, ts, obj): the edges
    (src, dst, weight, example, avg_gap) and the number of skipped hot objects."""
    acts.createOrReplaceTempView("acts")
    cap = params.max_actors if params.max_actors is not None else np.iinfo(np.int64).max
    args = {"window": params.window, "min_weight": params.min_weight, "max_actors": cap}
    edges = spark.sql(SPARK_COACTION_SQL, args=args)
    skipped = spark.sql(HOT_SQL, args={"cap": cap}).first()[0]  # type: ignore[index]
    return edges, int(skipped)


def signal_rows(spark: SparkSession, signal: str) -> DataFrame:
    """One signal's (actor, post, ts, obj) rows of the ``posts`` view."""
    return spark.sql(
        f"SELECT * FROM ({SIGNAL_SQL[signal]}) WHERE obj IS NOT NULL AND obj <> ''"
    ).cache()


class SparkCoaction:
    """Co-action edges of an action store computed by Spark, as local EdgeLists: one per
    (signal, window, min weight, cap) asked, written to ``edges_dir`` as Parquet first."""

    def __init__(self, spark: SparkSession, store: str, edges_dir: str, signals: tuple[str, ...]):
        self.spark = spark
        self.edges_dir = edges_dir.rstrip("/")
        read_posts(spark, actions_path(store), signals)
        self.rows: dict[str, DataFrame] = {}
        self.near_text: DataFrame | None = None

    def edges(self, acts: Actions, signal: str, params: SignalParams) -> EdgeList:
        """The edges of ``signal`` (``signal_edges``' answer); admin and creation local."""
        if signal not in SPARK_SIGNALS:
            return signal_edges(acts, signal, params)
        if signal == "near_text":
            rows = self._near_text(acts)
        else:
            if signal not in self.rows:
                self.rows[signal] = signal_rows(self.spark, signal)
            rows = self.rows[signal]
        found, skipped = coaction(self.spark, rows, params)
        cap = "none" if params.max_actors is None else params.max_actors
        out = f"{self.edges_dir}/{signal}-w{params.window}-m{params.min_weight}-cap{cap}"
        found.write.mode("overwrite").parquet(out)
        table = self.spark.read.parquet(out).toArrow()
        return _edge_list(acts, signal, table, skipped)

    def _near_text(self, acts: Actions) -> DataFrame:
        if self.near_text is None:
            if "near_text" not in acts.tables:
                acts.tables["near_text"] = near_text_table(acts)
            t = acts.tables["near_text"]
            local = pa.table({"actor": t.actor, "post": t.post, "ts": t.ts, "obj": t.obj})
            self.near_text = self.spark.createDataFrame(local).cache()
        return self.near_text


def _edge_list(acts: Actions, signal: str, table: pa.Table, skipped: int) -> EdgeList:
    """Spark's edges (uids, or codes for near_text) as an EdgeList in local codes,
    ordered by source then target like the sweep's."""
    objects = acts.tables[signal].objects
    columns = []
    for name, values in (("src", acts.actors.values), ("dst", acts.actors.values),
                         ("example", objects.values)):  # fmt: skip
        column = table[name]
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.index_in(column, value_set=pa.array(values, pa.string()))
            if column.null_count:
                raise CibgraphError(f"{signal}: Spark's edges name {name} values unknown here")
        columns.append(column.to_numpy(zero_copy_only=False).astype(np.int64))
    src, dst, example = columns
    weight = table["weight"].to_numpy(zero_copy_only=False).astype(np.int64)
    gap = table["avg_gap"].to_numpy(zero_copy_only=False).astype(np.float64)
    order = np.lexsort((dst, src))
    return EdgeList(
        signal, src[order], dst[order], weight[order], example[order], objects.values,
        skipped, avg_gap=gap[order],
    )  # fmt: skip


@contextmanager
def spark_coaction(
    store: str, signals: tuple[str, ...], settings: SparkSettings | None = None
) -> Iterator[SparkCoaction]:
    """A :class:`SparkCoaction` on the store at ``store`` for the time of the block."""
    settings = settings or SparkSettings.from_env()
    with spark_session(settings) as spark:
        if settings.edges_dir:
            yield SparkCoaction(spark, store, settings.edges_dir, signals)
            return
        scratch = tempfile.mkdtemp(prefix="cibgraph-spark-edges-")
        try:
            yield SparkCoaction(spark, store, scratch, signals)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """``spark-submit analytics/spark_coaction.py STORE OUT --signals url,repost``: every
    signal's edges (uids) as Parquet under ``OUT/signal=<name>``, and nothing else."""
    parser = argparse.ArgumentParser(description="co-action edges of an action store, on Spark")
    parser.add_argument("store", help="store root or actions folder (path or URI)")
    parser.add_argument("out", help="folder (path or URI) for the edge Parquet")
    parser.add_argument("--signals", default="url,repost")
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--min-weight", type=int, default=2)
    parser.add_argument("--max-actors", type=int, default=None)
    args = parser.parse_args(argv)
    signals = tuple(s.strip() for s in args.signals.split(",") if s.strip())
    unknown = [s for s in signals if s not in SIGNAL_SQL]
    if unknown:
        parser.error(f"signals must be among {', '.join(SIGNAL_SQL)} (near_text: cibgraph detect)")
    params = SignalParams(args.window, args.min_weight, args.max_actors)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("cibgraph co-action").getOrCreate()
    read_posts(spark, actions_path(args.store), signals)
    for signal in signals:
        edges, skipped = coaction(spark, signal_rows(spark, signal), params)
        edges.write.mode("overwrite").parquet(f"{args.out.rstrip('/')}/signal={signal}")
        print(f"{signal}: {skipped} hot objects skipped", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
