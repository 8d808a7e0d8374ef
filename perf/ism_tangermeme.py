"""ISM against tangermeme: :func:`dnazoo.interpret.ism` (Keras, TensorFlow backend) and tangermeme's
``saturation_mutagenesis`` (PyTorch; Schreiber, tangermeme) on the same network with the same
weights: dnazoo's ``deepbind`` at 101 bp (Conv1D 16 × 24 bp + ReLU, max over positions and both
strands, Dense 32 + ReLU, Dense 1; the logit is explained), ported layer by layer to PyTorch.

Both sides return the attribution of each observed base (the change of every substitution,
mean-centred over the four bases, times the one-hot); the script checks that they agree within
float32 rounding, then times each side ``--repeats`` times, alternating, on ``--sequences`` random
sequences, and reports variants/s (L × 3 substitutions per sequence) and the ratio
dnazoo / tangermeme (median and range over the rounds). tangermeme runs at its default batch size
(32) and at dnazoo's (1,024 rows per call). Both sides get ``--threads`` CPU threads.

The profile, in the same rounds: the forward passes alone (``forward_keras``: the explained Keras
model, TensorFlow backend; ``forward_torch``: the PyTorch port) over the same L × 3 variants per
sequence, made once, 1,024 rows per call; ``forward_torch``'s ratio divides ``forward_keras``'s
time. It separates the backends' convolution kernels from dnazoo's ISM code (making the
variants, batching, the reference scores). Needs the
``perf`` extra in its own environment (PyTorch beside TensorFlow)::

    python3 -m venv .venv-perf && .venv-perf/bin/pip install -e ".[perf]"
    .venv-perf/bin/python perf/ism_tangermeme.py --out perf/results/ism_tangermeme_cpu.json
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _record import emit  # perf/_record.py (this script's folder is on sys.path)


def find_layer(model, name):
    for layer in model._flatten_layers(include_self=False):
        if layer.name == name:
            return layer
    raise KeyError(name)


def torch_deepbind(keras_model):
    """The same network in PyTorch, weights copied: input (n, 4, L) one-hot, output (n, 1) logit."""
    import torch
    from torch import nn

    conv_w, conv_b = find_layer(keras_model, "first_conv").get_weights()
    h_w, h_b = find_layer(keras_model, "hidden_dense1").get_weights()
    o_w, o_b = find_layer(keras_model, "output").get_weights()

    class DeepBind(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(4, conv_w.shape[2], conv_w.shape[0])
            self.hidden = nn.Linear(h_w.shape[0], h_w.shape[1])
            self.out = nn.Linear(o_w.shape[0], o_w.shape[1])
            with torch.no_grad():
                self.conv.weight.copy_(torch.from_numpy(conv_w.transpose(2, 1, 0).copy()))
                self.conv.bias.copy_(torch.from_numpy(conv_b))
                self.hidden.weight.copy_(torch.from_numpy(h_w.T.copy()))
                self.hidden.bias.copy_(torch.from_numpy(h_b))
                self.out.weight.copy_(torch.from_numpy(o_w.T.copy()))
                self.out.bias.copy_(torch.from_numpy(o_b))

        def forward(self, x):
            x = x.float()
            fwd = torch.relu(self.conv(x)).amax(dim=-1)
            rev = torch.relu(self.conv(torch.flip(x, dims=(1, 2)))).amax(dim=-1)  # ACGT: complement = channel flip
            return self.out(torch.relu(self.hidden(torch.maximum(fwd, rev))))

    return DeepBind().eval()


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=int, default=101)
    ap.add_argument("--sequences", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    import tangermeme
    import torch
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    from dnazoo import interpret as it
    from dnazoo import models
    from dnazoo.data.encoding import onehot
    from dnazoo.pipeline.common import configure_backend
    from dnazoo.tasks import Task

    configure_backend(args.threads)
    torch.set_num_threads(args.threads)
    keras.utils.set_random_seed(0)
    model = models.build("deepbind", (args.length,), "sequences", task=Task())
    # random weights are near-flat after one ReLU; give the layers a spread so the scores vary
    for layer in model._flatten_layers(include_self=False):
        if layer.get_weights():
            layer.set_weights([w + np.random.default_rng(1).normal(0, 0.1, w.shape).astype(w.dtype)
                               for w in layer.get_weights()])
    tmodel = torch_deepbind(model)
    codes = np.random.default_rng(0).integers(0, 4, (args.sequences, args.length)).astype(np.uint8)
    x_keras = onehot(codes).astype(np.float32)  # (n, L, 4)
    x_torch = torch.from_numpy(x_keras.transpose(0, 2, 1).copy())  # (n, 4, L)

    with torch.no_grad():
        logits_t = tmodel(x_torch).numpy()[:, 0]
    logits_k = it.score_model(model)(it._to_inputs(it.score_model(model), [x_keras], None), batch_size=1024)

    def run_dnazoo():
        return it.hypothetical_from_ism(it.ism(model, [x_keras], batch_size=1024)[0]) * x_keras

    def run_tm(batch):
        def go():
            return saturation_mutagenesis(tmodel, x_torch, batch_size=batch, device="cpu").numpy().transpose(0, 2, 1)
        return go

    # the profile: the forward passes alone over the same L x 3 variants per sequence, 1,024 rows per call
    pos = np.arange(args.length)
    variants = np.repeat(x_keras, args.length * 3, axis=0).reshape(args.sequences, args.length, 3, args.length, 4)
    alt = (codes[:, :, None] + np.arange(1, 4)[None, None, :]) % 4  # (n, L, 3): the three other bases
    variants[:, pos, :, pos, :] = 0.0
    ni, li, ki = np.meshgrid(np.arange(args.sequences), pos, np.arange(3), indexing="ij")
    variants[ni, li, ki, li, alt] = 1.0
    variants = variants.reshape(-1, args.length, 4)
    variants_t = torch.from_numpy(variants.transpose(0, 2, 1).copy())
    explained = it.score_model(model)

    def forward_keras():
        return explained([variants], batch_size=1024)

    def forward_torch():
        with torch.no_grad():
            return np.concatenate([tmodel(variants_t[i:i + 1024]).numpy()[:, 0]
                                   for i in range(0, len(variants_t), 1024)])

    forward_diff = float(np.abs(forward_keras() - forward_torch()).max())

    sides = {"dnazoo": run_dnazoo, "tangermeme_batch32": run_tm(32), "tangermeme_batch1024": run_tm(1024),
             "forward_keras": forward_keras, "forward_torch": forward_torch}
    outputs = {k: f() for k, f in sides.items()}  # warm-up, and the agreement check
    scale = float(np.abs(outputs["dnazoo"]).max())
    agree = {k: float(np.abs(v - outputs["dnazoo"]).max()) for k, v in outputs.items()
             if k.startswith("tangermeme")}
    seconds = {k: [] for k in sides}
    for _ in range(args.repeats):
        for k, f in sides.items():
            t0 = time.perf_counter()
            f()
            seconds[k].append(time.perf_counter() - t0)
    variants = args.sequences * args.length * 3
    result = {
        "command": "python " + " ".join([sys.argv[0]] + (argv if argv is not None else sys.argv[1:])),
        "machine": {"platform": platform.platform(), "cpus": len(os.sched_getaffinity(0)), "threads": args.threads,
                    "python": platform.python_version()},
        "versions": {"keras": keras.__version__, "tensorflow": __import__("tensorflow").__version__,
                     "torch": torch.__version__, "tangermeme": getattr(tangermeme, "__version__", "?")},
        "model": "deepbind", "length_bp": args.length, "sequences": args.sequences, "repeats": args.repeats,
        "logit_max_abs_diff": float(np.abs(logits_t - np.asarray(logits_k)).max()),
        "attribution_max_abs": scale, "attribution_max_abs_diff": agree,
        "forward_only_logit_max_abs_diff": forward_diff,
        "same_within_float32": all(v <= 1e-4 * max(scale, 1.0) for v in agree.values()),
        "sides": {},
    }
    for k, s in seconds.items():
        ref = seconds["forward_keras" if k == "forward_torch" else "dnazoo"]
        ratios = [b / a for a, b in zip(ref, s)]  # > 1: dnazoo (its forward pass, for forward_torch) faster
        result["sides"][k] = {"seconds": [round(x, 3) for x in s],
                              "median_variants_per_s": round(variants / statistics.median(s), 1),
                              "speed_ratio_dnazoo_over_this_median": round(statistics.median(ratios), 2),
                              "speed_ratio_dnazoo_over_this_range": [round(min(ratios), 2), round(max(ratios), 2)]}
    return emit(result, args.out)


if __name__ == "__main__":
    main()
