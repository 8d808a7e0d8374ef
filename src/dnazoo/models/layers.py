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
