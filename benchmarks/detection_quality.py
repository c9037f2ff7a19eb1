"""Detection quality on the synthetic scenario with default settings.

    python benchmarks/detection_quality.py [--scale demo] [--seed 42]
    python benchmarks/detection_quality.py --matrix [--seeds 1,2,3] [--variants all]
        [--window 60,3600]

Default: generates the scenario, loads it into a fresh embedded server (temporary data
directory), runs detection with its defaults, evaluates against truth.csv, and prints
precision/recall/F1 for the operation's active accounts, per role, per hard-negative
kind, the fake pages tied to flagged clusters, and the time of each stage.

``--matrix``: for every variant (``cibgraph demo generate --variant``) and seed, generates
the world and runs ``cibgraph detect DIR --out OUT`` as a user would (a subprocess, the
defaults, no graph), then scores its flagged accounts against truth.csv. Prints F1,
precision and recall per variant x seed, and the flagged clusters holding no operation
account at all (the goal: none, in every cell).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analytics.detect import detect
from analytics.evaluate import POSITIVE_LABELS, evaluate, flag_quality, read_truth
from cibgraph.embedded import EmbeddedServer
from cibgraph.graph import connect
from cibgraph.scenario import generate
from cibgraph.scenario.variants import VARIANTS
from cibgraph.settings import Settings
from loader import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", choices=["tiny", "demo", "full"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--matrix", action="store_true", help="variants x seeds, via the CLI")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--variants", default="all")
    parser.add_argument(
        "--window", help="with --matrix: cibgraph detect --window (default: its own)"
    )
    args = parser.parse_args()
    if args.matrix:
        variants = list(VARIANTS) if args.variants == "all" else args.variants.split(",")
        extra = ["--window", args.window] if args.window else []
        matrix(args.scale, [int(s) for s in args.seeds.split(",")], variants, extra)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        generate(work / "world", scale=args.scale, seed=args.seed)
        print(f"generated {args.scale} seed {args.seed} in {time.perf_counter() - started:.1f} s")
        settings = Settings(data_dir=work / "db")
        server = EmbeddedServer(settings.data_dir)
        server.start(detached=True)
        try:
            with connect(settings) as graph:
                started = time.perf_counter()
                report = load([work / "world"], graph=graph, report_dir=work / "load")
                print(
                    f"loaded {report.loaded:,} records ({report.rejected} rejected) in "
                    f"{time.perf_counter() - started:.1f} s"
                )
                result = detect(graph)
                print("detection seconds:", {k: round(v, 2) for k, v in result.seconds.items()})
                print("edges per signal:", result.edge_counts)
                evaluation = evaluate(
                    graph, read_truth(work / "world" / "truth.csv"), result.run_id
                )
        finally:
            server.stop()
    print(json.dumps(evaluation.to_dict(), indent=2))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _uid(platform: str, own_id: str) -> str:
    return f"{platform}:{own_id}"


def cell(scale: str, seed: int, variant: str, work: Path, extra: list[str]) -> dict[str, float]:
    """One variant x seed: generate, ``cibgraph detect`` as a subprocess, score."""
    world, out = work / f"{variant}-{seed}", work / f"{variant}-{seed}-out"
    generate(world, scale=scale, seed=seed, variant=variant)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cibgraph.cli", "detect", str(world), "--out", str(out), *extra],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    labels = {_uid(r["platform"], r["id"]): r["label"] for r in _rows(world / "truth.csv")}
    active = {_uid(r["platform"], r["account_id"]) for r in _rows(world / "posts.csv")}
    active |= {_uid("facebook", r["account_id"]) for r in _rows(world / "page_admins.csv")}
    result = json.loads((out / "result.json").read_text())
    flagged_clusters = [c for c in result["clusters"] if c["flagged"]]
    pages = {_uid(r["platform"], r["id"]) for r in _rows(world / "pages_truth.csv")}
    # pages and groups are not accounts; an account the truth does not name counts as wrong
    flagged = {u for c in flagged_clusters for u in c["members"]} - pages
    precision, recall, f1 = flag_quality(labels, flagged, active)
    free = sum(
        not any(labels.get(u) in POSITIVE_LABELS for u in c["members"]) for c in flagged_clusters
    )
    return {"f1": f1, "precision": precision, "recall": recall, "free": free, "s": seconds}


def matrix(scale: str, seeds: list[int], variants: list[str], extra: list[str]) -> None:
    results: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in variants:
            for seed in seeds:
                results[variant, seed] = r = cell(scale, seed, variant, Path(tmp), extra)
                print(
                    f"{variant:14s} seed {seed}: F1 {r['f1']:.3f} (P {r['precision']:.3f} "
                    f"R {r['recall']:.3f}), operation-free flagged clusters {r['free']}, "
                    f"detect {r['s']:.1f} s",
                    flush=True,
                )
    how = " ".join(extra) if extra else "default settings"
    print(f"\nF1 at scale {scale}, {how} (`cibgraph detect DIR {' '.join(extra)}`):\n")
    print(
        "| variant | " + " | ".join(f"seed {s}" for s in seeds) + " | mean | min P | "
        "operation-free flagged |"
    )
    print("| --- | " + " | ".join("---:" for _ in seeds) + " | ---: | ---: | ---: |")
    for variant in variants:
        cells = [results[variant, s] for s in seeds]
        print(
            f"| {variant} | "
            + " | ".join(f"{c['f1']:.3f}" for c in cells)
            + f" | {statistics.mean(c['f1'] for c in cells):.3f}"
            + f" | {min(c['precision'] for c in cells):.3f}"
            + f" | {sum(int(c['free']) for c in cells)} |"
        )


if __name__ == "__main__":
    main()
