"""The model zoo registry: one entry per public model name.

Everything else (rules, config validation, docs, tests) reads :data:`REGISTRY` instead of repeating
model names. An entry is written once, with :func:`register`: its inputs, tasks and minimum window,
the parts it is built from (:mod:`dnazoo.models.parts`), the hyperparameters a config may set
(``model_params``), its original's training defaults and its source. Later issues only add entries. Importing this module does not import Keras (the
Snakefile reads the registry at parse time); :func:`build` and ``dnazoo.models.layers`` do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from dnazoo.models.names import DEEPCPG_CNN_DNA, DEEPCPG_CPG, DEEPCPG_JOINT, DEEPCPG_OTHER_DNA, LATE_FUSION_NAMES

KINDS = ("pairs", "sequences")
#: Every dataset kind a model may take: the config's ``datasets`` kinds and the DeepCpG methylation
#: datasets of the config's ``methylation`` block (CpG sites with DNA windows and CpG neighbourhoods).
DATA_KINDS = (*KINDS, "methylation")
#: Prediction tasks every Keras trunk takes (the head comes from the task; ``profile`` needs a
#: trunk that keeps the length axis, e.g. ``dilated_cnn``).
KERAS_TASKS = ("binary", "multilabel", "regression")
#: Training settings of a registry entry (the config's ``training`` / ``model_overrides`` override them).
TRAINING_KEYS = ("optimizer", "learning_rate", "decay", "schedule", "momentum", "nesterov", "rho", "weight_decay",
                 "l1", "l2", "clipnorm", "batch_size", "max_epochs", "patience", "class_weight",
                 "augment_reverse_complement", "augment_shift", "average_strands", "mixed_precision", "loss",
                 "monitor", "jit_compile")


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry: how to build a model from parts and how its original trained it.

    Attributes:
        name: public name (a DAG wildcard value).
        framework: ``"keras"`` (trained by :mod:`dnazoo.training`, saved as ``model.keras``) or
            ``"sklearn"`` (saved with joblib as ``model.joblib``).
        kinds: input layouts it takes: ``sequences`` (one window) and/or ``pairs`` (two anchors).
        tasks: prediction tasks it takes (:mod:`dnazoo.tasks`).
        min_window: smallest window length in bp, per kind.
        defaults: the original's training settings (:data:`TRAINING_KEYS`).
        source: paper / repository of the architecture.
        encoder: ``onehot4``, ``onehot5`` or ``kmer6`` (:mod:`dnazoo.models.parts`); None for sklearn.
        tower: ``tower(x, params) -> features``, the architecture's trunk on one encoded input.
        neck: ``neck(x, params) -> features`` after the fusion, or None.
        fusion: default pair fusion (:data:`dnazoo.models.parts.FUSIONS`).
        fusions: the fusions the architecture takes (its own for DeepChromeHiC's pair models; every
            late fusion for pooled single-sequence towers).
        binary_head: ``sigmoid``, ``softmax2`` (DeepChromeHiC's one-hot models) or ``bn_sigmoid``
            (SPEID: Dense(1) → BatchNormalization → sigmoid).
        params: hyperparameters with their defaults; the config's ``model_params`` may set them.
        equal_windows: the model needs both anchors at the same window length.
        embedding: the k-mer embedding the model starts from: ``"dna2vec"`` (the dataset's
            ``embedding`` matrix is loaded into its Embedding layers), ``"random"``, or None.
        family: models built from the same tower code (tests train one model per family).
        builder: ``builder(inputs, task, params, parents) -> keras.Model`` for a model that is not
            encoder -> tower -> fusion -> head (DeepCpG's CpG and Joint models); ``inputs`` is
            ``{input name: shape}`` of the dataset.
        parents: trained models the entry is built on (DeepCpG Joint: ``("dna", "cpg")``); their
            weights are loaded and frozen.
    """

    name: str
    framework: str
    kinds: tuple[str, ...]
    tasks: tuple[str, ...]
    min_window: dict[str, int]
    defaults: dict
    source: str
    encoder: str | None = None
    tower: Callable | None = field(default=None, compare=False)
    neck: Callable | None = field(default=None, compare=False)
    fusion: str = "length_concat"
    fusions: tuple[str, ...] = ()
    binary_head: str = "sigmoid"
    params: dict = field(default_factory=dict)
    equal_windows: bool = False
    embedding: str | None = None
    family: str = ""
    builder: Callable | None = field(default=None, compare=False)
    parents: tuple[str, ...] = ()


