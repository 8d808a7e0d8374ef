"""Variant-effect figures (rule variant_table)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from dnazoo.plots import save_figure, simulated_banner


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


def plot_top_variants(rows: pd.DataFrame, attributions: dict, centre: np.ndarray, stem: str | os.PathLike, title: str, flank: int = 20,
                      simulated: bool = False) -> None:
    """For each top variant, logos of the REF and ALT sequence (bases scaled by their ISM
    attribution, :func:`dnazoo.interpret.variants.variant_ism`) over ``centre ± flank`` bp, the
    variant's position shaded.

    Args:
        rows: one row per variant: ``variant_id``, ``ref``, ``alt``, ``diff``.
        attributions: ``{"ref": (n, L, 4), "alt": (n, L, 4)}``.
        centre: ``(n,)`` 0-based index of the variant in the window.
    """
    import logomaker
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(rows)
    fig, axes = plt.subplots(2 * n, 1, figsize=(9, 1.5 * 2 * n + 0.8), squeeze=False)
    for i, (_, row) in enumerate(rows.reset_index(drop=True).iterrows()):
        c = int(centre[i])
        L = attributions["ref"].shape[1]
        lo, hi = max(0, c - flank), min(L, c + flank + 1)
        mats = [attributions[k][i, lo:hi] for k in ("ref", "alt")]
        lim = max(float(np.abs(m).sum(axis=1).max()) for m in mats) or 1.0
        for j, (which, m) in enumerate(zip(("REF", "ALT"), mats)):
            ax = axes[2 * i + j, 0]
            df = pd.DataFrame(np.asarray(m, dtype=np.float64), columns=list("ACGT"), index=np.arange(lo, hi) - c)
            logomaker.Logo(df, ax=ax, color_scheme="classic", show_spines=False)
            ax.axvspan(-0.5, len(row[which.lower()]) - 0.5, color="gold", alpha=0.3, lw=0)
            ax.set_ylim(-lim, lim)
            ax.axhline(0, color="0.6", lw=0.5)
            ax.tick_params(labelsize=6)
            ax.set_ylabel(which, fontsize=7)
            if j == 0:
                ax.set_title(f"{row['variant_id']}: effect (ALT − REF) {row['diff']:+.3g}", fontsize=8)
            else:
                ax.set_xlabel("bp from the variant", fontsize=7)
    fig.suptitle(title, fontsize=9)
    if simulated:
        simulated_banner(fig, 1.0)
    fig.tight_layout()
    save_figure(fig, stem)
    plt.close(fig)
