"""Are a trained model's ReLU units dead? For every ReLU ``Dense`` or ``Conv1D`` layer of a saved
single-sequence model (nested sub-models included), count the units (output channels) that are
never above 0 on the first ``--rows`` rows of a split. A layer with 0 live units outputs zeros for
every sequence, so everything after it is a constant: the model scores every sequence alike and its
AUROC is exactly 0.5 (the dying-ReLU failure, Lu et al., "Dying ReLU and initialization",
arXiv:1903.06733). One TSV row per (run, layer): ``run``, ``model``, ``layer``, ``units``,
``live_units``. Usage, after ``benchmarks/encode_tfbs_runs.py --workdir /tmp/encode_conv``::

    .venv/bin/python benchmarks/dead_units.py --split test \\
        --run SRF=/tmp/encode_conv/results/SRF --run SUZ12=/tmp/encode_conv/results/SUZ12 \\
        --model tfbs_cnn_modified --out benchmarks/results/encode_tfbs_dead_units.tsv

``--run NAME=DIR`` names a dataset's results folder (``DIR/encoded`` and
``DIR/models/<model>/model.keras`` are read). Raises ``FileNotFoundError`` when either is missing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def _relu_probes(model) -> list:
    """``(layer name, function of the model's inputs giving that layer's output)`` for every ReLU
    Dense / Conv1D layer, nested sub-models included (each called once in its parent's graph)."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            node = layer._inbound_nodes[-1]  # its call in this graph (Keras keeps no public handle)
            feed = keras.Model(model.inputs, node.input_tensors[0] if len(node.input_tensors) == 1
                               else list(node.input_tensors))
            found += [(name, lambda x, f=f, feed=feed: f(feed(x))) for name, f in _relu_probes(layer)]
        elif isinstance(layer, (keras.layers.Dense, keras.layers.Conv1D)) \
                and getattr(layer.activation, "__name__", "") == "relu":
            found.append((layer.name, keras.Model(model.inputs, layer.output)))
    return found


def live_units(model, inputs: dict, rows: int = 1000, batch: int = 256) -> list[dict]:
    """Per ReLU layer of ``model``: ``{"layer", "units", "live_units"}``, where a unit (output
    channel) is live when its output is > 0 at some position of one of the first ``rows`` rows of
    ``inputs`` (``{input name: (n, L) uint8}``, as :func:`dnazoo.data.dataset.model_inputs` gives)."""
    import keras

    n = min(rows, len(next(iter(inputs.values()))))
    out = []
    for name, probe in _relu_probes(model):
        peak = None
        for i in range(0, n, batch):
            y = keras.ops.convert_to_numpy(probe({k: v[i:min(i + batch, n)] for k, v in inputs.items()}))
            y = y.reshape(-1, y.shape[-1]).max(0)
            peak = y if peak is None else np.maximum(peak, y)
        out.append({"layer": name, "units": int(peak.shape[0]), "live_units": int((peak > 0).sum())})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", action="append", required=True, metavar="NAME=DIR")
    ap.add_argument("--model", action="append", required=True)
    ap.add_argument("--split", default="test")
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()

    from dnazoo.data.dataset import load_split, model_inputs
    from dnazoo.io import write_table
    from dnazoo.training import load_keras_model

    rows = []
    for spec in args.run:
        name, folder = spec.split("=", 1)
        data = load_split(Path(folder) / "encoded", args.split)
        for m in args.model:
            path = Path(folder) / "models" / m / "model.keras"
            if not path.exists():
                raise FileNotFoundError(f"{path}: no trained model {m!r} for run {name!r}")
            model = load_keras_model(path)
            rows += [{"run": name, "model": m, **r} for r in live_units(model, model_inputs(data, model), args.rows)]
    table = pd.DataFrame(rows)
    write_table(table, args.out)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
