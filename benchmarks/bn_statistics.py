"""Does a trained model's BatchNormalization hurt it at inference? Predict the first ``--rows``
rows of the train and validation splits twice, with the moving statistics (inference, as the
evaluation does) and with each batch's own statistics (as during training), and write Pearson r,
MSE and the mean prediction per target of each (regression tasks) to a JSON file. A model whose
batch-statistics predictions are good and whose inference predictions are not has moving statistics
that have not caught up with its weights (too few steps for the BatchNormalization momentum).
Usage, after a run of ``config/demo_regression.yaml`` in ``/tmp/demo_regression``::

    .venv/bin/python benchmarks/bn_statistics.py \\
        --encoded /tmp/demo_regression/results/simulated_coverage_regression_4k/encoded \\
        --model /tmp/demo_regression/results/simulated_coverage_regression_4k/models/expresnet/model.keras \\
        --out benchmarks/results/demo_regression_expresnet_bn.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def compare(encoded: Path, model_path: Path, rows: int = 320, batch: int = 64) -> dict:
    """``{split: {"inference" | "batch_statistics": {"pearson_r", "mse", "mean_prediction"}, "mean_target"}}``."""
    import keras

    from dnazoo.data.dataset import load_split, model_inputs
    from dnazoo.training import load_keras_model

    model = load_keras_model(model_path)
    out = {}
    for split in ("train", "val"):
        data = load_split(encoded, split)
        inputs = model_inputs(data, model)
        n = min(rows, len(data["labels"]))
        y = np.asarray(data["labels"][:n], dtype=np.float64).reshape(n, -1)
        out[split] = {"rows": n, "mean_target": y.mean(0).round(4).tolist()}
        for name, training in (("inference", False), ("batch_statistics", True)):
            pred = np.concatenate([keras.ops.convert_to_numpy(model({k: v[i:i + batch] for k, v in inputs.items()},
                                                                    training=training)) for i in range(0, n, batch)])
            pred = pred.astype(np.float64).reshape(n, -1)
            out[split][name] = {"pearson_r": [round(float(np.corrcoef(pred[:, j], y[:, j])[0, 1]), 4)
                                              for j in range(y.shape[1])],
                                "mse": round(float(np.mean((pred - y) ** 2)), 4),
                                "mean_prediction": pred.mean(0).round(4).tolist()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoded", type=Path, required=True)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=320)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    result = {"model": str(args.model.parent.name), **compare(args.encoded, args.model, args.rows)}
    from dnazoo.io import atomic_path

    with atomic_path(args.out) as tmp:
        Path(tmp).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
