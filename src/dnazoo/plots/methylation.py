"""The per-cell figure of a DeepCpG methylation dataset (matplotlib)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from dnazoo.plots import save_figure


def plot_per_cell_auroc(table: pd.DataFrame, models_: list[str], cells: list[str], test_chroms: list[str], label: str,
                        stem: str | os.PathLike) -> None:
    """Test AUROC per model and cell with 95 % bootstrap CIs (columns ``model, cell, auroc, auroc_low,
    auroc_high`` of the per-cell table), one bar group per model, PNG + PDF at ``stem``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(5, 0.9 * len(models_) + 2), 3.6))
    width = 0.8 / len(cells)
    for j, cell in enumerate(cells):
        sub = table[table["cell"] == cell].set_index("model").loc[models_]
        x = np.arange(len(models_)) + j * width
        ax.bar(x, sub["auroc"], width, label=cell,
               yerr=[sub["auroc"] - sub["auroc_low"], sub["auroc_high"] - sub["auroc"]], capsize=2)
    ax.set_xticks(np.arange(len(models_)) + width * (len(cells) - 1) / 2)
    ax.set_xticklabels(models_, rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("test AUROC (95 % bootstrap CI)")
    ax.set_ylim(0.4, 1.0)
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.legend(fontsize=6, title="cell", title_fontsize=6)
    ax.set_title(f"{label}: per-cell methylation AUROC, test chromosomes {', '.join(test_chroms)}",
                 fontsize=8)
    fig.tight_layout()
    save_figure(fig, stem)
    plt.close(fig)
