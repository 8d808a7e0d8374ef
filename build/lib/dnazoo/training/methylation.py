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

def train(name: str, folder: str | os.PathLike, settings: dict, model_out: str | os.PathLike,
          history_out: str | os.PathLike, dna_model: str | os.PathLike | None = None,
          cpg_model: str | os.PathLike | None = None, checkpoint: str | os.PathLike | None = None) -> dict:
    """Train one DeepCpG model on a methylation dataset with the core's one training loop
    (:func:`dnazoo.training.train_keras`: per-epoch checkpoint and resume, streaming, mixed
    precision), as DeepCpG's ``dcpg_train.py``: the registry defaults (Adam 1e-4 × 0.975^epoch,
    L1/L2 1e-4, batch 128, ≤ 30 epochs, early stopping on ``val_loss`` with patience 5, per-cell
    class weights in the masked loss), overridden by ``settings``.

    Args:
        name: ``deepcpg_dna_<Name>``, ``deepcpg_cpg_<FcAvg|RnnL1|RnnL2>`` or
            ``deepcpg_joint_<JointL0|JointL1h512|JointL2h512|JointL3h512>`` (registry entries).
        settings: training settings; ``dropout`` is the model's (``model_params.dropout``).
        dna_model, cpg_model: the trained parts of a Joint model (``model.keras`` paths).
        checkpoint: ``.npz`` of the per-epoch checkpoint, or None.

    Writes ``model_out`` (Keras, atomically) and ``history_out`` (one row per epoch: loss,
    val_mean_auroc, val_loss).

    Returns:
        ``{"epochs", "best_epoch", "best_val_loss", "parameters", "trainable_parameters"}``.

    Raises:
        ValueError: an unknown model, a Joint model without its parts, a DNA model on a dataset
        without DNA.
    """
    from dnazoo import models
    from dnazoo.training import train_keras

    spec = read_spec(folder)
    kind = kind_of(name)
    if kind in ("dna", "joint") and not spec.get("dna_window"):
        raise ValueError("this methylation dataset has no DNA windows (no genome): it takes CpG models only")
    merged = {**models.get(name).defaults, "monitor": "val_loss", "class_weight": True, **settings}
    dropout = merged.pop("dropout", None)
    if dropout is not None:
        merged["model_params"] = {**(merged.get("model_params") or {}), "dropout": float(dropout)}
    if kind == "joint":
        if not (dna_model and cpg_model):
            raise ValueError(f"{name}: a Joint model needs a trained DNA and CpG model")
        merged["parents"] = {"dna": str(dna_model), "cpg": str(cpg_model)}
    windows = (int(spec["dna_window"]),) if spec.get("dna_window") else ()
    return train_keras(name, folder, None, windows, merged, model_out, history_out, checkpoint=checkpoint)

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
    from dnazoo.data.methylation import MAX_DIST
    from dnazoo.models.baselines import cell_mean, neighbour_mean

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
