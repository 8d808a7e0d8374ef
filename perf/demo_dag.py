"""Benchmark: wall time of the default (simulated demo) DAG from scratch, and per-rule times.

Runs ``snakemake --cores N`` on the shipped ``config/config.yaml`` in fresh temporary folders,
``--repeats`` times in one process, and prints the median wall time and the median of each rule's
Snakemake ``benchmark:`` seconds; ``--out`` also writes them, with the machine they came from
(CPU model, cores, memory), as JSON. Usage::

    .venv/bin/python perf/demo_dag.py --cores 2 --repeats 3 --out perf/results/demo_dag_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
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
    if args.out:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        result = {"command": f"perf/demo_dag.py --cores {args.cores} --repeats {args.repeats}",
                  "machine": {"cpu": cpu, "cpus": len(os.sched_getaffinity(0)), "memory_gib": round(mem_gib, 1),
                              "platform": platform.platform()},
                  "cores": args.cores, "walls_s": [round(w, 1) for w in walls],
                  "median_wall_s": round(statistics.median(walls), 1),
                  "median_rule_s": {k: round(statistics.median(v), 1) for k, v in sorted(per_rule.items())}}
        args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
