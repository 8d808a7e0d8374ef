"""The encoded dataset: one module writes it, reads it, describes it and streams it.

One folder per dataset (written by the ``encode`` rule, :func:`dnazoo.pipeline.data.encode_stage`)::

    spec.json              inputs and targets: name, shape, dtype, missing value; kind; task
    {split}.{input}.npy    (n, L) uint8 base codes, A, C, G, T, N = 0..4; input = anchor1, anchor2
                           (pairs) or sequence
    {split}.labels.npy     (n, *target_shape) targets: int8 (binary: (n,); multilabel: (n, k),
                           -1 = missing) or float32 (regression: (n, k), NaN = missing)
    {split}.ids.npy        (n,) str pair / sequence ids
    {split}.distance.npy   (n,) int64 anchor distances in bp (pairs only); models that take
                           distance get ``log10_distance`` = log10(distance + 1), (n, 1) float32

Batches are read from ``np.load(..., mmap_mode='r')`` arrays by a :class:`keras.utils.PyDataset`,
so memory holds the model, its optimizer state and one batch, never the dataset; encoding to
one-hot or k-mer tokens happens inside the model.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

from dnazoo.data.encoding import reverse_complement_codes

SPLITS = ("train", "val", "test")
#: The label of a missing target (multilabel and methylation datasets; masked out of losses and metrics).
MISSING_LABEL = -1
PARTS = {"pairs": ("anchor1", "anchor2"), "sequences": ("sequence",)}
SPEC_FILE = "spec.json"


def make_spec(kind: str, windows: tuple[int, ...], task) -> dict:
    """The ``spec.json`` content of a dataset of ``kind`` with these windows (bp) and task
    (:class:`dnazoo.tasks.Task`)."""
    inputs = [{"name": p, "shape": [int(w)], "dtype": "uint8"} for p, w in zip(PARTS[kind], windows)]
    if kind == "pairs":
        inputs.append({"name": "log10_distance", "shape": [1], "dtype": "float32", "optional": True})
    missing = -1 if task.name == "multilabel" else ("NaN" if task.target_dtype == "float32" else None)
    return {"format": 1, "kind": kind,
            "task": {"name": task.name, "targets": list(task.targets), "bins": task.bins},
            "inputs": inputs,
            "targets": {"name": "labels", "shape": list(task.target_shape), "dtype": task.target_dtype,
                        "missing": missing}}


def write_spec(folder: str | os.PathLike, spec: dict, counts: dict) -> None:
    """Write ``spec.json`` (with the row count of each split), atomically, last: a folder with a
    spec is complete."""
    from dnazoo.io import atomic_path

    with atomic_path(Path(folder) / SPEC_FILE, suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps({**spec, "rows": counts}, indent=2, sort_keys=True) + "\n")


def read_spec(folder: str | os.PathLike) -> dict:
    """Read ``spec.json``; a folder written before it existed gets one inferred from its arrays.

    Raises:
        FileNotFoundError: neither a spec nor any split arrays in ``folder``.
    """
    folder = Path(folder)
    path = folder / SPEC_FILE
    if path.exists():
        return json.loads(path.read_text())
    kind = "pairs" if (folder / "train.anchor1.npy").exists() else "sequences"
    first = folder / f"train.{PARTS[kind][0]}.npy"
    if not first.exists():
        raise FileNotFoundError(f"{folder}: no {SPEC_FILE} and no encoded arrays")
    windows = [np.load(folder / f"train.{p}.npy", mmap_mode="r").shape[1] for p in PARTS[kind]]
    labels = np.load(folder / "train.labels.npy", mmap_mode="r")
    if labels.ndim == 1:
        task = {"name": "binary", "targets": ["label"], "bins": None}
    else:
        task = {"name": "multilabel", "targets": [f"label{i}" for i in range(labels.shape[1])], "bins": None}
    inputs = [{"name": p, "shape": [int(w)], "dtype": "uint8"} for p, w in zip(PARTS[kind], windows)]
    return {"format": 1, "kind": kind, "task": task, "inputs": inputs,
            "targets": {"name": "labels", "shape": list(labels.shape[1:]), "dtype": "int8",
                        "missing": -1 if labels.ndim > 1 else None}}


def check_windows(spec: dict, windows: tuple[int, ...], source: str = "the config") -> None:
    """Raise ValueError when ``windows`` (bp, from ``source``) disagree with the encoded inputs."""
    have = [i["shape"][0] for i in spec["inputs"] if i["dtype"] == "uint8"]
    if list(windows) != have:
        raise ValueError(f"window(s) {list(windows)} bp in {source} disagree with the encoded data's {have} bp "
                         f"(spec.json); re-run the encode rule")


def input_names(spec: dict, kind: str | None = None) -> list[str]:
    """The stored inputs of a dataset, in order: the ``inputs`` its ``spec.json`` names (pairs:
    ``anchor1, anchor2``; sequences: ``sequence``; methylation: ``sequence`` when it has a genome,
    ``cpg_state``, ``cpg_dist``), leaving out the optional ones derived at load time
    (``log10_distance``). ``kind`` overrides the spec's kind for pairs and sequences."""
    kind = kind or spec["kind"]
    if kind in PARTS and spec.get("kind") in PARTS:
        return list(PARTS[kind])
    return [i["name"] for i in spec["inputs"] if not i.get("optional")]


