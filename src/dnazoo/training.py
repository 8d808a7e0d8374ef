"""Training and prediction: Keras models streamed from memory-mapped base codes, and the baseline.

Encoded datasets live in one folder per dataset (written by the ``encode`` rule)::

    {split}.{part}.npy     (n, L) uint8 base codes; part = anchor1, anchor2 (pairs) or sequence
    {split}.labels.npy     (n,) int8 labels
    {split}.ids.npy        (n,) pair / sequence ids
    {split}.distance.npy   (n,) int64 anchor distances in bp (pairs only)

Batches are read from ``np.load(..., mmap_mode='r')`` arrays by a :class:`keras.utils.PyDataset`,
so memory holds the model, its optimizer state and one batch, never the dataset; one-hot encoding
happens inside the model.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

PARTS = {"pairs": ("anchor1", "anchor2"), "sequences": ("sequence",)}


def load_split(folder: str | os.PathLike, split: str, task: str) -> dict:
    """Memory-map one split of an encoded dataset.

    Returns:
        ``{"inputs": [(n, L) uint8 memmap, ...], "labels": (n,) int8, "ids": (n,) str,
        "distance": (n,) int64 or None}``.

    Raises:
        FileNotFoundError: naming the missing array.
    """
    folder = Path(folder)
    out = {"inputs": [np.load(folder / f"{split}.{p}.npy", mmap_mode="r") for p in PARTS[task]],
           "labels": np.load(folder / f"{split}.labels.npy"),
           "ids": np.load(folder / f"{split}.ids.npy", allow_pickle=False)}
    dist = folder / f"{split}.distance.npy"
    out["distance"] = np.load(dist) if dist.exists() else None
    return out


def make_sequence(inputs: list[np.ndarray], labels: np.ndarray | None, batch_size: int,
                  shuffle: bool = False, seed: int = 0):
    """A ``keras.utils.PyDataset`` over memory-mapped code arrays.

    Args:
        inputs: ``(n, L)`` uint8 arrays (memmaps), one per model input.
        labels: ``(n,)`` labels, or None for prediction.
        batch_size: rows per batch.
        shuffle: reshuffle row order every epoch (seeded: epoch e uses ``seed + e``).

    Each batch is ``(x, y)`` (or ``(x,)``) with x a tuple of ``(b, L)`` uint8 arrays (a bare array
    for a single input) and y ``(b,)`` float32; rows are read in sorted order from the memmaps.
    """
    import keras

    class CodesDataset(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=1, use_multiprocessing=False)
            self.n = len(inputs[0])
            self.epoch = 0
            self.order = np.arange(self.n)
            self._reshuffle()

        def _reshuffle(self):
            if shuffle:
                self.order = np.random.default_rng(seed + self.epoch).permutation(self.n)

        def __len__(self):
            return math.ceil(self.n / batch_size)

        def __getitem__(self, i):
            rows = np.sort(self.order[i * batch_size:(i + 1) * batch_size])
            x = tuple(np.asarray(a[rows]) for a in inputs)
            x = x[0] if len(x) == 1 else x
            if labels is None:
                return (x,)
            return x, np.asarray(labels[rows], dtype=np.float32)

        def on_epoch_end(self):
            self.epoch += 1
            self._reshuffle()

    return CodesDataset()


def positive_probability(raw: np.ndarray) -> np.ndarray:
    """P(label = 1) from a model output: ``(n, 1)`` sigmoid or ``(n, 2)`` softmax → ``(n,)`` float64."""
    raw = np.asarray(raw, dtype=np.float64)
    return raw[:, -1] if raw.ndim == 2 else raw


def predict(model, inputs: list[np.ndarray], batch_size: int = 256) -> np.ndarray:
    """Stream ``inputs`` through ``model``; return ``(n,)`` float64 P(label = 1)."""
    if len(inputs[0]) == 0:
        return np.zeros(0)
    raw = model.predict(make_sequence(inputs, None, batch_size), verbose=0)
    return positive_probability(raw)


def compile_model(model, head: str, settings: dict) -> None:
    """Compile with Adam and the Keras-2 ``decay`` as ``InverseTimeDecay`` (spec §A.2).

    ``head='softmax2'`` uses sparse categorical cross-entropy on the 2-way softmax (identical to the
    original's categorical cross-entropy on one-hot labels); ``'sigmoid'`` binary cross-entropy.
    """
    import keras

    lr = settings["learning_rate"]
    if settings.get("decay"):
        lr = keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=settings["decay"])
    if settings.get("optimizer", "adam") != "adam":
        raise ValueError(f"training.optimizer: only 'adam' is supported, got {settings['optimizer']!r}")
    loss = "sparse_categorical_crossentropy" if head == "softmax2" else "binary_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss=loss)


def distribution_scope(multi_gpu: bool):
    """The scope a model is built and compiled in: with ``multi_gpu`` and the TensorFlow backend,
    a ``tf.distribute.MirroredStrategy`` over every device of the job's type that TensorFlow sees
    (the GPUs of ``CUDA_VISIBLE_DEVICES``; CPU devices when there is no GPU), so each batch is split
    across them; otherwise a no-op. Other backends: a no-op with a log line (use
    ``keras.distribution`` there)."""
    import contextlib

    import keras

    if not multi_gpu:
        return contextlib.nullcontext()
    if keras.backend.backend() != "tensorflow":
        log.warning("multi_gpu: only the TensorFlow backend is supported here; training on one device")
        return contextlib.nullcontext()
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    strategy = tf.distribute.MirroredStrategy(devices=devices)
    log.info("multi_gpu: MirroredStrategy over %d device(s): %s", strategy.num_replicas_in_sync, devices)
    return strategy.scope()


def auroc_callback(val_inputs: list[np.ndarray], val_labels: np.ndarray, batch_size: int):
    """Callback that writes ``val_auroc`` (scikit-learn ``roc_auc_score`` on the validation split)
    into the epoch logs, so ``EarlyStopping(monitor='val_auroc')`` can use it."""
    import keras
    from sklearn.metrics import roc_auc_score

    class ValAuroc(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            scores = predict(self.model, val_inputs, batch_size)
            auc = roc_auc_score(val_labels, scores) if len(np.unique(val_labels)) == 2 else float("nan")
            if logs is not None:
                logs["val_auroc"] = float(auc)
            log.info("epoch %d: val_auroc %.4f", epoch + 1, auc)

    return ValAuroc()


def time_limit_callback(seconds: float):
    """Callback that stops training at the end of the first epoch that ends ``seconds`` after
    training began (the best epoch so far is still restored by early stopping)."""
    import time

    import keras

    class TimeLimit(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = time.monotonic()

        def on_epoch_end(self, epoch, logs=None):
            if time.monotonic() - self.start > seconds:
                log.info("epoch %d: training time limit of %.0f s reached; stopping", epoch + 1, seconds)
                self.model.stop_training = True

    return TimeLimit()


def train_keras(name: str, folder: str | os.PathLike, task: str, windows: tuple[int, ...], settings: dict,
                model_out: str | os.PathLike, history_out: str | os.PathLike, embedding=None) -> dict:
    """Train registry model ``name`` on an encoded dataset; keep the epoch with the best validation AUROC.

    Args:
        name: registry name.
        folder: encoded dataset folder (module docstring).
        task: ``pairs`` or ``sequences``.
        windows: window length in bp per input.
        settings: merged training settings (registry defaults + config); keys ``learning_rate``,
            ``decay``, ``batch_size``, ``max_epochs``, ``patience``, ``seed``; optional
            ``max_train_s``: stop after the epoch during which this many seconds of training passed.
        model_out: ``model.keras`` path (written atomically).
        history_out: ``history.tsv`` path, one row per epoch (loss, val_auroc).
        embedding: ``(4097, d)`` float32 k-mer matrix for the dna2vec-initialised models, or None.

    Returns:
        ``{"epochs": n, "best_epoch": k, "best_val_auroc": a}``.
    """
    import keras

    from . import models
    from .io import atomic_path, write_table

    keras.utils.set_random_seed(int(settings.get("seed", 0)))
    spec = models.get(name)
    if spec.embedding == "dna2vec" and embedding is None:
        raise ValueError(f"model {name!r} starts from a k-mer embedding matrix; none was given")
    with distribution_scope(bool(settings.get("multi_gpu", False))):
        model = models.build(name, windows, task, embedding)
        compile_model(model, spec.head, settings)
    if spec.embedding:
        log.info("%s: k-mer embedding %s", name, f"initialised from a {embedding.shape} matrix"
                 if spec.embedding == "dna2vec" and embedding is not None else "randomly initialised")
    train = load_split(folder, "train", task)
    val = load_split(folder, "val", task)
    bs = int(settings["batch_size"])
    log.info("%s: %d parameters; %d train / %d val rows of %s bp; seed %d", name, model.count_params(),
             len(train["labels"]), len(val["labels"]), list(windows), int(settings.get("seed", 0)))
    callbacks = [
        auroc_callback(val["inputs"], val["labels"], max(bs, 256)),
        keras.callbacks.EarlyStopping(monitor="val_auroc", mode="max", patience=int(settings["patience"]),
                                      restore_best_weights=True, verbose=1),
    ]
    if settings.get("max_train_s"):
        callbacks.append(time_limit_callback(float(settings["max_train_s"])))
    hist = model.fit(make_sequence(train["inputs"], train["labels"], bs, shuffle=True,
                                   seed=int(settings.get("seed", 0))),
                     epochs=int(settings["max_epochs"]), callbacks=callbacks, verbose=2)
    history = pd.DataFrame(hist.history)
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    write_table(history, history_out)
    with atomic_path(model_out, suffix=".keras") as tmp:
        model.save(tmp)
    best = int(history["val_auroc"].idxmax())
    return {"epochs": int(len(history)), "best_epoch": best + 1,
            "best_val_auroc": float(history["val_auroc"].iloc[best])}


def train_baseline(name: str, folder: str | os.PathLike, task: str, settings: dict, model_out: str | os.PathLike,
                   history_out: str | os.PathLike) -> dict:
    """Fit a scikit-learn baseline (:mod:`dnazoo.baselines`) on the training split.

    Args:
        settings: ``k`` (k-mer length of ``kmer_baseline``, default 4) and ``seed``.

    Writes the fitted baseline (joblib) and a one-row ``history.tsv`` with the validation AUROC.
    """
    from sklearn.metrics import roc_auc_score

    from . import baselines
    from .io import write_table

    train = load_split(folder, "train", task)
    val = load_split(folder, "val", task)
    model = baselines.fit(name, train, int(settings.get("k", 4)), int(settings.get("seed", 0)))
    scores = baselines.predict(model, val)
    val_auc = float(roc_auc_score(val["labels"], scores)) if len(np.unique(val["labels"])) == 2 else float("nan")
    log.info("%s (k=%s): %d training rows, validation AUROC %.4f", name, model["k"], len(train["labels"]), val_auc)
    write_table(pd.DataFrame([{"epoch": 1, "val_auroc": val_auc}]), history_out)
    baselines.save(model, model_out)
    return {"epochs": 1, "best_epoch": 1, "best_val_auroc": val_auc}


def load_trained(name: str, model_path: str | os.PathLike):
    """A trained model of registry entry ``name``: a Keras model or a fitted baseline."""
    from . import models

    if models.get(name).framework == "sklearn":
        from . import baselines

        return baselines.load(model_path)
    import keras

    from .models import layers  # noqa: F401  (registers dnazoo's layers for loading)

    return keras.saving.load_model(model_path)


def predict_split(name: str, model, folder: str | os.PathLike, split: str, task: str) -> pd.DataFrame:
    """Predictions of a trained model on one split: a table ``id, label, score`` (score = P(1)).

    ``model``: the model's file, or the model already loaded by :func:`load_trained` (so a caller
    scoring several datasets loads it once).
    """
    from . import models

    if isinstance(model, (str, os.PathLike)):
        model = load_trained(name, model)
    data = load_split(folder, split, task)
    if models.get(name).framework == "sklearn":
        from . import baselines

        scores = baselines.predict(model, data)
    else:
        scores = predict(model, data["inputs"])
    return pd.DataFrame({"id": data["ids"], "label": data["labels"].astype(int), "score": scores})


def write_json(obj: dict, dest: str | os.PathLike) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    from .io import atomic_path

    with atomic_path(dest, suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")
