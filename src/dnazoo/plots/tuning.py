"""The figures of a hyperparameter search (rule ``tune``): Optuna's optimisation history and
parameter importances (``optuna.visualization.matplotlib``), PNG + PDF."""

from __future__ import annotations

import os
from pathlib import Path

from dnazoo.plots import save_figure


def plot_study(study, out_dir: str | os.PathLike) -> None:
    """``history`` and ``importance`` figures of an Optuna ``study`` in ``out_dir``; a figure that
    Optuna cannot draw (importances need two finished trials that differ) says why instead."""
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from optuna.visualization import matplotlib as ovm

    for name, draw in (("history", ovm.plot_optimization_history), ("importance", ovm.plot_param_importances)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ExperimentalWarning: the matplotlib backend is marked experimental
                ax = draw(study)
            fig = ax.figure
        except Exception as err:  # noqa: BLE001  (Optuna raises several kinds for too few trials)
            fig, ax = plt.subplots(figsize=(5, 2))
            ax.text(0.5, 0.5, f"{name}: {err}", ha="center", va="center", fontsize=7, wrap=True)
            ax.axis("off")
        save_figure(fig, Path(out_dir) / name)
        plt.close(fig)
