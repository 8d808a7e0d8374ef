"""Input pipeline: samples/s of a training epoch streamed from memory-mapped .npy files by
:func:`dnazoo.data.dataset.make_sequence` (a ``keras.utils.PyDataset``), against the same model fed
from in-memory NumPy arrays by ``model.fit(x, y)``.

``deepbind`` at 101 bp is the worst case for the streaming pipeline: the model is so small that
the Python cost of each batch (memmap reads, sorting the shuffled rows, the dict of inputs) weighs
most. Both runs train the same model (fresh weights, same seed) for ``--epochs`` epochs on the same
``--rows`` random codes; the first epoch (graph tracing) is dropped and the median of the rest is
taken. The two modes alternate ``--repeats`` times; the ratio streaming / in-memory is the median
over the repeats. Written to ``--out`` as JSON.

    python perf/input_pipeline.py --rows 50000 --epochs 4 --repeats 3 --workers 2 \
        --out perf/results/input_pipeline_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np


def epoch_times(fit, epochs: int) -> list[float]:
    import keras

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.t)

    times: list[float] = []
    fit(Timer())
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--window", type=int, default=101)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--model", default="deepbind")
    ap.add_argument("--workers", type=int, default=1, help="PyDataset reader threads of the streaming run")
    ap.add_argument("--pipeline", choices=["tf_data", "pydataset"], default="tf_data",
                    help="streaming pipeline: make_tf_dataset (what training uses under TensorFlow) or make_sequence")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras

    from dnazoo import models
    from dnazoo.data.dataset import make_sequence, make_tf_dataset
    from dnazoo.training import compile_model

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, (args.rows, args.window)).astype(np.uint8)
    labels = rng.integers(0, 2, args.rows).astype(np.int8)
    spec = models.get(args.model)
    result = {"in_memory": [], "streaming": [], "ratios": []}
    with tempfile.TemporaryDirectory() as tmp:
        np.save(Path(tmp) / "codes.npy", codes)
        mapped = np.load(Path(tmp) / "codes.npy", mmap_mode="r")
        for repeat in range(args.repeats):  # the two modes alternate, so machine load hits both alike
            speeds = {}
            for mode in ("in_memory", "streaming"):
                keras.utils.set_random_seed(0)
                model = models.build(args.model, args.window, "sequences")
                compile_model(model, spec.binary_head, {**spec.defaults})
                if mode == "in_memory":
                    def fit(cb, model=model):
                        model.fit({"sequence": codes}, labels.astype(np.float32), batch_size=args.batch,
                                  epochs=args.epochs, shuffle=True, verbose=0, callbacks=[cb])
                else:
                    def fit(cb, model=model):
                        steps = -(-args.rows // args.batch)
                        data = (make_tf_dataset({"sequence": mapped}, labels, args.batch, seed=0, n_epochs=args.epochs)
                                if args.pipeline == "tf_data" else
                                make_sequence({"sequence": mapped}, labels, args.batch, shuffle=True, seed=0,
                                              workers=args.workers))
                        model.fit(data, epochs=args.epochs, verbose=0, callbacks=[cb],
                                  steps_per_epoch=steps if args.pipeline == "tf_data" else None)
                times = epoch_times(fit, args.epochs)
                med = statistics.median(times[1:])
                speeds[mode] = args.rows / med
                result[mode].append({"epoch_s": [round(t, 3) for t in times], "median_epoch_s": round(med, 3),
                                     "samples_per_s": round(args.rows / med, 1)})
                print(repeat, mode, result[mode][-1], flush=True)
            result["ratios"].append(round(speeds["streaming"] / speeds["in_memory"], 3))
    result["median_samples_per_s"] = {m: statistics.median(r["samples_per_s"] for r in result[m])
                                      for m in ("in_memory", "streaming")}
    result["ratio_streaming_over_in_memory"] = statistics.median(result["ratios"])
    result["setup"] = {"model": args.model, "window_bp": args.window, "rows": args.rows, "batch": args.batch,
                       "epochs": args.epochs, "repeats": args.repeats, "pipeline": args.pipeline,
                       "workers": args.workers,
                       "timed": "per repeat: median of epochs 2..n; ratio: median over repeats",
                       "backend": keras.backend.backend(), "keras": keras.__version__, "cpu_count": os.cpu_count(),
                       "machine": platform.machine()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
