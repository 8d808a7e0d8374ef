"""Variant-effect figures (rule variant_table)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from dnazoo.plots import save_figure


def plot_effects(effects: pd.DataFrame, stem: str | os.PathLike, classes: dict | None = None) -> None:
    """Distribution of |effect| per model on a log scale, one panel per dataset (first target):
    |logit_diff| (log-odds) for binary and multilabel tasks, else |alt − ref|; with ``classes``
    (VCF id → class, a simulated set) or a ``class`` column (an insilico set), one box per class.

    Args:
        effects: ``dataset, model, id, target, abs_diff, logit_diff`` (rule variant_table's
            ``effects.tsv.gz``).
        stem: output path without suffix (``.png`` and ``.pdf`` are written).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = list(dict.fromkeys(effects["dataset"]))
    fig, axes = plt.subplots(len(datasets), 1, figsize=(8, 3.2 * len(datasets)), squeeze=False)
    for ax, d in zip(axes[:, 0], datasets):
        sub = effects[effects["dataset"] == d]
        sub = sub[sub["target"] == sub["target"].iloc[0]]
        models = list(dict.fromkeys(sub["model"]))
        logit = sub["logit_diff"].notna().any()
        value = sub["logit_diff"].abs() if logit else sub["abs_diff"]
        sub = sub.assign(value=np.maximum(value.fillna(0).to_numpy(), 1e-6))
        labels = sub["class"] if "class" in sub else (sub["id"].map(classes) if classes else None)
        groups = sorted(set(labels.dropna())) if labels is not None else [None]
        width = 0.8 / len(groups)
        for k, g in enumerate(groups):
            data = [sub[(sub["model"] == m) & ((labels == g) if g else True)]["value"].to_numpy() for m in models]
            pos = np.arange(len(models)) + (k - (len(groups) - 1) / 2) * width
            box = ax.boxplot(data, positions=pos, widths=width * 0.9, patch_artist=True, showfliers=False)
            for patch in box["boxes"]:
                patch.set_facecolor(f"C{k}")
                patch.set_alpha(0.6)
            if g:
                ax.plot([], [], color=f"C{k}", lw=6, alpha=0.6, label=g)
        ax.set_xticks(np.arange(len(models)), models, rotation=30, ha="right")
        ax.set_yscale("log")
        ax.set_ylabel("|ALT − REF| log-odds" if logit else "|ALT − REF| score")
        ax.set_title(f"{d}: variant effects ({sub['target'].iloc[0]}), {sub['variant_id'].nunique():,} variants")
        if groups != [None]:
            ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    save_figure(fig, stem)
    plt.close(fig)