REGISTRY: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add one entry to :data:`REGISTRY`.

    Raises:
        ValueError: a duplicate name, or a training default / fusion that is not known.
    """
    from dnazoo.models.names import FUSIONS

    if spec.name in REGISTRY:
        raise ValueError(f"model {spec.name!r} is registered twice")
    unknown = set(spec.defaults) - set(TRAINING_KEYS) - {"k", "neighbour_window"}
    if unknown:
        raise ValueError(f"model {spec.name!r}: unknown training defaults {sorted(unknown)}")
    if not set(spec.fusions) <= set(FUSIONS):
        raise ValueError(f"model {spec.name!r}: unknown fusions {sorted(set(spec.fusions) - set(FUSIONS))}")
    REGISTRY[spec.name] = spec
    return spec


def dchic_tower_min_rows() -> int:
    """Smallest image length the DeepChromeHiC one-hot CNN tower (NaiveTom/DeepChromeHiC rows 1–8) accepts:
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
    """Smallest embedded length the k-mer CNN4 block accepts (NaiveTom/DeepChromeHiC): 249."""
    return _min_length(lambda n: _pool_valid(_conv_same(n, 8), 32, 16))


def embedding_dense_min_length() -> int:
    """Smallest embedded length ``embedding_dense``'s conv + pool accept (NaiveTom/DeepChromeHiC): 993."""
    return _min_length(lambda n: _pool_valid(_conv_same(n, 32), 32, 16))


def _lazy_builder(module: str, fn: str) -> Callable:
    """A whole-model builder that imports Keras only when a model is built."""
    def call(inputs, task, params, parents=None):
        import importlib

        return getattr(importlib.import_module(f"dnazoo.models.zoo.{module}"), fn)(inputs, task, params, parents)

    call.__name__ = fn
    return call


def _lazy(module: str, fn: str) -> Callable:
    """A tower/neck that imports Keras only when a model is built (the Snakefile reads the registry)."""
    def call(x, params):
        import importlib

        return getattr(importlib.import_module(f"dnazoo.models.zoo.{module}"), fn)(x, params)

    call.__name__ = fn
    return call


_DCHIC_ONEHOT = {"optimizer": "adam", "learning_rate": 5e-5, "decay": 1e-5, "batch_size": 32,
                 "max_epochs": 500, "patience": 10}
_DCHIC_KMER = {"optimizer": "adam", "learning_rate": 5e-6, "decay": 1e-5, "batch_size": 32,
               "max_epochs": 500, "patience": 20}
_SRC = "DeepChromeHiC, 2021 (NaiveTom/DeepChromeHiC 1e7c8d9, model.py): "
_TOWER_MIN = dchic_tower_min_rows()
_KMER_MIN = kmer_cnn_min_length()
_FIX = " + dnazoo correction"


def _source(section: str) -> str:
    """The source string of a DeepChromeHiC entry (``section`` names the original's model; a ``_fixed``
    twin adds dnazoo's correction)."""
    return _SRC + ("the original's model, with dnazoo's correction" if section.endswith(_FIX) else "the original's model")


def _onehot(name: str, section: str, min_window: int, tower: str, neck: str | None, fusion: str, **params):
    register(ModelSpec(name, "keras", ("pairs",), KERAS_TASKS, {"pairs": min_window}, _DCHIC_ONEHOT, _source(section),
                       "onehot5", _lazy("deepchromehic", tower), neck and _lazy("deepchromehic", neck), fusion,
                       (fusion,), "softmax2", params, equal_windows=True, family=f"deepchromehic_{tower}"))


def _kmer(name: str, section: str, min_window: int, tower: str, fusion: str, embedding: str, **params):
    register(ModelSpec(name, "keras", ("pairs",), KERAS_TASKS, {"pairs": min_window}, _DCHIC_KMER, _source(section),
                       "kmer6", _lazy("deepchromehic", tower), _lazy("deepchromehic", "kmer_head_neck"), fusion,
                       (fusion,), "sigmoid", params, equal_windows=True, embedding=embedding,
                       family=f"deepchromehic_{tower}"))


