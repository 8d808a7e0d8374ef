"""The comparison figures of every dataset: ROC/PR curves, training curves, per-target and
profile figures, protocol comparisons (matplotlib)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.models import is_baseline
from dnazoo.plots import save_figure, simulated_banner


#: Line colours of the models (matplotlib's tab10); baselines are drawn in greys, dashed.
MODEL_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink",
                 "tab:olive", "tab:cyan"]


BASELINE_COLOURS = ["0.25", "0.5", "0.7"]


def model_styles(order: list[str]) -> dict[str, dict]:
    """``{model: matplotlib line style}``: models in colour and solid, baselines grey and dashed."""
    styles, i, j = {}, 0, 0
    for m in order:
        if is_baseline(m):
            styles[m] = {"color": BASELINE_COLOURS[j % len(BASELINE_COLOURS)], "ls": "--"}
            j += 1
        else:
            styles[m] = {"color": MODEL_COLOURS[i % len(MODEL_COLOURS)], "ls": "-"}
            i += 1
    return styles


def figure_title(fig, ax, what: str, dataset: str, note: str, n_text: str) -> None:
    """Title a figure: ``what: dataset — test split`` over the protocol (``note``) and the test
    counts (``n_text``); simulated data (``note`` naming it) get a red banner above."""
    parts = [p.strip() for p in note.split(",") if p.strip()] if note else []
    simulated = any("simulated" in p for p in parts)
    parts = [p for p in parts if "simulated" not in p]
    lines = [f"{what}: {dataset} — test split", "; ".join(x for x in (", ".join(parts), n_text) if x)]
    target = ax if ax is not None else fig
    (target.set_title if ax is not None else target.suptitle)("\n".join(l for l in lines if l), fontsize=9)
    if simulated:
        simulated_banner(fig, 1.0)


def count_text(labels: pd.Series, unit: str) -> str:
    """``"n = 480 test pairs, 240 positive"`` for binary test labels."""
    return f"n = {len(labels):,} test {unit}, {int((labels == 1).sum()):,} positive"


def plot_dataset(dataset: str, predictions: dict[str, pd.DataFrame], metrics: dict[str, dict],
                 out_dir: str | os.PathLike, title_note: str = "", unit: str = "pairs") -> list[Path]:
    """ROC and PR curves of all models on one plot each, and an AUROC bar chart; PNG + PDF.

    Models are drawn in colour, baselines (:func:`is_baseline`) in grey and dashed; the chance
    line (ROC, AUROC) and the prevalence line (PR) are in the legends, which sit beside the axes.
    Titles give the protocol, the number of test rows and positives, and a red banner for
    simulated data.

    Args:
        dataset: dataset name (used in titles).
        predictions: ``{model: table with label, score}`` on the test split.
        metrics: ``{model: binary_metrics(...)}``.
        out_dir: folder for ``roc``, ``pr`` and ``auroc`` ``.png``/``.pdf``.
        title_note: the protocol in plain words (e.g. "simulated data, chromosome hold-out").
        unit: what a test row is (``pairs``, ``sequences``), for the counts in the titles.

    Returns:
        The written paths.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from sklearn.metrics import precision_recall_curve, roc_curve

    out_dir = Path(out_dir)
    written = []
    order = sorted(predictions, key=lambda m: -np.nan_to_num(metrics[m]["auroc"], nan=-1))
    styles = model_styles(order)
    labels = next(iter(predictions.values()))["label"] if predictions else pd.Series(dtype=int)
    n_text = count_text(labels, unit)
    legend = {"loc": "upper left", "bbox_to_anchor": (1.02, 1), "fontsize": 8, "frameon": False}

    fig, ax = plt.subplots(figsize=(7.5, 5))
    for m in order:
        df = predictions[m]
        if df["label"].nunique() == 2:
            fpr, tpr, _ = roc_curve(df["label"], df["score"])
            kind = "baseline" if is_baseline(m) else "model"
            ax.plot(fpr, tpr, **styles[m], label=f"{m} ({kind}; AUROC {metrics[m]['auroc']:.3f})")
    ax.plot([0, 1], [0, 1], ls=":", c="grey", label="chance (AUROC 0.5)")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", aspect="equal")
    figure_title(fig, ax, "ROC", dataset, title_note, n_text)
    ax.legend(**legend)
    save_figure(fig, out_dir / "roc")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7.5, 5))
    for m in order:
        df = predictions[m]
        if df["label"].nunique() == 2:
            prec, rec, _ = precision_recall_curve(df["label"], df["score"])
            kind = "baseline" if is_baseline(m) else "model"
            ax.plot(rec, prec, **styles[m], label=f"{m} ({kind}; AUPRC {metrics[m]['auprc']:.3f})")
    base = float(labels.mean()) if len(labels) else 0.0
    ax.axhline(base, ls=":", c="grey", label=f"chance = prevalence ({base:.2f})")
    ax.set(xlabel="recall", ylabel="precision", ylim=(0, 1.02), aspect="equal")
    figure_title(fig, ax, "Precision-recall", dataset, title_note, n_text)
    ax.legend(**legend)
    save_figure(fig, out_dir / "pr")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(max(5, 2.5 + 0.9 * len(order)), 4.5))
    vals = [metrics[m]["auroc"] for m in order]
    ci = np.array([metrics[m].get("auroc_ci", [np.nan, np.nan]) for m in order], dtype=float).reshape(-1, 2)
    err = np.vstack([np.array(vals) - ci[:, 0], ci[:, 1] - np.array(vals)])
    has_ci = np.isfinite(err).all()
    ax.bar(range(len(order)), vals, color=[styles[m]["color"] for m in order], yerr=err if has_ci else None,
           capsize=3, error_kw={"elinewidth": 1})
    for i, v in enumerate(vals):
        ax.text(i, 0.02, f"{v:.3f}", ha="center", fontsize=8, color="white")
    ax.axhline(0.5, ls=":", c="grey")
    ax.set_xticks(range(len(order)), order, rotation=30, ha="right")
    level = next((metrics[m].get("ci_level") for m in order if "ci_level" in metrics[m]), None)
    ylabel = f"test AUROC ({level:.0%} bootstrap CI)" if has_ci and level else "test AUROC"
    ax.set(ylabel=ylabel, ylim=(0, 1.08))
    figure_title(fig, ax, "AUROC", dataset, title_note, n_text)
    handles = [Patch(color=MODEL_COLOURS[0], label="model"), Patch(color=BASELINE_COLOURS[0], label="baseline"),
               plt.Line2D([], [], ls=":", c="grey", label="chance (0.5)")]
    ax.legend(handles=handles, **legend)
    save_figure(fig, out_dir / "auroc")
    plt.close(fig)
    for stem in ("roc", "pr", "auroc"):
        written += [out_dir / f"{stem}.png", out_dir / f"{stem}.pdf"]
    return written