def load_split(folder: str | os.PathLike, split: str, kind: str | None = None) -> dict:
    """Memory-map one split of an encoded dataset: every input its ``spec.json`` names.

    Returns:
        ``{"inputs": [memmap, ...] in input order, "input_names": [...], "labels": targets,
        "ids": (n,) str, "distance": (n,) int64 or None, "spec": spec}``, plus one entry per
        ``extras`` array of the spec (methylation: ``chromo`` str and ``pos`` int64 (1-based) per
        site, ``bulk`` ``(n, n_bulk)`` float32). Inputs are ``(n, L)`` uint8 base codes, or the
        ``(n, n_cells, cpg_wlen)`` float32 CpG states and distances of a methylation dataset.

    Raises:
        FileNotFoundError: naming the missing array.
    """
    folder = Path(folder)
    spec = read_spec(folder)
    names = input_names(spec, kind)
    out = {"inputs": [np.load(folder / f"{split}.{p}.npy", mmap_mode="r") for p in names],
           "input_names": names,
           "labels": np.load(folder / f"{split}.labels.npy"),
           "ids": np.load(folder / f"{split}.ids.npy", allow_pickle=False), "spec": spec}
    dist = folder / f"{split}.distance.npy"
    out["distance"] = np.load(dist) if dist.exists() else None
    for name in spec.get("extras", []):
        out[name] = np.load(folder / f"{split}.{name}.npy", allow_pickle=False)
    return out


def arrays_of(data: dict) -> dict:
    """``{input name: array}`` of a :func:`load_split` result."""
    return dict(zip(data["input_names"], data["inputs"]))


def model_inputs(data: dict, model=None) -> dict:
    """The arrays a model takes, by input name: the code arrays plus ``log10_distance`` when the
    model has that input (all when ``model`` is None)."""
    arrays = dict(zip(data["input_names"], data["inputs"]))
    wanted = None if model is None else [i.name for i in model.inputs]
    if data.get("distance") is not None and (wanted is None or "log10_distance" in wanted):
        arrays["log10_distance"] = np.log10(np.asarray(data["distance"], dtype=np.float64) + 1.0).astype(
            np.float32).reshape(-1, 1)
    if wanted is not None:
        missing = set(wanted) - set(arrays)
        if missing:
            raise ValueError(f"the model takes input(s) {sorted(missing)} that the dataset does not have")
        arrays = {k: arrays[k] for k in wanted}
    return arrays