# scikit-learn baselines (dnazoo.models.baselines): logistic regression per label, ridge for continuous targets
for _name, _kinds, _src in (
        ("distance_baseline", ("pairs",),
         "logistic/ridge regression on log10 anchor distance (scikit-learn); the shortcut every pair model must beat"),
        ("gc_baseline", ("pairs", "sequences"), "logistic/ridge regression on the GC fraction of each window (scikit-learn)"),
        ("kmer_baseline", ("pairs", "sequences"),
         "logistic/ridge regression on k-mer frequencies of each window (scikit-learn; bag-of-k-mers control)")):
    register(ModelSpec(_name, "sklearn", _kinds, (*KERAS_TASKS, "profile") if _name != "distance_baseline" else KERAS_TASKS,
                       {k: 1 for k in _kinds},
                       {"k": 4} if _name == "kmer_baseline" else {}, _src, family="baseline"))

# DeepCpG's methylation baselines (dnazoo.models.baselines): per cell, from the dataset's CpG neighbourhoods and bulk
for _name, _src in (
        ("cell_mean", "each cell's methylation rate on the training sites (Angermueller et al., Genome Biol 2017)"),
        ("neighbour_mean", "mean state of the cell's observed neighbouring CpGs within neighbour_window bp "
                           "(Angermueller et al., Genome Biol 2017, the 'window averaging' baseline)"),
        ("bulk_level", "mean level of the dataset's bulk profiles at the site (a dataset with bulk profiles)")):
    register(ModelSpec(_name, "sklearn", ("methylation",), ("multilabel",), {"methylation": 0},
                       {"neighbour_window": 3000} if _name == "neighbour_mean" else {}, _src, family="baseline"))

