"""A leaderboard across datasets (rule ``leaderboard``): each model's headline test metric on every
dataset, its rank there, its mean rank, and whether the differences between models are real.

The statistics follow Demšar (JMLR 7:1–30, 2006) through autorank (Herbold, JOSS 2020,
https://github.com/sherbold/autorank): the Friedman test over the datasets on which every ranked
model has a result, then the Nemenyi post-hoc test and its critical difference (two models differ
when their mean ranks differ by more), drawn as a critical-difference diagram. autorank needs at
least 5 datasets; with fewer, the leaderboard has ranks and no test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

#: autorank refuses fewer paired measurements (datasets) than this.
MIN_DATASETS = 5


def leaderboard_table(per_dataset: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, model) of ``results/suite/per_dataset.tsv`` with its rank among the
    dataset's models (1 = best headline value; ties share the mean rank; a model without a value
    gets none).

    Args:
        per_dataset: :func:`dnazoo.evaluation.suite.per_dataset_table` (``dataset, model, metric,
            value`` and optionally ``auroc_ci_low, auroc_ci_high, converged``).

    Returns:
        ``dataset, model, metric, value, ci_low, ci_high, rank, converged, augmentation, tuned``
        (the last three from the training record; empty for baselines), sorted by dataset and rank.
    """
    cols = ["dataset", "model", "metric", "value", "ci_low", "ci_high", "rank", "converged", "augmentation", "tuned"]
    if per_dataset.empty:
        return pd.DataFrame(columns=cols)
    df = per_dataset.copy()
    df["ci_low"] = df["auroc_ci_low"] if "auroc_ci_low" in df else np.nan
    df["ci_high"] = df["auroc_ci_high"] if "auroc_ci_high" in df else np.nan
    for c in ("converged", "augmentation", "tuned"):
        if c not in df:
            df[c] = np.nan
    df["rank"] = df.groupby("dataset")["value"].rank(ascending=False, method="average")
    return df[cols].sort_values(["dataset", "rank"], kind="stable").reset_index(drop=True)


def mean_ranks(table: pd.DataFrame, alpha: float = 0.05) -> tuple[pd.DataFrame, dict]:
    """Mean rank of each model over the datasets and, with at least :data:`MIN_DATASETS` datasets on
    which every model has a value, the Friedman test and the Nemenyi critical difference
    (autorank, ``force_mode="nonparametric"``).

    Args:
        table: :func:`leaderboard_table`.
        alpha: family-wise significance level.

    Returns:
        ``(ranks, stats)``: ``ranks`` one row per model (``model, n_datasets, mean_value,
        mean_rank``, and with a test ``friedman_rank``: autorank's mean rank over the complete
        datasets, ``group``: the models whose ranks do not differ by more than the critical
        difference from this one); ``stats``: ``n_datasets, n_models, friedman_p, critical_difference,
        alpha, test`` (``test`` None and a ``reason`` when there is too little data), plus
        ``result``: autorank's result for :func:`dnazoo.plots.evaluation.plot_critical_difference`.
    """
    wide = table.pivot(index="dataset", columns="model", values="value")
    ranks = (table.groupby("model").agg(n_datasets=("value", "count"), mean_value=("value", "mean"),
                                        mean_rank=("rank", "mean"))
             .sort_values("mean_rank", kind="stable").reset_index())
    complete = wide.dropna(axis=0, how="any")
    stats = {"n_datasets": int(len(complete)), "n_models": int(wide.shape[1]), "alpha": alpha, "test": None,
             "friedman_p": None, "critical_difference": None, "result": None}
    if wide.shape[1] < 3:
        stats["reason"] = f"{wide.shape[1]} models: the Friedman test compares at least 3"
        return ranks, stats
    if len(complete) < MIN_DATASETS:
        stats["reason"] = (f"{len(complete)} datasets with a value for every model: autorank needs at least "
                           f"{MIN_DATASETS}")
        return ranks, stats
    from autorank import autorank

    result = autorank(complete, alpha=alpha, verbose=False, order="descending", force_mode="nonparametric")
    cd = float(result.cd) if result.cd is not None else None
    rank_of = result.rankdf["meanrank"].to_dict()
    ranks["friedman_rank"] = ranks["model"].map(rank_of)
    if cd is not None:
        ranks["group"] = [", ".join(sorted(m for m in rank_of if abs(rank_of[m] - rank_of[model]) <= cd))
                          for model in ranks["model"]]
    stats.update(test=f"Friedman + Nemenyi ({result.omnibus}, {result.posthoc})", friedman_p=float(result.pvalue),
                 critical_difference=cd, result=result)
    return ranks, stats


def cost_table(table: pd.DataFrame, records: dict[tuple[str, str], dict],
               inference: dict[tuple[str, str], dict] | None = None) -> pd.DataFrame:
    """Each (dataset, model)'s cost beside its metric: ``parameters`` (trainable and frozen, from
    ``run.json``), ``train_s`` (wall seconds of training on the machine that ran it; None for
    scikit-learn baselines, whose fit is not timed), ``tuning_trials`` and ``tuning_s`` (rule
    ``tune``'s trials and their summed wall seconds, for a model trained with tuned parameters;
    None otherwise), ``inference_rows_per_s`` (test rows scored
    per second by rule ``evaluate`` on the machine that ran it, data loading included; None for
    ensembles) and ``log10_parameters``.

    Args:
        records: ``{(dataset, model): run.json}``.
        inference: ``{(dataset, model): inference.json}``.
    """
    rows = []
    for r in table.itertuples():
        rec = records.get((r.dataset, r.model)) or {}
        result = rec.get("result") or {}
        params = result.get("parameters")
        budget = (rec.get("settings") or {}).get("tuning_budget") or {}
        rows.append({"dataset": r.dataset, "model": r.model, "metric": r.metric, "value": r.value,
                     "parameters": params, "train_s": result.get("train_s", rec.get("train_s")),
                     "tuning_trials": budget.get("trials"), "tuning_s": budget.get("seconds"),
                     "inference_rows_per_s": ((inference or {}).get((r.dataset, r.model)) or {}).get("rows_per_s"),
                     "log10_parameters": math.log10(params) if params else None})
    return pd.DataFrame(rows)
