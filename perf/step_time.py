"""Training step time and samples/s of every DeepChromeHiC model, float32 and mixed precision.

Issue 4 asks for each model's training step time at the original's window (10,001 bp per anchor)
and batch size (32), in float32 and in mixed precision. The models use only ``keras.layers`` /
``keras.ops``, so this runs under any Keras 3 backend; the table in the README was measured under
JAX on one NVIDIA H100 (``KERAS_BACKEND=jax``).

Each model runs in its own subprocess, so the accelerator's peak memory (JAX's
``peak_bytes_in_use``; TensorFlow's ``get_memory_info``; CPU: peak RSS) belongs to that model alone.
Per model and dtype policy: build, compile with the model's registry defaults (Adam, its learning
rate and decay), ``--warmup`` steps (compilation), then ``--steps`` timed ``train_on_batch`` calls on
random codes; each call returns the loss to the host, so every step is synchronised. The median step
and samples/s = batch / median step are reported, with the first (compiling) step's time.

    KERAS_BACKEND=jax python perf/step_time.py --out step_time.tsv
    python perf/step_time.py --models onehot_dense --window 4129 --steps 3   # a CPU smoke run

``--suite classic`` times the classic sequence models instead, each at its own window and batch
(:data:`CLASSIC`), in float32 and mixed float16, with and without XLA (``--jit on off``: Keras's
``jit_compile``; under JAX, off runs the steps eagerly), and writes the speed-ups of mixed
precision and of XLA per model::

    KERAS_BACKEND=jax python perf/step_time.py --suite classic --policies float32 mixed_float16 \
        --jit on off --out perf/results/gpu_step_time_classic.tsv
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

POLICIES = ("float32", "mixed_bfloat16", "mixed_float16")
#: ``--suite classic``: model → (window bp, batch), the conv-heavy and attention models of the zoo.
CLASSIC = {"deepsea": (1000, 64), "basset": (600, 64), "danq": (1000, 64), "residualbind": (1000, 64),
           "enformer_small": (6144, 8)}


def accelerator_peak_bytes() -> float | None:
    """Peak bytes allocated on the first accelerator so far in this process (None on CPU)."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        dev = jax.devices()[0]
        if dev.platform == "cpu":
            return None
        return float(dev.memory_stats().get("peak_bytes_in_use", float("nan")))
    if backend == "tensorflow":
        import tensorflow as tf

        if not tf.config.list_physical_devices("GPU"):
            return None
        return float(tf.config.experimental.get_memory_info("GPU:0")["peak"])
    if backend == "torch":
        import torch

        return float(torch.cuda.max_memory_allocated()) if torch.cuda.is_available() else None
    return None


