"""Test-split metrics (scikit-learn, SciPy) and the comparison figures (matplotlib)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

METRICS = ("auroc", "auprc", "f1", "accuracy", "pearson_r")


def binary_metrics(labels: np.ndarray, scores: np.ndarray, threshold: float = 0.5) -> dict:
    """AUROC, AUPRC (average precision), F1 and accuracy at ``threshold``, Pearson r(label, score).

    Args:
        labels: ``(n,)`` 0/1. scores: ``(n,)`` float P(label = 1).

    Returns:
        ``{metric: float}`` plus ``n``, ``n_pos``; rank metrics are NaN when only one class is present.
    """
    from scipy.stats import pearsonr
    from sklearn.metrics import accuracy_score, average_precision_score, f1_score, roc_auc_score

    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=np.float64)
    both = len(np.unique(labels)) == 2
    pred = (scores >= threshold).astype(int)
    r = pearsonr(labels, scores)[0] if both and np.std(scores) > 0 else float("nan")
    return {
        "auroc": float(roc_auc_score(labels, scores)) if both else float("nan"),
        "auprc": float(average_precision_score(labels, scores)) if both else float("nan"),
        "f1": float(f1_score(labels, pred, zero_division=0)),
        "accuracy": float(accuracy_score(labels, pred)),
        "pearson_r": float(r),
        "n": int(len(labels)),
        "n_pos": int(labels.sum()),
    }


def _save(fig, stem: Path) -> None:
    from .io import atomic_path

    for ext in ("png", "pdf"):
        with atomic_path(stem.with_suffix(f".{ext}"), suffix=f".{ext}") as tmp:
            fig.savefig(tmp, dpi=150, bbox_inches="tight")


def plot_dataset(dataset: str, predictions: dict[str, pd.DataFrame], metrics: dict[str, dict],
                 out_dir: str | os.PathLike, title_note: str = "") -> list[Path]:
    """ROC and PR curves of all models on one plot each, and an AUROC bar chart; PNG + PDF.

    Args:
        dataset: dataset name (used in titles; the simulated demo is named as such there).
        predictions: ``{model: table with label, score}`` on the test split.
        metrics: ``{model: binary_metrics(...)}``.
        out_dir: folder for ``roc``, ``pr`` and ``auroc`` ``.png``/``.pdf``.
        title_note: extra text for titles (e.g. "simulated data", the split).

    Returns:
        The written paths.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve, roc_curve

    out_dir = Path(out_dir)
    title = f"{dataset}{f' ({title_note})' if title_note else ''} — test split"
    written = []
    order = sorted(predictions, key=lambda m: -np.nan_to_num(metrics[m]["auroc"], nan=-1))

    fig, ax = plt.subplots(figsize=(5, 5))
    for m in order:
        df = predictions[m]
        if df["label"].nunique() == 2:
            fpr, tpr, _ = roc_curve(df["label"], df["score"])
            ax.plot(fpr, tpr, label=f"{m} (AUROC {metrics[m]['auroc']:.3f})")
    ax.plot([0, 1], [0, 1], ls=":", c="grey")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC: {title}")
    ax.legend(loc="lower right", fontsize=8)
    _save(fig, out_dir / "roc")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 5))
    for m in order:
        df = predictions[m]
        if df["label"].nunique() == 2:
            prec, rec, _ = precision_recall_curve(df["label"], df["score"])
            ax.plot(rec, prec, label=f"{m} (AUPRC {metrics[m]['auprc']:.3f})")
    base = next(iter(predictions.values()))["label"].mean() if predictions else 0
    ax.axhline(base, ls=":", c="grey")
    ax.set(xlabel="recall", ylabel="precision", title=f"PR: {title}", ylim=(0, 1.02))
    ax.legend(loc="lower left", fontsize=8)
    _save(fig, out_dir / "pr")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(max(4, 1 + 0.9 * len(order)), 4))
    vals = [metrics[m]["auroc"] for m in order]
    ax.bar(range(len(order)), vals, color="tab:blue")
    for i, v in enumerate(vals):
        ax.text(i, v + 0.01, f"{v:.3f}", ha="center", fontsize=8)
    ax.axhline(0.5, ls=":", c="grey")
    ax.set_xticks(range(len(order)), order, rotation=30, ha="right")
    ax.set(ylabel="test AUROC", ylim=(0, 1.08), title=f"AUROC: {title}")
    _save(fig, out_dir / "auroc")
    plt.close(fig)
    for stem in ("roc", "pr", "auroc"):
        written += [out_dir / f"{stem}.png", out_dir / f"{stem}.pdf"]
    return written