def augment_codes(x: list, rng: np.random.Generator, augment: dict) -> list:
    """Augment one batch: each row of every ``(b, L)`` uint8 code array is reverse-complemented with
    probability 0.5 (``augment["reverse_complement"]``) and shifted by up to ``augment["shift"]`` bp
    (N fills the gap); the same draw applies to every input of a row. Other arrays pass unchanged."""
    out = []
    n = len(x[0])
    flip = rng.random(n) < 0.5 if augment.get("reverse_complement") else None
    shift = int(augment.get("shift") or 0)
    offsets = rng.integers(-shift, shift + 1, n) if shift else None
    for a in x:
        if a.dtype != np.uint8 or a.ndim != 2:
            out.append(a)
            continue
        a = a.copy()
        if flip is not None and flip.any():
            a[flip] = reverse_complement_codes(a[flip])
        if offsets is not None:
            for r, o in enumerate(offsets):
                if o > 0:
                    a[r] = np.roll(a[r], o)
                    a[r, :o] = 4
                elif o < 0:
                    a[r] = np.roll(a[r], o)
                    a[r, o:] = 4
        out.append(a)
    return out


def make_sequence(inputs, labels: np.ndarray | None, batch_size: int, shuffle: bool = False, seed: int = 0,
                  sample_weight: np.ndarray | None = None, augment: dict | None = None, workers: int = 1,
                  first_epoch: int = 0):
    """A ``keras.utils.PyDataset`` over memory-mapped arrays.

    Args:
        inputs: ``{input name: (n, ...) array}`` (or a list in the model's input order).
        labels: ``(n, ...)`` targets, or None for prediction.
        batch_size: rows per batch.
        shuffle: reshuffle row order every epoch (seeded: epoch e uses ``seed + e``).
        first_epoch: 0-based index of the first epoch it serves (a resumed training run).
        sample_weight: ``(n,)`` float32 weights per row (class weights), or None.
        augment: ``{"reverse_complement": bool, "shift": int bp}``: each training row is reverse
            complemented with probability 0.5 and shifted by up to ±shift bp (N fills the gap),
            seeded per epoch and batch.
        workers: threads that read batches ahead of the training step (``keras.utils.PyDataset``
            workers; batches are still consumed in order, so results do not depend on it).

    Each batch is ``(x, y[, w])`` (or ``(x,)``) with x the dict (or tuple) of batch arrays and y
    float32; rows are read in sorted order from the memmaps.
    """
    import keras

    y_all = None if labels is None else np.asarray(labels, dtype=np.float32)  # targets are small: held in memory
    w_all = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    named = isinstance(inputs, dict)
    arrays = list(inputs.values()) if named else list(inputs)
    keys = list(inputs) if named else None
    augment = augment or {}

    class CodesDataset(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=workers, use_multiprocessing=False, max_queue_size=max(10, 4 * workers))
            self.n = len(arrays[0])
            self.epoch = first_epoch
            self.order = np.arange(self.n)
            self._reshuffle()

        def _reshuffle(self):
            if shuffle:
                self.order = np.random.default_rng(seed + self.epoch).permutation(self.n)

        def __len__(self):
            return math.ceil(self.n / batch_size)

        def _augment(self, x: list, i: int) -> list:
            return augment_codes(x, np.random.default_rng((seed, self.epoch, i)), augment)

        def __getitem__(self, i):
            rows = np.sort(self.order[i * batch_size:(i + 1) * batch_size])
            x = [np.asarray(a[rows]) for a in arrays]
            if augment and labels is not None:
                x = self._augment(x, i)
            x = dict(zip(keys, x)) if named else (x[0] if len(x) == 1 else tuple(x))
            if labels is None:
                return (x,)
            if w_all is not None:
                return x, y_all[rows], w_all[rows]
            return x, y_all[rows]

        def on_epoch_end(self):
            self.epoch += 1
            self._reshuffle()

    return CodesDataset()


