"""Checks of a trained Keras model that metrics alone do not show (written by rule ``evaluate`` as
``diagnostics.json``):

* **dead ReLU units**: a ReLU ``Dense`` / ``Conv1D`` unit (output channel) that is never above 0 on
  the test rows. A layer with no live unit outputs zeros for every sequence, so everything after it
  is a constant and the model scores every sequence alike (AUROC exactly 0.5): the dying-ReLU
  failure (Lu et al., "Dying ReLU and initialization", arXiv:1903.06733).
* **BatchNormalization statistics**: predictions with the moving statistics (inference, as the
  evaluation uses) against predictions with each batch's own statistics (as in training), on the
  first rows of the training and validation splits. Good batch-statistics predictions with poor
  inference ones mean moving statistics that have not caught up with the weights (too few steps for
  the layer's momentum; Ioffe & Szegedy, ICML 2015).
"""

from __future__ import annotations

import numpy as np


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
    """Per ReLU ``Dense`` / ``Conv1D`` layer of ``model`` (nested sub-models included):
    ``{"layer", "units", "live_units"}``, where a unit (output channel) is live when its output is
    > 0 at some position of one of the first ``rows`` rows of ``inputs``.

    Args:
        model: a Keras model.
        inputs: ``{input name: (n, L) uint8 codes or (n, ...) arrays}``, as
            :func:`dnazoo.data.dataset.model_inputs` gives.
    """
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


def has_batch_norm(model) -> bool:
    """True when ``model`` (or a nested sub-model) has a ``BatchNormalization`` layer."""
    import keras

    return any(isinstance(layer, keras.layers.BatchNormalization)
               or (isinstance(layer, keras.Model) and has_batch_norm(layer)) for layer in model.layers)


def batch_statistics(model, splits: dict, rows: int = 320, batch: int = 64) -> dict:
    """Predictions with the moving statistics (``training=False``) against each batch's own
    statistics (``training=True``, compiled through ``predict``; the moving statistics it moves are
    put back after each pass) on the first ``rows`` rows of each split.

    Args:
        model: a Keras model.
        splits: ``{split name: (inputs, labels)}`` with ``inputs`` as for :func:`live_units` and
            ``labels`` ``(n, ...)`` targets (values < 0 in multilabel tasks: not observed).

    Returns:
        ``{split: {"rows", "mean_target", "inference" | "batch_statistics": {"pearson_r" (per
        target, observed rows), "mse", "mean_prediction"}}}``, floats rounded to 4 digits.
    """
    import keras

    class _TrainingMode(keras.Model):  # predict() runs compiled; the wrapped model sees training=True
        def __init__(self, inner):
            super().__init__(name="training_mode")
            self.inner = inner

        def call(self, inputs, training=None):
            return self.inner(inputs, training=True)

    runners = (("inference", model), ("batch_statistics", _TrainingMode(model)))
    state = model.get_weights()  # training=True moves the moving statistics: put them back after each pass
    out = {}
    try:
        for split, (inputs, labels) in splits.items():
            n = min(rows, len(labels))
            y = np.asarray(labels[:n], dtype=np.float64).reshape(n, -1)
            seen = np.isfinite(y) & (y >= 0 if (y < 0).any() and set(np.unique(y[y < 0])) <= {-1.0} else True)
            out[split] = {"rows": n,
                          "mean_target": [round(float(y[seen[:, j], j].mean()), 4) for j in range(y.shape[1])]}
            for name, runner in runners:
                pred = np.asarray(runner.predict({k: v[:n] for k, v in inputs.items()}, batch_size=batch,
                                                 verbose=0))
                model.set_weights(state)
                pred = pred.astype(np.float64).reshape(n, -1)
                r = []
                for j in range(y.shape[1]):
                    m = seen[:, j]
                    ok = m.sum() > 2 and np.std(pred[m, j]) > 0 and np.std(y[m, j]) > 0
                    r.append(round(float(np.corrcoef(pred[m, j], y[m, j])[0, 1]), 4) if ok else None)
                out[split][name] = {"pearson_r": r, "mse": round(float(np.mean((pred - y)[seen] ** 2)), 4),
                                    "mean_prediction": pred.mean(0).round(4).tolist()}
    finally:
        model.set_weights(state)
    return out
