"""Tasks: everything that depends on what is predicted (after gReLU's and CREsted's task objects).

A :class:`Task` owns the output layer (units, activation), the loss, the validation metric that
early stopping and the kept epoch follow, and the test metrics. A model's trunk is the same for a
binary or a 919-label dataset; only the head changes.

======================  ====================  ==============================  =======================
task                    targets (per row)     loss                            validation metric
======================  ====================  ==============================  =======================
``binary``              ``()`` int8 0/1       binary cross-entropy            ``val_auroc``
``multilabel``          ``(k,)`` int8, -1 =   binary cross-entropy, missing   ``val_mean_auroc``
                        missing               labels masked out
``regression``          ``(k,)`` float32,     mean squared error, NaN         ``val_mean_pearson_r``
                        NaN = missing         masked out
``profile``             ``(bins, tracks)``    Poisson negative                ``val_mean_pearson_r``
                        float32 counts        log-likelihood
======================  ====================  ==============================  =======================

Metrics use scikit-learn (AUROC, AUPRC, MSE) and SciPy (Pearson r, Spearman ρ).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TASKS = ("binary", "multilabel", "regression", "profile")
#: The label value that marks a missing multilabel target.
from dnazoo.data.dataset import MISSING_LABEL  # noqa: E402,F401


def _register():
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="dnazoo")
    class MaskedBinaryCrossentropy(keras.losses.Loss):
        """Binary cross-entropy over the observed labels only: a target of −1 or NaN is masked out
        of the loss (mean over observed entries of the batch). DeepCpG's missing-label loss.

        With ``class_weights`` (``[[w0, w1]]`` per target, DeepCpG's inverse class frequencies
        that sum to 1, :func:`dnazoo.training.target_class_weights`), each observed entry is
        weighted by its class's weight and the entries are summed over targets, as DeepCpG sums
        its per-cell sample-weighted losses."""

        def __init__(self, name="masked_binary_crossentropy", class_weights=None, **kwargs):
            super().__init__(name=name, **kwargs)
            # [[w0, w1] per target] or None: the weight of an observed 0 and of an observed 1
            self.class_weights = None if class_weights is None else [list(map(float, w)) for w in class_weights]

        def call(self, y_true, y_pred):
            y_true = ops.cast(y_true, y_pred.dtype)
            mask = ops.cast(ops.greater_equal(y_true, 0.0), y_pred.dtype)  # NaN >= 0 is False
            y = ops.where(mask > 0, y_true, ops.zeros_like(y_true))
            p = ops.clip(y_pred, 1e-7, 1 - 1e-7)
            bce = -(y * ops.log(p) + (1 - y) * ops.log(1 - p))
            if self.class_weights is not None:
                w = ops.convert_to_tensor(self.class_weights, dtype=y_pred.dtype)  # (k, 2)
                mask = mask * (w[:, 0] * (1 - y) + w[:, 1] * y)
                return ops.sum(bce * mask, axis=-1)
            return ops.sum(bce * mask, axis=-1) / ops.maximum(ops.sum(mask, axis=-1), 1.0)

        def get_config(self):
            return {**super().get_config(), "class_weights": self.class_weights}

    @keras.saving.register_keras_serializable(package="dnazoo")
    class MaskedMeanSquaredError(keras.losses.Loss):
        """Mean squared error over the non-NaN targets."""

        def __init__(self, name="masked_mean_squared_error", **kwargs):
            super().__init__(name=name, **kwargs)

        def call(self, y_true, y_pred):
            y_true = ops.cast(y_true, y_pred.dtype)
            mask = ops.cast(ops.logical_not(ops.isnan(y_true)), y_pred.dtype)
            y = ops.where(mask > 0, y_true, y_pred)
            return ops.sum(ops.square(y - y_pred) * mask, axis=-1) / ops.maximum(ops.sum(mask, axis=-1), 1.0)

    @keras.saving.register_keras_serializable(package="dnazoo")
    class PoissonNLL(keras.losses.Loss):
        """Poisson negative log-likelihood ``λ − y · log λ`` of counts y, rate λ (Basenji)."""

        def __init__(self, name="poisson_nll", **kwargs):
            super().__init__(name=name, **kwargs)

        def call(self, y_true, y_pred):
            y_true = ops.cast(y_true, y_pred.dtype)
            nll = y_pred - y_true * ops.log(y_pred + 1e-7)
            return ops.mean(ops.reshape(nll, (ops.shape(nll)[0], -1)), axis=-1)

    @keras.saving.register_keras_serializable(package="dnazoo")
    class ProbabilityMSE(keras.losses.Loss):
        """Mean squared error between a binary label and the predicted probability: on a sigmoid
        output ``(n, 1)`` against y, on a 2-way softmax ``(n, 2)`` against the one-hot label
        ``(1 − y, y)`` (the seed-004 TFBS CNNs, compiled with ``loss='mse'``). Labels ``(n,)`` or
        ``(n, 1)`` int 0/1."""

        def __init__(self, name="probability_mse", **kwargs):
            super().__init__(name=name, **kwargs)

        def call(self, y_true, y_pred):
            y = ops.reshape(ops.cast(y_true, y_pred.dtype), (-1, 1))
            if y_pred.shape[-1] == 2:
                y = ops.concatenate([1 - y, y], axis=-1)
            return ops.mean(ops.square(y - y_pred), axis=-1)

    return MaskedBinaryCrossentropy, MaskedMeanSquaredError, PoissonNLL, ProbabilityMSE


_LOSSES: tuple | None = None


def losses():
    """The registered loss classes ``(MaskedBinaryCrossentropy, MaskedMeanSquaredError, PoissonNLL,
    ProbabilityMSE)``
    (imports Keras on first use)."""
    global _LOSSES
    if _LOSSES is None:
        _LOSSES = _register()
    return _LOSSES


@dataclass(frozen=True)
class Task:
    """What a dataset predicts.

    Attributes:
        name: one of :data:`TASKS`.
        targets: target names (label columns, tracks); one for ``binary``.
        bins: bins per window (``profile`` only).
    """

    name: str = "binary"
    targets: tuple[str, ...] = ("label",)
    bins: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if self.name not in TASKS:
            raise ValueError(f"unknown task {self.name!r}; known: {list(TASKS)}")
        if self.name == "binary" and len(self.targets) != 1:
            raise ValueError(f"a binary task has one target, got {len(self.targets)}")
        if self.name == "profile" and not self.bins:
            raise ValueError("a profile task needs bins")

    @property
    def n_targets(self) -> int:
        return len(self.targets)

    @property
    def target_shape(self) -> tuple[int, ...]:
        """Shape of one row's targets: ``()`` binary, ``(k,)``, or ``(bins, tracks)``."""
        if self.name == "binary":
            return ()
        if self.name == "profile":
            return (self.bins, self.n_targets)
        return (self.n_targets,)

    @property
    def target_dtype(self) -> str:
        return "int8" if self.name in ("binary", "multilabel") else "float32"

    @property
    def monitor(self) -> str:
        """The validation metric key that early stopping and the kept epoch follow (mode max)."""
        return {"binary": "val_auroc", "multilabel": "val_mean_auroc"}.get(self.name, "val_mean_pearson_r")

    # --- model side -------------------------------------------------------------------------

    def output_layer(self, x, binary_head: str = "sigmoid"):
        """The layer ``output`` on features ``x``.

        binary: ``Dense(1, sigmoid)``, or ``Dense(2, softmax)`` with ``binary_head='softmax2'``
        (DeepChromeHiC; column 1 = P(1)), or ``Dense(1) → BatchNormalization → sigmoid`` with
        ``binary_head='bn_sigmoid'`` (SPEID); multilabel: ``Dense(k, sigmoid)``; regression:
        ``Dense(k)``; profile: ``(L', C)`` features average-pooled to ``bins`` then
        ``Dense(tracks, softplus)`` → ``(bins, tracks)``. The output layer computes in float32
        under a mixed-precision policy too.

        Raises:
            ValueError: profile on pooled (2-D) features, or a length that bins do not divide.
        """
        from keras import layers

        if self.name == "binary":
            if binary_head == "softmax2":
                return layers.Dense(2, activation="softmax", name="output", dtype="float32")(x)
            if binary_head == "bn_sigmoid":
                x = layers.Dense(1, name="output_dense", dtype="float32")(x)
                x = layers.BatchNormalization(name="output_bn", dtype="float32")(x)
                return layers.Activation("sigmoid", name="output", dtype="float32")(x)
            return layers.Dense(1, activation="sigmoid", name="output", dtype="float32")(x)
        if self.name == "multilabel":
            return layers.Dense(self.n_targets, activation="sigmoid", name="output", dtype="float32")(x)
        if self.name == "regression":
            return layers.Dense(self.n_targets, name="output", dtype="float32")(x)
        if len(x.shape) != 3:
            raise ValueError("the profile task needs a trunk that keeps the length axis")
        length = int(x.shape[1])
        if length % self.bins:
            raise ValueError(f"profile: {self.bins} bins do not divide the trunk's output length {length}")
        if length != self.bins:
            x = layers.AveragePooling1D(length // self.bins, name="to_bins")(x)
        return layers.Dense(self.n_targets, activation="softplus", name="output", dtype="float32")(x)

    def loss(self, binary_head: str = "sigmoid", kind: str = "cross_entropy", target_weights=None):
        """The Keras loss for this task (and binary head). ``kind='mse'`` (binary only): the squared
        error of the predicted probability (:class:`ProbabilityMSE`), as the seed-004 originals.
        ``target_weights`` (multilabel): ``[[w0, w1]]`` per target, DeepCpG's class weights in the
        masked cross-entropy (:class:`MaskedBinaryCrossentropy`).

        Raises:
            ValueError: ``kind`` is not ``cross_entropy`` or ``mse``, or ``mse`` on a task that is not binary.
        """
        bce, mse, poisson, prob_mse = losses()
        if kind not in ("cross_entropy", "mse"):
            raise ValueError(f"training.loss: {kind!r} is not 'cross_entropy' or 'mse'")
        if kind == "mse":
            if self.name != "binary":
                raise ValueError(f"training.loss 'mse' is for binary tasks, not {self.name!r}")
            return prob_mse()
        if self.name == "binary":
            return "sparse_categorical_crossentropy" if binary_head == "softmax2" else "binary_crossentropy"
        if self.name == "multilabel":
            return bce(class_weights=target_weights)
        return {"regression": mse, "profile": poisson}[self.name]()

    def scores(self, raw: np.ndarray) -> np.ndarray:
        """Model outputs → scores: binary ``(n,)`` float64 P(1) (last column of a sigmoid or
        2-way softmax); otherwise the outputs as float64 with the task's shape."""
        raw = np.asarray(raw, dtype=np.float64)
        if self.name == "binary":
            return raw[:, -1] if raw.ndim == 2 else raw
        return raw.reshape((len(raw), *self.target_shape))

    # --- evaluation side --------------------------------------------------------------------

    def validation_score(self, targets: np.ndarray, scores: np.ndarray) -> float:
        """The value of :attr:`monitor` (NaN when undefined)."""
        m = self.metrics(targets, scores)[0]
        return float(m["auroc"] if self.name == "binary" else m[self.monitor.removeprefix("val_")])

    def metrics(self, targets: np.ndarray, scores: np.ndarray, threshold: float = 0.5):
        """Test metrics: ``(summary, per_target)``.

        * binary: :func:`dnazoo.tasks.metrics.binary_metrics`; ``per_target`` is None.
        * multilabel: per label over its observed rows (labels ≥ 0) ``n, n_pos, auroc, auprc`` and
          ``accuracy, f1, mcc`` at ``threshold`` (a DeepCpG dataset: one label per cell); summary
          ``mean_auroc``, ``median_auroc``, ``mean_auprc``, ``median_auprc``, ``mean_accuracy``,
          ``mean_f1``, ``mean_mcc`` over the labels that have both classes (``n_labels_scored`` of
          ``n_labels``), and ``auroc`` = ``mean_auroc``.
        * regression / profile: Pearson r, Spearman ρ and MSE per target (profile: Pearson r over
          bins within each window, averaged over windows, and over windows of the summed counts);
          summary ``mean_pearson_r``, ``mean_spearman_r``, ``mean_mse``.
        """
        import pandas as pd

        from dnazoo.tasks.metrics import binary_metrics

        targets = np.asarray(targets)
        scores = np.asarray(scores, dtype=np.float64)
        if self.name == "binary":
            return binary_metrics(targets, scores, threshold), None
        if self.name == "multilabel":
            rows = []
            for j, name in enumerate(self.targets):
                y, s = targets[:, j].astype(float), scores[:, j]
                obs = y >= 0
                m = binary_metrics(y[obs].astype(int), s[obs], threshold)
                rows.append({"target": name, "n": m["n"], "n_pos": m["n_pos"], "auroc": m["auroc"],
                             "auprc": m["auprc"], "accuracy": m["accuracy"], "f1": m["f1"],
                             "mcc": m["mcc"] if m["n"] else np.nan})
            per = pd.DataFrame(rows)
            scored = per.dropna(subset=["auroc"])

            def avg(col, fn="mean"):
                return float(getattr(scored[col], fn)()) if len(scored) else np.nan

            summary = {"n": int(len(targets)), "n_labels": len(per), "n_labels_scored": int(len(scored)),
                       "mean_auroc": avg("auroc"), "median_auroc": avg("auroc", "median"),
                       "mean_auprc": avg("auprc"), "median_auprc": avg("auprc", "median"),
                       "mean_accuracy": avg("accuracy"), "mean_f1": avg("f1"), "mean_mcc": avg("mcc")}
            summary["auroc"] = summary["mean_auroc"]
            return summary, per
        from scipy.stats import pearsonr, spearmanr

        def corr(fn, a, b):
            ok = ~np.isnan(a)
            a, b = a[ok], b[ok]
            return float(fn(a, b)[0]) if len(a) > 2 and np.std(a) > 0 and np.std(b) > 0 else np.nan

        rows = []
        for j, name in enumerate(self.targets):
            if self.name == "profile":
                y, s = targets[:, :, j].astype(float), scores[:, :, j]
                within = [corr(pearsonr, y[i], s[i]) for i in range(len(y))]
                rows.append({"target": name, "n": int(len(y)),
                             "pearson_r": float(np.nanmean(within)) if np.isfinite(within).any() else np.nan,
                             "pearson_r_summed": corr(pearsonr, y.sum(1), s.sum(1)),
                             "spearman_r": corr(spearmanr, y.ravel(), s.ravel()),
                             "mse": float(np.mean((y - s) ** 2))})
                continue
            y, s = targets[:, j].astype(float), scores[:, j]
            ok = ~np.isnan(y)
            rows.append({"target": name, "n": int(ok.sum()), "pearson_r": corr(pearsonr, y, s),
                         "spearman_r": corr(spearmanr, y, s),
                         "mse": float(np.mean((y[ok] - s[ok]) ** 2)) if ok.any() else np.nan})
        per = pd.DataFrame(rows)
        summary = {"n": int(len(targets)), "n_targets": len(per),
                   "mean_pearson_r": float(per["pearson_r"].mean()), "mean_spearman_r": float(per["spearman_r"].mean()),
                   "mean_mse": float(per["mse"].mean())}
        return summary, per


def from_config(ds: dict, targets: tuple[str, ...] | None = None) -> Task:
    """The task of a dataset config entry (``task``, default ``binary``), with its targets (label
    column names / tracks) and ``bins``.

    Raises:
        ValueError: an unknown task, or a binary task with several targets.
    """
    name = ds.get("task", "binary")
    if targets is None:
        targets = tuple(ds.get("label_columns") or ("label",))
    return Task(name, tuple(targets), ds.get("bins"))


def from_spec(spec: dict) -> Task:
    """The :class:`Task` of a dataset's ``spec.json`` (:func:`dnazoo.data.dataset.read_spec`)."""
    t = spec["task"]
    return Task(t["name"], tuple(t["targets"]), t.get("bins"))
