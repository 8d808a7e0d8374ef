"""Training throughput against gReLU (PyTorch; Genentech, gReLU): a dnazoo model (Keras) and the
gReLU model configured alike, one pair per ``--pair`` (see :data:`PAIRS`):

* ``dilated``: ``dilated_cnn`` and ``DilatedConvModel`` at equal sizes: 64 channels, a stem of
  kernel 21, 5 residual dilated convolutions of kernel 3 (dilations 2, 4, ..., 32), 1,000 bp;
* ``convgru``: ``danq`` (DanQ's published layout) and ``ConvGRUModel`` with DanQ's stem (320 filters
  of 26 bp), max-pooling of 13 and one bidirectional recurrent layer of 320, 1,000 bp;
* ``enformer``: ``enformer_small`` at ``filters`` = 384 and ``EnformerModel(channels=384)``: 7 conv
  stages down to 128-bp bins, 4 transformer blocks of 4 heads (key size 48), 16 bins cropped each
  side, 6,144 bp (48 bins; gReLU's tower needs channels divisible by 128, and its relative
  positions channels / heads divisible by 6, so 384 is its smallest width with 4 heads).

One binary output each.

Sides, each in its own process (the Keras backend is fixed at import), alternated in each of
``--repeats`` rounds, on the same synthetic data (``--samples`` random 1,000-bp sequences, random
labels, batch ``--batch``), ``--threads`` CPU threads each:

* ``dnazoo_tensorflow``: ``keras.Model.fit`` of the dnazoo model as rule ``train`` compiles it
  (:func:`dnazoo.training.compile_model`: Adam, the task's loss), TensorFlow backend;
* ``dnazoo_tensorflow_xla``: the same with XLA (``jit_compile=True``; Keras's ``"auto"`` leaves
  XLA off on a CPU-only TensorFlow machine);
* ``dnazoo_jax``: the same on the JAX backend;
* ``dnazoo_tensorflow_grelu_layout`` (pair ``convgru`` only): gReLU's network rebuilt in Keras
  layers (:func:`grelu_layout_keras`, the same parameter count) and trained as
  ``dnazoo_tensorflow`` trains ``danq``: dnazoo's training path on gReLU's architecture, which
  separates what the architectures cost from what the frameworks cost;
* ``grelu_lightning``: gReLU's ``LightningModel.train_on_dataset`` as its users run it (its default
  data loader worker, a checkpoint per epoch);
* ``grelu_torch_loop``: the same gReLU network in a plain PyTorch loop (Adam, BCE with logits).

Each run trains ``--epochs`` epochs (2 by default) and reports the median of the epochs after the
first (steady state) as samples/s, with every epoch's seconds. Reported per side:
the median and range over the rounds, the ratio dnazoo (TensorFlow) / side per round (> 1: dnazoo
faster), the same ratio with the ``--reference`` side (e.g. ``dnazoo_tensorflow_xla``) in place of
dnazoo (TensorFlow), and the parameter counts. Needs the ``perf`` extra in its own environment::

    python3 -m venv .venv-perf && .venv-perf/bin/pip install -e ".[perf]" "jax[cpu]"
    .venv-perf/bin/python perf/train_grelu.py --out perf/results/train_grelu_cpu.json
    .venv-perf/bin/python perf/train_grelu.py --pair convgru --samples 256 --batch 32 \
        --out perf/results/train_grelu_convgru_cpu.json
    .venv-perf/bin/python perf/train_grelu.py --pair convgru --samples 256 --batch 32 \
        --epochs 4 --sides dnazoo_tensorflow_grelu_layout,grelu_torch_loop --reference dnazoo_tensorflow_grelu_layout \
        --out perf/results/train_grelu_convgru_layout_cpu.json
    .venv-perf/bin/python perf/train_grelu.py --pair enformer --samples 32 --batch 8 \
        --out perf/results/train_grelu_enformer_cpu.json
    .venv-perf/bin/python perf/train_grelu.py --pair enformer --samples 64 --batch 8 --epochs 4 \
        --sides dnazoo_tensorflow_xla,dnazoo_jax --out perf/results/train_grelu_enformer_xla_cpu.json
    .venv-perf/bin/python perf/train_grelu.py --pair enformer --samples 64 --batch 8 --epochs 4 \
        --sides dnazoo_tensorflow_xla,grelu_torch_loop --reference dnazoo_tensorflow_xla \
        --out perf/results/train_grelu_enformer_xla_grelu_cpu.json
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

import numpy as np
from _record import emit  # perf/_record.py (this script's folder is on sys.path)

#: Each pair: the dnazoo model and its ``model_params``, gReLU's ``model_params``, the window (bp) and
#: where the two differ.
PAIRS = {
    "dilated": {
        "dnazoo": "dilated_cnn", "dnazoo_params": {}, "length": 1000,
        "grelu": {"model_type": "DilatedConvModel", "n_tasks": 1, "channels": 64, "stem_kernel_size": 21,
                  "kernel_size": 3, "dilation_mult": 2, "n_conv": 6, "crop_len": 0,
                  "final_pool_func": "max"},  # n_conv counts the stem
        "differences": "dnazoo's blocks add Dropout(0.1) before each residual sum and take the global max over "
                       "positions; gReLU's take no dropout; both: 'same' padding, no normalisation"},
    "convgru": {
        "dnazoo": "danq", "dnazoo_params": {}, "length": 1000,
        "grelu": {"model_type": "ConvGRUModel", "n_tasks": 1, "stem_channels": 320, "stem_kernel_size": 26,
                  "n_conv": 2, "channel_init": 320, "kernel_size": 1, "pool_func": "max", "pool_size": 13,
                  "n_gru": 1, "dropout": 0.0, "final_pool_func": "avg"},
        "differences": "GRU against LSTM (both bidirectional, 320 units; gReLU sums the two directions, then a "
                       "feed-forward block of 2 x 320); gReLU's stem pads 'same' and cannot pool, so a pointwise "
                       "Conv1D(320, 1) carries the max-pooling of 13 (DanQ: valid convolution, then the pool); "
                       "DanQ flattens 75 x 640 positions into Dense(925) (44 M of its 46 M parameters), gReLU "
                       "averages over positions into one linear output; DanQ's dropout 0.2 / 0.5, gReLU's 0"},
    "enformer": {
        "dnazoo": "enformer_small", "dnazoo_params": {"filters": 384}, "length": 6144,
        "grelu": {"model_type": "EnformerModel", "n_tasks": 1, "n_conv": 7, "channels": 384, "n_transformers": 4,
                  "n_heads": 4, "key_len": 48, "crop_len": 16, "final_pool_func": "avg"},
        "differences": "positions: dnazoo a learned absolute embedding, gReLU Enformer's relative positional "
                       "encodings (enformer-pytorch); stage widths: dnazoo linear 192 to 384, gReLU exponential "
                       "and rounded to multiples of 128; pooling: dnazoo a softmax pooling with one learned "
                       "weight per channel, gReLU Enformer's attention pooling; both: pre-norm transformer blocks "
                       "with dropout 0.4 and a 2x feed-forward, the global average into one output"},
}


def data(samples: int, length: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, (samples, length)).astype(np.uint8)
    labels = rng.integers(0, 2, samples).astype(np.float32)
    return codes, labels


def onehot_ncl(codes):
    x = np.zeros((len(codes), 4, codes.shape[1]), dtype=np.float32)
    for b in range(4):
        x[:, b, :] = codes == b
    return x


def steady(times: list[float]) -> dict:
    """The steady-state epoch time: the median of the epochs after the first (which builds and
    traces), with every epoch's seconds."""
    return {"epoch_s": statistics.median(times[1:]), "all_epoch_s": [round(t, 3) for t in times]}


