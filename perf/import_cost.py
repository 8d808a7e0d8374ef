"""Profile: what ``import keras`` (TensorFlow backend) costs in a fresh process, by package.

Every Keras job of the workflow starts a Python process that imports Keras; this is most of a
Keras job's fixed cost (``perf/demo_dag.py`` measures it whole). Each of ``--repeats`` rounds runs
``python -X importtime -c "import keras"`` in a fresh process and sums Python's own ``-X importtime``
self times (microseconds) by top-level package (``tensorflow``, ``keras``, ``sklearn``, ...): the
packages that Keras and TensorFlow import eagerly, whether a job uses them or not. Reported: the
process's wall seconds, and per package the median and range of its seconds over the rounds, with
its share of the median total.

Usage::

    .venv/bin/python perf/import_cost.py --out perf/results/import_cost_cpu.json
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _record import emit  # perf/_record.py (this script's folder is on sys.path)


def importtime_by_package(stderr: str) -> dict[str, float]:
    """``-X importtime`` output → seconds of self time per top-level package.

    Raises:
        ValueError: no ``import time:`` line (the interpreter did not profile).
    """
    totals: dict[str, float] = {}
    lines = [line for line in stderr.splitlines() if line.startswith("import time:")]
    for line in lines[1:]:  # the first line is the header
        _, self_us, _, name = (part.strip() for part in line.replace("import time:", "|", 1).split("|"))
        top = name.split(".")[0]
        totals[top] = totals.get(top, 0.0) + int(self_us) / 1e6
    if not totals:
        raise ValueError("no -X importtime lines in the output")
    return totals


def one_round(statement: str) -> tuple[float, dict[str, float]]:
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True,
                          env=env, check=True)
    return time.perf_counter() - t0, importtime_by_package(proc.stderr)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--statement", default="import keras")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--top", type=int, default=12, help="packages listed by name; the rest are summed as 'other'")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    walls, rounds = [], []
    for _ in range(args.repeats):
        wall, per = one_round(args.statement)
        walls.append(wall)
        rounds.append(per)
    names = sorted({k for r in rounds for k in r}, key=lambda k: -statistics.median(r.get(k, 0.0) for r in rounds))
    named, rest = names[:args.top], names[args.top:]
    totals = [sum(r.values()) for r in rounds]
    total = statistics.median(totals)
    packages = {}
    for k in named:
        v = [r.get(k, 0.0) for r in rounds]
        packages[k] = {"median_s": round(statistics.median(v), 3), "range_s": [round(min(v), 3), round(max(v), 3)],
                       "share_of_total": round(statistics.median(v) / total, 3)}
    other = [sum(r.get(k, 0.0) for k in rest) for r in rounds]
    packages["other"] = {"median_s": round(statistics.median(other), 3),
                         "range_s": [round(min(other), 3), round(max(other), 3)],
                         "share_of_total": round(statistics.median(other) / total, 3), "packages": len(rest)}
    import keras

    result = {
        "command": "python " + " ".join([sys.argv[0]] + (argv if argv is not None else sys.argv[1:])),
        "machine": {"platform": platform.platform(), "cpus": len(os.sched_getaffinity(0)),
                    "python": platform.python_version()},
        "versions": {"keras": keras.__version__, "tensorflow": __import__("tensorflow").__version__},
        "statement": args.statement, "repeats": args.repeats,
        "wall_s": {"median": round(statistics.median(walls), 2), "range": [round(min(walls), 2), round(max(walls), 2)]},
        "importtime_total_s": {"median": round(total, 2), "range": [round(min(totals), 2), round(max(totals), 2)]},
        "packages": packages,
    }
    return emit(result, args.out)


if __name__ == "__main__":
    main()
