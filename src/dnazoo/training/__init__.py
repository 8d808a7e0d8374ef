"""Training and prediction of Keras models and baselines on an encoded dataset (:mod:`dnazoo.data.dataset`).

The task (:mod:`dnazoo.tasks`) gives the head, the loss and the validation metric that early
stopping and the kept epoch follow; the registry entry gives the original's training settings,
which the config overrides (:func:`compile_model`).
"""

from __future__ import annotations

import json
import logging
import os
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.data.dataset import PARTS, load_split, make_sequence, model_inputs  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

OPTIMIZERS = ("adam", "sgd", "rmsprop")
SCHEDULES = ("inverse_time", "exponential_epoch", "warmup_constant", "warmup_cosine", "constant")


def predict(model, inputs, batch_size: int = 256, task=None, average_strands: bool = False) -> np.ndarray:
    """Stream ``inputs`` (``{name: array}`` or a list in input order) through ``model``.

    Returns:
        the task's scores (:meth:`dnazoo.tasks.Task.scores`): binary ``(n,)`` float64 P(1) by
        default. ``average_strands``: the mean of the predictions on the sequences and on their
        reverse complements (DeepSEA, Basenji).
    """
    from dnazoo.tasks import Task

    task = task or Task()
    arrays = inputs if isinstance(inputs, dict) else dict(zip([i.name for i in model.inputs], inputs))
    n = len(next(iter(arrays.values())))
    if n == 0:
        return np.zeros((0, *task.target_shape))
    raw = model.predict(make_sequence(arrays, None, batch_size), verbose=0)
    if average_strands:
        from dnazoo.data.encoding import reverse_complement_codes

        rc = {k: (reverse_complement_codes(np.asarray(v)) if np.asarray(v).dtype == np.uint8 else v)
              for k, v in arrays.items()}
        raw = (np.asarray(raw) + np.asarray(model.predict(make_sequence(rc, None, batch_size), verbose=0))) / 2
    return task.scores(raw)


def learning_rate(settings: dict, steps_per_epoch: int = 1):
    """The learning rate or schedule of ``settings``:

    * ``inverse_time`` (default when ``decay`` is set): Keras 2's ``decay``, ``lr / (1 + decay·step)``
      (DeepChromeHiC, NaiveTom/DeepChromeHiC);
    * ``exponential_epoch``: ``lr · decay^epoch`` (DeepCpG: 0.975), stepped once per epoch;
    * ``warmup_constant`` / ``warmup_cosine``: linear warm-up over ``warmup_steps`` then constant or
      cosine decay over ``decay_steps`` (Enformer; default: the steps left to ``max_epochs``);
    * ``constant``.

    Raises:
        ValueError: an unknown schedule (naming ``training.schedule``).
    """
    import keras

    lr = float(settings["learning_rate"])
    schedule = settings.get("schedule") or ("inverse_time" if settings.get("decay") else "constant")
    if schedule not in SCHEDULES:
        raise ValueError(f"training.schedule: {schedule!r} is not one of {list(SCHEDULES)}")
    if schedule == "inverse_time" and settings.get("decay"):
        return keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=settings["decay"])
    if schedule == "exponential_epoch":
        return keras.optimizers.schedules.ExponentialDecay(lr, decay_steps=max(1, steps_per_epoch),
                                                           decay_rate=float(settings.get("decay") or 0.975),
                                                           staircase=True)
    if schedule.startswith("warmup"):
        warm = int(settings.get("warmup_steps", 5000))
        # warmup_cosine without decay_steps: decay to 0 over the rest of the run (max_epochs)
        rest = int(settings.get("max_epochs") or 1) * max(1, steps_per_epoch) - warm
        decay_steps = int(settings.get("decay_steps") or max(1, rest)) if schedule == "warmup_cosine" else 1
        return keras.optimizers.schedules.CosineDecay(
            0.0, decay_steps, alpha=1.0 if schedule == "warmup_constant" else 0.0, warmup_target=lr,
            warmup_steps=warm)
    return lr


def make_optimizer(settings: dict, steps_per_epoch: int = 1):
    """``adam``, ``sgd`` (``momentum``, ``nesterov``) or ``rmsprop`` (``rho``), with
    ``weight_decay`` and ``clipnorm`` (clipping by global norm).

    Raises:
        ValueError: an unknown optimizer (naming ``training.optimizer``).
    """
    import keras

    name = settings.get("optimizer", "adam")
    common = {"learning_rate": learning_rate(settings, steps_per_epoch)}
    if settings.get("weight_decay"):
        common["weight_decay"] = float(settings["weight_decay"])
    if settings.get("clipnorm"):
        common["global_clipnorm"] = float(settings["clipnorm"])
    if name == "adam":
        return keras.optimizers.Adam(**common)
    if name == "sgd":
        return keras.optimizers.SGD(momentum=float(settings.get("momentum", 0.0)),
                                    nesterov=bool(settings.get("nesterov", False)), **common)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(rho=float(settings.get("rho", 0.9)), **common)
    raise ValueError(f"training.optimizer: {name!r} is not one of {list(OPTIMIZERS)}")