def grelu_layout_keras(length: int):
    """gReLU's ``ConvGRUModel`` of pair ``convgru`` in Keras layers (gReLU 1.1: ``ConvTower`` with
    order CDNRA, ``GRUBlock``, ``FeedForwardBlock``, average pooling, one linear output):
    Conv1D(320, 26, 'same') + ReLU; Conv1D(320, 1) + ReLU + max-pooling of 13; a bidirectional GRU
    of 320 whose two directions are summed; LayerNorm, Dense(640) + ReLU, Dense(320); the mean
    over positions; Dense(1) with a sigmoid. Input: ``(length,)`` uint8 base codes, one-hot
    encoded as dnazoo's models do."""
    import keras
    from keras import layers

    from dnazoo.models.parts import codes_inputs, encode_inputs

    inputs = codes_inputs((length,))
    x = encode_inputs(inputs, "onehot4")[0]
    x = layers.Conv1D(320, 26, padding="same", activation="relu")(x)
    x = layers.Conv1D(320, 1, activation="relu")(x)
    x = layers.MaxPooling1D(13)(x)
    x = layers.Bidirectional(layers.GRU(320, return_sequences=True), merge_mode="sum")(x)
    x = layers.LayerNormalization()(x)
    x = layers.Dense(640, activation="relu")(x)
    x = layers.Dense(320)(x)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x), name="convgru_grelu_layout")


