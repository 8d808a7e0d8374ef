"""Blocks shared by the model builders, written once (Keras 3, ``keras.layers`` only)."""

from __future__ import annotations

import keras
from keras import layers

from .layers import OneHot


def codes_input(length: int, name: str) -> keras.KerasTensor:
    """A ``(length,)`` uint8 base-code input (A, C, G, T, N = 0..4)."""
    return keras.Input(shape=(length,), dtype="uint8", name=name)


def onehot_image(codes: keras.KerasTensor, name: str) -> keras.KerasTensor:
    """Codes ``(L,)`` → the DeepChromeHiC ``(L, 5, 1)`` one-hot image (A, C, G, T, N columns)."""
    x = OneHot(5, name=f"{name}_onehot")(codes)
    return layers.Reshape((-1, 5, 1), name=f"{name}_image")(x)


def conv_unit_2d(x, filters: int, kernel: int, stride: int, name: str):
    """DeepChromeHiC conv unit: ``Conv2D(filters, (kernel, 1), strides (stride, 1), same, ReLU,
    he_uniform) → BatchNormalization``. The ``(k, 1)`` kernel filters each of the five nucleotide
    columns independently (spec §A.3)."""
    x = layers.Conv2D(filters, (kernel, 1), strides=(stride, 1), padding="same", activation="relu",
                      kernel_initializer="he_uniform", name=f"{name}_conv")(x)
    return layers.BatchNormalization(name=f"{name}_bn")(x)


def dense_stack(x, units: list[int], dropout: float, name: str, dropout_last: bool = False):
    """``Dense(u, ReLU, glorot_uniform)`` per entry of ``units``, Dropout between them (and after
    the last one when ``dropout_last``)."""
    for i, u in enumerate(units):
        x = layers.Dense(u, activation="relu", kernel_initializer="glorot_uniform", name=f"{name}_dense{i + 1}")(x)
        if dropout and (i < len(units) - 1 or dropout_last):
            x = layers.Dropout(dropout, name=f"{name}_drop{i + 1}")(x)
    return x


def branch_merge(branches: list, name: str = "merge"):
    """Two-branch merge: concatenate the branch feature vectors along the last axis."""
    return layers.Concatenate(axis=-1, name=name)(branches)


def softmax2_head(x, name: str = "output"):
    """DeepChromeHiC one-hot head: ``Dense(2, softmax)``; column 1 is P(label = 1)."""
    return layers.Dense(2, activation="softmax", name=name)(x)


def sigmoid_head(x, name: str = "output"):
    """Binary head: ``Dense(1, sigmoid)`` = P(label = 1)."""
    return layers.Dense(1, activation="sigmoid", name=name)(x)
