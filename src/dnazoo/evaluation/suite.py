"""A run's comparison across datasets: every (dataset, model) row with its baseline comparison and
training record, and one row per model summarised over the datasets (rule ``suite``).

The headline metric of a row is its task's: test AUROC (binary), mean AUROC over labels
(multilabel), mean Pearson r over targets (regression, profile).
"""

from __future__ import annotations

import pandas as pd

#: The headline test metric of each task, as a ``summary.tsv`` column.
HEADLINE = {"binary": "auroc", "multilabel": "mean_auroc", "regression": "mean_pearson_r",
            "profile": "mean_pearson_r"}


def headline_metric(task: str) -> str:
    """The ``summary.tsv`` column that ranks the models of a ``task`` (:data:`HEADLINE`).

    Raises:
        ValueError: an unknown task.
    """
    try:
        return HEADLINE[task]
    except KeyError:
        raise ValueError(f"no headline metric for task {task!r} (known: {sorted(HEADLINE)})") from None


def per_dataset_table(summary: pd.DataFrame, comparisons: dict[str, pd.DataFrame] | None = None,
                      published: dict[str, dict] | None = None) -> pd.DataFrame:
    """One row per (dataset, model): ``dataset, model, task, metric`` (the headline metric's name),
    ``value`` (its test value), the binary columns of ``summary.tsv`` where present (``n``, AUROC CI,
    AUPRC, MCC at 0.5 and at the validation threshold), the paired-bootstrap comparison with the
    dataset's best baseline (``vs_baseline, auroc_difference, difference_ci_low,
    difference_ci_high, p_value``), the training record (``epochs, best_epoch, stopped_by,
    converged, augmentation, tuned``) and, for a dataset with a ``published:`` reference, ``published_metric``,
    ``published_value``, ``published_source`` and ``reaches_published`` (the row's value of that
    metric is at least the published one).

    Args:
        summary: ``results/summary.tsv`` (:func:`dnazoo.pipeline.evaluate.summary_table`).
        comparisons: ``{dataset: baseline_comparison.tsv}`` (:func:`dnazoo.evaluation.compare_with_baselines`).
        published: ``{dataset: {"metric", "value", "source"}}``, the config's ``published:`` blocks.

    Raises:
        ValueError: a ``published`` metric that ``summary.tsv`` does not have for that dataset.
    """
    comparisons, published = comparisons or {}, published or {}
    keep = ["n", "auroc_ci_low", "auroc_ci_high", "auprc", "mcc", "mcc_val_threshold", "val_threshold",
            "epochs", "best_epoch", "stopped_by", "converged", "augmentation", "tuned"]
    rows = []
    for _, r in summary.iterrows():
        metric = headline_metric(str(r["task"]))
        row = {"dataset": r["dataset"], "model": r["model"], "task": r["task"], "metric": metric,
               "value": r.get(metric)}
        row.update({k: r[k] for k in keep if k in r.index and pd.notna(r[k])})
        cmp = comparisons.get(r["dataset"])
        if cmp is not None and len(cmp) and r["model"] in set(cmp["model"]):
            c = cmp.set_index("model").loc[r["model"]]
            row.update({"vs_baseline": c["baseline"], "auroc_difference": c["difference"],
                        "difference_ci_low": c["ci_low"], "difference_ci_high": c["ci_high"],
                        "p_value": c["p_value"]})
        ref = published.get(r["dataset"])
        if ref:
            if ref["metric"] not in r.index or pd.isna(r[ref["metric"]]):
                raise ValueError(f"datasets.{r['dataset']}.published.metric: {ref['metric']!r} is not a test metric "
                                 f"of this dataset's models (summary.tsv columns: {', '.join(summary.columns)})")
            row.update({"published_metric": ref["metric"], "published_value": float(ref["value"]),
                        "published_source": ref["source"],
                        "reaches_published": bool(r[ref["metric"]] >= float(ref["value"]))})
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(["dataset", "value"], ascending=[True, False], kind="stable").reset_index(drop=True)


def per_model_table(per_dataset: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, metric) over the datasets of :func:`per_dataset_table`: ``n_datasets``,
    ``mean``, ``median`` and ``min`` of the headline metric, ``better_than_baseline`` and
    ``worse_than_baseline`` (datasets whose paired-bootstrap CI of the AUROC difference lies above /
    below 0; empty for a model never compared), ``not_converged`` (Keras runs stopped by
    ``max_epochs`` or ``time_cap``, or whose best epoch was the last) and ``median_epochs``.
    Sorted by mean, best first, within each metric."""
    cols = ["model", "metric", "n_datasets", "mean", "median", "min", "better_than_baseline", "worse_than_baseline",
            "not_converged", "median_epochs"]
    if per_dataset.empty:
        return pd.DataFrame(columns=cols)
    out = []
    for (model, metric), g in per_dataset.groupby(["model", "metric"], sort=False):
        compared = g.dropna(subset=["difference_ci_low"]) if "difference_ci_low" in g else g.iloc[:0]
        trained = g.dropna(subset=["converged"]) if "converged" in g else g.iloc[:0]
        out.append({"model": model, "metric": metric, "n_datasets": len(g), "mean": g["value"].mean(),
                    "median": g["value"].median(), "min": g["value"].min(),
                    "better_than_baseline": int((compared["difference_ci_low"] > 0).sum()) if len(compared) else None,
                    "worse_than_baseline": int((compared["difference_ci_high"] < 0).sum()) if len(compared) else None,
                    "not_converged": int((~trained["converged"].map(_as_bool)).sum()) if len(trained) else None,
                    "median_epochs": g["epochs"].median() if "epochs" in g and g["epochs"].notna().any() else None})
    df = pd.DataFrame(out, columns=cols)
    for c in ("better_than_baseline", "worse_than_baseline", "not_converged"):
        df[c] = df[c].astype("Int64")
    return df.sort_values(["metric", "mean"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _as_bool(value) -> bool:
    """A ``converged`` cell as read back from TSV (``True``/``False`` or their strings)."""
    return value is True or str(value).lower() == "true"
