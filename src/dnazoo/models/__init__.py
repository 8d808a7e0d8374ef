"""The model zoo registry: one entry per public model name.

Everything else (rules, config validation, docs, tests) reads :data:`REGISTRY` instead of repeating
model names. Later issues only add entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import layers  # noqa: F401  (registers the custom layers for model loading)

TASKS = ("pairs", "sequences")


@dataclass(frozen=True)
class ModelSpec:
    """Metadata of one model.

    Attributes:
        name: public name (a DAG wildcard value).
        framework: ``"keras"`` (trained by :mod:`dnazoo.training`, saved as ``model.keras``) or
            ``"sklearn"`` (saved with joblib as ``model.joblib``).
        tasks: dataset kinds it takes (``pairs``, ``sequences``).
        min_window: smallest window length in bp, per task.
        head: ``"softmax2"`` (2-way softmax, column 1 = P(1)) or ``"sigmoid"`` (one unit).
        defaults: training settings (optimizer, learning_rate, decay, batch_size, max_epochs,
            patience); the config's ``training`` / ``model_overrides`` keys override them.
        source: paper / repository of the architecture.
        build: ``build(window, n_inputs) -> keras.Model`` (None for sklearn models).
    """

    name: str
    framework: str
    tasks: tuple[str, ...]
    min_window: dict[str, int]
    head: str
    defaults: dict
    source: str
    build: Callable | None = field(default=None, compare=False)


def _dchic_min_one_branch() -> int:
    from .deepchromehic import cnn_tower_min_rows

    return -(-cnn_tower_min_rows() // 2)


def _dchic_min_two_branch() -> int:
    from .deepchromehic import cnn_tower_min_rows

    return cnn_tower_min_rows()


def _build_onehot_cnn_one_branch(window: int, n_inputs: int = 2):
    from .deepchromehic import onehot_cnn_one_branch

    return onehot_cnn_one_branch(window)


def _build_onehot_cnn_two_branch(window: int, n_inputs: int = 2):
    from .deepchromehic import onehot_cnn_two_branch

    return onehot_cnn_two_branch(window)


def _build_deepbind(window: int, n_inputs: int = 1):
    from .deepbind import deepbind

    return deepbind(window, n_inputs=n_inputs)


_DCHIC_ONEHOT = {"optimizer": "adam", "learning_rate": 5e-5, "decay": 1e-5, "batch_size": 32,
                 "max_epochs": 500, "patience": 10}

REGISTRY: dict[str, ModelSpec] = {
    "distance_baseline": ModelSpec(
        "distance_baseline", "sklearn", ("pairs",), {"pairs": 1}, "sigmoid", {},
        "logistic regression on log10 anchor distance (scikit-learn); the shortcut every pair model must beat"),
    "onehot_cnn_one_branch": ModelSpec(
        "onehot_cnn_one_branch", "keras", ("pairs",), {"pairs": _dchic_min_one_branch()}, "softmax2",
        _DCHIC_ONEHOT, "DeepChromeHiC model.py (NaiveTom/DeepChromeHiC 1e7c8d9); spec §A.3.1",
        _build_onehot_cnn_one_branch),
    "onehot_cnn_two_branch": ModelSpec(
        "onehot_cnn_two_branch", "keras", ("pairs",), {"pairs": _dchic_min_two_branch()}, "softmax2",
        _DCHIC_ONEHOT, "DeepChromeHiC model.py (NaiveTom/DeepChromeHiC 1e7c8d9); spec §A.3.2",
        _build_onehot_cnn_two_branch),
    "deepbind": ModelSpec(
        "deepbind", "keras", ("sequences", "pairs"), {"sequences": 24, "pairs": 24}, "sigmoid",
        {"optimizer": "adam", "learning_rate": 1e-3, "decay": 0.0, "batch_size": 64, "max_epochs": 100,
         "patience": 5},
        "Alipanahi et al., Nat Biotechnol 2015 (DeepBind); spec §C.1; pairs: dnazoo siamese extension",
        _build_deepbind),
}


def get(name: str) -> ModelSpec:
    """The registry entry of ``name``.

    Raises:
        KeyError: naming the unknown model and listing the known ones.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known models: {sorted(REGISTRY)}") from None


def build(name: str, window: int, task: str) -> "keras.Model":  # noqa: F821
    """Build the uncompiled Keras model ``name`` for windows of ``window`` bp and dataset kind ``task``.

    Raises:
        KeyError: unknown model; ValueError: a sklearn model, a task the model does not take, or
        a window below the model's minimum (the message gives the minimum).
    """
    spec = get(name)
    check_compatible(name, window, task)
    if spec.build is None:
        raise ValueError(f"model {name!r} is a {spec.framework} model, not a Keras model")
    return spec.build(window, 2 if task == "pairs" else 1)


def check_compatible(name: str, window: int, task: str) -> None:
    """Raise ValueError when model ``name`` cannot take ``task`` datasets with ``window``-bp windows."""
    spec = get(name)
    if task not in spec.tasks:
        raise ValueError(f"model {name!r} takes datasets of kind {list(spec.tasks)}, not {task!r}")
    minimum = spec.min_window[task]
    if window < minimum:
        raise ValueError(f"model {name!r} needs windows of at least {minimum} bp, got {window} bp")
