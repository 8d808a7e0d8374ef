"""Comparisons of models on the same test rows: the paired bootstrap against the best baseline and
the summary of evaluation protocols."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dnazoo.tasks.metrics import paired_bootstrap


def compare_with_baselines(predictions: dict[str, pd.DataFrame], baselines: list[str], replicates: int = 1000,
                           level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Every non-baseline model against the best baseline (highest test AUROC) on the same test rows.

    Args:
        predictions: ``{model: table with id, label, score}``, all on the same test split.
        baselines: the names in ``predictions`` that are baselines.

    Returns:
        One row per model: ``model, baseline, auroc_model, auroc_baseline, difference, ci_low,
        ci_high, p_value`` (paired bootstrap, :func:`paired_bootstrap`); empty without a baseline.

    Raises:
        ValueError: two prediction tables that do not list the same test rows.
    """
    from sklearn.metrics import roc_auc_score

    cols = ["model", "baseline", "auroc_model", "auroc_baseline", "difference", "ci_low", "ci_high", "p_value"]
    present = [b for b in baselines if b in predictions]
    if not present:
        return pd.DataFrame(columns=cols)
    best = max(present, key=lambda b: roc_auc_score(predictions[b]["label"], predictions[b]["score"]))
    ref = predictions[best]
    rows = []
    for model, df in predictions.items():
        if model in present:
            continue
        if not np.array_equal(df["id"].to_numpy(), ref["id"].to_numpy()):
            raise ValueError(f"predictions of {model} and {best} are not on the same test rows")
        r = paired_bootstrap(ref["label"], df["score"], ref["score"], replicates, level, seed)
        rows.append({"model": model, "baseline": best, "auroc_model": r["auroc_a"], "auroc_baseline": r["auroc_b"],
                     "difference": r["difference"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                     "p_value": r["p_value"]})
    return pd.DataFrame(rows, columns=cols)


def protocol_summary(metrics: list[dict], protocols: dict[str, str]) -> pd.DataFrame:
    """Aggregate test metrics of a group of datasets by evaluation protocol and model.

    Args:
        metrics: ``metrics.json`` records (keys ``dataset``, ``model``, ``auroc``, ``auprc`` and,
            when bootstrapped, ``auroc_ci``).
        protocols: ``{dataset: protocol label}`` (:func:`dnazoo.config.protocol_label`); datasets
            with the same label are replicates of one protocol (cv folds, training seeds).

    Returns:
        One row per (protocol, model), protocols in first-seen order: ``replicates`` (n),
        ``auroc_mean``, ``auroc_sd`` (sample sd, ddof = 1; NaN for n = 1), ``auprc_mean``,
        ``auprc_sd``, ``auroc_ci_low``/``auroc_ci_high`` (the bootstrap CI when n = 1, else NaN),
        ``aurocs`` (the replicate values, comma-separated) and ``datasets``.

    Raises:
        KeyError: a record whose dataset has no protocol label.
    """
    df = pd.DataFrame(metrics)
    df["protocol"] = [protocols[d] for d in df["dataset"]]
    order = list(dict.fromkeys(protocols[d] for d in protocols))
    rows = []
    for (protocol, model), g in df.groupby(["protocol", "model"], sort=False):
        ci = g["auroc_ci"].iloc[0] if len(g) == 1 and "auroc_ci" in g and isinstance(g["auroc_ci"].iloc[0], list) \
            else [np.nan, np.nan]
        rows.append({"protocol": protocol, "model": model, "replicates": len(g),
                     "auroc_mean": g["auroc"].mean(), "auroc_sd": g["auroc"].std(ddof=1),
                     "auprc_mean": g["auprc"].mean(), "auprc_sd": g["auprc"].std(ddof=1),
                     "auroc_ci_low": ci[0], "auroc_ci_high": ci[1],
                     "aurocs": ",".join(f"{v:.4f}" for v in g["auroc"]), "datasets": ",".join(g["dataset"])})
    out = pd.DataFrame(rows)
    out["_p"] = out["protocol"].map({p: i for i, p in enumerate(order)})
    return out.sort_values(["_p", "auroc_mean"], ascending=[True, False]).drop(columns="_p").reset_index(drop=True)


