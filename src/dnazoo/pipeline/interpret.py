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
