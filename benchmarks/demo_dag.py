"""Benchmark: wall time of the default (simulated demo) DAG from scratch, and per-rule times.

Runs ``snakemake --cores N`` on the shipped ``config/config.yaml`` in fresh temporary folders,
``--repeats`` times in one process, and prints the median wall time and the median of each rule's
Snakemake ``benchmark:`` seconds. Usage::

    .venv/bin/python benchmarks/demo_dag.py --cores 2 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def run_once(cores: int) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", tmp,
                        "--configfile", str(REPO / "config" / "config.yaml"), "--cores", str(cores),
                        "--resources", "gpu=1", "--quiet", "all"], check=True, capture_output=True)
        wall = time.perf_counter() - t0
        rules = {}
        for f in (Path(tmp) / "benchmarks" / "out").rglob("*.tsv"):
            rules[f.stem] = float(pd.read_csv(f, sep="\t")["s"].iloc[0])
        summary = pd.read_csv(Path(tmp) / "results" / "summary.tsv", sep="\t")
        print(summary[["model", "auroc"]].to_string(index=False), file=sys.stderr)
    return wall, rules


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    walls, per_rule = [], {}
    for _ in range(args.repeats):
        wall, rules = run_once(args.cores)
        walls.append(wall)
        for k, v in rules.items():
            per_rule.setdefault(k, []).append(v)
    print(f"default DAG, {args.cores} cores, {args.repeats} runs: median wall {statistics.median(walls):.1f} s "
          f"(min {min(walls):.1f}, max {max(walls):.1f})")
    for k, v in sorted(per_rule.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  {k:30s} median {statistics.median(v):7.1f} s")


if __name__ == "__main__":
    main()
