"""Metrics of every task: binary metrics at a threshold, bootstrap confidence intervals and
paired bootstrap comparisons (scikit-learn, SciPy)."""

from __future__ import annotations

import numpy as np


METRICS = ("auroc", "auprc", "f1", "accuracy", "mcc", "pearson_r")


def binary_metrics(labels: np.ndarray, scores: np.ndarray, threshold: float = 0.5) -> dict:
    """AUROC, AUPRC (average precision), F1, accuracy and MCC (Matthews correlation) at ``threshold``,
    Pearson r(label, score).

    Args:
        labels: ``(n,)`` 0/1. scores: ``(n,)`` float P(label = 1).

    Returns:
        ``{metric: float}`` plus ``n``, ``n_pos``; rank metrics are NaN when only one class is present;
        MCC is 0 when the labels and the predictions are all one and the same class (scikit-learn's
        value, without its warning; a multilabel task with rare labels would log one per label and
        epoch).
    """
    from scipy.stats import pearsonr
    from sklearn.metrics import accuracy_score, average_precision_score, f1_score, matthews_corrcoef, roc_auc_score

    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=np.float64)
    both = len(np.unique(labels)) == 2
    pred = (scores >= threshold).astype(int)
    r = pearsonr(labels, scores)[0] if both and np.ptp(scores) > 0 else float("nan")
    return {
        "auroc": float(roc_auc_score(labels, scores)) if both else float("nan"),
        "auprc": float(average_precision_score(labels, scores)) if both else float("nan"),
        "f1": float(f1_score(labels, pred, zero_division=0)),
        "accuracy": float(accuracy_score(labels, pred)),
        "mcc": (float("nan") if not len(labels) else 0.0 if np.all(labels == pred) and not both
                else float(matthews_corrcoef(labels, pred))),
        "pearson_r": float(r),
        "n": int(len(labels)),
        "n_pos": int(labels.sum()),
    }


def mcc_threshold(labels: np.ndarray, scores: np.ndarray, candidates: int = 512) -> float:
    """The score threshold that maximises MCC on (validation) ``labels``/``scores``, predicting 1
    for ``score >= threshold``; candidates are up to ``candidates`` quantiles of the scores (all the
    distinct scores when fewer), ties go to the threshold nearest 0.5. ``labels``: ``(n,)`` 0/1;
    ``scores``: ``(n,)`` float. Returns 0.5 when there is one class or one distinct score."""
    from sklearn.metrics import matthews_corrcoef

    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=np.float64)
    distinct = np.unique(scores)
    if len(np.unique(labels)) < 2 or len(distinct) < 2:
        return 0.5
    grid = distinct if len(distinct) <= candidates else np.unique(np.quantile(scores, np.linspace(0, 1, candidates)))
    values = np.array([matthews_corrcoef(labels, (scores >= t).astype(int)) for t in grid])
    best = np.flatnonzero(values >= values.max() - 1e-12)
    return float(grid[best[np.argmin(np.abs(grid[best] - 0.5))]])


def bootstrap_ci(labels: np.ndarray, scores: np.ndarray, replicates: int = 1000, level: float = 0.95,
                 seed: int = 0) -> dict:
    """Percentile bootstrap confidence intervals of AUROC and AUPRC over the test rows.

    Resamples rows with replacement ``replicates`` times (seeded); replicates with one class only
    are skipped.

    Returns:
        ``{"auroc_ci": [low, high], "auprc_ci": [low, high], "bootstrap_replicates": n, "ci_level": level}``
        (NaN bounds when fewer than 10 usable replicates).
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    labels = np.asarray(labels).astype(int)
    scores = np.asarray(scores, dtype=np.float64)
    rng = np.random.default_rng(seed)
    aurocs, auprcs = [], []
    for _ in range(replicates):
        idx = rng.integers(0, len(labels), len(labels))
        y = labels[idx]
        if y.min() == y.max():
            continue
        aurocs.append(roc_auc_score(y, scores[idx]))
        auprcs.append(average_precision_score(y, scores[idx]))
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]

    def ci(v):
        return [float(x) for x in np.percentile(v, q)] if len(v) >= 10 else [float("nan")] * 2

    return {"auroc_ci": ci(aurocs), "auprc_ci": ci(auprcs), "bootstrap_replicates": len(aurocs),
            "ci_level": level}


def paired_bootstrap(labels: np.ndarray, scores_a: np.ndarray, scores_b: np.ndarray, replicates: int = 1000,
                     level: float = 0.95, seed: int = 0) -> dict:
    """Paired bootstrap of the AUROC difference ``a − b`` of two models on the same test rows.

    Returns:
        ``{"auroc_a", "auroc_b", "difference", "ci_low", "ci_high", "p_value"}``; the two-sided
        p-value is twice the smaller fraction of replicate differences on either side of 0
        (bounded below by ``1 / replicates``).
    """
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(labels).astype(int)
    a, b = np.asarray(scores_a, dtype=np.float64), np.asarray(scores_b, dtype=np.float64)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(replicates):
        idx = rng.integers(0, len(labels), len(labels))
        y = labels[idx]
        if y.min() == y.max():
            continue
        diffs.append(roc_auc_score(y, a[idx]) - roc_auc_score(y, b[idx]))
    diffs = np.asarray(diffs)
    auc_a, auc_b = roc_auc_score(labels, a), roc_auc_score(labels, b)
    q = [(1 - level) / 2 * 100, (1 + level) / 2 * 100]
    p = 2 * min((diffs <= 0).mean(), (diffs >= 0).mean()) if len(diffs) else float("nan")
    return {"auroc_a": float(auc_a), "auroc_b": float(auc_b), "difference": float(auc_a - auc_b),
            "ci_low": float(np.percentile(diffs, q[0])), "ci_high": float(np.percentile(diffs, q[1])),
            "p_value": float(min(1.0, max(p, 1 / max(len(diffs), 1))))}
