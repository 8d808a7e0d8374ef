"""Blocks shared by the model builders, written once (Keras 3, ``keras.layers`` only)."""

from __future__ import annotations

import keras
from keras import layers

from dnazoo.models.names import FIRST_CONV


def conv_unit_2d(x, filters: int, kernel: int, stride: int, name: str, conv_name: str | None = None):
    """DeepChromeHiC conv unit: ``Conv2D(filters, (kernel, 1), strides (stride, 1), same, ReLU,
    he_uniform) → BatchNormalization``. The ``(k, 1)`` kernel filters each of the five nucleotide
    columns independently (NaiveTom/DeepChromeHiC). ``conv_name`` overrides the convolution's name
    (``{name}_conv``)."""
    x = layers.Conv2D(filters, (kernel, 1), strides=(stride, 1), padding="same", activation="relu",
                      kernel_initializer="he_uniform", name=conv_name or f"{name}_conv")(x)
    return layers.BatchNormalization(name=f"{name}_bn")(x)


def dense_stack(x, units: list[int], dropout: float, name: str, dropout_last: bool = False):
    """``Dense(u, ReLU, glorot_uniform)`` per entry of ``units``, Dropout between them (and after
    the last one when ``dropout_last``)."""
    for i, u in enumerate(units):
        x = layers.Dense(u, activation="relu", kernel_initializer="glorot_uniform", name=f"{name}_dense{i + 1}")(x)
        if dropout and (i < len(units) - 1 or dropout_last):
            x = layers.Dropout(dropout, name=f"{name}_drop{i + 1}")(x)
    return x


def dense_bn_stack(x, units: list[int], dropout: float, name: str, dropout_after: int | None = None):
    """DeepChromeHiC dense stack: ``[Dense(u, glorot_uniform) → BN → ReLU → Dropout]`` per entry of
    ``units``; Dropout follows the first ``dropout_after`` layers (default: all).

    Used by ``onehot_dense``/``onehot_embedding_dense`` (4 × 512, dropout after the first three,
    NaiveTom/DeepChromeHiC) and by the k-mer models' ``HEAD(n)`` (n × 512, dropout after each, NaiveTom/DeepChromeHiC).
    """
    n_drop = len(units) if dropout_after is None else dropout_after
    for i, u in enumerate(units):
        x = layers.Dense(u, kernel_initializer="glorot_uniform", name=f"{name}_dense{i + 1}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{i + 1}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{i + 1}")(x)
        if dropout and i < n_drop:
            x = layers.Dropout(dropout, name=f"{name}_drop{i + 1}")(x)
    return x


def load_embedding(model: keras.Model, matrix, names: list[str]) -> None:
    """Copy a ``(4**k + 1, d)`` k-mer matrix into the Embedding layers ``{name}_embedding``
    (DeepChromeHiC initialises them from dna2vec and keeps them trainable, dna2vec: Ng, arXiv:1701.06279, 2017).

    Raises:
        ValueError: the matrix shape differs from the layer's.
    """
    import numpy as np

    for n in names:
        layer = model.get_layer(f"{n}_embedding")
        want = tuple(layer.embeddings.shape)
        if tuple(np.shape(matrix)) != want:
            raise ValueError(f"embedding matrix of shape {np.shape(matrix)} does not fit layer {layer.name} {want}")
        layer.set_weights([np.asarray(matrix, dtype="float32")])


def cnn4_block(x, name: str, fixed: bool = False):
    """DeepChromeHiC's k-mer CNN block as it actually ran (NaiveTom/DeepChromeHiC ``CNN4``):
    ``Conv1D(64, 32, strides 8, same, he_normal) → ReLU → MaxPool1D(32, 16) → BN`` then
    3 × ``[ReLU → BN]`` (205,888 parameters on 100 channels). The first convolution is named
    :data:`~dnazoo.models.parts.FIRST_CONV`.

    The original adds one Conv1D and one MaxPool1D *instance* four times to a ``Sequential``;
    tf.keras 2 de-duplicated them, so only one convolution ran. ``fixed=True`` gives the corrected
    block: each of the three repeats gets its own ``Conv1D(64, 32, same, he_normal)`` (stride 1,
    no further pooling, so lengths and the head are unchanged; four poolings cannot fit a
    10,001-bp window), i.e. ``[Conv1D → ReLU → BN]`` × 3 after the first unit.
    """
    x = layers.Conv1D(64, 32, strides=8, padding="same", kernel_initializer="he_normal", name=FIRST_CONV)(x)
    x = layers.Activation("relu", name=f"{name}_relu1")(x)
    x = layers.MaxPooling1D(32, strides=16, name=f"{name}_pool")(x)
    x = layers.BatchNormalization(name=f"{name}_bn1")(x)
    for i in range(2, 5):
        if fixed:
            x = layers.Conv1D(64, 32, padding="same", kernel_initializer="he_normal", name=f"{name}_conv{i}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
    return x


def basic_block_2d(x, filters: int, kernel: int, name: str, fixed: bool, downsample: bool):
    """DeepChromeHiC ``BasicBlock`` (``lib/residual_block.py``; NaiveTom/DeepChromeHiC): two
    ``Conv2D(filters, (kernel, 1), stride 2, same, he_uniform) → BN`` with ReLU, shrinking the
    length 4×.

    Faithful (``fixed=False``): strides are ``(2, 2)`` (the scalar stride of the original also
    subsamples the five nucleotide columns, so the network sees only the A column) and there is
    **no residual addition**; with ``downsample`` the ``1×1 Conv2D(stride 4) → BN`` branch is built
    and called but its output discarded (kept reachable by :class:`KeepReachable`).
    Fixed: strides ``(2, 1)`` (every column seen), projection shortcut ``1×1 Conv2D(stride (4, 1))
    → BN`` added before the final ReLU (He et al. 2016).
    """
    from dnazoo.models.layers import KeepReachable

    stride = (2, 1) if fixed else (2, 2)
    y = layers.Conv2D(filters, (kernel, 1), strides=stride, padding="same", kernel_initializer="he_uniform",
                      name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, (kernel, 1), strides=stride, padding="same", kernel_initializer="he_uniform",
                      name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    if fixed or downsample:
        s = layers.Conv2D(filters, (1, 1), strides=(4, 1) if fixed else 4, name=f"{name}_down_conv")(x)
        s = layers.BatchNormalization(name=f"{name}_down_bn")(s)
        y = layers.Add(name=f"{name}_add")([y, s]) if fixed else KeepReachable(name=f"{name}_dead_down")([y, s])
    return layers.Activation("relu", name=f"{name}_relu2")(y)
