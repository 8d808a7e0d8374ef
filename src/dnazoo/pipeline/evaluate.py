"""The evaluation stages (rules evaluate, figures): test metrics, predictions, figures, the summary, baseline comparisons and protocols."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.io import read_table, write_table
from dnazoo.pipeline.common import configure_backend, evaluation_settings
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


#: Multilabel datasets with at most this many labels get bootstrap CIs per label (a DeepCpG dataset's
#: cells); more (DeepSEA's 690) would multiply the evaluation time by the label count.
MAX_CI_TARGETS = 32


def per_target_ci(per_target: pd.DataFrame, targets: np.ndarray, scores: np.ndarray, ev: dict) -> pd.DataFrame:
    """``per_target`` with percentile bootstrap CIs of each label's AUROC and AUPRC over its observed
    rows (:func:`dnazoo.tasks.metrics.bootstrap_ci`): ``auroc_low, auroc_high, auprc_low, auprc_high``."""
    from dnazoo.tasks.metrics import bootstrap_ci

    bounds = []
    for j in range(targets.shape[1]):
        obs = targets[:, j] >= 0
        ci = bootstrap_ci(targets[obs, j], scores[obs, j], ev["bootstrap"], ev["ci"], ev["seed"])
        bounds.append({"auroc_low": ci["auroc_ci"][0], "auroc_high": ci["auroc_ci"][1],
                       "auprc_low": ci["auprc_ci"][0], "auprc_high": ci["auprc_ci"][1]})
    return pd.concat([per_target.reset_index(drop=True), pd.DataFrame(bounds)], axis=1)


def evaluate_stage(model: str, model_path, encoded_dir, kind: str, metrics_out, predictions_out,
                   dataset: str = "", threads: int = 1, evaluation: dict | None = None,
                   per_target_out=None, settings: dict | None = None, examples_out=None,
                   diagnostics_out=None, inference_out=None) -> dict:
    """Test-split metrics of the dataset's task (:meth:`dnazoo.tasks.Task.metrics`) in
    ``metrics.json`` and per-row scores in ``predictions.tsv.gz``.

    Binary: bootstrap CIs of AUROC and AUPRC per the config's ``evaluation`` block, and MCC at the
    threshold that maximises validation MCC (``val_threshold``, ``mcc_val_threshold``;
    :func:`dnazoo.tasks.metrics.mcc_threshold`) beside ``mcc`` at 0.5. Other tasks:
    one row per target (label / track) in ``per_target_out`` (``per_target.tsv``; multilabel with at
    most :data:`MAX_CI_TARGETS` labels: bootstrap CIs per label). Profile: also
    ``control_mean_pearson_r`` (the predictions against the tracks of shuffled windows). Every
    task: the observed targets and the scores of the four test rows with the most observed signal
    (counts, positive labels) in ``examples_out`` (``.npz``: observed, predicted, ids, tracks).
    ``inference_out`` (``inference.json``): test rows scored per second on this machine (strand
    averaging included where the settings ask for it), for the leaderboard's cost view.
    Keras models: ``dead_relu_layers`` (ReLU layers with no unit above 0 on the test rows) in the
    metrics, and ``diagnostics_out`` (``diagnostics.json``): live units per ReLU layer and, for a
    model with BatchNormalization, moving against batch statistics
    (:mod:`dnazoo.evaluation.diagnostics`).
    """
    from dnazoo.training import predict_arrays, prediction_table, split_targets

    configure_backend(threads, model)
    from dnazoo.training import load_trained

    trained = load_trained(model, model_path)
    t0 = time.perf_counter()
    data, task, raw = predict_arrays(model, trained, encoded_dir, "test", kind, settings)
    predict_s = time.perf_counter() - t0
    if inference_out is not None:  # seconds: kept apart from metrics.json, which a rerun writes byte-identical
        n = len(data["labels"])
        write_json({"split": "test", "rows": int(n), "predict_s": round(predict_s, 3), "threads": int(threads),
                    "rows_per_s": round(n / predict_s, 1) if predict_s > 0 else None}, inference_out)
    pred = prediction_table(data, task, raw)
    if task.name == "profile":
        targets, scores = np.asarray(data["labels"]), raw
    else:
        targets, scores = split_targets(pred, task)
    summary, per_target = task.metrics(targets, scores)
    if task.name == "profile" and len(targets) > 2:
        # control: the same predictions against the observed tracks of other (shuffled) windows
        perm = np.random.default_rng(0).permutation(len(targets))
        summary["control_mean_pearson_r"] = task.metrics(targets[perm], scores)[0]["mean_pearson_r"]
    if examples_out is not None:  # the 4 test rows with the most observed signal (counts, positives)
        from dnazoo.io import save_npz

        obs = np.asarray(data["labels"], dtype=np.float64)
        top = np.argsort(-np.nan_to_num(obs.reshape(len(obs), -1)).clip(0).sum(axis=1), kind="stable")[:4]
        save_npz(examples_out, observed=obs[top], predicted=np.asarray(raw)[top], ids=np.asarray(data["ids"])[top],
                 tracks=np.asarray(task.targets))
    metrics = {"dataset": dataset, "model": model, "kind": data["spec"].get("kind", kind), "split": "test",
               "task": task.name, **summary}
    if task.name == "binary" and len(targets):
        # MCC at the threshold that maximises validation MCC (GUE reports MCC; 0.5 is arbitrary
        # for a model whose scores are not calibrated)
        from dnazoo.tasks.metrics import mcc_threshold
        from sklearn.metrics import matthews_corrcoef

        val_data, _, val_raw = predict_arrays(model, trained, encoded_dir, "val", kind, settings)
        val_pred = prediction_table(val_data, task, val_raw)
        threshold = mcc_threshold(val_pred["label"], val_pred["score"])
        metrics["val_threshold"] = threshold
        metrics["mcc_val_threshold"] = float(matthews_corrcoef(pred["label"].astype(int),
                                                               (pred["score"] >= threshold).astype(int)))
    if diagnostics_out is not None:
        diagnostics = model_diagnostics(model, trained, encoded_dir, kind, data)
        if "relu_layers" in diagnostics:
            metrics["dead_relu_layers"] = sum(r["live_units"] == 0 for r in diagnostics["relu_layers"])
        write_json(diagnostics, diagnostics_out)
    per_target = _add_cis(metrics, per_target, pred, targets, scores, task, evaluation)
    log.info("%s on %s: %s", model, dataset, metrics)
    _write_scores(model, pred, per_target, metrics, predictions_out, per_target_out, metrics_out)
    return metrics


def _add_cis(metrics: dict, per_target, pred: pd.DataFrame, targets, scores, task, evaluation: dict | None):
    """The bootstrap CIs of the ``evaluation`` block: AUROC and AUPRC into ``metrics`` (binary), per
    label into the returned ``per_target`` (multilabel with at most :data:`MAX_CI_TARGETS` labels)."""
    from dnazoo.tasks.metrics import bootstrap_ci

    ev = evaluation_settings(evaluation)
    if task.name == "multilabel" and ev["bootstrap"] and task.n_targets <= MAX_CI_TARGETS:
        per_target = per_target_ci(per_target, targets, scores, ev)
    if task.name == "binary" and ev["bootstrap"] and pred["label"].nunique() == 2:
        metrics.update(bootstrap_ci(pred["label"], pred["score"], ev["bootstrap"], ev["ci"], ev["seed"]))
    return per_target


def _write_scores(model: str, pred: pd.DataFrame, per_target, metrics: dict, predictions_out, per_target_out,
                  metrics_out) -> None:
    """``predictions.tsv.gz``, ``per_target.tsv`` (one ``label`` row for a binary task) and
    ``metrics.json`` of one model or ensemble (metrics last)."""
    write_table(pred, predictions_out)
    if per_target_out is not None:
        if per_target is None:
            per_target = pd.DataFrame([{"target": "label", **{k: metrics[k] for k in ("n", "auroc", "auprc")}}])
        write_table(per_target.assign(model=model), per_target_out)
    write_json(metrics, metrics_out)


def model_diagnostics(name: str, trained, encoded_dir, kind: str, test: dict) -> dict:
    """``diagnostics.json`` of a trained model: ``{"model", "framework"}`` and, for a Keras model,
    ``relu_layers`` (:func:`dnazoo.evaluation.diagnostics.live_units` on the test split ``test``) and,
    with BatchNormalization, ``batch_norm`` (:func:`dnazoo.evaluation.diagnostics.batch_statistics`
    on the training and validation splits)."""
    from dnazoo import models
    from dnazoo.data.dataset import load_split, model_inputs

    framework = models.get(name).framework
    out = {"model": name, "framework": framework}
    if framework != "keras":
        return out
    from dnazoo.evaluation.diagnostics import batch_statistics, has_batch_norm, live_units

    try:
        out["relu_layers"] = live_units(trained, model_inputs(test, trained))
        if has_batch_norm(trained):
            splits = {}
            for split in ("train", "val"):
                data = load_split(encoded_dir, split, kind)
                splits[split] = (model_inputs(data, trained), data["labels"])
            out["batch_norm"] = batch_statistics(trained, splits)
    except Exception as err:  # a check that cannot probe this architecture must not lose the metrics
        log.warning("%s: diagnostics failed (%s: %s); diagnostics.json records the error", name,
                    type(err).__name__, err)
        out["error"] = f"{type(err).__name__}: {err}"
    dead = [r["layer"] for r in out.get("relu_layers", []) if r["live_units"] == 0]
    if dead:
        log.warning("%s: ReLU layer(s) %s have no unit above 0 on any test row (dead): the model scores every "
                    "row alike from there on", name, dead)
    return out


def figures_stage(dataset: str, models_: list[str], metrics_files: list, prediction_files: list,
                  out_dir, note: str = "", per_target_files: list | None = None, task: str = "binary",
                  example_files: list | None = None, unit: str = "pairs") -> None:
    """The test-split figures of one dataset (PNG + PDF): ROC, PR and AUROC for a binary task
    (:func:`dnazoo.plots.evaluation.plot_dataset`); for multilabel and regression tasks the distribution of
    the per-target metric per model and its best and worst targets
    (:func:`dnazoo.plots.evaluation.plot_targets`); for the profile task Pearson r per track and observed
    against predicted tracks of test windows (:func:`dnazoo.plots.evaluation.plot_profiles`). ``unit``:
    what a test row is (pairs, sequences, windows), for the counts in the titles."""
    import json

    from dnazoo.plots.evaluation import plot_dataset, plot_targets

    metrics = {m: json.loads(Path(f).read_text()) for m, f in zip(models_, metrics_files)}
    if task == "binary":
        preds = {m: read_table(f) for m, f in zip(models_, prediction_files)}
        plot_dataset(dataset, preds, metrics, out_dir, note, unit)
        return
    per = {m: read_table(f) for m, f in zip(models_, per_target_files)}
    if task == "profile":
        from dnazoo.plots.evaluation import plot_profiles

        plot_profiles(dataset, per, {m: np.load(f) for m, f in zip(models_, example_files)}, metrics, out_dir, note,
                      unit)
        return
    n_rows = next((m.get("n") for m in metrics.values() if m.get("n")), None)
    plot_targets(dataset, per, "auroc" if task == "multilabel" else "pearson_r", out_dir, note, n_rows=n_rows,
                 unit=unit)


def training_figure_stage(dataset: str, model: str, history, out_png, note: str = "") -> None:
    """The training curves of one model (:func:`dnazoo.plots.evaluation.plot_training`), PNG + PDF."""
    from dnazoo.plots.evaluation import plot_training

    plot_training(read_table(history), model, dataset, Path(out_png).with_suffix(""), note)


#: The identifying columns of ``results/summary.tsv``, first and in this order.
SUMMARY_KEYS = ("dataset", "model", "kind", "task", "split")
#: The training record (``run.json`` ``result``) that ``summary.tsv`` shows after the test metrics
#: (not ``train_s``, the seconds of training, which ``run.json`` keeps: the table stays the same
#: from one run to the next).
TRAINING_KEYS = ("epochs", "best_epoch", "stopped_by", "converged", "augmentation", "tuned")


def augmentation_label(settings: dict) -> str:
    """What a Keras run's training saw beyond its data, for ``summary.tsv``: ``rc`` (reverse-
    complement augmentation), ``shift<n>`` (random shifts up to n bp), ``strand_avg`` (test-time
    averaging over both strands), joined by ``+``; ``none`` without any."""
    parts = (["rc"] if settings.get("augment_reverse_complement") else []) + \
        ([f"shift{int(settings['augment_shift'])}"] if settings.get("augment_shift") else []) + \
        (["strand_avg"] if settings.get("average_strands") else [])
    return "+".join(parts) or "none"


def summary_table(rows: list[dict], digits: int = 4) -> pd.DataFrame:
    """The ``summary.tsv`` table of metrics rows (one ``metrics.json`` each): the identifying
    columns :data:`SUMMARY_KEYS` first, then the metrics in alphabetical order (the training
    record :data:`TRAINING_KEYS` last), each confidence
    interval ``[low, high]`` as two columns ``<name>_low`` and ``<name>_high``, floats rounded to
    ``digits`` decimals; rows sorted by dataset, then by the headline metric (AUROC, or mean
    Pearson r for regression and profile rows), best first."""
    flat = []
    for row in rows:
        out = {}
        for k, v in row.items():
            if isinstance(v, (list, tuple)) and len(v) == 2 and k.endswith("_ci"):
                out[f"{k}_low"], out[f"{k}_high"] = v
            else:
                out[k] = v
        flat.append(out)
    df = pd.DataFrame(flat)
    key = "auroc" if "auroc" in df else "mean_pearson_r"
    if "mean_pearson_r" in df and "auroc" in df:  # regression rows sort by their mean Pearson r
        df["_key"] = df["auroc"].fillna(df["mean_pearson_r"])
        key = "_key"
    if key in df:
        df = df.sort_values(["dataset", key], ascending=[True, False], kind="stable")
    df = df.drop(columns=["_key"], errors="ignore").reset_index(drop=True)
    ids = [c for c in SUMMARY_KEYS if c in df]
    order = lambda c: c.replace("_ci_low", "_ci_0").replace("_ci_high", "_ci_1")  # noqa: E731 (low before high)
    last = [c for c in TRAINING_KEYS if c in df]
    for c in ("epochs", "best_epoch"):  # integers, empty for the baselines
        if c in df:
            df[c] = df[c].astype("Int64")
    metrics = sorted((c for c in df if c not in ids and c not in last), key=order)
    return _rounded(df[ids + metrics + last], digits)


def _rounded(df: pd.DataFrame, digits: int) -> pd.DataFrame:
    """``df`` with its float columns rounded to ``digits`` decimals."""
    floats = df.select_dtypes("float").columns
    return df.assign(**{c: df[c].round(digits) for c in floats})


def summary_stage(metrics_files: list, out, dataset_kinds: dict | None = None,
                  record_files: list | None = None) -> pd.DataFrame:
    """One row per (dataset, model) with all test metrics: ``summary.tsv`` (:func:`summary_table`).
    Each file is one model's ``metrics.json``; ``dataset_kinds`` (``{dataset: kind}``) fills the
    ``kind`` column where a file has none. ``record_files``: the models' ``run.json``, in the same
    order; their :data:`TRAINING_KEYS` (epochs run, best epoch, what stopped training, whether it
    converged, the augmentation (:func:`augmentation_label`), whether the parameters were tuned)
    join each row (Keras models; baselines have none)."""
    import json

    rows = [json.loads(Path(f).read_text()) for f in metrics_files]
    for i, row in enumerate(rows):
        row.setdefault("kind", (dataset_kinds or {}).get(row.get("dataset"), ""))
        if record_files:
            record = json.loads(Path(record_files[i]).read_text())
            result = record.get("result", {})
            if "stopped_by" in result:  # a Keras model's training
                row.update({k: result[k] for k in TRAINING_KEYS if k in result})
                settings = record.get("settings") or {}
                row.update(augmentation=augmentation_label(settings), tuned=bool(settings.get("tuned_params")))
    df = summary_table(rows)
    write_table(df, out)
    return df


def per_target_table_stage(per_target_files: list, out, digits: int = 4) -> pd.DataFrame:
    """The ``per_target.tsv`` files of a dataset's models as one table, ``model`` and ``target``
    first, floats rounded to ``digits`` decimals: ``results/<dataset>/per_target.tsv``."""
    df = pd.concat([read_table(f) for f in per_target_files], ignore_index=True)
    first = [c for c in ("model", "target") if c in df]
    df = _rounded(df[first + [c for c in df if c not in first]], digits)
    write_table(df, out)
    return df


def baseline_comparison_stage(models_: list[str], prediction_files: list, baselines: list[str], evaluation: dict,
                              out) -> pd.DataFrame:
    """Every model against the dataset's best baseline, paired bootstrap on the same test rows."""
    from dnazoo.evaluation import compare_with_baselines

    ev = evaluation_settings(evaluation)
    preds = {m: read_table(f) for m, f in zip(models_, prediction_files)}
    df = compare_with_baselines(preds, baselines, max(ev["bootstrap"], 100), ev["ci"], ev["seed"])
    log.info("models against the best baseline:\n%s", df.to_string(index=False))
    write_table(df, out)
    return df