def add_kernel_penalties(model, l1: float = 0.0, l2: float = 0.0) -> int:
    """L1/L2 penalties on every kernel of the model (Dense, convolution; DeepCpG's 1e-4 each).
    Returns the number of kernels penalised."""
    import keras

    if not (l1 or l2):
        return 0
    reg = keras.regularizers.L1L2(l1=float(l1), l2=float(l2))
    n = 0
    for v in model.trainable_weights:
        if v.path.endswith("kernel"):
            v.regularizer = reg
            n += 1
    return n


def compile_model(model, head: str = "sigmoid", settings: dict | None = None, task=None,
                  steps_per_epoch: int = 1, target_weights=None) -> None:
    """Compile with the task's loss (:meth:`dnazoo.tasks.Task.loss`) and the settings' optimizer
    and schedule (:func:`make_optimizer`); ``l1``/``l2`` kernel penalties (:func:`add_kernel_penalties`).

    ``head`` is the registry entry's binary head: ``softmax2`` uses sparse categorical
    cross-entropy on the 2-way softmax (identical to the original's categorical cross-entropy on
    one-hot labels), ``sigmoid`` binary cross-entropy; ``settings["loss"] == "mse"`` the squared
    error of the probabilities instead (seed 004). ``target_weights``: ``[[w0, w1]]`` per target of a
    multilabel task (:func:`target_class_weights`), weighting each observed label in the masked loss.
    ``settings["jit_compile"]``: True or False compiles the training step with XLA or without it;
    unset, Keras's ``"auto"`` (on a CPU-only TensorFlow, no XLA). On 2 CPU cores XLA trains the
    Enformer-like model about twice as fast (``perf/results/train_grelu_enformer_xla_cpu.json``).
    """
    from dnazoo.tasks import Task

    settings = settings or {}
    task = task or Task()
    add_kernel_penalties(model, settings.get("l1", 0.0), settings.get("l2", 0.0))
    model.compile(optimizer=make_optimizer(settings, steps_per_epoch),
                  loss=task.loss(head, settings.get("loss", "cross_entropy"), target_weights),
                  jit_compile=settings.get("jit_compile", "auto"))


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


