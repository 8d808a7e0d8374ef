"""Figure conventions: n in titles, a banner for simulated data, baselines grey and dashed, chance
and prevalence lines in legends beside the axes, plain protocol words, training curves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dnazoo.plots import evaluation as evaluate


def _capture(monkeypatch):
    figs = {}

    def keep(fig, stem):
        figs[str(stem).rsplit("/", 1)[-1]] = fig
        return []

    monkeypatch.setattr(evaluate, "save_figure", keep)
    monkeypatch.setattr("matplotlib.pyplot.close", lambda fig=None: None)
    return figs


def _texts(fig):
    return [t.get_text() for t in fig.texts] + [ax.get_title() for ax in fig.axes]


def test_binary_figures_state_n_mark_simulated_data_and_style_baselines(monkeypatch, tmp_path):
    figs = _capture(monkeypatch)
    rng = np.random.default_rng(0)
    labels = np.r_[np.ones(30), np.zeros(90)].astype(int)
    preds = {"deepbind": pd.DataFrame({"label": labels, "score": labels + rng.normal(0, 0.5, 120)}),
             "gc_baseline": pd.DataFrame({"label": labels, "score": rng.random(120)})}
    metrics = {"deepbind": {"auroc": 0.9, "auprc": 0.8}, "gc_baseline": {"auroc": 0.5, "auprc": 0.25}}
    evaluate.plot_dataset("demo", preds, metrics, tmp_path, "simulated data, chromosome hold-out", unit="pairs")
    for name in ("roc", "pr", "auroc"):
        texts = " ".join(_texts(figs[name]))
        assert "n = 120 test pairs, 30 positive" in texts and "chromosome hold-out" in texts
        assert "SIMULATED DATA" in texts
        legend = figs[name].axes[0].get_legend()
        assert legend is not None and legend.get_bbox_to_anchor().x0 > figs[name].axes[0].bbox.x1 - 1  # beside
    roc = figs["roc"].axes[0]
    lines = {ln.get_label(): ln for ln in roc.get_lines()}
    base = next(v for k, v in lines.items() if k.startswith("gc_baseline"))
    model = next(v for k, v in lines.items() if k.startswith("deepbind"))
    assert base.get_linestyle() == "--" and model.get_linestyle() == "-"
    assert base.get_color() in evaluate.BASELINE_COLOURS and model.get_color() in evaluate.MODEL_COLOURS
    assert "chance (AUROC 0.5)" in lines
    pr_labels = [ln.get_label() for ln in figs["pr"].axes[0].get_lines()]
    assert "chance = prevalence (0.25)" in pr_labels
    # real data: no banner
    evaluate.plot_dataset("K562", preds, metrics, tmp_path, "chromosome hold-out", unit="pairs")
    assert not any("SIMULATED" in t for t in _texts(figs["roc"]))


def test_training_curve_marks_the_kept_epoch(monkeypatch, tmp_path):
    figs = _capture(monkeypatch)
    history = pd.DataFrame({"epoch": [1, 2, 3, 4], "loss": [0.7, 0.5, 0.4, 0.35], "val_auroc": [0.6, 0.8, 0.75, 0.7]})
    evaluate.plot_training(history, "deepbind", "demo", tmp_path / "deepbind", "chromosome hold-out")
    fig = figs["deepbind"]
    labels = [ln.get_label() for ln in fig.axes[1].get_lines()]
    assert "kept epoch 2 (0.800)" in labels
    assert "Training of deepbind on demo (chromosome hold-out); 4 epochs" in " ".join(_texts(fig))


def test_protocol_labels_are_plain_words():
    from dnazoo.config import protocol_label

    config = {"datasets": {"d": {"kind": "pairs", "negatives": {"method": "distance_matched"}}},
              "split": {"method": "anchor"}}
    assert protocol_label(config, "d") == "anchor-disjoint split, distance-matched negatives"
