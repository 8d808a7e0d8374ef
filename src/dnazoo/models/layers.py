"""Custom Keras layers used inside dnazoo models (backend-agnostic, ``keras.ops`` only).

They are registered as serializable, so ``keras.saving.load_model("model.keras")`` works after
``import dnazoo.models``.
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="dnazoo")
class OneHot(keras.layers.Layer):
    """Base codes → one-hot, inside the model (so only uint8 codes are stored and streamed).

    Input: ``(batch, L)`` integer codes A, C, G, T, N = 0..4.
    Output: ``(batch, L, channels)`` float32; ``channels=4`` gives A, C, G, T with N as an
    all-zero row (``onehot_acgt`` of the spec), ``channels=5`` keeps N as a fifth column
    (``onehot_acgtn_image`` of DeepChromeHiC).
    """

    def __init__(self, channels: int = 4, **kwargs):
        super().__init__(**kwargs)
        if channels not in (4, 5):
            raise ValueError(f"OneHot channels must be 4 or 5, got {channels}")
        self.channels = channels

    def call(self, codes):
        x = ops.one_hot(ops.cast(codes, "int32"), 5, dtype=self.compute_dtype)
        return x if self.channels == 5 else x[..., :4]

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels}


@keras.saving.register_keras_serializable(package="dnazoo")
class ReverseComplement(keras.layers.Layer):
    """Reverse complement of a ``(batch, L, 4)`` A, C, G, T one-hot tensor.

    With channels in A, C, G, T order the complement is the channel axis reversed, so the reverse
    complement is a flip of both the length and the channel axes. N rows (all zero) stay zero.
    """

    def call(self, x):
        return ops.flip(ops.flip(x, axis=-2), axis=-1)


@keras.saving.register_keras_serializable(package="dnazoo")
class KmerTokens(keras.layers.Layer):
    """Base codes → k-mer token ids, inside the model (DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py; NumPy reference
    :func:`dnazoo.data.encoding.kmer_tokens`).

    Input: ``(batch, L)`` integer codes A, C, G, T, N = 0..4.
    Output: ``(batch, L)`` int32 ids: ``k - 1`` leading zeros (pre-padding, as DeepChromeHiC's
    ``pad_sequences``) then the ``L - k + 1`` stride-1 k-mers, ``id = 1 + Σ_j b_j · 4^(k-1-j)``
    with A=0, C=1, G=2, T=3; a k-mer containing N is 0.
    """

    def __init__(self, k: int = 6, **kwargs):
        super().__init__(**kwargs)
        if not 1 <= k <= 12:
            raise ValueError(f"KmerTokens k must be in 1..12, got {k}")
        self.k = k

    def call(self, codes):
        codes = ops.cast(codes, "int32")
        length = codes.shape[1]
        n = length - self.k + 1
        ids = ops.zeros_like(codes[:, :n])
        has_n = ops.zeros_like(ids)
        for j in range(self.k):
            window = codes[:, j:j + n]
            has_n = ops.maximum(has_n, ops.cast(ops.equal(window, 4), "int32"))
            ids = ids * 4 + ops.minimum(window, 3)
        ids = (ids + 1) * (1 - has_n)
        return ops.pad(ids, [[0, 0], [self.k - 1, 0]])

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def compute_output_spec(self, codes):
        return keras.KerasTensor(codes.shape, dtype="int32")

    def get_config(self):
        return {**super().get_config(), "k": self.k}


@keras.saving.register_keras_serializable(package="dnazoo")
class KeepReachable(keras.layers.Layer):
    """``main + 0 · mean(branch)``: returns ``main`` unchanged while keeping ``branch`` in the graph.

    Used only to reproduce an original's parameter count faithfully: DeepChromeHiC's ResNet blocks
    build and call a downsample branch whose output is discarded (NaiveTom/DeepChromeHiC). The branch's
    weights exist and are saved but receive zero gradient, as in the original.
    """

    def call(self, inputs):
        main, branch = inputs
        axes = list(range(1, len(branch.shape)))
        dead = ops.mean(branch, axis=axes, keepdims=True)
        return main + 0.0 * ops.reshape(dead, (-1,) + (1,) * (len(main.shape) - 1))

    def compute_output_shape(self, input_shapes):
        return tuple(input_shapes[0])


@keras.saving.register_keras_serializable(package="dnazoo")
class AbsDiff(keras.layers.Layer):
    """``|a − b|`` of two tensors of one shape (the ``abs_diff`` pair fusion)."""

    def call(self, inputs):
        a, b = inputs
        return ops.abs(a - b)

    def compute_output_shape(self, input_shapes):
        return tuple(input_shapes[0])


def _register_task_losses() -> None:
    """Register the task losses (:mod:`dnazoo.tasks`) too, so ``load_model`` finds them after
    ``import dnazoo.models.layers``."""
    from dnazoo.tasks import losses

    losses()


_register_task_losses()


@keras.saving.register_keras_serializable(package="dnazoo")
class SoftmaxPooling1D(keras.layers.Layer):
    """Enformer's attention pooling (Avsec et al., Nat Methods 18:1196, 2021): logits ``x · W``
    (``W`` ``(C, C)``, no bias, initialised to ``2 · I`` as in Enformer), a softmax over each
    window of ``pool`` positions per channel, and the weighted sum of ``x`` in the window.

    Input ``(batch, L, C)``; output ``(batch, L // pool, C)`` (a remainder is dropped).
    """

    def __init__(self, pool: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.pool = pool

    def build(self, input_shape):
        c = int(input_shape[-1])
        self.w = self.add_weight(shape=(c, c), initializer=keras.initializers.Identity(gain=2.0), name="w")

    def call(self, x):
        length, c = ops.shape(x)[1] // self.pool * self.pool, ops.shape(x)[-1]
        x = x[:, :length]
        logits = ops.reshape(ops.matmul(x, ops.cast(self.w, x.dtype)), (-1, length // self.pool, self.pool, c))
        weights = ops.softmax(logits, axis=2)
        return ops.sum(ops.reshape(x, (-1, length // self.pool, self.pool, c)) * weights, axis=2)

    def compute_output_shape(self, input_shape):
        length = None if input_shape[1] is None else input_shape[1] // self.pool
        return (input_shape[0], length, input_shape[2])

    def get_config(self):
        return {**super().get_config(), "pool": self.pool}


@keras.saving.register_keras_serializable(package="dnazoo")
class PositionEmbedding(keras.layers.Layer):
    """A learned absolute position embedding ``(L, C)`` added to ``(batch, L, C)`` features (the
    small Enformer-like model's stand-in for Enformer's relative positional encodings)."""

    def build(self, input_shape):
        self.embedding = self.add_weight(shape=(int(input_shape[1]), int(input_shape[2])),
                                         initializer="random_normal", name="embedding")

    def call(self, x):
        return x + ops.cast(self.embedding, x.dtype)[None]


@keras.saving.register_keras_serializable(package="dnazoo")
class AttentionPooling1D(keras.layers.Layer):
    """Additive attention pooling over positions, as EPIVAN's ``AttLayer`` (Hong et al.,
    Bioinformatics 36:1037, 2020): ``e = tanh(h W + b) u``, ``a = softmax(e)`` over positions,
    output ``Σ a h``. Input ``(batch, L, C)``; output ``(batch, C)``; weights W ``(C, units)``,
    b ``(units,)``, u ``(units, 1)``."""

    def __init__(self, units: int = 50, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        c = int(input_shape[-1])
        self.w = self.add_weight(shape=(c, self.units), initializer="glorot_uniform", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")
        self.u = self.add_weight(shape=(self.units, 1), initializer="glorot_uniform", name="u")

    def call(self, h):
        e = ops.matmul(ops.tanh(ops.matmul(h, self.w) + self.b), self.u)  # (batch, L, 1)
        a = ops.softmax(e, axis=1)
        return ops.sum(h * a, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "units": self.units}
