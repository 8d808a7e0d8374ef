"""The interpret stage (rule interpret): attribution, ISM, TF-MoDISco patterns and their motif matches."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from dnazoo.io import save_npz, write_table
from dnazoo.pipeline.common import configure_backend
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


def interpret_stage(model: str, model_path, encoded_dir, out_dir, settings: dict, dataset: str = "",
                    threads: int = 1, planted: dict | None = None, expected: tuple[str, ...] = (),
                    note: str = "") -> dict:
    """Explain one trained Keras model on a sample of its test sequences
    (:func:`dnazoo.interpret.interpret_model`) and write ``out_dir``:

    * ``attributions.npz``: ``ids``, ``index`` (test row), ``label``, ``score`` and per sequence
      input ``<input>.sequence`` ``(n, L)`` uint8 codes, ``.ism`` ``(n, L, 4)``, ``.deletion``
      ``(n, L)``, and for one-hot models ``.gradient_x_input`` and ``.integrated_gradients``
      ``(n, L, C)`` float32;
    * ``motifs.tsv``: one row per TF-MoDISco pattern: ``pattern, n_seqlets, match_id, match_name,
      q_value`` (best JASPAR CORE vertebrate match) and more; ``patterns.meme`` their PPMs;
    * ``filters.tsv``, ``filters.meme``: first-layer filters with ≥ 10 sites as PWMs, matched;
    * ``summary.json``: method agreement, timings, notes, planted-motif recovery (simulations);
    * ``patterns``, ``attributions``, ``ism`` figures (PNG + PDF).

    Args:
        settings: ``interpret`` config block (:class:`dnazoo.interpret.InterpretSettings`).
        planted: ``{name: {"consensus": str, "fidelity": float}}`` of a simulation.
        expected: JASPAR ids whose q-value every pattern reports (e.g. ``MA0139`` on the demo).

    Raises:
        ValueError: a scikit-learn baseline (nothing to interpret) or bad settings.
    """
    from dnazoo import interpret as it
    from dnazoo import models
    from dnazoo.data.dataset import load_split, model_inputs
    from dnazoo.training import load_trained
    from dnazoo.plots.interpret import plot_attributions, plot_ism, plot_patterns

    if models.get(model).framework != "keras":
        raise ValueError(f"{model} is a scikit-learn baseline: interpretation applies to Keras models")
    configure_backend(threads)
    s = it.InterpretSettings(**(settings or {}))
    s.check()
    net = load_trained(model, model_path)
    data = load_split(encoded_dir, "test")
    inputs = {k: np.asarray(v) for k, v in model_inputs(data, net).items()}
    pwms = {k: it.pwm_from_consensus(v["consensus"], float(v["fidelity"])) for k, v in (planted or {}).items()}
    res = it.interpret_model(net, inputs, data["labels"], data["ids"], s, pwms, tuple(expected))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_npz(out / "attributions.npz", **res["arrays"])
    write_table(res["motifs"], out / "motifs.tsv")
    write_table(res["filters"], out / "filters.tsv")
    it.write_meme(res["filter_pwms"], out / "filters.meme")
    it.write_meme({f"{k}.{p.name}" if len(res["patterns"]) > 1 else p.name: p.ppm
                   for k, found in res["patterns"].items() for p in found}, out / "patterns.meme")
    summary = {"dataset": dataset, **res["summary"]}
    simulated = "simulated" in note
    title = f"{model} on {dataset}: {summary['n_sequences']} test sequences" + (f" ({note})" if note else "")
    plot_patterns(res["motifs"], res["patterns"], res["targets"], out / "patterns", title, s.top_patterns, simulated)
    plot_attributions(res["arrays"], summary["inputs"], out / "attributions", title, simulated=simulated)
    plot_ism(res["arrays"], summary["inputs"], out / "ism", title, simulated=simulated)
    write_json(summary, out / "summary.json")
    log.info("interpretation of %s on %s: %s", model, dataset, json.dumps(summary, default=str))
    return summary


def interpret_table_stage(runs: list[dict], out, jaspar_release: str | None = None):
    """One row per interpreted (dataset, model): the top TF-MoDISco pattern of the positive
    metacluster (most seqlets; of any input for a pairs model) with its best JASPAR match and
    q-value, the model's headline test metric, the ISM / gradient × input agreement (Pearson r,
    mean over the model's inputs) and, where the dataset names its ChIP-ed factor
    (``interpret.tf``), how the match relates to it (:func:`dnazoo.interpret.tf_match`: own,
    family, other), ``passes`` (q < 0.05 and own or family) and the best own-or-family pattern.
    ``results/interpret.tsv``.

    Args:
        runs: ``{"dataset", "model", "tf" (or None), "motifs" (motifs.tsv), "summary" (summary.json),
            "metrics" (metrics.json)}`` per interpreted model.
        jaspar_release: pyjaspar release for :func:`dnazoo.interpret.jaspar_motifs` (default: each
            run's own, from its summary).
    """
    import pandas as pd

    from dnazoo import interpret
    from dnazoo.evaluation.suite import HEADLINE, headline_metric
    from dnazoo.io import read_table

    jaspar = {}
    rows = []
    for run in runs:
        summary = json.loads(Path(run["summary"]).read_text())
        metrics = json.loads(Path(run["metrics"]).read_text())
        motifs = read_table(run["motifs"])
        metric = headline_metric(metrics["task"]) if metrics.get("task") in HEADLINE else None
        row = {"dataset": run["dataset"], "model": run["model"], "tf": run.get("tf") or "",
               "test_metric": metric, "test_value": None if metric is None else round(float(metrics[metric]), 4),
               "n_sequences": summary["n_sequences"],
               "n_patterns": len(motifs)}
        # the positive metacluster's patterns: pos_<i>, or <input>.pos_<i> for a model of several inputs
        pos = motifs[motifs["pattern"].astype(str).str.split(".").str[-1].str.startswith("pos_")]
        if len(pos):
            top = pos.iloc[0]
            row.update(top_pattern=top["pattern"], n_seqlets=int(top["n_seqlets"]), match_id=top["match_id"],
                       match_name=top["match_name"], q_value=float(top["q_value"]))
            if run.get("tf"):
                release = jaspar_release or summary["jaspar"]
                targets = jaspar.setdefault(release, interpret.jaspar_motifs(release))
                relation = [interpret.tf_match(run["tf"], m, targets) for m in pos["match_id"]]
                own = pos[[r in ("own", "family") for r in relation]]
                row.update(relation=relation[0], passes=bool(top["q_value"] < 0.05 and relation[0] in ("own", "family")),
                           best_own_or_family_pattern=(f"{own.iloc[0]['pattern']} ({own.iloc[0]['match_name']}, "
                                                       f"q = {own.iloc[0]['q_value']:.2g})") if len(own) else "")
        agreement = [a["ism_vs_gradient_x_input"] for a in summary.get("agreement_pearson_r", {}).values()
                     if a.get("ism_vs_gradient_x_input") is not None]
        row["ism_vs_gradient_x_input_r"] = round(float(np.mean(agreement)), 4) if agreement else None
        rows.append(row)
    table = pd.DataFrame(rows)
    write_table(table, out)
    return table


def motif_calibration_stage(out, release: str | None = None, n: int = 100, n_shuffles: int = 200,
                            seed: int = 0) -> None:
    """Rule ``motif_calibration``: the null test of the JASPAR matching
    (:func:`dnazoo.interpret.motifs.null_rates`): ``n`` queries of each kind that carry no motif,
    matched calibrated and not, written to ``out`` (TSV).

    Args:
        release: the pyjaspar release (default :data:`dnazoo.data.jaspar.JASPAR_RELEASE`).
    """
    from dnazoo.data.jaspar import JASPAR_RELEASE, jaspar_motifs
    from dnazoo.interpret.motifs import null_rates

    release = release or JASPAR_RELEASE
    table = null_rates(jaspar_motifs(release), n=n, seed=seed, n_shuffles=n_shuffles)
    table.insert(0, "jaspar", release)
    table.insert(len(table.columns), "n_shuffles", n_shuffles)
    write_table(table, out)
    log.info("motif matches on queries without a motif (share with q < 0.05):\n%s", table.to_string(index=False))