def validation_callback(val_inputs, val_labels: np.ndarray, batch_size: int, task=None,
                        average_strands: bool = False, with_loss: bool = False):
    """Callback that writes the task's validation metric (:attr:`dnazoo.tasks.Task.monitor`, e.g.
    ``val_auroc``) into the epoch logs, so ``EarlyStopping`` can follow it; with ``with_loss`` also
    ``val_loss``: the compiled loss on the validation rows (mean over rows) plus the kernel
    penalties, as Keras reports it."""
    import keras

    from dnazoo.tasks import Task

    task = task or Task()

    class ValMetric(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            scores = predict(self.model, val_inputs, batch_size, task, average_strands)
            value = task.validation_score(val_labels, scores)
            if logs is not None:
                logs[task.monitor] = float(value)
            log.info("epoch %d: %s %.4f", epoch + 1, task.monitor, value)
            if with_loss:
                y = np.asarray(val_labels, dtype=np.float32)
                p = np.asarray(scores, dtype=np.float32).reshape(y.shape)
                per_row = keras.ops.convert_to_numpy(self.model.loss(y, p))  # mean over rows
                loss = float(per_row) + float(sum(float(keras.ops.convert_to_numpy(x)) for x in self.model.losses))
                if logs is not None:
                    logs["val_loss"] = loss
                log.info("epoch %d: val_loss %.4f", epoch + 1, loss)

    return ValMetric()


class NonFiniteLossError(ArithmeticError):
    """The training loss became NaN or infinite; the run is stopped and nothing is saved."""


def finite_loss_callback(name: str):
    """Callback that stops training with :class:`NonFiniteLossError` (naming the model and the
    epoch) at the end of an epoch whose training loss is NaN or infinite, before any checkpoint
    of that epoch is written; no model or history is saved."""
    import keras

    class FiniteLoss(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            loss = (logs or {}).get("loss")
            if loss is not None and not np.isfinite(loss):
                raise NonFiniteLossError(
                    f"{name}: the training loss became {loss} in epoch {epoch + 1}; training stopped and nothing "
                    "was saved (check the targets for extreme values, or lower the learning rate)")

    return FiniteLoss()


def time_limit_callback(seconds: float):
    """Callback that stops training at the end of the first epoch that ends ``seconds`` after
    training began (the best epoch so far is still restored by early stopping)."""
    import time

    import keras

    class TimeLimit(keras.callbacks.Callback):
        fired = False  # True once the limit stopped training

        def on_train_begin(self, logs=None):
            self.start = time.monotonic()

        def on_epoch_end(self, epoch, logs=None):
            if time.monotonic() - self.start > seconds:
                log.info("epoch %d: training time limit of %.0f s reached; stopping", epoch + 1, seconds)
                self.model.stop_training = True
                self.fired = True

    return TimeLimit()


def training_stream(inputs: dict, labels: np.ndarray, batch_size: int, seed: int = 0, sample_weight=None,
                    augment: dict | None = None, first_epoch: int = 0, n_epochs: int = 1):
    """The shuffled training batches streamed from the memory-mapped arrays: a ``tf.data`` pipeline
    of epochs ``first_epoch ..`` (``n_epochs`` of them) under the TensorFlow backend
    (:func:`dnazoo.data.dataset.make_tf_dataset`; fit it with ``steps_per_epoch``), the
    backend-agnostic ``PyDataset`` (:func:`dnazoo.data.dataset.make_sequence`) under JAX and PyTorch.
    Epoch ``e``'s order and augmentation depend on the seed and ``e`` only."""
    import keras

    from dnazoo.data.dataset import make_tf_dataset

    if keras.backend.backend() == "tensorflow":
        return make_tf_dataset(inputs, labels, batch_size, seed, sample_weight, augment, first_epoch, n_epochs)
    return make_sequence(inputs, labels, batch_size, shuffle=True, seed=seed, sample_weight=sample_weight,
                         augment=augment, workers=2, first_epoch=first_epoch)


def checkpoint_fingerprint(name: str, windows, settings: dict, data_spec: dict, data_digest: str = "",
                           embedding=None) -> dict:
    """What a training run depends on, each part as a sha256: ``model`` (name and windows),
    ``settings`` (all but ``keep_checkpoint``; trained parent models by the content of their
    files), ``data`` (the encoded dataset's spec and ``data_digest``, the content of its arrays:
    :func:`encoded_digest`) and ``embedding`` (the k-mer matrix's values). A checkpoint written under
    another fingerprint is not resumed (:func:`read_checkpoint` says which part changed)."""
    import hashlib

    from dnazoo.io import file_digest

    def sha(obj) -> str:
        return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()

    settings = {k: v for k, v in settings.items() if k not in ("keep_checkpoint",)}
    if settings.get("parents"):
        settings["parents"] = {role: file_digest(path, "sha256") for role, path in settings["parents"].items()}
    return {"model": sha({"model": name, "windows": list(windows)}), "settings": sha(settings),
            "data": sha({"spec": data_spec, "content": data_digest}),
            "embedding": "" if embedding is None else hashlib.sha256(np.ascontiguousarray(embedding).tobytes()).hexdigest()}


def encoded_digest(folder: str | os.PathLike, sums: dict[str, str] | None = None) -> str:
    """sha256 over the content of every file of an encoded dataset folder (codes, labels, ids,
    spec), by relative name: two folders with the same arrays give the same digest wherever they
    lie. ``sums``: ``{path: sha256}`` already computed for the folder's files
    (:func:`dnazoo.record.checksums`), so they are not read twice."""
    import hashlib

    from dnazoo.record import checksums

    folder = Path(folder)
    sums = checksums([folder]) if sums is None else sums
    h = hashlib.sha256()
    for path, digest in sorted((Path(k), v) for k, v in sums.items() if Path(k).is_relative_to(folder)):
        h.update(f"{path.relative_to(folder)}\0{digest}\n".encode())
    return h.hexdigest()


#: What a changed fingerprint part means, for the warning of :func:`read_checkpoint`.
FINGERPRINT_PARTS = {"model": "the model or its windows", "settings": "the training settings",
                     "data": "the training data (the encoded arrays or labels)", "embedding": "the k-mer embedding"}


def read_checkpoint(path: str | os.PathLike, fingerprint: dict) -> dict | None:
    """The state saved by :func:`checkpoint_callback`, or None when there is none or it belongs
    to another run; then a warning names what changed (:data:`FINGERPRINT_PARTS`) and training
    starts from epoch 1. An unreadable file (truncated, not an ``.npz``) is renamed
    ``<name>.corrupt`` with a warning naming it, and training starts from epoch 1."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        return _read_checkpoint(path, fingerprint)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        aside = path.with_name(path.name + ".corrupt")
        path.replace(aside)
        log.warning("%s is not a readable checkpoint (%s: %s); set aside as %s, training starts from epoch 1",
                    path, type(err).__name__, err, aside)
        return None


def _read_checkpoint(path: Path, fingerprint: dict) -> dict | None:
    """The body of :func:`read_checkpoint`."""
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
        saved = meta.get("fingerprint")
        if saved != fingerprint:
            changed = [FINGERPRINT_PARTS[k] for k in FINGERPRINT_PARTS
                       if not isinstance(saved, dict) or saved.get(k) != fingerprint.get(k)]
            log.warning("%s: %s changed since this checkpoint was written; not resumed, training starts from "
                        "epoch 1", path, " and ".join(changed))
            return None
        state = {"meta": meta}
        for part in ("model", "optimizer", "best"):
            state[part] = [npz[f"{part}_{i}"] for i in range(meta[f"n_{part}"])]
    return state


def restore_checkpoint(model, state: dict) -> None:
    """Load a checkpoint's model variables (weights, and the dropout seed-generator states) and
    optimizer variables (step count, moments) into a compiled ``model`` of the same build."""
    for var, value in zip(model.variables, state["model"], strict=True):
        var.assign(value)
    model.optimizer.build(model.trainable_variables)
    for var, value in zip(model.optimizer.variables, state["optimizer"], strict=True):
        var.assign(value)


def checkpoint_callback(path: str | os.PathLike, fingerprint: dict, early_stopping, history: list[dict]):
    """Callback that saves, at the end of every epoch and atomically (one ``.npz``): the model's
    variables (with the dropout seed-generator states), the optimizer's variables, the epoch,
    the history so far, the early-stopping state with the best weights so far, and whether
    training stops there. With the data order a function of (seed, epoch)
    (:func:`training_stream`), resuming from it continues the run as if it had not stopped.
    It must come after the callbacks that write the epoch's logs or stop training."""
    import keras

    from dnazoo.io import atomic_path

    class Checkpoint(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            history.append({"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()}})
            es = early_stopping
            best = es.best_weights or []
            meta = {"fingerprint": fingerprint, "epoch": epoch + 1, "history": history,
                    "stop_training": bool(self.model.stop_training),
                    "early_stopping": {"wait": int(es.wait), "best": None if es.best is None else float(es.best),
                                       "best_epoch": int(es.best_epoch), "stopped_epoch": int(es.stopped_epoch)},
                    "n_model": len(self.model.variables), "n_optimizer": len(self.model.optimizer.variables),
                    "n_best": len(best)}
            arrays = {f"model_{i}": np.asarray(v) for i, v in enumerate(self.model.variables)}
            arrays.update({f"optimizer_{i}": np.asarray(v) for i, v in enumerate(self.model.optimizer.variables)})
            arrays.update({f"best_{i}": np.asarray(w) for i, w in enumerate(best)})
            with atomic_path(path, suffix=".npz") as tmp:
                np.savez(tmp, meta=np.array(json.dumps(meta)), **arrays)

    return Checkpoint()


def early_stopping(monitor: str, patience: int, resume: dict | None = None, mode: str = "max"):
    """``keras.callbacks.EarlyStopping`` (``mode`` max, or min for a loss; best weights restored)
    that starts from a checkpoint's state (wait, best value and epoch, best weights) when
    ``resume`` is given."""
    import keras

    class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
        def on_train_begin(self, logs=None):
            super().on_train_begin(logs)
            if resume:
                es = resume["meta"]["early_stopping"]
                self.wait, self.best_epoch, self.stopped_epoch = es["wait"], es["best_epoch"], es["stopped_epoch"]
                self.best = es["best"]
                self.best_weights = resume["best"] or None

    return ResumableEarlyStopping(monitor=monitor, mode=mode, patience=patience, restore_best_weights=True, verbose=1)


def init_output_bias(model, task, labels: np.ndarray) -> np.ndarray | None:
    """Start a regression head at the training targets' mean: the bias of the layer ``output``
    (``Dense(k)``, :meth:`dnazoo.tasks.Task.output_layer`) is set to the per-target mean of
    ``labels`` (NaN-skipping), so training fits the variation around the mean instead of first
    walking the bias from 0 to it. With log1p coverage totals near 6 and Adam at 1e-3 that walk
    alone takes thousands of steps, longer than a small dataset trains (Karpathy, "A recipe for
    training neural networks", 2019: "init well"; gReLU and CREsted normalise targets instead).

    Args:
        model: a built registry model holding a layer ``output`` (nested in the one-hot sub-model
            or not).
        task: the :class:`dnazoo.tasks.Task`; other tasks than ``regression`` are left as they are.
        labels: ``(n, k)`` float32 training targets.

    Returns:
        The ``(k,)`` float32 bias set, or None when the task is not regression.

    Raises:
        ValueError: a regression model without a Dense layer ``output`` of ``k`` units.
    """
    from dnazoo.models.parts import find_layers

    if task.name != "regression":
        return None
    layer = next(iter(find_layers(model, "output")), None)
    mean = np.nan_to_num(np.nanmean(np.asarray(labels, dtype=np.float64).reshape(len(labels), -1), axis=0))
    if layer is None or getattr(layer, "bias", None) is None or tuple(layer.bias.shape) != mean.shape:
        raise ValueError(f"model {model.name!r}: no Dense output layer of {mean.shape[0]} unit(s) to initialise")
    layer.bias.assign(mean.astype("float32"))
    return mean.astype("float32")


def class_weights(labels: np.ndarray) -> np.ndarray:
    """Per-row weights that balance the two classes of ``(n,)`` binary labels (``n / (2 · n_class)``)."""
    labels = np.asarray(labels).astype(int)
    counts = np.bincount(labels, minlength=2).astype(float)
    w = len(labels) / (2 * np.maximum(counts, 1))
    return w[labels].astype(np.float32)


def target_class_weights(labels: np.ndarray) -> list[list[float]]:
    """DeepCpG's class weights per target of ``(n, k)`` multilabel labels (−1 missing): inverse
    class frequencies normalised to sum 1, ``[w0, w1] = [f1, f0]`` with ``f1`` the target's
    fraction of positive observed labels (cangermueller/deepcpg ``dcpg_train.py``); ``[0.5, 0.5]``
    for a target with no observed label."""
    labels = np.asarray(labels)
    out = []
    for j in range(labels.shape[1]):
        y = labels[:, j]
        y = y[y >= 0]
        f1 = float(y.mean()) if len(y) else 0.5
        f1 = min(max(f1, 1e-3), 1 - 1e-3)  # a target with one observed class keeps a weight for the other
        out.append([f1, 1.0 - f1])
    return out


def train_keras(name: str, folder: str | os.PathLike, kind: str | None, windows: tuple[int, ...], settings: dict,
                model_out: str | os.PathLike, history_out: str | os.PathLike, embedding=None,
                checkpoint: str | os.PathLike | None = None, data_digest: str | None = None,
                callbacks: list | None = None) -> dict:
    """Train registry model ``name`` on an encoded dataset; keep the epoch with the best validation metric.

    Args:
        name: registry name.
        folder: encoded dataset folder (:mod:`dnazoo.data.dataset`); its ``spec.json`` gives the kind and task.
        kind: ``pairs`` or ``sequences`` (None: from the spec).
        windows: window length in bp per input; must agree with the encoded data.
        settings: merged training settings (registry defaults + config): ``learning_rate``,
            ``batch_size``, ``max_epochs``, ``patience``, ``seed``, and optionally ``optimizer``,
            ``schedule``, ``decay``, ``momentum``, ``nesterov``, ``rho``, ``weight_decay``, ``l1``,
            ``l2``, ``clipnorm``, ``class_weight`` (binary), ``augment_reverse_complement``,
            ``augment_shift`` (bp), ``average_strands``, ``mixed_precision`` (``bfloat16`` /
            ``float16``), ``jit_compile`` (XLA; :func:`compile_model`), ``fusion``, ``with_distance``, ``model_params``, ``max_train_s`` (stop
            after the epoch during which this many seconds of training passed).
        model_out: ``model.keras`` path (written atomically).
        history_out: ``history.tsv`` path, one row per epoch (loss, the validation metric).
        embedding: ``(4097, d)`` float32 k-mer matrix for the dna2vec-initialised models, or None.
        checkpoint: ``.npz`` path of the per-epoch checkpoint (:func:`checkpoint_callback`), or
            None for none. When it exists and was written by a run with the same model,
            windows, settings and data (:func:`checkpoint_fingerprint`), training resumes after
            its epoch, with the history, early-stopping state, optimizer state and data order of
            an uninterrupted run. Removed after a completed run unless ``keep_checkpoint``.
        data_digest: :func:`encoded_digest` of ``folder`` when the caller has it (None: computed
            here when there is a checkpoint).
        callbacks: more Keras callbacks, run after the validation metric is in the epoch's logs
            (e.g. :func:`dnazoo.training.tuning.pruning_callback`).

    Returns:
        ``{"epochs": n, "best_epoch": k, "best_<metric>": value, "resumed_from_epoch", "stopped_by",
        "converged", "train_s", "parameters", "trainable_parameters"}`` (``best_val_auroc`` for
        binary; ``resumed_from_epoch``: the checkpoint's epoch this run went on from, or None).
        ``stopped_by``: ``patience`` (early stopping), ``max_epochs`` or ``time_cap``
        (``max_train_s``); ``converged``: stopped by patience after a best epoch that is not the
        last; ``train_s``: seconds of ``fit`` in this job (after a resumed checkpoint, the rest).

    Raises:
        NonFiniteLossError: the training loss became NaN or infinite (the epoch is named; nothing
            is saved).
        ValueError: windows that disagree with the encoded data, or a model that cannot take it.
    """
    import keras

    from dnazoo import models
    from dnazoo.data.dataset import check_windows, read_spec
    from dnazoo.tasks import from_spec as task_of

    seed = int(settings.get("seed", 0))
    keras.utils.set_random_seed(seed)
    spec = models.get(name)
    data_spec = read_spec(folder)
    kind = kind or data_spec["kind"]
    task = task_of(data_spec)
    check_windows(data_spec, tuple(windows), f"the config of model {name!r}")
    missing = set(spec.parents) - set(settings.get("parents") or {})
    if missing:
        raise ValueError(f"model {name!r} is built on trained {sorted(missing)} model(s): settings.parents names none")
    if spec.embedding == "dna2vec" and embedding is None:
        raise ValueError(f"model {name!r} starts from a k-mer embedding matrix; none was given")
    policy = keras.mixed_precision.global_policy().name
    if settings.get("mixed_precision"):
        keras.mixed_precision.set_global_policy(f"mixed_{settings['mixed_precision']}")
    try:
        if data_digest is None:
            data_digest = encoded_digest(folder) if checkpoint else ""
        fingerprint = checkpoint_fingerprint(name, windows, settings, data_spec, data_digest, embedding)
        return _fit(name, spec, folder, kind, task, windows, settings, model_out, history_out, embedding, seed,
                    checkpoint, fingerprint, callbacks)
    finally:
        keras.mixed_precision.set_global_policy(policy)


def _fit(name, spec, folder, kind, task, windows, settings, model_out, history_out, embedding, seed,
         checkpoint=None, fingerprint=None, extra_callbacks=None) -> dict:
    """The body of :func:`train_keras` (under its dtype policy)."""

    from dnazoo import models
    from dnazoo.io import atomic_path, write_table

    train = load_split(folder, "train", kind)
    val = load_split(folder, "val", kind)
    bs = int(settings["batch_size"])
    steps = max(1, -(-len(train["labels"]) // bs))
    target_weights = None
    if settings.get("class_weight") and task.name == "multilabel":  # DeepCpG: per target, in the masked loss
        target_weights = target_class_weights(train["labels"])
    parents = {role: load_keras_model(path) for role, path in (settings.get("parents") or {}).items()}
    with distribution_scope(bool(settings.get("multi_gpu", False))):
        model = models.build(name, windows, kind, embedding, task=task, fusion=settings.get("fusion"),
                             with_distance=bool(settings.get("with_distance")), params=settings.get("model_params"),
                             inputs={i["name"]: i["shape"] for i in train["spec"]["inputs"]}, parents=parents)
        compile_model(model, spec.binary_head, settings, task, steps, target_weights)
        init_output_bias(model, task, train["labels"])
    if spec.embedding:
        log.info("%s: k-mer embedding %s", name, f"initialised from a {embedding.shape} matrix"
                 if spec.embedding == "dna2vec" and embedding is not None else "randomly initialised")
    log.info("%s: %d parameters; task %s (%d target(s)); %d train / %d val rows of %s bp; seed %d", name,
             model.count_params(), task.name, task.n_targets, len(train["labels"]), len(val["labels"]),
             list(windows), seed)
    average = bool(settings.get("average_strands"))
    resume = read_checkpoint(checkpoint, fingerprint) if checkpoint else None
    history: list[dict] = []
    first_epoch = 0
    if resume:
        restore_checkpoint(model, resume)
        history = resume["meta"]["history"]
        first_epoch = resume["meta"]["epoch"]
        log.info("%s: resuming from the checkpoint of epoch %d (%s)", name, first_epoch, checkpoint)
    max_epochs = int(settings["max_epochs"])
    monitor = settings.get("monitor") or task.monitor
    mode = "min" if monitor.endswith("loss") else "max"
    stopper = early_stopping(monitor, int(settings["patience"]), resume, mode)
    callbacks = [finite_loss_callback(name), validation_callback(model_inputs(val, model), val["labels"], max(bs, 256), task, average,
                                     with_loss=monitor == "val_loss"), stopper]
    time_cap = time_limit_callback(float(settings["max_train_s"])) if settings.get("max_train_s") else None
    if time_cap:
        callbacks.append(time_cap)
    if checkpoint:
        callbacks.append(checkpoint_callback(checkpoint, fingerprint, stopper, history))
    callbacks += list(extra_callbacks or [])
    weights = None
    if settings.get("class_weight") and task.name not in ("binary", "multilabel"):
        raise ValueError(f"training.class_weight: binary and multilabel tasks take class weights, not {task.name!r}")
    if settings.get("class_weight") and task.name == "binary":
        weights = class_weights(train["labels"])
    augment = {"reverse_complement": bool(settings.get("augment_reverse_complement")),
               "shift": int(settings.get("augment_shift") or 0)}
    # a checkpoint of the epoch where training stopped: fit no further epoch (the best weights
    # are restored by early stopping at the end of fit)
    last_epoch = first_epoch if resume and resume["meta"]["stop_training"] else max_epochs
    started = time.monotonic()
    hist = model.fit(training_stream(model_inputs(train, model), train["labels"], bs, seed, weights,
                                     augment if any(augment.values()) else None, first_epoch,
                                     max(1, last_epoch - first_epoch)),
                     epochs=last_epoch, initial_epoch=first_epoch, steps_per_epoch=steps, callbacks=callbacks,
                     verbose=2, shuffle=False)  # the stream shuffles itself (seeded by epoch)
    train_s = time.monotonic() - started
    if not checkpoint:
        history = [{"epoch": i + 1, **{k: float(v[i]) for k, v in hist.history.items()}}
                   for i in range(len(next(iter(hist.history.values()), [])))]
    history = pd.DataFrame(history)
    write_table(history, history_out)
    with atomic_path(model_out, suffix=".keras") as tmp:
        model.save(tmp)
    if checkpoint and not settings.get("keep_checkpoint"):
        Path(checkpoint).unlink(missing_ok=True)
    values = history[monitor]
    if values.notna().any():
        best = int(values.idxmin() if mode == "min" else values.idxmax())
    else:
        best = len(history) - 1
    trainable = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    stopped_by = ("time_cap" if time_cap is not None and time_cap.fired
                  else "max_epochs" if len(history) >= max_epochs else "patience")
    return {"epochs": int(len(history)), "best_epoch": best + 1, f"best_{monitor}": float(values.iloc[best]),
            "resumed_from_epoch": first_epoch or None, "stopped_by": stopped_by, "converged": bool(stopped_by == "patience" and best + 1 < len(history)),
            "train_s": round(train_s, 1), "parameters": int(model.count_params()),
            "trainable_parameters": int(trainable)}


def train_baseline(name: str, folder: str | os.PathLike, kind: str | None, settings: dict,
                   model_out: str | os.PathLike, history_out: str | os.PathLike) -> dict:
    """Fit a scikit-learn baseline (:mod:`dnazoo.models.baselines`) on the training split, for the
    dataset's task.

    Args:
        settings: ``k`` (k-mer length of ``kmer_baseline``, default 4), ``neighbour_window`` (bp,
            ``neighbour_mean``, default 3,000) and ``seed``.

    Writes the fitted baseline (joblib) and a one-row ``history.tsv`` with the task's validation metric.
    """
    from dnazoo.models import baselines
    from dnazoo.tasks import from_spec as task_of
    from dnazoo.io import write_table

    train = load_split(folder, "train", kind)
    val = load_split(folder, "val", kind)
    task = task_of(train["spec"])
    model = baselines.fit(name, train, int(settings.get("k", 4)), int(settings.get("seed", 0)),
                          int(settings.get("neighbour_window", 3000)))
    value = task.validation_score(val["labels"], baselines.predict(model, val)) if len(val["labels"]) else float("nan")
    log.info("%s (k=%s): %d training rows, %s %.4f", name, model["k"], len(train["labels"]), task.monitor, value)
    write_table(pd.DataFrame([{"epoch": 1, task.monitor: value}]), history_out)
    baselines.save(model, model_out)
    return {"epochs": 1, "best_epoch": 1, f"best_{task.monitor}": value}


def load_trained(name: str, model_path: str | os.PathLike):
    """A trained model of registry entry ``name``: a Keras model or a fitted baseline."""
    from dnazoo import models

    if models.get(name).framework == "sklearn":
        from dnazoo.models import baselines

        return baselines.load(model_path)
    return load_keras_model(model_path)


def load_keras_model(model_path: str | os.PathLike):
    """A saved Keras model (``.keras``) with dnazoo's layers and task losses registered.

    When a ``run.json`` beside it (:func:`dnazoo.record.run_record`) recorded the file's sha256,
    the file is checked against it first.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file differs from what ``run.json`` recorded ("corrupt"), or Keras cannot
            read it; both name the file.
    """
    import keras

    from dnazoo.io import file_digest
    from dnazoo.models import layers  # noqa: F401  (registers dnazoo's layers for loading)
    from dnazoo.tasks import losses

    path = Path(model_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such model file")
    record = path.with_name("run.json")
    if record.exists():
        outputs = json.loads(record.read_text()).get("outputs", {})
        want = next((v for k, v in outputs.items() if Path(k).name == path.name), None)
        if want and file_digest(path, "sha256") != want:
            raise ValueError(f"{path} is corrupt: its sha256 differs from the one {record} recorded when training "
                             "wrote it (a truncated copy?); delete it and rerun to retrain")
    losses()  # registers the task losses
    try:
        return keras.saving.load_model(path)
    except Exception as err:  # Keras reports a truncated zip as "File not found"
        raise ValueError(f"{path}: not a readable Keras model file ({type(err).__name__}: {err})") from None


def predict_arrays(name: str, model, folder: str | os.PathLike, split: str, kind: str | None = None,
                   settings: dict | None = None) -> tuple[dict, object, np.ndarray]:
    """Scores of a trained model (or its file) on one split: ``(data, task, scores)`` with ``data``
    from :func:`dnazoo.data.dataset.load_split`, the dataset's task and the task's score array."""
    from dnazoo import models
    from dnazoo.tasks import from_spec as task_of

    if isinstance(model, (str, os.PathLike)):
        model = load_trained(name, model)
    data = load_split(folder, split, kind)
    task = task_of(data["spec"])
    if models.get(name).framework == "sklearn":
        from dnazoo.models import baselines

        scores = baselines.predict(model, data)
    else:
        scores = predict(model, model_inputs(data, model), task=task,
                         average_strands=bool((settings or {}).get("average_strands")))
    return data, task, np.asarray(scores)


def predict_split(name: str, model, folder: str | os.PathLike, split: str, kind: str | None = None,
                  settings: dict | None = None) -> pd.DataFrame:
    """Predictions of a trained model on one split.

    Binary: a table ``id, label, score`` (score = P(1)). Other tasks: ``id`` then one
    ``label.<target>`` and one ``score.<target>`` column per target (profile: counts summed over
    the bins of each window).

    ``model``: the model's file, or the model already loaded by :func:`load_trained` (so a caller
    scoring several datasets loads it once). ``settings``: ``average_strands``.
    """
    data, task, scores = predict_arrays(name, model, folder, split, kind, settings)
    return prediction_table(data, task, scores)


def prediction_table(data: dict, task, scores: np.ndarray) -> pd.DataFrame:
    """The :func:`predict_split` table of one split's data and scores."""
    if task.name == "binary":
        return pd.DataFrame({"id": data["ids"], "label": data["labels"].astype(int), "score": scores})
    labels = np.asarray(data["labels"], dtype=np.float64)
    if task.name == "profile":
        labels, scores = labels.sum(axis=1), np.asarray(scores).sum(axis=1)
    cols = {"id": data["ids"]}
    cols.update({f"label.{t}": labels[:, j] for j, t in enumerate(task.targets)})
    cols.update({f"score.{t}": np.asarray(scores)[:, j] for j, t in enumerate(task.targets)})
    return pd.DataFrame(cols)


def split_targets(pred: pd.DataFrame, task) -> tuple[np.ndarray, np.ndarray]:
    """``(targets, scores)`` arrays of a :func:`predict_split` table (``(n,)`` for binary, ``(n, k)``)."""
    if task.name == "binary":
        return pred["label"].to_numpy(), pred["score"].to_numpy()
    return (pred[[f"label.{t}" for t in task.targets]].to_numpy(),
            pred[[f"score.{t}" for t in task.targets]].to_numpy())


def write_json(obj: dict, dest: str | os.PathLike) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    from dnazoo.io import atomic_path

    with atomic_path(dest, suffix=".json") as tmp:
        Path(tmp).write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")
