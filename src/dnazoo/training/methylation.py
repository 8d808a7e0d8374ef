"""DeepCpG's three models on a methylation dataset (:mod:`dnazoo.data.methylation`), trained as its docs
say: the DNA and CpG models separately, then the Joint model on their frozen feature layers
(``dcpg_train.py --dna_model … --cpg_model … --joint_model … --train_models joint``;
Angermueller et al., Genome Biol 18:67, 2017; cangermueller/deepcpg).

A methylation dataset folder is in the core's layout (:mod:`dnazoo.data.dataset`,
:func:`dnazoo.data.methylation.make_spec`): per split the inputs ``sequence`` ``(n, L)`` uint8
base codes (with a genome), ``cpg_state`` / ``cpg_dist`` ``(n, n_cells, cpg_wlen)`` float32, the
``labels`` ``(n, n_cells)`` int8 (1, 0, −1 missing), and the extras ``chromo``, ``pos`` (1-based C)
and ``bulk``.

Models take named inputs ``sequence`` (the DNA codes; one-hot inside the model), ``cpg_state``
and ``cpg_dist``; every head is ``Dense(n_cells, sigmoid)`` named ``output`` (the multilabel task)
with missing labels masked out of the loss.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd

from dnazoo.data.dataset import arrays_of, load_split, read_spec
from dnazoo.tasks import from_spec as task_of

log = logging.getLogger(__name__)

CPG_PREFIX = "deepcpg_cpg_"
JOINT_PREFIX = "deepcpg_joint_"
DNA_PREFIX = "deepcpg_dna_"


def kind_of(name: str) -> str:
    """``dna``, ``cpg`` or ``joint`` from a model name (``deepcpg_dna_*``, ``deepcpg_cpg_*``, ``deepcpg_joint_*``).

    Raises:
        ValueError: any other name.
    """
    for kind, prefix in (("dna", DNA_PREFIX), ("cpg", CPG_PREFIX), ("joint", JOINT_PREFIX)):
        if name.startswith(prefix):
            return kind
    raise ValueError(f"{name!r} is not a DeepCpG model (deepcpg_dna_*, deepcpg_cpg_* or deepcpg_joint_*)")


def inputs_of(kind: str, data: dict) -> dict:
    """The arrays a model of ``kind`` takes, by input name (``sequence``; ``cpg_state``,
    ``cpg_dist``), from a :func:`dnazoo.data.dataset.load_split` result.

    Raises:
        ValueError: a DNA or Joint model on a dataset without DNA windows.
    """
    arrays = arrays_of(data)
    out = {}
    if kind in ("dna", "joint"):
        if "sequence" not in arrays:
            raise ValueError("this methylation dataset has no DNA windows (no genome): it takes CpG models only")
        out["sequence"] = np.asarray(arrays["sequence"])
    if kind in ("cpg", "joint"):
        out["cpg_state"], out["cpg_dist"] = np.asarray(arrays["cpg_state"]), np.asarray(arrays["cpg_dist"])
    return out

def class_weights(labels: np.ndarray) -> list[list[float]]:
    """DeepCpG's class weights per cell: inverse class frequencies normalised to sum 1, i.e.
    ``[w0, w1] = [f1, f0]`` with ``f1`` the cell's fraction of methylated observed sites.

    Args:
        labels: ``(n, n_cells)`` int8 with −1 missing.
    """
    out = []
    for j in range(labels.shape[1]):
        obs = labels[:, j][labels[:, j] >= 0]
        f1 = float(obs.mean()) if len(obs) else 0.5
        f1 = min(max(f1, 1e-3), 1 - 1e-3)
        out.append([f1, 1.0 - f1])
    return out


def build_cpg(arch: str, n_cells: int, cpg_wlen: int, task, dropout: float = 0.0):
    """DeepCpG CpG model ``arch`` (``FcAvg``, ``RnnL1``, ``RnnL2``;
    :func:`dnazoo.models.zoo.deepcpg.cpg_module`) with the task's head; inputs ``cpg_state`` and
    ``cpg_dist`` ``(n_cells, cpg_wlen)`` float32."""
    import keras

    from dnazoo.models.zoo.deepcpg import cpg_module

    state = keras.Input((n_cells, cpg_wlen), name="cpg_state")
    dist = keras.Input((n_cells, cpg_wlen), name="cpg_dist")
    out = task.output_layer(cpg_module(state, dist, arch, dropout))
    return keras.Model([state, dist], out, name=f"{CPG_PREFIX}{arch}")


def features(model):
    """The feature layer of a trained DNA or CpG model (the input of its ``output`` head) as a
    model on the same inputs."""
    import keras

    inner = model
    for layer in model.layers:  # registry models nest the tower in ``onehot_model``
        if isinstance(layer, keras.Model) and any(sub.name == "output" for sub in layer.layers):
            inner = layer
    if inner is model:
        return keras.Model(model.inputs, model.get_layer("output").input)
    onehot = model.get_layer("sequence_onehot")
    x = keras.Input(model.inputs[0].shape[1:], dtype=model.inputs[0].dtype, name="sequence")
    feats = keras.Model(inner.inputs, inner.get_layer("output").input)(onehot(x))
    return keras.Model(x, feats)


def build_joint(arch: str, dna_model, cpg_model, task, dropout: float = 0.0):
    """DeepCpG Joint model ``arch`` (:func:`dnazoo.models.zoo.deepcpg.joint_module`) on the frozen
    feature layers of a trained DNA and CpG model, with a new head; inputs ``sequence``,
    ``cpg_state``, ``cpg_dist``."""
    import keras

    from dnazoo.models.zoo.deepcpg import joint_module

    dna_f, cpg_f = features(dna_model), features(cpg_model)
    dna_f.trainable = False
    cpg_f.trainable = False
    seq = keras.Input(dna_model.inputs[0].shape[1:], dtype=dna_model.inputs[0].dtype, name="sequence")
    state = keras.Input(cpg_model.inputs[0].shape[1:], name="cpg_state")
    dist = keras.Input(cpg_model.inputs[1].shape[1:], name="cpg_dist")
    x = joint_module(dna_f(seq), cpg_f([state, dist]), arch, dropout)
    return keras.Model([seq, state, dist], task.output_layer(x), name=f"{JOINT_PREFIX}{arch}")


def train(name: str, folder: str | os.PathLike, settings: dict, model_out: str | os.PathLike,
          history_out: str | os.PathLike, dna_model: str | os.PathLike | None = None,
          cpg_model: str | os.PathLike | None = None) -> dict:
    """Train one DeepCpG model on a methylation dataset; keep the epoch with the lowest validation loss.

    Args:
        name: ``deepcpg_dna_<Name>`` (a registry tower), ``deepcpg_cpg_<FcAvg|RnnL1|RnnL2>``, or
            ``deepcpg_joint_<JointL0|JointL1h512|JointL2h512|JointL3h512>``.
        settings: DeepCpG's defaults unless overridden: ``learning_rate`` 1e-4, ``schedule``
            ``exponential_epoch`` with ``decay`` 0.975, ``l1``/``l2`` 1e-4, ``batch_size`` 128,
            ``max_epochs`` 30, ``patience`` 5 (early stopping on ``val_loss``), ``class_weight``
            true, ``dropout`` 0.0, ``seed``.
        dna_model, cpg_model: the trained parts of a Joint model (``model.keras`` paths).

    Writes ``model_out`` (Keras, atomically) and ``history_out`` (one row per epoch: loss,
    val_loss, val_mean_auroc).

    Returns:
        ``{"epochs", "best_epoch", "best_val_loss", "parameters", "trainable_parameters"}``.

    Raises:
        ValueError: an unknown model, a Joint model without its parts, a DNA model on a dataset
        without DNA.
    """
    import keras

    from dnazoo import models
    from dnazoo.io import atomic_path, write_table
    from dnazoo.tasks import losses
    from dnazoo.training import add_kernel_penalties, learning_rate, load_keras_model, validation_callback

    losses()
    kind = kind_of(name)
    seed = int(settings.get("seed", 0))
    keras.utils.set_random_seed(seed)
    spec = read_spec(folder)
    task = task_of(spec)
    train_d, val_d = load_split(folder, "train"), load_split(folder, "val")
    x_train, x_val = inputs_of(kind, train_d), inputs_of(kind, val_d)
    dropout = float(settings.get("dropout", 0.0))
    arch = name.split("_", 2)[2]
    if kind == "dna":
        model = models.build(name, (int(spec["dna_window"]),), "sequences", task=task,
                             params={"dropout": dropout, **(settings.get("model_params") or {})})
    elif kind == "cpg":
        model = build_cpg(arch, len(spec["cells"]), int(spec["cpg_wlen"]), task, dropout)
    else:
        if not (dna_model and cpg_model):
            raise ValueError(f"{name}: a Joint model needs a trained DNA and CpG model")
        model = build_joint(arch, load_keras_model(dna_model), load_keras_model(cpg_model), task, dropout)
    bs = int(settings.get("batch_size", 128))
    steps = max(1, -(-len(train_d["labels"]) // bs))
    add_kernel_penalties(model, float(settings.get("l1", 1e-4)), float(settings.get("l2", 1e-4)))
    cw = class_weights(train_d["labels"]) if settings.get("class_weight", True) else None
    lr = learning_rate({"learning_rate": settings.get("learning_rate", 1e-4),
                        "schedule": settings.get("schedule", "exponential_epoch"),
                        "decay": settings.get("decay", 0.975)}, steps)
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=losses()[0](class_weights=cw))
    log.info("%s: %d parameters (%d trainable); %d cells; %d train / %d val sites; class weights %s", name,
             model.count_params(), sum(int(np.prod(v.shape)) for v in model.trainable_weights), len(spec["cells"]),
             len(train_d["labels"]), len(val_d["labels"]), cw)
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", patience=int(settings.get("patience", 5)),
                                            restore_best_weights=True, verbose=1)
    hist = model.fit(x_train, train_d["labels"].astype(np.float32), batch_size=bs,
                     epochs=int(settings.get("max_epochs", 30)), shuffle=True,
                     validation_data=(x_val, val_d["labels"].astype(np.float32)), verbose=2,
                     callbacks=[validation_callback(x_val, val_d["labels"], max(bs, 256), task), stopper])
    history = pd.DataFrame({"epoch": np.arange(1, len(hist.history["loss"]) + 1),
                            **{k: np.asarray(v, dtype=float) for k, v in hist.history.items()}})
    write_table(history, history_out)
    with atomic_path(model_out, suffix=".keras") as tmp:
        model.save(tmp)
    best = int(history["val_loss"].idxmin())
    return {"epochs": int(len(history)), "best_epoch": best + 1, "best_val_loss": float(history["val_loss"][best]),
            "parameters": int(model.count_params()),
            "trainable_parameters": int(sum(int(np.prod(v.shape)) for v in model.trainable_weights))}


def predict(name: str, model_path: str | os.PathLike, folder: str | os.PathLike, split: str = "test") -> pd.DataFrame:
    """Scores of a trained model on one split: a table ``chromo, pos`` then ``label.<cell>`` and
    ``score.<cell>`` per cell (labels −1 where the cell has no read)."""
    from dnazoo.training import load_keras_model
    from dnazoo.training import predict as keras_predict

    spec = read_spec(folder)
    data = load_split(folder, split)
    model = load_keras_model(model_path)
    scores = keras_predict(model, inputs_of(kind_of(name), data), 256, task_of(spec))
    return prediction_table(spec, data, np.asarray(scores))


def prediction_table(spec: dict, data: dict, scores: np.ndarray) -> pd.DataFrame:
    """The :func:`predict` table of ``(n, n_cells)`` scores."""
    cols = {"chromo": data["chromo"], "pos": data["pos"]}
    cols.update({f"label.{c}": data["labels"][:, j].astype(int) for j, c in enumerate(spec["cells"])})
    cols.update({f"score.{c}": scores[:, j] for j, c in enumerate(spec["cells"])})
    return pd.DataFrame(cols)


def per_cell_metrics(predictions: dict[str, pd.DataFrame], cells: list[str], replicates: int = 1000,
                     seed: int = 0) -> pd.DataFrame:
    """DeepCpG's metrics per model and cell on the observed test labels: AUROC and AUPRC (with
    percentile bootstrap CIs, :func:`dnazoo.tasks.metrics.bootstrap_ci`), accuracy, F1 and MCC at 0.5.

    Args:
        predictions: ``{model or baseline: prediction table}`` (:func:`prediction_table`).

    Returns:
        One row per (model, cell): ``model, cell, n, n_methylated, auroc, auroc_low, auroc_high,
        auprc, auprc_low, auprc_high, accuracy, f1, mcc``.
    """
    from dnazoo.tasks.metrics import binary_metrics, bootstrap_ci

    rows = []
    for model, pred in predictions.items():
        for cell in cells:
            y = pred[f"label.{cell}"].to_numpy()
            keep = y >= 0
            y, s = y[keep], pred[f"score.{cell}"].to_numpy()[keep]
            m = binary_metrics(y, s)
            ci = bootstrap_ci(y, s, replicates, seed=seed)
            rows.append({"model": model, "cell": cell, "n": m["n"], "n_methylated": m["n_pos"],
                         "auroc": m["auroc"], "auroc_low": ci["auroc_ci"][0], "auroc_high": ci["auroc_ci"][1],
                         "auprc": m["auprc"], "auprc_low": ci["auprc_ci"][0], "auprc_high": ci["auprc_ci"][1],
                         "accuracy": m["accuracy"], "f1": m["f1"], "mcc": m["mcc"]})
    return pd.DataFrame(rows)


def baseline_tables(spec: dict, train: dict, test: dict, window: int) -> dict[str, pd.DataFrame]:
    """The baselines' prediction tables on the test split (:func:`prediction_table` layout).

    * ``cell_mean``: each cell's methylation rate on the training sites;
    * ``neighbour_mean``: the mean state of the cell's observed neighbours within ``window`` bp
      (the cell's rate where none is that close; :func:`dnazoo.data.methylation.neighbour_mean`);
    * ``bulk_<name>``: the level of bulk profile ``<name>`` at the site (the mean bulk level where
      the profile has no value), when the dataset has bulk profiles.
    """
    from dnazoo.data.methylation import MAX_DIST, cell_mean, neighbour_mean

    rate = cell_mean(train["labels"])
    n = len(test["labels"])
    x = arrays_of(test)
    out = {"cell_mean": prediction_table(spec, test, np.tile(rate, (n, 1))),
           "neighbour_mean": prediction_table(spec, test, neighbour_mean(
               np.asarray(x["cpg_state"]), np.asarray(x["cpg_dist"]), window, int(spec.get("max_dist", MAX_DIST)),
               rate))}
    for j, b in enumerate(spec.get("bulk") or []):
        level = test["bulk"][:, j].astype(np.float64)
        out[f"bulk_{b}"] = prediction_table(spec, test, np.tile(level[:, None], (1, len(spec["cells"]))))
    return out