def run_side(side: str, pair: dict, samples: int, batch: int, threads: int, epochs: int = 2) -> dict:
    """One side's training run: ``{"epoch_s": median seconds of the epochs after the first,
    "all_epoch_s": every epoch's seconds, "parameters"}``."""
    codes, labels = data(samples, pair["length"])
    if side.startswith("dnazoo"):
        import keras

        from dnazoo import models
        from dnazoo.pipeline.common import configure_backend
        from dnazoo.tasks import Task
        from dnazoo.training import compile_model

        configure_backend(threads)
        keras.utils.set_random_seed(0)
        if side.endswith("_grelu_layout"):
            model = grelu_layout_keras(pair["length"])
        else:
            model = models.build(pair["dnazoo"], (pair["length"],), "sequences", task=Task(),
                                 params=pair["dnazoo_params"] or None)
        compile_model(model, "sigmoid", {"optimizer": "adam", "learning_rate": 1e-3}, Task(), samples // batch)
        if side.endswith("_xla"):
            model.jit_compile = True
        times = []

        class Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.t0 = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                times.append(time.perf_counter() - self.t0)

        model.fit({"sequence": codes}, labels, batch_size=batch, epochs=epochs, verbose=0, callbacks=[Timer()])
        return {**steady(times), "parameters": int(model.count_params()), "backend": keras.backend.backend(),
                "jit_compile": bool(model.jit_compile)}
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = onehot_ncl(codes)
    if side == "grelu_torch_loop":
        from grelu.model import models as grelu_models

        params = {k: v for k, v in pair["grelu"].items() if k != "model_type"}
        net = getattr(grelu_models, pair["grelu"]["model_type"])(**params)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        lossf = torch.nn.BCEWithLogitsLoss()
        xt, yt = torch.from_numpy(x), torch.from_numpy(labels)
        times = []
        for _ in range(epochs):
            t0 = time.perf_counter()
            perm = torch.randperm(samples)
            net.train()
            for i in range(0, samples, batch):
                idx = perm[i:i + batch]
                opt.zero_grad()
                out = net(xt[idx]).reshape(-1)
                loss = lossf(out, yt[idx])
                loss.backward()
                opt.step()
            times.append(time.perf_counter() - t0)
        return {**steady(times), "parameters": int(sum(p.numel() for p in net.parameters()))}
    # grelu_lightning
    from grelu.data.dataset import LabeledSeqDataset
    from grelu.lightning import LightningModel

    times = []

    class Timed(LightningModel):
        def on_train_epoch_start(self):
            self._t0 = time.perf_counter()
            return super().on_train_epoch_start() if hasattr(super(), "on_train_epoch_start") else None

        def on_train_epoch_end(self):
            times.append(time.perf_counter() - self._t0)
            return super().on_train_epoch_end() if hasattr(super(), "on_train_epoch_end") else None

    with tempfile.TemporaryDirectory() as tmp:
        lm = Timed(model_params=dict(pair["grelu"]),
                   train_params={"task": "binary", "loss": "bce", "lr": 1e-3, "batch_size": batch, "max_epochs": epochs,
                                 "devices": "cpu", "save_dir": tmp, "checkpoint": True})
        seqs = ["".join("ACGT"[b] for b in row) for row in codes]  # gReLU's datasets take strings or intervals
        train = LabeledSeqDataset(seqs, labels.reshape(-1, 1, 1), tasks=["label"])
        val = LabeledSeqDataset(seqs[:batch], labels[:batch].reshape(-1, 1, 1), tasks=["label"])
        lm.train_on_dataset(train, val)
        return {**steady(times), "parameters": int(sum(p.numel() for p in lm.model.parameters()))}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", choices=sorted(PAIRS), default="dilated")
    ap.add_argument("--samples", type=int, default=2048)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=2,
                    help="epochs per run (>= 2); the median of the epochs after the first is reported")
    ap.add_argument("--sides", default="dnazoo_tensorflow,dnazoo_jax,grelu_lightning,grelu_torch_loop",
                    help="comma-separated sides (dnazoo_tensorflow, the reference of every ratio, always runs); "
                         "also dnazoo_tensorflow_xla, and for --pair convgru dnazoo_tensorflow_grelu_layout")
    ap.add_argument("--reference", default="dnazoo_tensorflow",
                    help="the side that every speed_ratio_reference_over_this ratio divides (a dnazoo side, e.g. "
                         "dnazoo_tensorflow_xla); the speed_ratio_dnazoo_tf_over_this ratios always divide "
                         "dnazoo_tensorflow")
    ap.add_argument("--side", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    if args.epochs < 2:
        ap.error("--epochs: at least 2 (the first epoch builds and traces the model and is not timed)")
    if args.side:  # one measurement, in a child process
        print("RESULT " + json.dumps(run_side(args.side, PAIRS[args.pair], args.samples, args.batch, args.threads,
                                              args.epochs)))
        return {}
    known = {"dnazoo_tensorflow": "tensorflow", "dnazoo_tensorflow_xla": "tensorflow", "dnazoo_jax": "jax",
             "grelu_lightning": None, "grelu_torch_loop": None}
    if args.pair == "convgru":
        known["dnazoo_tensorflow_grelu_layout"] = "tensorflow"
    wanted = ["dnazoo_tensorflow"] + [x for x in args.sides.split(",") if x and x != "dnazoo_tensorflow"]
    unknown = [x for x in wanted if x not in known]
    if unknown:
        ap.error(f"--sides: unknown {unknown}; known: {sorted(known)}")
    if args.reference not in wanted or not args.reference.startswith("dnazoo"):
        ap.error(f"--reference {args.reference}: a dnazoo side among the sides {wanted}")
    sides = {k: known[k] for k in wanted}
    runs = {k: [] for k in sides}
    for _ in range(args.repeats):
        for side, backend in sides.items():
            env = dict(os.environ, **({"KERAS_BACKEND": backend} if backend else {}))
            proc = subprocess.run([sys.executable, __file__, "--side", side, "--pair", args.pair,
                                   "--samples", str(args.samples),
                                   "--batch", str(args.batch), "--threads", str(args.threads),
                                   "--epochs", str(args.epochs)],
                                  capture_output=True, text=True, env=env)
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            if proc.returncode or not line:
                raise RuntimeError(f"{side} failed:\n{proc.stderr[-3000:]}")
            runs[side].append(json.loads(line[0][7:]))
    import keras

    grelu = __import__("grelu") if any(k.startswith("grelu") for k in sides) else None
    torch = __import__("torch") if grelu else None

    result = {
        "command": "python " + " ".join([sys.argv[0]] + (argv if argv is not None else sys.argv[1:])),
        "machine": {"platform": platform.platform(), "cpus": len(os.sched_getaffinity(0)), "threads": args.threads,
                    "python": platform.python_version()},
        "versions": {"keras": keras.__version__, "tensorflow": __import__("tensorflow").__version__,
                     "jax": __import__("jax").__version__, "torch": torch.__version__ if torch else None,
                     "grelu": getattr(grelu, "__version__", "?") if grelu else None},
        "pair": {"name": args.pair, "dnazoo": PAIRS[args.pair]["dnazoo"],
                 "dnazoo_params": PAIRS[args.pair]["dnazoo_params"], "grelu": PAIRS[args.pair]["grelu"],
                 "differences": PAIRS[args.pair]["differences"]},
        "samples": args.samples, "batch": args.batch, "length_bp": PAIRS[args.pair]["length"],
        "repeats": args.repeats, "epochs": args.epochs, "reference": args.reference, "sides": {},
    }
    base = [r["epoch_s"] for r in runs["dnazoo_tensorflow"]]
    ref = [r["epoch_s"] for r in runs[args.reference]]
    for side, rs in runs.items():
        s = [r["epoch_s"] for r in rs]
        rate = [args.samples / x for x in s]
        ratios = [x / b for b, x in zip(base, s)]
        to_ref = [x / b for b, x in zip(ref, s)]  # per round: the reference's speed over this side's
        result["sides"][side] = {"epoch_s": [round(x, 3) for x in s], "parameters": rs[0]["parameters"],
                                 "all_epoch_s": [r["all_epoch_s"] for r in rs],
                                 **({"jit_compile": rs[0]["jit_compile"]} if "jit_compile" in rs[0] else {}),
                                 "median_samples_per_s": round(statistics.median(rate), 1),
                                 "range_samples_per_s": [round(min(rate), 1), round(max(rate), 1)],
                                 "speed_ratio_dnazoo_tf_over_this_median": round(statistics.median(ratios), 2),
                                 "speed_ratio_dnazoo_tf_over_this_range": [round(min(ratios), 2), round(max(ratios), 2)],
                                 "speed_ratio_reference_over_this_median": round(statistics.median(to_ref), 2),
                                 "speed_ratio_reference_over_this_range": [round(min(to_ref), 2), round(max(to_ref), 2)]}
    return emit(result, args.out)


if __name__ == "__main__":
    main()
