"""Peak memory of training ``onehot_embedding_dense`` (413,671,754 parameters) at 10,001 bp.

The model's weights, Adam's two moment tensors and the gradients are each ~1.65 GB of float32;
the input pipeline streams uint8 code rows from memory-mapped ``.npy`` files, so the training set
(here ``--rows`` pairs, written to a temporary folder) is never loaded whole. The script reports the
process's peak resident memory after building, after the first step and after ``--steps`` steps,
next to the size of weights + optimizer state + gradients.

    .venv/bin/python perf/memory_onehot_embedding_dense.py --rows 2048 --steps 8
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # Linux: kB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2048)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    from dnazoo import models
    from dnazoo.training import compile_model, make_sequence

    window = 10001
    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        paths = []
        for part in ("anchor1", "anchor2"):
            arr = np.lib.format.open_memmap(Path(tmp) / f"{part}.npy", "w+", np.uint8, (args.rows, window))
            for i in range(0, args.rows, 256):
                arr[i:i + 256] = rng.integers(0, 5, (min(256, args.rows - i), window), dtype=np.uint8)
            arr.flush()
            paths.append(Path(tmp) / f"{part}.npy")
        inputs = [np.load(p, mmap_mode="r") for p in paths]
        labels = (np.arange(args.rows) % 2).astype(np.int8)
        print(f"baseline peak RSS {peak_gb():.2f} GB; training set on disk "
              f"{sum(p.stat().st_size for p in paths) / 1e9:.2f} GB (memory-mapped)")
        t = time.perf_counter()
        spec = models.get("onehot_embedding_dense")
        model = models.build("onehot_embedding_dense", window, "pairs")
        compile_model(model, spec.binary_head, spec.defaults)
        n = model.count_params()
        state_gb = n * 4 * 4 / 1e9  # weights + 2 Adam moments + gradients, float32
        print(f"built {n:,} parameters in {time.perf_counter() - t:.0f} s; peak RSS {peak_gb():.2f} GB; "
              f"weights + Adam moments + gradients = {state_gb:.2f} GB")
        steps = min(args.steps, args.rows // args.batch)
        data = make_sequence(inputs, labels, args.batch, shuffle=True)
        t = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=1, verbose=0)
        print(f"first step: {time.perf_counter() - t:.1f} s; peak RSS {peak_gb():.2f} GB")
        t = time.perf_counter()
        model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
        dt = (time.perf_counter() - t) / steps
        print(f"{steps} more steps: {dt:.2f} s/step ({args.batch / dt:.1f} samples/s); "
              f"peak RSS {peak_gb():.2f} GB = {peak_gb() / state_gb:.2f} x (weights + Adam + gradients)")


if __name__ == "__main__":
    main()