def write_split(folder: str | os.PathLike, split: str, inputs: dict, labels: np.ndarray, ids,
                distance: np.ndarray | None = None, extras: dict | None = None) -> None:
    """Write one split's arrays (atomically each): ``<split>.<input>.npy`` per input,
    ``<split>.labels.npy``, ``<split>.ids.npy``, ``<split>.distance.npy`` (pairs) and
    ``<split>.<name>.npy`` per ``extras`` array (per-row data that is no model input, e.g. a
    methylation site's chromosome and position); :func:`write_spec` completes the folder."""
    from dnazoo.io import save_npy

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in inputs.items():
        save_npy(np.asarray(arr), folder / f"{split}.{name}.npy")
    save_npy(np.asarray(labels), folder / f"{split}.labels.npy")
    save_npy(np.asarray(ids).astype(str), folder / f"{split}.ids.npy")
    if distance is not None:
        save_npy(np.asarray(distance, dtype=np.int64), folder / f"{split}.distance.npy")
    for name, arr in (extras or {}).items():
        save_npy(np.asarray(arr), folder / f"{split}.{name}.npy")


def make_tf_dataset(inputs: dict, labels: np.ndarray, batch_size: int, seed: int = 0,
                    sample_weight: np.ndarray | None = None, augment: dict | None = None,
                    first_epoch: int = 0, n_epochs: int = 1):
    """The TensorFlow backend's streaming pipeline over the same memory-mapped arrays as
    :func:`make_sequence`: the batches of epochs ``first_epoch .. first_epoch + n_epochs - 1`` one
    after the other. Epoch ``e`` visits the rows in the order ``default_rng(seed + e)``
    permutes them, whatever came before, so a resumed training run sees the batches an
    uninterrupted one would. Each batch's rows are read from the memmaps in a
    ``tf.numpy_function`` (sorted reads; augmentation seeded by seed, epoch and first row) and
    prefetched, so reading overlaps the training step. For ``deepbind`` at 101 bp it reaches a
    median 0.92 of the in-memory rate, Keras's generic ``PyDataset`` adapter 0.88
    (``perf/input_pipeline.py``).

    Args:
        inputs: ``{input name: (n, ...) array}``; labels: ``(n, ...)`` targets (held in memory as
            float32); sample_weight, augment: as :func:`make_sequence`.
        first_epoch: 0-based index of the first epoch; n_epochs: epochs in the stream (pass
            ``steps_per_epoch = ceil(n / batch_size)`` to ``fit``).

    Returns:
        a ``tf.data.Dataset`` of ``(x, y[, w])`` batches, x a dict of the batch arrays.
    """
    import tensorflow as tf

    keys = list(inputs)
    arrays = [inputs[k] for k in keys]
    y_all = np.asarray(labels, dtype=np.float32)
    w_all = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    augment = augment or {}
    n = len(y_all)

    def permutation(epoch):
        return np.random.default_rng(seed + int(epoch)).permutation(n).astype(np.int64)

    def read(rows, epoch):
        rows = np.sort(rows)
        x = [np.asarray(a[rows]) for a in arrays]
        if augment:
            x = augment_codes(x, np.random.default_rng((seed, int(epoch), int(rows[0]))), augment)
        out = [*x, y_all[rows]]
        if w_all is not None:
            out.append(w_all[rows])
        return out

    tout = [tf.as_dtype(a.dtype) for a in arrays] + [tf.float32] + ([tf.float32] if w_all is not None else [])

    def load(rows, epoch):
        res = tf.numpy_function(read, [rows, epoch], tout)
        for t, a in zip(res, arrays):
            t.set_shape((None, *a.shape[1:]))
        res[len(arrays)].set_shape((None, *y_all.shape[1:]))
        if w_all is not None:
            res[-1].set_shape((None,))
        x = dict(zip(keys, res[:len(arrays)]))
        return (x, res[len(arrays)], res[-1]) if w_all is not None else (x, res[len(arrays)])

    def epoch_batches(epoch):
        order = tf.numpy_function(permutation, [epoch], tf.int64)
        order.set_shape((n,))
        rows = tf.data.Dataset.from_tensor_slices(order).batch(batch_size)
        return tf.data.Dataset.zip((rows, tf.data.Dataset.from_tensors(epoch).repeat()))

    epochs = tf.data.Dataset.range(first_epoch, first_epoch + n_epochs)
    return epochs.flat_map(epoch_batches).map(load, num_parallel_calls=1).prefetch(tf.data.AUTOTUNE)
