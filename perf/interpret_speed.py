"""Interpretation speed: sequences per second of ISM, gradient × input and integrated gradients
(dnazoo.interpret) for ``deepbind`` at 101 bp and ``basset`` at its 600-bp reference window, with
the rule's defaults (ISM batch 1,024 rows, all L × 3 variants of a sequence in batched calls;
integrated gradients: 5 dinucleotide-shuffled references × 20 steps).

Random weights (speed does not depend on training) and random sequences; each method is timed
``--repeats`` times after one warm-up call, and the median is reported with the ratio to
gradient × input. Usage (2 CPU cores here)::

    .venv/bin/python perf/interpret_speed.py --out perf/results/interpret_speed_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

CASES = {"deepbind": (101, 64), "basset": (600, 8)}  # model: (window bp, sequences per timing)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    import keras

    from dnazoo import interpret as it
    from dnazoo import models
    from dnazoo.data.encoding import onehot

    keras.utils.set_random_seed(0)
    out = {"machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPU cores",
           "backend": keras.backend.backend(), "keras": keras.__version__, "repeats": args.repeats,
           "ism_batch_rows": 1024, "ig_shuffles": 5, "ig_steps": 20, "models": {}}
    for name, (window, n) in CASES.items():
        model = models.build(name, window, "sequences")
        x = [onehot(np.random.default_rng(0).integers(0, 4, (n, window)).astype(np.uint8))]
        methods = {"ism": lambda: it.ism(model, x, batch_size=1024),
                   "gradient_x_input": lambda: it.gradient_x_input(model, x),
                   "integrated_gradients": lambda: it.integrated_gradients(model, x, n_shuffles=5, n_steps=20)}
        row = {"window_bp": window, "sequences": n, "parameters": int(model.count_params())}
        for method, fn in methods.items():
            fn()  # warm-up: tracing and compilation
            times = []
            for _ in range(args.repeats):
                t = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t)
            med = statistics.median(times)
            row[method] = {"median_s": round(med, 4), "sequences_per_s": round(n / med, 2)}
        base = row["gradient_x_input"]["sequences_per_s"]
        for method in methods:
            row[method]["ratio_to_gradient_x_input"] = round(row[method]["sequences_per_s"] / base, 4)
        row["ism_variants_per_s"] = round(row["ism"]["sequences_per_s"] * window * 3, 1)
        out["models"][name] = row
        print(name, json.dumps(row))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
