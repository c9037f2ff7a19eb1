"""Scenario generation: wall time, posts/s and peak memory (a benchmark, not a test).

    python benchmarks/scenario_memory.py [--scale full] [--seed 42] [--format native]
                                         [--out DIR] [--keep]

Generates the scenario into a temporary directory (or ``--out``), then prints wall
time, posts written, posts/s, the bytes written and the process's peak resident set
size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``). At ``full`` the posts are streamed
to disk, so peak RSS should stay far below what ~2,000,000 posts would take in memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cibgraph.scenario import FORMATS, SCALES, generate


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB else


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="full")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=list(FORMATS), default="native")
    parser.add_argument("--out", type=Path, help="output directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix=f"scenario-{args.scale}-"))
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    summary = generate(out, scale=args.scale, seed=args.seed, format=args.format)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    accounts = sum(summary["accounts"].values())

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"scale {args.scale}, seed {args.seed}, format {args.format} -> {out}")
    print(f"accounts   {accounts:>12,}  ({summary['active_amplifiers']:,} active amplifiers)")
    print(f"posts      {summary['posts']:>12,}")
    print(f"wall time  {seconds:>12.1f} s")
    print(f"posts/s    {summary['posts'] / seconds:>12,.0f}")
    print(f"written    {size / 2**20:>12,.0f} MiB in {len(summary['files'])} files")
    print(f"peak RSS   {peak_rss_mib():>12,.0f} MiB (before generating: {rss_before:,.0f} MiB)")
    if not (args.out or args.keep):
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