def time_one(name: str, policy: str, window: int, batch: int, warmup: int, steps: int, kind: str = "pairs",
             jit: str = "auto") -> dict:
    """Build ``name`` under dtype ``policy`` and time its training steps; return one result row.
    ``kind``: ``pairs`` (two anchors of ``window`` bp) or ``sequences``; ``jit``: ``auto``, ``on``
    or ``off`` (Keras's ``jit_compile``)."""
    import keras

    from dnazoo import models
    from dnazoo.training import compile_model

    keras.backend.clear_session()
    keras.config.set_dtype_policy(policy)
    keras.utils.set_random_seed(0)
    spec = models.get(name)
    t = time.perf_counter()
    model = models.build(name, window, kind)
    compile_model(model, spec.binary_head, spec.defaults)
    if jit != "auto":
        model.jit_compile = jit == "on"
    print(f"{name} {policy} jit {jit}: built in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    rng = np.random.default_rng(0)
    x = tuple(rng.integers(0, 4, (batch, window), dtype=np.uint8) for _ in range(2 if kind == "pairs" else 1))
    x = x if kind == "pairs" else x[0]
    y = (np.arange(batch) % 2).astype(np.float32)
    t = time.perf_counter()
    loss = model.train_on_batch(x, y)
    first = time.perf_counter() - t
    print(f"{name} {policy}: first step {first:.1f} s", file=sys.stderr, flush=True)
    for _ in range(warmup - 1):
        model.train_on_batch(x, y)
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        loss = model.train_on_batch(x, y)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    return {"model": name, "policy": policy, "jit": jit, "backend": keras.backend.backend(), "window_bp": window,
            "batch": batch, "parameters": model.count_params(), "first_step_s": round(first, 3),
            "median_step_ms": round(1e3 * med, 2), "samples_per_s": round(batch / med, 1),
            "loss_finite": bool(np.isfinite(float(np.asarray(loss).ravel()[0]))), "steps": steps}


def child(args) -> None:
    """Run every policy for one model and print one JSON line per policy."""
    peak_after_fp32 = None
    for jit in args.jit:
        for policy in args.policies:
            row = time_one(args.one, policy, args.window, args.batch, args.warmup, args.steps, args.kind, jit)
            if policy == "float32" and peak_after_fp32 is None:
                peak_after_fp32 = accelerator_peak_bytes()
                row["peak_gb_float32"] = None if peak_after_fp32 is None else round(peak_after_fp32 / 1e9, 2)
            print("RESULT " + json.dumps(row), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=None, help="default: the 11 DeepChromeHiC models")
    ap.add_argument("--policies", nargs="*", default=list(POLICIES[:2]), choices=POLICIES)
    ap.add_argument("--window", type=int, default=10001, help="bp per anchor")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--suite", choices=["deepchromehic", "classic"], default="deepchromehic")
    ap.add_argument("--jit", nargs="*", default=["auto"], choices=["auto", "on", "off"])
    ap.add_argument("--kind", default="pairs", help=argparse.SUPPRESS)
    ap.add_argument("--out", default=None, help="TSV of the results")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        child(args)
        return
    from dnazoo.models import DEEPCHROMEHIC_MODELS

    classic = args.suite == "classic"
    names = args.models or list(CLASSIC if classic else DEEPCHROMEHIC_MODELS)
    rows = []
    for name in names:
        window, batch = CLASSIC[name] if classic and name in CLASSIC else (args.window, args.batch)
        cmd = [sys.executable, __file__, "--one", name, "--window", str(window), "--batch", str(batch),
               "--warmup", str(args.warmup), "--steps", str(args.steps), "--policies", *args.policies,
               "--jit", *args.jit, "--kind", "sequences" if classic else "pairs"]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        got = [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
        if proc.returncode != 0:
            print(f"{name}: failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}", file=sys.stderr, flush=True)
        for row in got:
            print("\t".join(f"{k}={v}" for k, v in row.items()), flush=True)
        rows.extend(got)
    if not rows:
        sys.exit("no model finished")
    import pandas as pd

    table = pd.DataFrame(rows)
    wide = table.pivot_table(index="model", columns=["jit", "policy"], values="samples_per_s")
    for jit in table["jit"].unique():
        for mixed in ("mixed_bfloat16", "mixed_float16"):
            if (jit, mixed) in wide.columns and (jit, "float32") in wide.columns:
                table.loc[(table["jit"] == jit) & (table["policy"] == mixed), "speedup_over_float32"] = (
                    table["model"].map(wide[(jit, mixed)] / wide[(jit, "float32")]).round(2))
    if {"on", "off"} <= set(table["jit"]):
        for policy in table["policy"].unique():
            if ("on", policy) in wide.columns and ("off", policy) in wide.columns:
                table.loc[(table["jit"] == "on") & (table["policy"] == policy), "speedup_xla_over_no_xla"] = (
                    table["model"].map(wide[("on", policy)] / wide[("off", policy)]).round(2))
    print(table.to_string(index=False))
    if args.out:
        table.to_csv(args.out, sep="\t", index=False)


if __name__ == "__main__":
    main()