def protocols_stage(group: str, metrics_files: list, protocols: dict, baselines: list[str], out_table, out_stem,
                    note: str = "") -> pd.DataFrame:
    """A group's protocol comparison: ``<group>.tsv`` (:func:`dnazoo.evaluation.protocol_summary`) and
    the one-panel-per-protocol figure (:func:`dnazoo.plots.evaluation.plot_protocols`)."""
    import json

    from dnazoo.plots.evaluation import plot_protocols

    from dnazoo.evaluation import protocol_summary

    summary = protocol_summary([json.loads(Path(f).read_text()) for f in metrics_files], dict(protocols))
    log.info("group %s:\n%s", group, summary.drop(columns=["aurocs", "datasets"]).to_string())
    write_table(summary, out_table)
    plot_protocols(summary, group, out_stem, tuple(baselines), note)
    return summary


def suite_stage(summary, comparisons: dict, published: dict, per_dataset_out, per_model_out,
                digits: int = 4) -> pd.DataFrame:
    """``results/suite/``: :func:`dnazoo.evaluation.suite.per_dataset_table` of ``summary.tsv`` and the
    ``baseline_comparison.tsv`` files (``{dataset: path}``) and :func:`dnazoo.evaluation.suite.per_model_table`,
    floats rounded to ``digits`` decimals."""
    from dnazoo.evaluation.suite import per_dataset_table, per_model_table

    rows = per_dataset_table(read_table(summary), {d: read_table(f) for d, f in comparisons.items()}, published)
    models_ = per_model_table(rows)
    log.info("models over %d dataset(s):\n%s", rows["dataset"].nunique() if len(rows) else 0, models_.to_string())
    write_table(_rounded(rows, digits), per_dataset_out)
    write_table(_rounded(models_, digits), per_model_out)
    return rows


