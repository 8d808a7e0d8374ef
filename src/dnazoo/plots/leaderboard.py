"""The leaderboard figures (rule ``leaderboard``): the critical-difference diagram, the heatmap of
the headline metric by model and dataset, and the metric against training cost (matplotlib)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from dnazoo.plots import save_figure


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_critical_difference(stats: dict, stem: str | os.PathLike, title: str) -> None:
    """The critical-difference diagram (Demšar 2006) that autorank draws from ``stats["result"]``
    (:func:`dnazoo.evaluation.leaderboard.mean_ranks`); without a test, a figure that says why."""
    plt = _plt()
    if stats.get("result") is None:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.text(0.5, 0.5, f"no rank test: {stats.get('reason', '')}", ha="center", va="center", fontsize=9)
        ax.axis("off")
    else:
        from autorank import plot_stats

        ax = plot_stats(stats["result"], allow_insignificant=True)
        fig = ax.figure
        ax.set_title(f"{title}\nFriedman p = {stats['friedman_p']:.2g}, {stats['n_datasets']} datasets; "
                     f"Nemenyi CD = {stats['critical_difference']:.2f} (alpha {stats['alpha']})", fontsize=9)
    save_figure(fig, stem)
    plt.close(fig)


def plot_heatmap(table: pd.DataFrame, order: list[str], stem: str | os.PathLike, title: str) -> None:
    """Headline test metric by model (rows, in ``order``) and dataset (columns), with the value in
    each cell; a run that did not converge is marked ``*``."""
    plt = _plt()
    wide = table.pivot(index="model", columns="dataset", values="value").reindex(order)
    conv = table.pivot(index="model", columns="dataset", values="converged").reindex(order)
    fig, ax = plt.subplots(figsize=(1.2 + 0.7 * wide.shape[1], 0.8 + 0.35 * wide.shape[0]))
    values = wide.to_numpy(dtype=float)
    im = ax.imshow(values, aspect="auto", cmap="viridis")
    lo, hi = (np.nanmin(values), np.nanmax(values)) if np.isfinite(values).any() else (0.0, 1.0)
    ax.set_xticks(range(wide.shape[1]), wide.columns, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(wide.shape[0]), wide.index, fontsize=7)
    for i in range(wide.shape[0]):
        for j in range(wide.shape[1]):
            v = wide.iat[i, j]
            if pd.notna(v):
                mark = "*" if str(conv.iat[i, j]).lower() == "false" else ""
                light = hi > lo and (v - lo) / (hi - lo) > 0.6  # viridis is light at the top
                ax.text(j, i, f"{v:.3f}{mark}", ha="center", va="center", fontsize=6, color="k" if light else "w")
    fig.colorbar(im, ax=ax, label=str(table["metric"].iloc[0]) if len(table) else "")
    ax.set_title(f"{title}\n* not converged (stopped by a cap, or best epoch = last)", fontsize=8)
    save_figure(fig, stem)
    plt.close(fig)


def plot_pareto(cost: pd.DataFrame, stem: str | os.PathLike, title: str) -> None:
    """Mean headline metric over the datasets against median training seconds per model (log
    scale), the Pareto front (no other model is both better and cheaper) joined by a line. Models
    without a training time (scikit-learn baselines) are left out."""
    plt = _plt()
    per = (cost.dropna(subset=["train_s"]).groupby("model")
           .agg(value=("value", "mean"), train_s=("train_s", "median")).sort_values("train_s"))
    fig, ax = plt.subplots(figsize=(5.5, 4))
    if per.empty:
        ax.text(0.5, 0.5, "no timed training run", ha="center", va="center")
        ax.axis("off")
    else:
        ax.scatter(per["train_s"], per["value"], s=18)
        for m, r in per.iterrows():
            ax.annotate(m, (r["train_s"], r["value"]), fontsize=6, xytext=(3, 2), textcoords="offset points")
        best, front = -np.inf, []
        for m, r in per.iterrows():  # cheapest first: on the front when better than every cheaper model
            if r["value"] > best:
                front.append(m)
                best = r["value"]
        ax.plot(per.loc[front, "train_s"], per.loc[front, "value"], "-", color="tab:red", lw=1, label="Pareto front")
        ax.set_xscale("log")
        ax.set_xlabel("training seconds (median over datasets)")
        ax.set_ylabel(f"mean test {cost['metric'].iloc[0]}")
        ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    save_figure(fig, stem)
    plt.close(fig)
