"""Cross-dataset transfer matrix and the comparison with DeepChromeHiC's published results.

DeepChromeHiC's main result (``auc+pearson.csv``, 2,166 rows) is the AUROC and Pearson r of every
model trained on one dataset X and tested on the test split of another dataset Y (X = Y included).
:func:`transfer_table` computes the same long table for dnazoo's runs, :func:`dnazoo.plots.transfer.plot_transfer` draws a
train × test heatmap per model and the mean AUROC within and across datasets, and
:func:`compare_with_original` puts dnazoo's within-dataset AUROC beside the original's.

Long-table columns (those of ``auc+pearson.csv``, renamed): ``train_dataset`` ("model.h5"),
``test_dataset`` ("test data"), ``model`` ("model name"), ``auroc`` ("AUC"), ``pearson_r``
("pearson correlation coefficient"); dnazoo adds ``n`` (test rows).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

COLUMNS = ["train_dataset", "test_dataset", "model", "auroc", "pearson_r", "n"]
_ORIGINAL_NAMES = {"model.h5": "train_dataset", "test data": "test_dataset", "model name": "model",
                   "AUC": "auroc", "pearson correlation coefficient": "pearson_r"}


def transfer_table(model: str, model_path: str | os.PathLike, train_dataset: str,
                   test_dirs: dict[str, str | os.PathLike], task: str = "pairs") -> pd.DataFrame:
    """Evaluate one trained model on the test split of every dataset in ``test_dirs``.

    Args:
        model: registry name. model_path: its ``model.keras`` / ``model.joblib``.
        train_dataset: the dataset it was trained on.
        test_dirs: ``{test dataset: encoded folder}``; window lengths must equal the training ones.

    Returns:
        One row per test dataset with the columns of :data:`COLUMNS`.
    """
    from dnazoo.tasks.metrics import binary_metrics
    from dnazoo.training import load_trained, predict_split

    trained = load_trained(model, model_path)  # once for all test datasets
    rows = []
    for test_dataset, folder in test_dirs.items():
        pred = predict_split(model, trained, folder, "test", task)
        m = binary_metrics(pred["label"], pred["score"])
        rows.append({"train_dataset": train_dataset, "test_dataset": test_dataset, "model": model,
                     "auroc": m["auroc"], "pearson_r": m["pearson_r"], "n": m["n"]})
    return pd.DataFrame(rows, columns=COLUMNS)


def read_original_results(path: str | os.PathLike) -> pd.DataFrame:
    """DeepChromeHiC's ``auc+pearson.csv`` → the long table (``n`` is NaN: not published).

    Raises:
        ValueError: naming the file when an expected column is missing.
    """
    df = pd.read_csv(path)
    df.columns = [c.strip() for c in df.columns]
    missing = set(_ORIGINAL_NAMES) - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)} (expected those of DeepChromeHiC's auc+pearson.csv)")
    df = df.rename(columns=_ORIGINAL_NAMES)[list(_ORIGINAL_NAMES.values())]
    for c in ("train_dataset", "test_dataset", "model"):
        df[c] = df[c].astype(str).str.strip()
    df["n"] = np.nan
    return df


def within_across(df: pd.DataFrame) -> pd.DataFrame:
    """Mean AUROC per model within datasets (train = test) and across (train ≠ test)."""
    d = df.assign(kind=np.where(df["train_dataset"] == df["test_dataset"], "within", "across"))
    return d.pivot_table(index="model", columns="kind", values="auroc", aggfunc="mean").reindex(
        columns=["within", "across"])


def compare_with_original(ours: pd.DataFrame, original: pd.DataFrame) -> pd.DataFrame:
    """dnazoo's within-dataset AUROC beside DeepChromeHiC's for every (dataset, model) in both.

    Args:
        ours: dnazoo summary rows with ``dataset``, ``model``, ``auroc``.
        original: :func:`read_original_results` table (its train = test rows are used).

    Returns:
        ``dataset, model, auroc_original, auroc_dnazoo, difference``, one row per (dataset, model)
        pair in both tables (empty when none is shared).
    """
    orig = original[original["train_dataset"] == original["test_dataset"]]
    orig = orig.groupby(["train_dataset", "model"], as_index=False)["auroc"].mean()
    orig = orig.rename(columns={"train_dataset": "dataset", "auroc": "auroc_original"})
    mine = ours[["dataset", "model", "auroc"]].rename(columns={"auroc": "auroc_dnazoo"})
    table = mine.merge(orig, on=["dataset", "model"], how="inner")
    table["difference"] = table["auroc_dnazoo"] - table["auroc_original"]
    return table[["dataset", "model", "auroc_original", "auroc_dnazoo", "difference"]]
