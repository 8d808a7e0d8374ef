"""Per-protocol summaries of a dataset group: mean ± sd over replicates, bootstrap CI for single runs."""
import numpy as np
import pytest

from dnazoo.plots.evaluation import plot_protocols

from dnazoo.evaluation import protocol_summary


def _records():
    rng = np.random.default_rng(0)
    recs, protocols = [], {}
    for f in range(3):
        protocols[f"d.fold{f}"] = "cv (3 folds), negatives from the table"
        for m in ("cnn", "distance_baseline"):
            recs.append({"dataset": f"d.fold{f}", "model": m, "auroc": rng.uniform(0.4, 0.9),
                         "auprc": rng.uniform(0.4, 0.9), "auroc_ci": [0.1, 0.95]})
    protocols["d_random"] = "random split, negatives from the table"
    for m in ("cnn", "distance_baseline"):
        recs.append({"dataset": "d_random", "model": m, "auroc": 0.8, "auprc": 0.7, "auroc_ci": [0.75, 0.85]})
    return recs, protocols


def test_protocol_summary_aggregates_replicates_and_keeps_single_run_ci():
    recs, protocols = _records()
    s = protocol_summary(recs, protocols)
    assert list(dict.fromkeys(s["protocol"])) == ["cv (3 folds), negatives from the table", "random split, negatives from the table"]
    cv = s[(s["protocol"].str.startswith("cv")) & (s["model"] == "cnn")].iloc[0]
    vals = [r["auroc"] for r in recs if r["model"] == "cnn" and r["dataset"].startswith("d.fold")]
    assert cv["replicates"] == 3
    assert cv["auroc_mean"] == pytest.approx(np.mean(vals)) and cv["auroc_sd"] == pytest.approx(np.std(vals, ddof=1))
    assert np.isnan(cv["auroc_ci_low"])  # replicates: sd, not a bootstrap CI
    single = s[(s["protocol"].str.startswith("random")) & (s["model"] == "cnn")].iloc[0]
    assert single["replicates"] == 1 and np.isnan(single["auroc_sd"])
    assert (single["auroc_ci_low"], single["auroc_ci_high"]) == (0.75, 0.85)
    with pytest.raises(KeyError):
        protocol_summary(recs + [{"dataset": "unknown", "model": "cnn", "auroc": 0.5, "auprc": 0.5}], protocols)


def test_plot_protocols_draws_one_panel_per_protocol(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    recs, protocols = _records()
    s = protocol_summary(recs, protocols)
    opened = []
    orig = plt.subplots
    plt.subplots = lambda *a, **k: opened.append(orig(*a, **k)) or opened[-1]
    try:
        written = plot_protocols(s, "d", tmp_path / "d", baselines=("distance_baseline",))
    finally:
        plt.subplots = orig
    assert [p.suffix for p in written] == [".png", ".pdf"] and all(p.stat().st_size > 1000 for p in written)
    fig, axes = opened[0]
    assert axes.shape == (1, 2)
    assert "mean ± sd, n = 3" in axes[0][0].get_title() and "bootstrap CI" in axes[0][1].get_title()