# DeepChromeHiC one-hot family (NaiveTom/DeepChromeHiC)
_ONE = -(-_TOWER_MIN // 2)
_onehot("onehot_cnn_one_branch", "A.3.1", _ONE, "cnn_tower", "cnn_one_branch_neck", "length_concat")
_onehot("onehot_cnn_two_branch", "A.3.2", _TOWER_MIN, "cnn_tower", "cnn_two_branch_neck", "separate_towers",
        branch_dense=True)
_onehot("onehot_cnn_one_branch_fixed", "A.3.1" + _FIX, _ONE, "cnn_tower", "cnn_one_branch_neck", "length_concat",
        fixed=True)
_onehot("onehot_cnn_two_branch_fixed", "A.3.2" + _FIX, _TOWER_MIN, "cnn_tower", "cnn_two_branch_neck",
        "separate_towers", branch_dense=True, fixed=True)
_onehot("onehot_dense", "A.3.3", 1, "dense_tower", None, "length_concat")
_onehot("onehot_embedding_dense", "A.3.4", 1, "dense_tower", None, "length_concat", image_embedding=True)
for _n, _blocks in (("onehot_resnet18", [2, 2, 2, 2]), ("onehot_resnet34", [3, 4, 6, 3])):
    _onehot(_n, "A.3.5", 1, "resnet_tower", None, "length_concat", blocks=_blocks)
    _onehot(_n + "_fixed", "A.3.5" + _FIX, 1, "resnet_tower", None, "length_concat", blocks=_blocks, fixed=True)

# DeepChromeHiC k-mer family (NaiveTom/DeepChromeHiC): dna2vec-initialised or random embeddings
for _prefix, _emb in (("embedding", "dna2vec"), ("onehot_embedding", "random")):
    for _fx in ("", "_fixed"):
        _kmer(f"{_prefix}_cnn_one_branch{_fx}", "A.4" + (_FIX if _fx else ""), -(-_KMER_MIN // 2), "kmer_cnn_tower",
              "length_concat", _emb, one_branch=True, head_layers=2, fixed=bool(_fx))
        _kmer(f"{_prefix}_cnn_two_branch{_fx}", "A.4" + (_FIX if _fx else ""), _KMER_MIN, "kmer_cnn_tower",
              "separate_towers", _emb, head_layers=2, pre_bn=True, fixed=bool(_fx))
_kmer("embedding_dense", "A.4", -(-embedding_dense_min_length() // 2), "embedding_dense_tower", "length_concat",
      "dna2vec", head_layers=3)

# Classic single-sequence models; on pairs through any late fusion
register(ModelSpec(
    "deepbind", "keras", ("sequences", "pairs"), KERAS_TASKS, {"sequences": 24, "pairs": 24},
    {"optimizer": "adam", "learning_rate": 1e-3, "decay": 0.0, "batch_size": 64, "max_epochs": 100, "patience": 5},
    "Alipanahi et al., Nat Biotechnol 2015 (DeepBind); kipoi DeepBind; pairs: dnazoo siamese extension",
    "onehot4", _lazy("deepbind", "tower"), _lazy("deepbind", "neck"), "siamese",
    LATE_FUSION_NAMES, "sigmoid",
    {"motifs": 16, "motif_length": 24, "hidden": 32, "dropout": 0.5, "reverse_complement": None, "pad": False},
    family="deepbind"))

register(ModelSpec(
    "dilated_cnn", "keras", ("sequences", "pairs"), (*KERAS_TASKS, "profile"), {"sequences": 1, "pairs": 1},
    {"optimizer": "adam", "learning_rate": 1e-3, "decay": 0.0, "batch_size": 64, "max_epochs": 100, "patience": 5},
    "dnazoo; dilated residual convolutions after Basenji (Kelley et al., Genome Res 2018) and BPNet (Avsec et al., "
    "Nat Genet 2021); profile-capable", "onehot4", _lazy("classic", "dilated_tower"), None, "siamese",
    LATE_FUSION_NAMES, "sigmoid",
    {"filters": 64, "first_kernel": 21, "layers": 5, "kernel": 3, "dropout": 0.1}, family="dilated_cnn"))

# The classic zoo (the papers cited per registry entry). Windows are the minimum each tower takes (valid convolutions and
# pooling); defaults are the original's training settings where the spec gives them.
_CLASSIC = "classic"


def _classic(name, family, min_window, defaults, source, tower, neck, params=None, binary_head="sigmoid",
             tasks=KERAS_TASKS):
    register(ModelSpec(
        name, "keras", ("sequences", "pairs"), tasks, {"sequences": min_window, "pairs": min_window},
        defaults, source, "onehot4", _lazy(_CLASSIC, tower), neck and _lazy(_CLASSIC, neck), "siamese",
        LATE_FUSION_NAMES, binary_head, params or {}, family=family))


_classic("deepsea", "deepsea", 163,
         {"optimizer": "sgd", "learning_rate": 0.01, "momentum": 0.9, "weight_decay": 1e-6, "l2": 5e-7, "l1": 1e-8,
          "batch_size": 64, "max_epochs": 100, "patience": 5, "average_strands": True},
         "Zhou & Troyanskaya, Nat Methods 2015 (DeepSEA); kipoi DeepSEA, Selene models/deepsea.py. "
         "SGD + momentum 0.9, weight decay 1e-6 and batch 64 as Selene, L2 5e-7 / L1 1e-8 as the paper (the paper's "
         "L1 acts on the last hidden layer's output; dnazoo's on kernels); learning rate 0.01 is dnazoo's choice; "
         "predictions average both strands as the released model",
         "deepsea_tower", "deepsea_neck", {"hidden": 925})
_classic("basset", "basset", 168,
         {"optimizer": "rmsprop", "learning_rate": 0.002, "rho": 0.98, "batch_size": 128, "max_epochs": 1000,
          "patience": 10},
         "Kelley, Snoek & Rinn, Genome Res 2016 (Basset); davek44/Basset pretrained layout (valid "
         "convolutions, floor pooling); RMSprop lr 0.002, alpha 0.98, batch 128, stop after 10 stagnant epochs "
         "(Basset's max-norm 7 is not applied)",
         "basset_tower", "basset_neck", {"hidden": 1000, "dropout": 0.3})
_classic("danq", "danq", 38,
         {"optimizer": "rmsprop", "learning_rate": 1e-3, "batch_size": 100, "max_epochs": 60, "patience": 5},
         "Quang & Xie, Nucleic Acids Res 2016 (DanQ); uci-cbcl/DanQ DanQ_train.py (RMSprop at Keras's "
         "default lr, batch 100, <= 60 epochs, patience 5; early stopping here follows the validation metric, "
         "the original's validation loss)",
         "danq_tower", "deepsea_neck", {"filters": 320, "kernel": 26, "pool": 13, "lstm": 320, "hidden": 925})
_classic("danq_jaspar", "danq", 44,
         {"optimizer": "rmsprop", "learning_rate": 1e-3, "batch_size": 100, "max_epochs": 32, "patience": 5},
         "Quang & Xie, Nucleic Acids Res 2016 (DanQ-JASPAR); uci-cbcl/DanQ DanQ-JASPAR_train.py: the first "
         "filters start from the JASPAR 2016 CORE vertebrate motifs (pyjaspar, offline), 32 epochs",
         "danq_tower", "deepsea_neck",
         {"filters": 1024, "kernel": 30, "pool": 15, "lstm": 512, "hidden": 925, "jaspar": "JASPAR2016", "seed": 0})
_classic("tfbs_cnn", "tfbs_cnn", 15,
         {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 10, "max_epochs": 10, "patience": 10, "loss": "mse"},
         "seed 004: PacktPublishing/Deep-Learning-for-Genomics- Chapter10/model_interpretability.py, the original "
         "model (after Zou et al., Nat Genet 2019); PacktPublishing/Deep-Learning-for-Genomics- Chapter10. Adam, batch 10, 10 epochs, the original's MSE "
         "loss on the probability (training.loss: cross_entropy to change it)",
         "tfbs_cnn_tower", "tfbs_cnn_neck")
_classic("tfbs_cnn_modified", "tfbs_cnn", 5,
         {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 10, "max_epochs": 10, "patience": 10, "loss": "mse"},
         "seed 004's modified TFBS CNN (same file; PacktPublishing/Deep-Learning-for-Genomics- Chapter10): same-padded convolution, MaxPool(5), ten dense "
         "layers, Dense(2, softmax) head; Adam, batch 10, 10 epochs, MSE on the one-hot label as the original",
         "tfbs_cnn_modified_tower", "tfbs_cnn_modified_neck", binary_head="softmax2")
_classic("deepsite", "cnn_lstm", 14,
         {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 64, "max_epochs": 100, "patience": 5},
         "reconstruction after Zhang et al., Int J Mach Learn Cybern 2020 (DeepSite: BLSTM -> CNN); Zhang et al., Int J Mach Learn Cybern 2020; "
         "the original sizes are unknown, these are dnazoo's defaults",
         "deepsite_tower", "dense_dropout_neck", {"hidden": 64, "dropout": 0.5})
_classic("deep6mapred", "cnn_lstm", 2,
         {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 64, "max_epochs": 100, "patience": 5},
         "reconstruction after Tang et al., Methods 2022 (Deep6mAPred: parallel CNN and BLSTM); Tang et al., Methods 2022; the "
         "original sizes are unknown, these are dnazoo's defaults",
         "deep6mapred_tower", "dense_dropout_neck", {"hidden": 64, "dropout": 0.5})

_classic("residualbind", "residualbind", 10,
         {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 100, "max_epochs": 100, "patience": 10},
         "Koo et al., PLoS Comput Biol 2021 (ResidualBind; global importance analysis); p-koo/cipher "
         "model_zoo/residualbind.py: Conv(96, 11) -> dilated residual block (3, dilations 2/4/8) -> average "
         "pool 10 -> Dense(256); Adam 1e-3, batch 100, patience 10 as the paper's RNAcompete runs",
         "residualbind_tower", "residualbind_neck",
         {"filters": 96, "first_kernel": 11, "dilations": [2, 4, 8], "pool": 10, "hidden": 256})


_PROFILE_TASKS = (*KERAS_TASKS, "profile")
_BASENJI_TRAIN = {"optimizer": "sgd", "momentum": 0.99, "batch_size": 4, "clipnorm": 2.0,
                  "augment_reverse_complement": True, "augment_shift": 3}
_classic("basenji_small", "basenji", 128, {**_BASENJI_TRAIN, "learning_rate": 0.1, "max_epochs": 20, "patience": 8},
         "Kelley et al., Genome Res 2018 (Basenji); calico/basenji tutorials/models/params_small.json "
         "(SGD lr 0.1, momentum 0.99, batch 4, 20 epochs, patience 8, clip-norm 2, reverse-complement and ±3 bp "
         "shift augmentation)", "basenji_tower", None,
         {"stem_filters": 64, "stem_kernel": 15, "stem_pool": 8, "tower_filters": 64, "tower_mult": 1.125,
          "tower_repeat": 2, "tower_pool": 4, "dilated_filters": 32, "rate_mult": 2.0, "dilated_repeat": 6,
          "dilated_dropout": 0.25, "crop": 0, "final_filters": 64, "final_dropout": 0.05}, tasks=_PROFILE_TASKS)
_classic("basenji2", "basenji", 128 * 129, {**_BASENJI_TRAIN, "learning_rate": 0.15, "max_epochs": 100, "patience": 16},
         "Kelley, PLoS Comput Biol 2020 (Basenji2); calico/basenji manuscripts/cross2020/"
         "params_human.json (SGD lr 0.15, momentum 0.99, batch 4, patience 16, clip-norm 2)", "basenji_tower", None,
         {"stem_filters": 288, "stem_kernel": 15, "stem_pool": 2, "tower_filters": 339, "tower_mult": 1.1776,
          "tower_repeat": 6, "tower_pool": 2, "dilated_filters": 384, "rate_mult": 1.5, "dilated_repeat": 11,
          "dilated_dropout": 0.3, "crop": 64, "final_filters": 1536, "final_dropout": 0.05}, tasks=_PROFILE_TASKS)
_classic("expresnet", "expresnet", 1708,
         {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 64, "max_epochs": 100, "patience": 5},
         "reconstruction after Zhang, Zhou & Cai, bioRxiv 10.1101/2020.06.21.163956 (ExpResNet); Zhang, Zhou & Cai, bioRxiv 10.1101/2020.06.21.163956; the "
         "original code was not found, so the original sizes are unknown; block structure from a third-party "
         "adaptation (Selene, i.e. PyTorch: BatchNorm momentum 0.1 there, 0.9 in Keras's convention, so moving "
         "statistics settle within one epoch of a small dataset)", "expresnet_tower", "expresnet_neck",
         {"hidden": 512, "bn_momentum": 0.9})
_classic("enformer_small", "enformer", 128 * 33,
         {"optimizer": "adam", "learning_rate": 5e-4, "schedule": "warmup_constant", "batch_size": 8,
          "max_epochs": 100, "patience": 10, "augment_reverse_complement": True, "augment_shift": 3},
         "a small conv + transformer after Avsec et al., Nat Methods 2021 (Enformer); Avsec et al., Nat Methods 2021 (Adam 5e-4 with a "
         "linear warm-up over 5,000 steps, reverse-complement and ±3 bp shift augmentation; batch size dnazoo's)",
         "enformer_small_tower", None, {"crop": 16, "filters": 192}, tasks=_PROFILE_TASKS)

# DeepCpG's DNA modules (cangermueller/deepcpg) as single-sequence towers: one sigmoid per cell comes from the
# multilabel task's head. The CpG and Joint modules take other inputs (dnazoo.models.zoo.deepcpg).
_DEEPCPG_TRAIN = {"optimizer": "adam", "learning_rate": 1e-4, "schedule": "exponential_epoch", "decay": 0.975,
                  "l1": 1e-4, "l2": 1e-4, "batch_size": 128, "max_epochs": 30, "patience": 5}


def _deepcpg_min_window(arch: str) -> int:
    """Smallest window a DeepCpG DNA module takes: its valid convolutions and pools must leave one
    position (the residual modules pad 'same' after a valid Conv(128, 11) and MaxPool(2))."""
    if arch in DEEPCPG_CNN_DNA:
        stages = [(kernel, pool) for _, kernel, pool in DEEPCPG_CNN_DNA[arch][0]]
    elif arch == "CnnRnn01":
        stages = [(11, 4), (7, 4)]
    else:
        stages = [(11, 2)]

    def out(n):
        for kernel, pool in stages:
            n = _pool_valid(n - kernel + 1, pool, pool)
        return n

    return _min_length(out)


for _arch in (*DEEPCPG_CNN_DNA, *DEEPCPG_OTHER_DNA):
    _w = _deepcpg_min_window(_arch)
    register(ModelSpec(
        f"deepcpg_dna_{_arch}", "keras", ("sequences", "pairs", "methylation"), KERAS_TASKS,
        {"sequences": _w, "pairs": _w, "methylation": _w},
        _DEEPCPG_TRAIN,
        f"Angermueller et al., Genome Biol 2017 (DeepCpG); cangermueller/deepcpg deepcpg/models/dna.py {_arch}; "
        "training as dcpg_train.py: Adam 1e-4 x 0.975^epoch, batch 128, L1/L2 1e-4 on every kernel, "
        "<= 30 epochs, early stopping with patience 5; on a methylation dataset on "
        "validation loss with DeepCpG's per-cell class weights, elsewhere on the task's validation metric",
        "onehot4", _lazy("deepcpg", "dna_tower"), _lazy("deepcpg", "dna_neck"), "siamese", LATE_FUSION_NAMES,
        "sigmoid", {"arch": _arch, "dropout": 0.0},
        family="deepcpg_dna_cnn" if _arch.startswith("Cnn") else "deepcpg_dna_resnet"))

#: DeepCpG's training (dcpg_train.py) on a methylation dataset: the above, early stopping on the
#: validation loss, with per-cell class weights in the masked loss.
_DEEPCPG_METHYLATION = {**_DEEPCPG_TRAIN, "monitor": "val_loss", "class_weight": True}
for _arch in DEEPCPG_CPG:
    register(ModelSpec(
        f"deepcpg_cpg_{_arch}", "keras", ("methylation",), ("multilabel",), {"methylation": 0}, _DEEPCPG_METHYLATION,
        f"Angermueller et al., Genome Biol 2017 (DeepCpG); cangermueller/deepcpg deepcpg/models/cpg.py {_arch}",
        params={"arch": _arch, "dropout": 0.0}, family="deepcpg_cpg", builder=_lazy_builder("deepcpg", "build_cpg")))
for _arch in DEEPCPG_JOINT:
    register(ModelSpec(
        f"deepcpg_joint_{_arch}", "keras", ("methylation",), ("multilabel",), {"methylation": 0},
        _DEEPCPG_METHYLATION,
        f"Angermueller et al., Genome Biol 2017 (DeepCpG); cangermueller/deepcpg deepcpg/models/joint.py {_arch}, "
        "on the frozen features of a trained DNA and CpG model (dcpg_train.py --train_models joint)",
        params={"arch": _arch, "dropout": 0.0}, family="deepcpg_joint", builder=_lazy_builder("deepcpg", "build_joint"),
        parents=("dna", "cpg")))

register(ModelSpec(
    "epivan", "keras", ("pairs",), KERAS_TASKS, {"pairs": 59},
    {"optimizer": "adam", "learning_rate": 1e-3, "batch_size": 64, "max_epochs": 15, "patience": 15},
    "Hong et al., Bioinformatics 2020 (EPIVAN); hzy95/EPIVAN model.py (Adam, batch 64, 15 epochs; "
    "the original's 20x augmentation of positives is not applied)",
    "kmer6", _lazy(_CLASSIC, "epivan_tower"), _lazy(_CLASSIC, "epivan_neck"), "separate_length_concat",
    ("separate_length_concat",), "sigmoid", {}, embedding="dna2vec", family="epivan"))
register(ModelSpec(
    "speid", "keras", ("pairs",), KERAS_TASKS, {"pairs": 59},
    {"optimizer": "adam", "learning_rate": 1e-5, "batch_size": 100, "max_epochs": 32, "patience": 32},
    "Singh et al., bioRxiv 2016 (SPEID); ma-compbio/SPEID pairwise/build_small_model.py (Adam lr 1e-5, "
    "batch 100, 32 epochs)",
    "onehot4", _lazy(_CLASSIC, "speid_tower"), _lazy(_CLASSIC, "speid_neck"), "separate_length_concat",
    ("separate_length_concat",), "bn_sigmoid", {}, family="speid"))

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


def build(name: str, windows: int | tuple[int, ...], kind: str, embedding=None, task=None,
          fusion: str | None = None, with_distance: bool = False, params: dict | None = None,
          inputs: dict | None = None, parents: dict | None = None) -> "keras.Model":  # noqa: F821
    """Build the uncompiled Keras model ``name`` from its parts (:func:`dnazoo.models.parts.assemble`).

    Args:
        windows: window length in bp per input (``(L1, L2)`` for pairs, ``(L,)`` for sequences);
            one int means the same length for every input.
        kind: ``pairs`` or ``sequences``.
        embedding: ``(4**6 + 1, d)`` float32 k-mer matrix loaded into the Embedding layers of a
            model whose spec has ``embedding="dna2vec"``; ignored by the others (random init when None).
        task: a :class:`dnazoo.tasks.Task` (default: binary).
        fusion: pair fusion (default: the entry's).
        with_distance: add the ``log10_distance`` input, concatenated before the head.
        params: overrides of the entry's ``params`` (the config's ``model_params``).
        inputs: ``{input name: shape}`` of the dataset (``spec.json``), for an entry with a
            ``builder`` (DeepCpG CpG and Joint models on a ``methylation`` dataset).
        parents: ``{role: trained keras.Model}`` for an entry with ``parents`` (DeepCpG Joint).

    Raises:
        KeyError: unknown model.
        ValueError: a sklearn model, a kind, task or fusion the model does not take, an unknown
            parameter, or a window below the model's minimum (the message gives it).
    """
    from dnazoo.models.parts import assemble
    from dnazoo.tasks import Task

    n_inputs = 2 if kind == "pairs" else 1
    windows = (windows,) * n_inputs if isinstance(windows, int) else tuple(windows)
    spec = get(name)
    task = task or Task()
    check_compatible(name, windows, kind, task.name, fusion, params)
    if spec.framework != "keras":
        raise ValueError(f"model {name!r} is a {spec.framework} model, not a Keras model")
    if spec.builder is not None:
        missing = set(spec.parents) - set(parents or {})
        if missing:
            raise ValueError(f"model {name!r} is built on trained {sorted(missing)} model(s); none was given")
        return spec.builder(dict(inputs or {}), task, {**spec.params, **(params or {})}, parents)
    if kind == "methylation":  # a DNA model on a methylation dataset takes its one window, `sequence`
        kind = "sequences"
    if with_distance and kind != "pairs":
        raise ValueError(f"model {name!r}: with_distance needs a pairs dataset")
    if task.name == "profile" and kind != "sequences":
        raise ValueError(f"model {name!r}: the profile task takes single sequences")
    return assemble(spec, windows, task, fusion, with_distance, {**(params or {}), "kind": kind, "task": task.name},
                    embedding if spec.embedding == "dna2vec" else None)


def check_compatible(name: str, windows: int | tuple[int, ...], kind: str, task: str = "binary",
                     fusion: str | None = None, params: dict | None = None) -> None:
    """Raise ValueError when model ``name`` cannot take this dataset: its ``kind`` (pairs /
    sequences), ``task``, window lengths (bp), pair ``fusion`` or ``params`` keys."""
    spec = get(name)
    windows = (windows,) if isinstance(windows, int) else tuple(windows)
    if kind not in spec.kinds:
        raise ValueError(f"model {name!r} takes datasets of kind {list(spec.kinds)}, not {kind!r}")
    if task not in spec.tasks:
        raise ValueError(f"model {name!r} takes the tasks {list(spec.tasks)}, not {task!r}")
    minimum = spec.min_window[kind]
    for w in windows:
        if w < minimum:
            raise ValueError(f"model {name!r} needs windows of at least {minimum} bp, got {w} bp")
    if spec.equal_windows and len(set(windows)) > 1:
        raise ValueError(f"model {name!r} needs equal anchor windows, got {list(windows)} bp")
    if fusion is not None and kind == "pairs" and fusion not in spec.fusions:
        raise ValueError(f"model {name!r} takes the fusions {list(spec.fusions)}, not {fusion!r}")
    params = dict(params or {})
    crop = params.pop("input_crop", None)
    if crop is not None:  # every one-hot model: the centre `input_crop` bp of each window (Basset at 600 bp)
        if spec.encoder not in ("onehot4", "onehot5"):
            raise ValueError(f"model {name!r}: model_params.input_crop needs a one-hot model")
        if not isinstance(crop, int) or crop < minimum or crop > min(windows):
            raise ValueError(f"model {name!r}: model_params.input_crop must be a whole number of bp from the model's "
                             f"minimum {minimum} to the window {min(windows)}, got {crop!r}")
    unknown = set(params) - set(spec.params)
    if unknown:
        raise ValueError(f"model {name!r} has no parameter(s) {sorted(unknown)}; it has {sorted(spec.params)}")


def is_baseline(model: str) -> bool:
    """True for the baselines of the registry (distance, GC, k-mer; methylation: cell mean, neighbour mean, bulk level)."""
    from dnazoo import models

    return model in models.REGISTRY and models.get(model).framework == "sklearn"
