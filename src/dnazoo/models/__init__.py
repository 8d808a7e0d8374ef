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
        embedding: the k-mer embedding the model starts from: ``"dna2vec"`` (the dataset's
            ``embedding`` matrix is loaded into its Embedding layers), ``"random"``, or None (no
            k-mer embedding).
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
    embedding: str | None = None


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


def _min_length(out_len: Callable[[int], int]) -> int:
    """Smallest input length n with ``out_len(n) >= 1`` (all out_len here are monotone)."""
    n = 1
    while out_len(n) < 1:
        n += 1
    return n


def _conv_same(n: int, stride: int) -> int:
    return -(-n // stride)


def _pool_valid(n: int, pool: int, stride: int) -> int:
    return (n - pool) // stride + 1 if n >= pool else 0


def kmer_cnn_min_length() -> int:
    """Smallest embedded length the k-mer CNN4 block accepts (spec §A.4): 249."""
    return _min_length(lambda n: _pool_valid(_conv_same(n, 8), 32, 16))


def embedding_dense_min_length() -> int:
    """Smallest embedded length ``embedding_dense``'s conv + pool accept (spec §A.4): 993."""
    return _min_length(lambda n: _pool_valid(_conv_same(n, 32), 32, 16))


def _dchic(fn_name: str, **kwargs):
    """A builder ``build(windows, embedding=None)`` calling ``deepchromehic.<fn_name>(windows[0], ...)``
    (``embedding`` is passed on when given: only the k-mer builders take it)."""
    def build(windows: tuple[int, ...], embedding=None):
        from . import deepchromehic

        extra = {"embedding": embedding} if "name" in kwargs else {}
        return getattr(deepchromehic, fn_name)(windows[0], **kwargs, **extra)

    return build


def _build_deepbind(windows: tuple[int, ...], embedding=None):
    from .deepbind import deepbind

    return deepbind(windows)


_DCHIC_ONEHOT = {"optimizer": "adam", "learning_rate": 5e-5, "decay": 1e-5, "batch_size": 32,
                 "max_epochs": 500, "patience": 10}
_DCHIC_KMER = {"optimizer": "adam", "learning_rate": 5e-6, "decay": 1e-5, "batch_size": 32,
               "max_epochs": 500, "patience": 20}
_SRC = "DeepChromeHiC model.py (NaiveTom/DeepChromeHiC 1e7c8d9); spec §"
_TOWER_MIN = dchic_tower_min_rows()
_KMER_MIN = kmer_cnn_min_length()


def _onehot(name: str, section: str, min_window: int, builder: str | None = None, **kw) -> ModelSpec:
    return ModelSpec(name, "keras", ("pairs",), {"pairs": min_window}, "softmax2", _DCHIC_ONEHOT,
                     _SRC + section, _dchic(builder or name, **kw), equal_windows=True)


def _kmer(name: str, section: str, min_window: int, builder: str, embedding: str, **kw) -> ModelSpec:
    return ModelSpec(name, "keras", ("pairs",), {"pairs": min_window}, "sigmoid", _DCHIC_KMER, _SRC + section,
                     _dchic(builder, name=name, **kw),
                     equal_windows=True, embedding=embedding)


_FIX = " + dnazoo correction"

REGISTRY: dict[str, ModelSpec] = {
    # scikit-learn baselines (dnazoo.baselines)
    "distance_baseline": ModelSpec(
        "distance_baseline", "sklearn", ("pairs",), {"pairs": 1}, "sigmoid", {},
        "logistic regression on log10 anchor distance (scikit-learn); the shortcut every pair model must beat"),
    "gc_baseline": ModelSpec(
        "gc_baseline", "sklearn", ("pairs", "sequences"), {"pairs": 1, "sequences": 1}, "sigmoid", {},
        "logistic regression on the GC fraction of each window (scikit-learn)"),
    "kmer_baseline": ModelSpec(
        "kmer_baseline", "sklearn", ("pairs", "sequences"), {"pairs": 1, "sequences": 1}, "sigmoid", {"k": 4},
        "logistic regression on k-mer frequencies of each window (scikit-learn; bag-of-k-mers control)"),
    # DeepChromeHiC one-hot family (spec §A.3)
    "onehot_cnn_one_branch": _onehot("onehot_cnn_one_branch", "A.3.1", -(-_TOWER_MIN // 2)),
    "onehot_cnn_two_branch": _onehot("onehot_cnn_two_branch", "A.3.2", _TOWER_MIN),
    "onehot_cnn_one_branch_fixed": _onehot("onehot_cnn_one_branch_fixed", "A.3.1" + _FIX, -(-_TOWER_MIN // 2),
                                           "onehot_cnn_one_branch", fixed=True),
    "onehot_cnn_two_branch_fixed": _onehot("onehot_cnn_two_branch_fixed", "A.3.2" + _FIX, _TOWER_MIN,
                                           "onehot_cnn_two_branch", fixed=True),
    "onehot_dense": _onehot("onehot_dense", "A.3.3", 1),
    "onehot_embedding_dense": _onehot("onehot_embedding_dense", "A.3.4", 1),
    "onehot_resnet18": _onehot("onehot_resnet18", "A.3.5", 1),
    "onehot_resnet34": _onehot("onehot_resnet34", "A.3.5", 1),
    "onehot_resnet18_fixed": _onehot("onehot_resnet18_fixed", "A.3.5" + _FIX, 1),
    "onehot_resnet34_fixed": _onehot("onehot_resnet34_fixed", "A.3.5" + _FIX, 1),
    # DeepChromeHiC k-mer family (spec §A.4): dna2vec-initialised or random embeddings
    "embedding_cnn_one_branch": _kmer("embedding_cnn_one_branch", "A.4", -(-_KMER_MIN // 2),
                                      "kmer_cnn_one_branch", "dna2vec"),
    "embedding_cnn_two_branch": _kmer("embedding_cnn_two_branch", "A.4", _KMER_MIN, "kmer_cnn_two_branch",
                                      "dna2vec"),
    "embedding_dense": _kmer("embedding_dense", "A.4", -(-embedding_dense_min_length() // 2), "embedding_dense",
                             "dna2vec"),
    "onehot_embedding_cnn_one_branch": _kmer("onehot_embedding_cnn_one_branch", "A.4", -(-_KMER_MIN // 2),
                                             "kmer_cnn_one_branch", "random"),
    "onehot_embedding_cnn_two_branch": _kmer("onehot_embedding_cnn_two_branch", "A.4", _KMER_MIN,
                                             "kmer_cnn_two_branch", "random"),
    "embedding_cnn_one_branch_fixed": _kmer("embedding_cnn_one_branch_fixed", "A.4" + _FIX, -(-_KMER_MIN // 2),
                                            "kmer_cnn_one_branch", "dna2vec", fixed=True),
    "embedding_cnn_two_branch_fixed": _kmer("embedding_cnn_two_branch_fixed", "A.4" + _FIX, _KMER_MIN,
                                            "kmer_cnn_two_branch", "dna2vec", fixed=True),
    "onehot_embedding_cnn_one_branch_fixed": _kmer("onehot_embedding_cnn_one_branch_fixed", "A.4" + _FIX,
                                                   -(-_KMER_MIN // 2), "kmer_cnn_one_branch", "random",
                                                   fixed=True),
    "onehot_embedding_cnn_two_branch_fixed": _kmer("onehot_embedding_cnn_two_branch_fixed", "A.4" + _FIX,
                                                   _KMER_MIN, "kmer_cnn_two_branch", "random", fixed=True),
    "deepbind": ModelSpec(
        "deepbind", "keras", ("sequences", "pairs"), {"sequences": 24, "pairs": 24}, "sigmoid",
        {"optimizer": "adam", "learning_rate": 1e-3, "decay": 0.0, "batch_size": 64, "max_epochs": 100,
         "patience": 5},
        "Alipanahi et al., Nat Biotechnol 2015 (DeepBind); spec §C.1; pairs: dnazoo siamese extension",
        _build_deepbind),
}

#: The 11 models of DeepChromeHiC under their original names (the transfer matrix and the
#: comparison with ``auc+pearson.csv`` use these).
DEEPCHROMEHIC_MODELS = (
    "onehot_cnn_one_branch", "onehot_cnn_two_branch", "onehot_embedding_dense", "onehot_embedding_cnn_one_branch",
    "onehot_embedding_cnn_two_branch", "onehot_dense", "onehot_resnet18", "onehot_resnet34",
    "embedding_cnn_one_branch", "embedding_cnn_two_branch", "embedding_dense",
)


def get(name: str) -> ModelSpec:
    """The registry entry of ``name``.

    Raises:
        KeyError: naming the unknown model and listing the known ones.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known models: {sorted(REGISTRY)}") from None


def build(name: str, windows: int | tuple[int, ...], task: str, embedding=None) -> "keras.Model":  # noqa: F821
    """Build the uncompiled Keras model ``name`` for dataset kind ``task``.

    Args:
        windows: window length in bp per input (``(L1, L2)`` for pairs, ``(L,)`` for sequences);
            one int means the same length for every input.
        embedding: ``(4**6 + 1, 100)`` float32 k-mer matrix loaded into the Embedding layers of a
            model whose spec has ``embedding="dna2vec"``; ignored by the others (random init when None).

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
    return spec.build(windows, embedding if spec.embedding == "dna2vec" else None)


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