def plot_training(history: pd.DataFrame, model: str, dataset: str, stem: str | os.PathLike,
                  title_note: str = "") -> list[Path]:
    """Training curves of one model (PNG + PDF at ``stem``): the training loss (and the
    validation loss when logged) per epoch, and the validation metric per epoch with the kept
    (best) epoch marked.

    Args:
        history: ``history.tsv``: ``epoch``, ``loss``, the task's validation metric (``val_*``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metric = next((c for c in history.columns if c.startswith("val_") and c != "val_loss"), None)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    axes[0].plot(history["epoch"], history["loss"], marker="o", ms=3, label="training loss")
    if "val_loss" in history:
        axes[0].plot(history["epoch"], history["val_loss"], marker="o", ms=3, label="validation loss")
    axes[0].set(xlabel="epoch", ylabel="loss")
    axes[0].legend(fontsize=8, frameon=False)
    if metric:
        axes[1].plot(history["epoch"], history[metric], marker="o", ms=3, c="tab:green", label=metric)
        best = int(history[metric].idxmax()) if history[metric].notna().any() else len(history) - 1
        axes[1].axvline(history["epoch"].iloc[best], ls=":", c="grey",
                        label=f"kept epoch {int(history['epoch'].iloc[best])} ({history[metric].iloc[best]:.3f})")
        axes[1].set(xlabel="epoch", ylabel=metric.replace("val_", "validation ").replace("_", " "))
        axes[1].legend(fontsize=8, frameon=False)
    parts = [p.strip() for p in title_note.split(",") if p.strip() and "simulated" not in p]
    fig.suptitle(f"Training of {model} on {dataset}" + (f" ({', '.join(parts)})" if parts else "") +
                 f"; {len(history)} epochs", fontsize=9)
    if "simulated" in title_note:
        simulated_banner(fig)
    fig.tight_layout()
    written = save_figure(fig, stem)
    plt.close(fig)
    return written


def plot_targets(dataset: str, per_target: dict[str, pd.DataFrame], metric: str, out_dir: str | os.PathLike,
                 title_note: str = "", min_positives: int = 10, n_rows: int | None = None,
                 unit: str = "sequences") -> list[Path]:
    """Figures of a multi-target task (PNG + PDF in ``out_dir``):

    * ``targets``: the distribution of the per-target ``metric`` (AUROC per label, Pearson r per
      target) per model, as box plots with every target as a point, sorted by the median;
    * ``best_worst``: per model, the five best and five worst targets by ``metric``; for labels,
      among those with at least ``min_positives`` test positives (when any has that many).

    Args:
        per_target: ``{model: per_target.tsv table}`` (columns ``target`` and ``metric``).
        n_rows, unit: the number of test rows and what they are, for the title.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    values = {m: df[metric].dropna().to_numpy() for m, df in per_target.items()}
    order = sorted(values, key=lambda m: -np.median(values[m]) if len(values[m]) else 1)
    styles = model_styles(order)
    n_targets = max((len(df) for df in per_target.values()), default=0)
    n_text = (f"n = {n_rows:,} test {unit}, " if n_rows else "") + f"{n_targets} targets"
    fig, ax = plt.subplots(figsize=(max(5, 2.5 + 0.9 * len(order)), 4.5))
    data = [values[m] if len(values[m]) else [np.nan] for m in order]
    boxes = ax.boxplot(data, showfliers=False, patch_artist=True)
    for box, m in zip(boxes["boxes"], order):
        box.set(facecolor=styles[m]["color"], alpha=0.35)
    rng = np.random.default_rng(0)
    for i, v in enumerate(data, start=1):
        ax.scatter(i + rng.uniform(-0.15, 0.15, len(v)), v, s=4, c="k", alpha=0.4, zorder=3)
    from matplotlib.patches import Patch

    handles = [Patch(color=MODEL_COLOURS[0], alpha=0.35, label="model"),
               Patch(color=BASELINE_COLOURS[0], alpha=0.35, label="baseline")]
    if metric == "auroc":
        handles.append(ax.axhline(0.5, ls=":", c="grey", label="chance (0.5)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1), fontsize=8, frameon=False)
    n = {m: len(values[m]) for m in order}
    ax.set_xticks(range(1, len(order) + 1), [f"{m}\n({n[m]} scored)" for m in order], rotation=30, ha="right",
                  fontsize=8)
    ax.set(ylabel=f"test {metric} per target")
    figure_title(fig, ax, f"{metric} per target", dataset, title_note, n_text)
    written = save_figure(fig, out_dir / "targets")
    plt.close(fig)
    fig, axes = plt.subplots(1, len(order), figsize=(3.2 * len(order), 3.6), squeeze=False)
    for ax, m in zip(axes[0], order):
        df = per_target[m].dropna(subset=[metric])
        if "n_pos" in df and (df["n_pos"] >= min_positives).any():  # a label with 1-2 positives ranks at 0 or 1 by chance
            df = df[df["n_pos"] >= min_positives]
        df = df.sort_values(metric)
        pick = pd.concat([df.head(5), df.tail(5)]).drop_duplicates("target")
        ax.barh(range(len(pick)), pick[metric], color=["tab:red"] * min(5, len(pick)) +
                ["tab:blue"] * max(0, len(pick) - 5))
        ax.set_yticks(range(len(pick)), [str(t)[:28] for t in pick["target"]], fontsize=6)
        ax.set(title=m, xlabel=f"test {metric}")
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    figure_title(fig, None, f"worst (red) and best (blue) targets (labels with ≥ {min_positives} test positives)"
                 if metric == "auroc" else "worst (red) and best (blue) targets", dataset, title_note, n_text)
    written += save_figure(fig, out_dir / "best_worst")
    plt.close(fig)
    return written


def plot_profiles(dataset: str, per_target: dict[str, pd.DataFrame], examples: dict, metrics: dict[str, dict],
                  out_dir: str | os.PathLike, title_note: str = "", unit: str = "windows") -> list[Path]:
    """Figures of the profile task (PNG + PDF in ``out_dir``):

    * ``track_r``: per model and track, Pearson r over the bins within each test window (mean over
      windows) and over windows of the summed counts, with the shuffled-window control;
    * ``tracks``: observed (grey) and predicted (colour) tracks of the four test windows with the
      most counts, for the model with the highest mean Pearson r.

    Args:
        per_target: ``{model: per_target.tsv}``; examples: ``{model: evaluate's .npz}``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    order = sorted(per_target, key=lambda m: -np.nan_to_num(metrics[m].get("mean_pearson_r", np.nan), nan=-2))
    tracks = list(per_target[order[0]]["target"])
    fig, ax = plt.subplots(figsize=(max(4.5, 1.2 * len(order) * len(tracks)), 4))
    width = 0.8 / max(1, len(tracks))
    for j, t in enumerate(tracks):
        vals = [per_target[m].set_index("target").loc[t, "pearson_r"] for m in order]
        summed = [per_target[m].set_index("target").loc[t, "pearson_r_summed"] for m in order]
        x = np.arange(len(order)) + j * width
        ax.bar(x, vals, width, label=f"{t}: within windows")
        ax.scatter(x, summed, marker="D", c="k", s=14, zorder=3,
                   label="summed counts, across windows (each track)" if j == 0 else None)
    ctrl = [metrics[m].get("control_mean_pearson_r", np.nan) for m in order]
    ax.scatter(np.arange(len(order)) + width * (len(tracks) - 1) / 2, ctrl, marker="x", c="tab:red", s=30, zorder=4,
               label="control: shuffled windows")
    ax.axhline(0, c="grey", lw=0.8)
    ax.set_xticks(np.arange(len(order)) + width * (len(tracks) - 1) / 2, order, rotation=30, ha="right")
    n_rows = next((metrics[m].get("n") for m in order if metrics[m].get("n")), None)
    n_text = f"n = {n_rows:,} test {unit}, {len(tracks)} tracks" if n_rows else f"{len(tracks)} tracks"
    ax.set(ylabel="test Pearson r")
    figure_title(fig, ax, "Pearson r per track", dataset, title_note, n_text)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    written = save_figure(fig, out_dir / "track_r")
    plt.close(fig)
    best = order[0]
    ex = examples[best]
    n = len(ex["observed"])
    fig, axes = plt.subplots(n, len(tracks), figsize=(4 * len(tracks), 1.8 * n), squeeze=False)
    for i in range(n):
        for j, t in enumerate(tracks):
            ax = axes[i][j]
            ax.plot(ex["observed"][i, :, j], c="0.5", label="observed")
            ax.plot(ex["predicted"][i, :, j], c="tab:blue", label="predicted")
            ax.set_title(f"{ex['ids'][i]} · {t}", fontsize=7)
            ax.tick_params(labelsize=6)
    axes[0][0].legend(fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("bin", fontsize=7)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    figure_title(fig, None, f"{best}: observed and predicted counts per bin", dataset, title_note, n_text)
    written += save_figure(fig, out_dir / "tracks")
    plt.close(fig)
    return written


def plot_protocols(summary: pd.DataFrame, group: str, stem: str | os.PathLike, baselines: tuple[str, ...] = (),
                   title_note: str = "") -> list[Path]:
    """One panel per protocol, the models and baselines side by side: mean test AUROC with ± sd over
    replicates (points: each replicate) or, for a single run, its bootstrap CI. PNG + PDF at ``stem``.

    Args:
        summary: :func:`protocol_summary` output.
        group: the group's name (title).
        baselines: model names drawn in grey.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    protocols = list(dict.fromkeys(summary["protocol"]))
    models_ = list(dict.fromkeys(summary.sort_values("auroc_mean", ascending=False)["model"]))
    fig, axes = plt.subplots(1, len(protocols), figsize=(1 + max(2.6, 0.55 * len(models_) + 0.6) * len(protocols), 4.4),
                             sharey=True, squeeze=False)
    for ax, protocol in zip(axes[0], protocols):
        part = summary[summary["protocol"] == protocol].set_index("model")
        for i, m in enumerate(models_):
            if m not in part.index:
                continue
            row = part.loc[m]
            colour = "0.6" if m in baselines else "tab:blue"
            if row["replicates"] > 1:
                err = [[row["auroc_sd"]], [row["auroc_sd"]]]
            elif np.isfinite([row["auroc_ci_low"], row["auroc_ci_high"]]).all():
                err = [[row["auroc_mean"] - row["auroc_ci_low"]], [row["auroc_ci_high"] - row["auroc_mean"]]]
            else:
                err = None
            ax.bar(i, row["auroc_mean"], color=colour, yerr=err, capsize=3, error_kw={"elinewidth": 1})
            if row["replicates"] > 1:
                vals = [float(v) for v in str(row["aurocs"]).split(",")]
                ax.scatter(np.full(len(vals), i) + np.linspace(-0.15, 0.15, len(vals)), vals, s=8, c="k", zorder=3)
            ax.text(i, 0.02, f"{row['auroc_mean']:.2f}", ha="center", fontsize=7, color="white")
        n = sorted(set(part["replicates"]))
        sub = "bootstrap CI" if n == [1] else f"mean ± sd, n = {'/'.join(map(str, n))}"
        ax.set_title(protocol.replace(", ", "\n") + f"\n({sub})", fontsize=8)
        ax.axhline(0.5, ls=":", c="grey")
        ax.set_xticks(range(len(models_)), models_, rotation=40, ha="right", fontsize=8)
    axes[0][0].set(ylabel="test AUROC", ylim=(0, 1.08))
    fig.suptitle(f"{group}{f' ({title_note})' if title_note else ''}: test AUROC by protocol (grey: baselines)",
                 fontsize=10, y=1.02)
    fig.tight_layout()
    written = save_figure(fig, stem)
    plt.close(fig)
    return written
