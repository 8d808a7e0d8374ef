"""Seed 004: does the original TFBS CNN beat its modified version, as the seed reports (test AUROC
0.997 against 0.990)?

Data like the seed's ``sequences_mod.txt`` (after the simulated-TFBS example of Zou et al., Nat
Genet 51:12, 2019): 2,000 random 50-bp sequences (uniform bases), half of them carrying one
planted motif (``CGACCGAACTCC``, the primer's motif, at a random position); a 75/25 train/test
split (``random_state`` 42 as the seed), 10 % of training for validation. Both registry models are
trained with their registry defaults (Adam, batch 10, 10 epochs, the seed's MSE loss on the
predicted probabilities, keeping the best validation epoch) through ``dnazoo.training.train_keras``,
for several seeds; the script reports test AUROC and AUPRC per seed and their medians, and writes
them as JSON. An exact motif saturates both models, so ``--motif-noise p`` also replaces each
planted base by a random one with probability p (a harder set). Usage::

    .venv/bin/python benchmarks/seed004_tfbs.py --seeds 5 --motif-noise 0 0.3 \
        --out benchmarks/results/seed004_tfbs_cpu.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import numpy as np

MOTIF = "CGACCGAACTCC"


def make_data(n: int = 2000, length: int = 50, seed: int = 0, noise: float = 0.0):
    from dnazoo.data.encoding import encode_codes

    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, (n, length)).astype(np.uint8)
    labels = (rng.random(n) < 0.5).astype(np.int8)
    motif = encode_codes(MOTIF)
    for i in np.flatnonzero(labels):
        p = rng.integers(0, length - len(motif) + 1)
        site = motif.copy()
        hit = rng.random(len(site)) < noise
        site[hit] = rng.integers(0, 4, int(hit.sum()))
        codes[i, p:p + len(motif)] = site
    return codes, labels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--motif-noise", type=float, nargs="+", default=[0.0],
                    help="probability that a planted motif base is replaced by a random base (one set each)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    from sklearn.metrics import average_precision_score, roc_auc_score
    from sklearn.model_selection import train_test_split

    from dnazoo import models
    from dnazoo.data.dataset import make_spec, write_spec, write_split

    from dnazoo.pipeline.common import configure_backend
    from dnazoo.tasks import Task
    from dnazoo.training import load_trained, predict

    configure_backend(2)
    rows = []
    for noise in args.motif_noise:
        codes, labels = make_data(noise=noise)
        idx_train, idx_test = train_test_split(np.arange(len(labels)), test_size=0.25, random_state=42)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "encoded"
            n_val = len(idx_train) // 10
            parts = {"train": idx_train[n_val:], "val": idx_train[:n_val], "test": idx_test}
            for split, idx in parts.items():
                write_split(folder, split, {"sequence": codes[idx]}, labels[idx], [f"s{i}" for i in idx])
            write_spec(folder, make_spec("sequences", (50,), Task()), {k: len(v) for k, v in parts.items()})
            for seed in range(args.seeds):
                for name in ("tfbs_cnn", "tfbs_cnn_modified"):
                    from dnazoo.training import train_keras

                    settings = {**models.get(name).defaults, "seed": seed}
                    out = Path(tmp) / f"{name}_{seed}"
                    result = train_keras(name, folder, None, (50,), settings, out / "model.keras", out / "history.tsv")
                    model = load_trained(name, out / "model.keras")
                    scores = predict(model, {"sequence": codes[idx_test]}, 256, Task())
                    y = labels[idx_test]
                    rows.append({"motif_noise": noise, "model": name, "seed": seed, "loss": settings["loss"],
                                 "test_auroc": round(float(roc_auc_score(y, scores)), 4),
                                 "test_auprc": round(float(average_precision_score(y, scores)), 4),
                                 "best_epoch": result["best_epoch"]})
                    print(rows[-1], flush=True)
    summary = {f"motif_noise={noise}": {m: {k: statistics.median(r[k] for r in rows
                                                                if r["model"] == m and r["motif_noise"] == noise)
                                            for k in ("test_auroc", "test_auprc")}
                                        for m in ("tfbs_cnn", "tfbs_cnn_modified")}
               for noise in args.motif_noise}
    wins = {f"motif_noise={noise}": sum(a["test_auroc"] > b["test_auroc"] for a, b in zip(
        [r for r in rows if r["model"] == "tfbs_cnn" and r["motif_noise"] == noise],
        [r for r in rows if r["model"] == "tfbs_cnn_modified" and r["motif_noise"] == noise]))
        for noise in args.motif_noise}
    result = {"command": f"benchmarks/seed004_tfbs.py --seeds {args.seeds} --motif-noise "
                         + " ".join(str(n) for n in args.motif_noise),
              "data": "2,000 simulated 50-bp sequences, one planted 12-bp motif in the positives (each base "
                      "replaced by a random base with probability motif_noise), 75/25 split (random_state 42), "
                      "10 % of training for validation; both models with the seed's MSE loss",
              "seed_reports": {"tfbs_cnn": {"test_auroc": 0.997, "test_auprc": 0.997},
                               "tfbs_cnn_modified": {"test_auroc": 0.990, "test_auprc": 0.980}},
              "median": summary, "original_beats_modified_in_seeds": wins, "seeds": args.seeds, "runs": rows}
    print(json.dumps(result["median"], indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
