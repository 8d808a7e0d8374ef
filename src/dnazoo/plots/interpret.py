"""Figures of the interpretation: seqlet patterns beside their best JASPAR match, attribution logos
and ISM heat maps (logomaker, matplotlib)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dnazoo.interpret import BASES, hypothetical_from_ism, reverse_complement_pwm
from dnazoo.plots import save_figure, simulated_banner


def _logo(ax, matrix: np.ndarray, title: str = "") -> None:
    import logomaker

    df = pd.DataFrame(np.asarray(matrix, dtype=np.float64)[:, :4], columns=list(BASES))
    logomaker.Logo(df, ax=ax, color_scheme="classic", show_spines=False)
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.tick_params(labelsize=6)


def information_content(ppm: np.ndarray) -> np.ndarray:
    """``(width, 4)`` probabilities → per-base information (bits) for a logo, uniform background."""
    from dnazoo.interpret.motifs import column_bits

    p = np.clip(np.asarray(ppm, dtype=np.float64), 1e-12, None)
    return p / p.sum(axis=1, keepdims=True) * column_bits(ppm)[:, None]


def plot_patterns(motifs: pd.DataFrame, patterns: dict, targets: dict, stem, title: str, top: int = 3,
                  simulated: bool = False) -> None:
    """The top TF-MoDISco patterns of each input (contribution logo) beside their best JASPAR
    match (information logo, on the matched strand), as ``stem.png`` / ``stem.pdf``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt



    rows = []
    for inp, found in patterns.items():
        for p in found[:top]:
            name = p.name if len(patterns) == 1 else f"{inp}.{p.name}"
            hit = motifs[motifs["pattern"] == name]
            rows.append((name, p, hit.iloc[0] if len(hit) else None))
    fig, axes = plt.subplots(max(1, len(rows)), 2, figsize=(9, 1.6 * max(1, len(rows))), squeeze=False)
    if not rows:
        axes[0, 0].text(0.5, 0.5, "TF-MoDISco found no pattern", ha="center", va="center")
        for ax in axes[0]:
            ax.axis("off")
    for (name, p, hit), (a1, a2) in zip(rows, axes):
        _logo(a1, p.cwm, f"{name}: {p.n_seqlets} seqlets (contribution)")
        if hit is None or pd.isna(hit["match_id"]):
            a2.axis("off")
            continue
        ppm = targets[hit["match_id"]]["ppm"]
        if hit["strand"] == "-":
            ppm = reverse_complement_pwm(ppm)
        _logo(a2, information_content(ppm), f"{hit['match_id']} {hit['match_name']} (q = {hit['q_value']:.2g}, "
                                            f"strand {hit['strand']}; bits)")
    fig.suptitle(title, fontsize=9)
    if simulated:
        simulated_banner(fig)
    fig.tight_layout()
    save_figure(fig, stem)
    plt.close(fig)


def plot_attributions(arrays: dict, inputs: list[str], stem, title: str, n_examples: int = 3,
                      simulated: bool = False) -> None:
    """Attribution tracks of the first ``n_examples`` sequences (the top-scoring positives):
    gradient × input (ISM contributions for k-mer token models) as logos, 60 bp around the
    strongest position of each input, as ``stem.png`` / ``stem.pdf``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dnazoo.data.encoding import onehot


    n = min(n_examples, len(arrays["ids"]))
    fig, axes = plt.subplots(max(1, n), len(inputs), figsize=(5 * len(inputs), 1.5 * max(1, n)), squeeze=False)
    for i in range(n):
        for j, k in enumerate(inputs):
            if f"{k}.gradient_x_input" in arrays:
                contrib, what = arrays[f"{k}.gradient_x_input"][i][:, :4], "gradient × input"
            else:
                x = onehot(arrays[f"{k}.sequence"][i], 4)
                contrib, what = hypothetical_from_ism(arrays[f"{k}.ism"][i][None])[0] * x, "ISM contribution"
            centre = int(np.argmax(np.abs(contrib).sum(axis=1)))
            s = max(0, min(len(contrib) - 60, centre - 30))
            _logo(axes[i, j], contrib[s:s + 60], f"{arrays['ids'][i]} {k} {s}-{s + 60} bp: {what}")
    fig.suptitle(title, fontsize=9)
    if simulated:
        simulated_banner(fig)
    fig.tight_layout()
    save_figure(fig, stem)
    plt.close(fig)


def plot_ism(arrays: dict, inputs: list[str], stem, title: str, simulated: bool = False) -> None:
    """The ISM heatmap (bases × positions, score change of each substitution) of the top-scoring
    sequence, one panel per input, as ``stem.png`` / ``stem.pdf``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt



    fig, axes = plt.subplots(len(inputs), 1, figsize=(10, 1.4 * len(inputs) + 0.6), squeeze=False)
    for ax, k in zip(axes[:, 0], inputs):
        m = arrays[f"{k}.ism"][0].T
        lim = float(np.abs(m).max()) or 1.0
        im = ax.imshow(m, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_yticks(range(4), list(BASES), fontsize=7)
        ax.set_xlabel("position (bp, 0-based)", fontsize=7)
        ax.set_title(f"{arrays['ids'][0]} {k}: ISM, change of the explained score", fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.02)
    fig.suptitle(title, fontsize=9)
    if simulated:
        simulated_banner(fig)
    fig.tight_layout()
    save_figure(fig, stem)
    plt.close(fig)
