"""Interpretation speed: sequences per second of ISM, gradient × input and integrated gradients
(dnazoo.interpret) for ``deepbind`` at 101 bp and ``basset`` at its 600-bp reference window, with
the rule's defaults (ISM batch 1,024 rows, all L × 3 variants of a sequence in batched calls;
integrated gradients: 5 dinucleotide-shuffled references × 20 steps).

Random weights (speed does not depend on training) and random sequences; each method is warmed
up once, then timed ``--repeats`` times, the methods alternating in every round; the median is
reported with the ratio to gradient × input. ``--eager-gradients`` adds integrated gradients with
the tape run op by op (``backend_gradients``, as before its gradient function was compiled; gradient
× input compiles only beyond 4 batches, so it runs eagerly here either way) and the speed-up of the
compiled one (per-round eager time over compiled time). Usage (2 CPU cores here)::

    .venv/bin/python perf/interpret_speed.py --out perf/results/interpret_speed_cpu.json
    .venv/bin/python perf/interpret_speed.py --methods gradient_x_input integrated_gradients \
        --eager-gradients --out perf/results/interpret_speed_gradients_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

CASES = {"deepbind": (101, 64), "basset": (600, 8)}  # model: (window bp, sequences per timing)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--methods", nargs="+", default=["ism", "gradient_x_input", "integrated_gradients"],
                    choices=["ism", "gradient_x_input", "integrated_gradients"])
    ap.add_argument("--eager-gradients", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    import keras

    from dnazoo import interpret as it
    from dnazoo import models
    from dnazoo.data.encoding import onehot
    from dnazoo.models import parts

    compiled = parts.gradient_function

    def eager(fn):  # the tape op by op, as before gradient_function compiled it
        def call():
            parts.gradient_function = lambda f, backend: (lambda xs: parts.backend_gradients(f, xs, backend))
            try:
                return fn()
            finally:
                parts.gradient_function = compiled
        return call

    keras.utils.set_random_seed(0)
    out = {"command": "python " + " ".join([sys.argv[0], *sys.argv[1:]]),
           "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPU cores",
           "backend": keras.backend.backend(), "keras": keras.__version__, "repeats": args.repeats,
           "ism_batch_rows": 1024, "ig_shuffles": 5, "ig_steps": 20, "models": {}}
    for name, (window, n) in CASES.items():
        model = models.build(name, window, "sequences")
        x = [onehot(np.random.default_rng(0).integers(0, 4, (n, window)).astype(np.uint8))]
        every = {"ism": lambda: it.ism(model, x, batch_size=1024),
                 "gradient_x_input": lambda: it.gradient_x_input(model, x),
                 "integrated_gradients": lambda: it.integrated_gradients(model, x, n_shuffles=5, n_steps=20)}
        methods = {m: every[m] for m in args.methods}
        if args.eager_gradients:
            methods.update({f"{m}_eager": eager(every[m]) for m in ("integrated_gradients",) if m in args.methods})
        row = {"window_bp": window, "sequences": n, "parameters": int(model.count_params())}
        for fn in methods.values():
            fn()  # warm-up: tracing and compilation
        times = {m: [] for m in methods}
        for _ in range(args.repeats):  # the methods alternate in every round
            for method, fn in methods.items():
                t = time.perf_counter()
                fn()
                times[method].append(time.perf_counter() - t)
        for method, ts in times.items():
            med = statistics.median(ts)
            row[method] = {"seconds": [round(t, 4) for t in ts], "median_s": round(med, 4),
                           "sequences_per_s": round(n / med, 2)}
        if "gradient_x_input" in row:
            base = row["gradient_x_input"]["sequences_per_s"]
            for method in methods:
                row[method]["ratio_to_gradient_x_input"] = round(row[method]["sequences_per_s"] / base, 4)
        for method in methods:
            if method.endswith("_eager"):
                gain = [a / b for a, b in zip(times[method], times[method[:-len("_eager")]])]
                row[f"{method[:-len('_eager')]}_compiled_speedup"] = {
                    "median": round(statistics.median(gain), 2), "range": [round(min(gain), 2), round(max(gain), 2)]}
        if "ism" in row:
            row["ism_variants_per_s"] = round(row["ism"]["sequences_per_s"] * window * 3, 1)
        out["models"][name] = row
        print(name, json.dumps(row))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
