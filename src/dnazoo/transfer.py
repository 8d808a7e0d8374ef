"""Cross-dataset transfer matrix and the comparison with DeepChromeHiC's published results.

DeepChromeHiC's main result (``auc+pearson.csv``, 2,166 rows) is the AUROC and Pearson r of every
model trained on one dataset X and tested on the test split of another dataset Y (X = Y included).
:func:`transfer_table` computes the same long table for dnazoo's runs, :func:`plot_transfer` draws a
train × test heatmap per model and the mean AUROC within and across datasets, and
:func:`compare_with_original` puts dnazoo's within-dataset AUROC beside the original's.

Long-table columns (those of ``auc+pearson.csv``, renamed): ``train_dataset`` ("model.h5"),
``test_dataset`` ("test data"), ``model`` ("model name"), ``auroc`` ("AUC"), ``pearson_r``
("pearson correlation coefficient"); dnazoo adds ``n`` (test rows).
"""

from __future__ import annotations

import os
from pathlib import Path

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
    from .evaluate import binary_metrics
    from .training import load_trained, predict_split

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


def plot_transfer(df: pd.DataFrame, out_dir: str | os.PathLike, note: str = "") -> list[Path]:
    """A train × test AUROC heatmap per model (``heatmap_<model>``) and the mean AUROC per model
    within and across datasets (``within_across``), PNG + PDF each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .evaluate import save_figure

    out_dir = Path(out_dir)
    written = []
    names = sorted(set(df["train_dataset"]) | set(df["test_dataset"]))
    for model, sub in df.groupby("model"):
        mat = sub.pivot_table(index="train_dataset", columns="test_dataset", values="auroc").reindex(
            index=names, columns=names)
        fig, ax = plt.subplots(figsize=(1.5 + 0.55 * len(names), 1.2 + 0.5 * len(names)))
        im = ax.imshow(mat.to_numpy(dtype=float), vmin=0.4, vmax=1.0, cmap="viridis")
        for (i, j), v in np.ndenumerate(mat.to_numpy(dtype=float)):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if v < 0.75 else "black")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), names)
        ax.set(xlabel="test dataset", ylabel="train dataset",
               title=f"{model}: test AUROC{f' ({note})' if note else ''}")
        fig.colorbar(im, ax=ax, fraction=0.046)
        written += save_figure(fig, out_dir / f"heatmap_{model}")
        plt.close(fig)
    wa = within_across(df).sort_values("within", ascending=False)
    fig, ax = plt.subplots(figsize=(max(4, 1 + 0.8 * len(wa)), 4))
    x = np.arange(len(wa))
    ax.bar(x - 0.2, wa["within"], 0.4, label="within dataset (train = test)")
    ax.bar(x + 0.2, wa["across"], 0.4, label="across datasets (train ≠ test)")
    ax.axhline(0.5, ls=":", c="grey")
    ax.set_xticks(x, wa.index, rotation=30, ha="right")
    ax.set(ylabel="mean test AUROC", ylim=(0, 1.05), title=f"Transfer{f' ({note})' if note else ''}")
    ax.legend(fontsize=8)
    written += save_figure(fig, out_dir / "within_across")
    plt.close(fig)
    return written


def compare_with_original(ours: pd.DataFrame, original: pd.DataFrame, split_note: str,
                          out_table: str | os.PathLike, out_stem: str | os.PathLike) -> pd.DataFrame:
    """dnazoo's within-dataset AUROC beside DeepChromeHiC's for every (dataset, model) in both.

    Args:
        ours: dnazoo summary rows with ``dataset``, ``model``, ``auroc``.
        original: :func:`read_original_results` table (its train = test rows are used).
        split_note: dnazoo's split, stated on the figure (the original used random splits).
        out_table: TSV with ``dataset, model, auroc_original, auroc_dnazoo, difference``.
        out_stem: figure path without extension (PNG + PDF): a scatter, one point per pair.

    Returns:
        The comparison table (empty when no dataset/model pair is shared; the figure says so).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .evaluate import save_figure
    from .io import write_table

    orig = original[original["train_dataset"] == original["test_dataset"]]
    orig = orig.groupby(["train_dataset", "model"], as_index=False)["auroc"].mean()
    orig = orig.rename(columns={"train_dataset": "dataset", "auroc": "auroc_original"})
    mine = ours[["dataset", "model", "auroc"]].rename(columns={"auroc": "auroc_dnazoo"})
    table = mine.merge(orig, on=["dataset", "model"], how="inner")
    table["difference"] = table["auroc_dnazoo"] - table["auroc_original"]
    table = table[["dataset", "model", "auroc_original", "auroc_dnazoo", "difference"]]
    write_table(table, out_table)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for model, sub in table.groupby("model"):
        ax.scatter(sub["auroc_original"], sub["auroc_dnazoo"], label=model, s=25)
    ax.plot([0.4, 1], [0.4, 1], ls=":", c="grey")
    if table.empty:
        ax.text(0.7, 0.7, "no dataset/model in common with auc+pearson.csv", ha="center", fontsize=8)
    ax.set(xlim=(0.4, 1), ylim=(0.4, 1), xlabel="DeepChromeHiC test AUROC (published; random split)",
           ylabel=f"dnazoo test AUROC ({split_note})", title="Within-dataset AUROC: dnazoo vs original")
    if not table.empty:
        ax.legend(fontsize=7, loc="lower right")
    save_figure(fig, Path(out_stem))
    plt.close(fig)
    return table
