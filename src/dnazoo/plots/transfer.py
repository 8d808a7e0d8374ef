"""Figures of the cross-dataset transfer matrix and of the comparison with the published
DeepChromeHiC results (matplotlib)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.evaluation.transfer import within_across
from dnazoo.plots import save_figure


def plot_transfer(df: pd.DataFrame, out_dir: str | os.PathLike, note: str = "") -> list[Path]:
    """A train × test AUROC heatmap per model (``heatmap_<model>``) and the mean AUROC per model
    within and across datasets (``within_across``), PNG + PDF each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt



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


def plot_comparison_with_original(table: pd.DataFrame, split_note: str, out_stem: str | os.PathLike) -> list[Path]:
    """A scatter of :func:`dnazoo.evaluation.transfer.compare_with_original`'s table, one point per
    (dataset, model): the published AUROC (random split) against dnazoo's (``split_note``), PNG + PDF."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
    written = save_figure(fig, Path(out_stem))
    plt.close(fig)
    return written
