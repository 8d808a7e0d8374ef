"""Does a DeepChromeHiC one-hot CNN learn the simulated loop grammar when given enough pairs?

Issue 4 asks that the one-hot CNNs learn on simulated data. On 4,000 simulated pairs
(``config/demo_onehot_cnn.yaml``) ``onehot_cnn_one_branch`` memorised its 2,651 training pairs
(test AUROC 0.514). This script repeats that experiment at a scale a GPU can train in minutes. It
runs dnazoo's own stage functions (the same ones the Snakemake rules call) outside Snakemake:
simulate → pair table → windows → chromosome hold-out split → codes → train → test AUROC, with the
distance and k-mer baselines on the same split.

The simulation keeps one anchor per ``--bin-size`` bp bin (4,200 bp by default, about the window),
so a 4,129-bp window holds its own anchor's motif and rarely a neighbour's.

Two knobs isolate why the one-hot CNNs fail (README, "Simulated demo dataset"):

* ``--mask-outside BP`` sets every base outside the central BP of each window to N, so the random
  flank (the "haystack" the site hides in) is gone but the input length is unchanged;
* ``--plant-radius BP`` (the simulator's ``plant_radius``, default 150) fixes how far from the
  anchor midpoint the motif may sit; 0 puts it at the same offset in every window.

    KERAS_BACKEND=jax python benchmarks/onehot_cnn_simulated.py --n-pairs 40000 --workdir /tmp/sim
    python benchmarks/onehot_cnn_simulated.py --model deepbind --n-pairs 8000 --learning-rate 1e-3
    python benchmarks/onehot_cnn_simulated.py --model onehot_cnn_one_branch --n-pairs 8000 --plant-radius 0
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path


def mask_flanks(encoded: Path, keep_bp: int) -> None:
    """Overwrite the codes of every ``{split}.anchor{1,2}.npy`` outside the central ``keep_bp`` bp
    (0-based half-open ``[(G - keep_bp) // 2, (G - keep_bp) // 2 + keep_bp)``) with N."""
    import numpy as np

    from dnazoo.data.encoding import N_CODE

    for f in sorted(encoded.glob("*.anchor[12].npy")):
        codes = np.load(f, mmap_mode="r+")
        lo = (codes.shape[1] - keep_bp) // 2
        codes[:, :lo] = N_CODE
        codes[:, lo + keep_bp:] = N_CODE
        codes.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="onehot_cnn_one_branch")
    ap.add_argument("--n-pairs", type=int, default=40000)
    ap.add_argument("--n-chromosomes", type=int, default=8)
    ap.add_argument("--bin-size", type=int, default=4200, help="bp between anchor grid points")
    ap.add_argument("--window", type=int, default=4129, help="bp per anchor")
    ap.add_argument("--plant-radius", type=int, default=150,
                    help="bp: the motif centre lies within this distance of the anchor midpoint")
    ap.add_argument("--learning-rate", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--max-train-s", type=float, default=None, help="stop training after this many seconds")
    ap.add_argument("--policy", default="float32", help="Keras dtype policy (mixed_bfloat16 on a GPU)")
    ap.add_argument("--mask-outside", type=int, default=None, metavar="BP",
                    help="set every base outside the central BP of each window to N: the planted "
                         "site stays, the random flank goes")
    ap.add_argument("--workdir", default="onehot_cnn_simulated")
    ap.add_argument("--out", default=None, help="JSON of the results")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    from dnazoo import models
    from dnazoo.tasks.metrics import binary_metrics

    from dnazoo.pipeline.data import encode_stage, read_pairs_stage, simulate_dataset, split_stage, windows_stage
    from dnazoo.training import predict_split, train_baseline, train_keras

    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    w = args.window
    # Anchors may take up to 60 % of the grid (the simulator's limit); use 40 %.
    n_bins = int(2 * args.n_pairs / 0.4 / args.n_chromosomes) + 10
    sim = {"seed": 1, "n_chromosomes": args.n_chromosomes, "chrom_length": n_bins * args.bin_size,
           "n_pairs": args.n_pairs, "bin_size": args.bin_size, "min_distance": args.bin_size,
           "max_distance": 500_000, "plant_radius": args.plant_radius}
    chroms = [f"simchr{i + 1}" for i in range(args.n_chromosomes)]
    t0 = time.perf_counter()
    fasta, bedpe = work / "genome.fa", work / "pairs.bedpe"
    params = {"simulation": sim, "window_bp": w, "mask_outside_bp": args.mask_outside}
    if (work / "params.json").exists() and json.loads((work / "params.json").read_text()) != params:
        raise SystemExit(f"{work}: holds data made with other parameters ({work / 'params.json'}); "
                         "use another --workdir")
    if not (work / "encoded" / "test.labels.npy").exists():
        simulate_dataset(sim, fasta, bedpe)
        read_pairs_stage(bedpe, "bedpe", work / "pairs.tsv.gz")
        windows_stage(work / "pairs.tsv.gz", str(fasta) + ".fai", (w, w), False, work / "windows.tsv.gz",
                             work / "windows.json")
        split_stage(work / "windows.tsv.gz", {"method": "chromosome", "val_chromosomes": [chroms[-2]],
                                                     "test_chromosomes": [chroms[-1]]}, "pairs",
                           work / "split.tsv.gz", work / "split.json")
        encode_stage("pairs", work / "windows.tsv.gz", work / "split.tsv.gz", (w, w), fasta, work / "encoded")
        if args.mask_outside is not None:
            mask_flanks(work / "encoded", args.mask_outside)
        (work / "params.json").write_text(json.dumps(params) + "\n")
    t_data = time.perf_counter() - t0
    results = {**params, "data_s": round(t_data, 1),
               "split": json.loads((work / "split.json").read_text())}
    for name in ("distance_baseline", "kmer_baseline"):
        train_baseline(name, work / "encoded", "pairs", {"k": 4, "seed": 0}, work / f"{name}.joblib",
                       work / f"{name}.history.tsv")
        pred = predict_split(name, work / f"{name}.joblib", work / "encoded", "test", "pairs")
        results[name] = binary_metrics(pred["label"], pred["score"])["auroc"]
    import keras

    keras.config.set_dtype_policy(args.policy)
    settings = {**models.get(args.model).defaults, "learning_rate": args.learning_rate, "decay": 0.0,
                "batch_size": args.batch, "max_epochs": args.epochs, "patience": args.patience, "seed": 0,
                "max_train_s": args.max_train_s}
    t = time.perf_counter()
    res = train_keras(args.model, work / "encoded", "pairs", (w, w), settings, work / "model.keras",
                      work / "history.tsv")
    results["train_s"] = round(time.perf_counter() - t, 1)
    pred = predict_split(args.model, work / "model.keras", work / "encoded", "test", "pairs")
    results[args.model] = {**res, "test": binary_metrics(pred["label"], pred["score"]),
                           "settings": settings, "policy": args.policy,
                           "history": (work / "history.tsv").read_text()}
    print(json.dumps(results, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    main()
