"""The model zoo registry: one entry per public model name.

Everything else (rules, config validation, docs, tests) reads :data:`REGISTRY` instead of repeating
model names. Later issues only add entries. Importing this module does not import Keras (the
Snakefile reads the registry at parse time); :func:`build` and ``dnazoo.models.layers`` do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

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
        build: ``build(windows) -> keras.Model`` with one window length in bp per input
            (None for sklearn models).
        equal_windows: the model needs both anchors at the same window length.
    """

    name: str
    framework: str
    tasks: tuple[str, ...]
    min_window: dict[str, int]
    head: str
    defaults: dict
    source: str
    build: Callable | None = field(default=None, compare=False)
    equal_windows: bool = False


def dchic_tower_min_rows() -> int:
    """Smallest image length the DeepChromeHiC one-hot CNN tower (spec §A.3.1 rows 1–8) accepts:
    the last pooling needs ≥ 2 rows after three stride-4 'same' convolutions, a stride-2 pooling
    and three more stride-4 convolutions, i.e. 8,257 rows."""
    def rows_out(n: int) -> int:
        for _ in range(3):
            n = -(-n // 4)
        n //= 2
        for _ in range(3):
            n = -(-n // 4)
        return n // 2

    n = 1
    while rows_out(n) < 1:
        n += 1
    return n


def _build_onehot_cnn_one_branch(windows: tuple[int, ...]):
    from .deepchromehic import onehot_cnn_one_branch

    return onehot_cnn_one_branch(windows[0])


def _build_onehot_cnn_two_branch(windows: tuple[int, ...]):
    from .deepchromehic import onehot_cnn_two_branch

    return onehot_cnn_two_branch(windows[0])


def _build_deepbind(windows: tuple[int, ...]):
    from .deepbind import deepbind

    return deepbind(windows)


_DCHIC_ONEHOT = {"optimizer": "adam", "learning_rate": 5e-5, "decay": 1e-5, "batch_size": 32,
                 "max_epochs": 500, "patience": 10}

REGISTRY: dict[str, ModelSpec] = {
    "distance_baseline": ModelSpec(
        "distance_baseline", "sklearn", ("pairs",), {"pairs": 1}, "sigmoid", {},
        "logistic regression on log10 anchor distance (scikit-learn); the shortcut every pair model must beat"),
    "onehot_cnn_one_branch": ModelSpec(
        "onehot_cnn_one_branch", "keras", ("pairs",), {"pairs": -(-dchic_tower_min_rows() // 2)}, "softmax2",
        _DCHIC_ONEHOT, "DeepChromeHiC model.py (NaiveTom/DeepChromeHiC 1e7c8d9); spec §A.3.1",
        _build_onehot_cnn_one_branch, equal_windows=True),
    "onehot_cnn_two_branch": ModelSpec(
        "onehot_cnn_two_branch", "keras", ("pairs",), {"pairs": dchic_tower_min_rows()}, "softmax2",
        _DCHIC_ONEHOT, "DeepChromeHiC model.py (NaiveTom/DeepChromeHiC 1e7c8d9); spec §A.3.2",
        _build_onehot_cnn_two_branch, equal_windows=True),
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


def build(name: str, windows: int | tuple[int, ...], task: str) -> "keras.Model":  # noqa: F821
    """Build the uncompiled Keras model ``name`` for dataset kind ``task``.

    Args:
        windows: window length in bp per input (``(L1, L2)`` for pairs, ``(L,)`` for sequences);
            one int means the same length for every input.

    Raises:
        KeyError: unknown model; ValueError: a sklearn model, a task the model does not take, or
        a window below the model's minimum (the message gives the minimum).
    """
    n_inputs = 2 if task == "pairs" else 1
    windows = (windows,) * n_inputs if isinstance(windows, int) else tuple(windows)
    spec = get(name)
    check_compatible(name, windows, task)
    if spec.build is None:
        raise ValueError(f"model {name!r} is a {spec.framework} model, not a Keras model")
    return spec.build(windows)


def check_compatible(name: str, windows: int | tuple[int, ...], task: str) -> None:
    """Raise ValueError when model ``name`` cannot take ``task`` datasets with these windows (bp)."""
    spec = get(name)
    windows = (windows,) if isinstance(windows, int) else tuple(windows)
    if task not in spec.tasks:
        raise ValueError(f"model {name!r} takes datasets of kind {list(spec.tasks)}, not {task!r}")
    minimum = spec.min_window[task]
    for w in windows:
        if w < minimum:
            raise ValueError(f"model {name!r} needs windows of at least {minimum} bp, got {w} bp")
    if spec.equal_windows and len(set(windows)) > 1:
        raise ValueError(f"model {name!r} needs equal anchor windows, got {list(windows)} bp")