def leaderboard_stage(per_dataset, records: dict, out_dir, title: str = "", alpha: float = 0.05,
                      digits: int = 4, inference: dict | None = None) -> dict:
    """``results/leaderboard/`` (:mod:`dnazoo.evaluation.leaderboard`): ``leaderboard.tsv`` (each
    (dataset, model) with its headline metric, CI, rank and convergence), ``ranks.tsv`` (mean rank per
    model, Nemenyi groups), ``statistics.json`` (Friedman p, critical difference, or why no test),
    ``cost.tsv`` (parameters, training seconds, test rows scored per second) and the figures
    ``cd``, ``heatmap``, ``pareto`` (PNG + PDF).

    Args:
        per_dataset: ``results/suite/per_dataset.tsv``.
        records: ``{"<dataset>/<model>": run.json path}``.
        inference: ``{"<dataset>/<model>": inference.json path}`` (rule ``evaluate``).
    """
    import json

    from dnazoo.evaluation.leaderboard import cost_table, leaderboard_table, mean_ranks
    from dnazoo.plots.leaderboard import plot_critical_difference, plot_heatmap, plot_pareto

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = leaderboard_table(read_table(per_dataset))
    ranks, stats = mean_ranks(table, alpha)
    recs = {tuple(k.split("/", 1)): json.loads(Path(p).read_text()) for k, p in records.items()}
    speed = {tuple(k.split("/", 1)): json.loads(Path(p).read_text()) for k, p in (inference or {}).items()}
    cost = cost_table(table, recs, speed)
    write_table(_rounded(table, digits), out / "leaderboard.tsv")
    write_table(_rounded(ranks, digits), out / "ranks.tsv")
    write_table(_rounded(cost, digits), out / "cost.tsv")
    public = {k: v for k, v in stats.items() if k != "result"}
    write_json(public, out / "statistics.json")
    log.info("leaderboard over %d dataset(s):\n%s\n%s", table["dataset"].nunique() if len(table) else 0,
             ranks.to_string(), public)
    plot_critical_difference(stats, out / "cd", title)
    plot_heatmap(table, list(ranks["model"]), out / "heatmap", title)
    plot_pareto(cost, out / "pareto", title)
    return public


