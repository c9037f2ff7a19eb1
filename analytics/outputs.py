"""A detection result as files: directed edge lists per signal, clusters, members.

What ``cibgraph detect --edges-out`` and ``--out`` write. Ids are the input's own ids (the
part of a uid after ``platform:``), so the files line up with the data they came from.
CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from analytics.detect import DetectionResult
from cibgraph.output import safe_cell
from loader.store import sql_path

EDGE_COLUMNS = ("signal", "source", "target", "weight")


def own_id(uid: str) -> str:
    """``twitter:123`` -> ``123`` (the id as the input wrote it)."""
    return uid.split(":", 1)[1] if ":" in uid else uid


def write_edges_csv(result: DetectionResult, path: str | Path) -> int:
    """Every signal's directed edges as ``signal,source,target,weight,avg_time_delta,
    edge_symmetry_score`` (and ``fast`` when a fast window was asked for; ``window``, the
    tightest window the edge holds in, when several were); returns the count.
    ``avg_time_delta`` is empty for the signals with no time (admin, creation).

    The ids are made safe once per actor; the rows are written by DuckDB from Arrow
    columns (quoted only where CSV needs it), with no Python object per edge."""
    assert result.actions is not None
    ids = pa.array([safe_cell(own_id(n)) for n in result.actions.actors.values], pa.string())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lists = [e for e in result.edge_lists if len(e)]
    signals = np.array([e.signal for e in lists], dtype=object)
    table = pa.table(
        {
            "signal": pa.array(np.repeat(signals, [len(e) for e in lists]), pa.string()),
            "source": ids.take(pa.array(_concat([e.src for e in lists]))),
            "target": ids.take(pa.array(_concat([e.dst for e in lists]))),
            "weight": pa.array(_concat([e.weight for e in lists])),
            "avg_time_delta": pa.array(
                np.round(
                    np.concatenate(
                        [
                            e.avg_gap if e.avg_gap is not None else np.full(len(e), np.nan)
                            for e in lists
                        ]
                        or [np.zeros(0)]
                    ),
                    2,
                ),
                pa.float64(),
                from_pandas=True,
            ),
            "edge_symmetry_score": pa.array(
                np.round(np.concatenate([e.symmetry() for e in lists] or [np.zeros(0)]), 4)
            ),
        }
    )
    if any(e.fast is not None for e in lists):
        flags = [e.fast if e.fast is not None else np.zeros(len(e), bool) for e in lists]
        table = table.append_column("fast", pa.array(np.concatenate(flags)))
    windows = result.params.windows
    if len(windows) > 1:  # each edge's tightest window (the signals with no time: empty)
        tightest = [
            e.window.astype(np.float64) if e.window is not None else np.full(len(e), np.nan)
            for e in lists
        ]
        column = np.concatenate(tightest)
        missing = np.isnan(column)
        table = table.append_column(
            "window",
            pa.array(np.where(missing, 0, column).astype(np.int64), pa.int64(), mask=missing),
        )
    tmp = path.with_name(f".{path.name}.tmp")
    con = duckdb.connect()
    try:
        con.register("edges", table)
        con.execute(f"COPY edges TO '{sql_path(tmp)}' (FORMAT csv, HEADER true)")
    finally:
        con.close()
    tmp.replace(path)
    return table.num_rows


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def write_clusters(result: DetectionResult, out_dir: str | Path) -> dict[str, str]:
    """``clusters.csv`` (one row per cluster, with its score and explanation),
    ``members.csv`` (cluster, id, uid) and ``result.json``; returns name -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "clusters": out / "clusters.csv",
        "members": out / "members.csv",
        "result": out / "result.json",
    }
    with open(files["clusters"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(("cluster", "size", "score", "flagged", "flag_rule", "explanation"))
        for c in result.clusters:
            w.writerow(
                (c.index, len(c.members), c.score, c.flagged, c.rule, safe_cell(c.explanation))
            )
    with open(files["members"], "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(("cluster", "id", "uid"))
        for c in result.clusters:
            for uid in sorted(result.members[c.index]):
                w.writerow((c.index, safe_cell(own_id(uid)), safe_cell(uid)))
    summary = {
        "run_id": result.run_id,
        "clusters": [
            {
                "cluster": c.index,
                "size": len(c.members),
                "score": c.score,
                "flagged": c.flagged,
                "flag_rule": c.rule,
                "explanation": c.explanation,
                "features": c.features,
                "members": sorted(result.members[c.index]),
            }
            for c in result.clusters
        ],
        "window": result.params.window,
        "window_estimate": (
            result.window_estimate.to_dict() if result.window_estimate is not None else None
        ),
        "edges": result.edge_counts,
        "skipped_hot_objects": result.skipped_objects,
        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
    }
    files["result"].write_text(json.dumps(summary, indent=2, default=float))
    return {k: str(v) for k, v in files.items()}