def ensemble_stage(name: str, members: dict, encoded_dir, average: str, metrics_out, predictions_out,
                   per_target_out, record_out, dataset: str = "", evaluation: dict | None = None,
                   member_records: dict | None = None) -> dict:
    """Rule ``ensemble``: the members' test predictions averaged
    (:func:`dnazoo.evaluation.ensemble.average_predictions`) and evaluated as
    :func:`evaluate_stage` evaluates a model: ``metrics.json`` (bootstrap CIs of AUROC and AUPRC
    for binary tasks; MCC at 0.5 only, since the members' validation scores are not kept),
    ``predictions.tsv.gz``, ``per_target.tsv`` and a ``run.json`` naming the members, the average
    and their summed parameters and training seconds.

    Args:
        members: ``{model: predictions.tsv.gz}``; member_records: ``{model: run.json}``.
    """
    import json

    from dnazoo.data.dataset import read_spec
    from dnazoo.evaluation.ensemble import average_predictions
    from dnazoo.tasks import from_spec
    from dnazoo.training import split_targets

    spec = read_spec(encoded_dir)
    task = from_spec(spec)
    pred = average_predictions({m: read_table(p) for m, p in members.items()}, average, task.name)
    targets, scores = split_targets(pred, task)
    summary, per_target = task.metrics(targets, scores)
    metrics = {"dataset": dataset, "model": name, "kind": spec.get("kind", ""), "split": "test", "task": task.name,
               **summary}
    per_target = _add_cis(metrics, per_target, pred, targets, scores, task, evaluation)
    member_recs = [json.loads(Path(p).read_text()) for p in (member_records or {}).values()]
    results = [r.get("result", {}) for r in member_recs]
    cost = {}
    if results and all(r.get("parameters") for r in results):
        cost["parameters"] = int(sum(r["parameters"] for r in results))
    if results and all(r.get("train_s") is not None for r in results):
        cost["train_s"] = round(sum(float(r["train_s"]) for r in results), 1)
    budgets = [(r.get("settings") or {}).get("tuning_budget") for r in member_recs]
    record = {"dataset": dataset, "model": name, "ensemble": {"models": list(members), "average": average},
              "result": cost}
    if any(budgets):  # the members' searches are part of the ensemble's cost
        record["settings"] = {"tuning_budget": {
            "trials": sum(int(b.get("trials") or 0) for b in budgets if b),
            "seconds": round(sum(float(b.get("seconds") or 0) for b in budgets if b), 1)}}
    log.info("ensemble %s (%s mean of %s) on %s: %s", name, average, list(members), dataset, metrics)
    write_json(record, record_out)
    _write_scores(name, pred, per_target, metrics, predictions_out, per_target_out, metrics_out)
    return metrics
