"""DeepChromeHiC one-hot CNNs (Liu et al., DeepChromeHiC, 2021; ``NaiveTom/DeepChromeHiC`` ``model.py``
at 1e7c8d9), as specified layer by layer in ``shared/notes/model-zoo-spec.md`` §A.3.

Inputs are the two anchors' base codes, ``(G,)`` uint8 each; the one-hot ``(L, 5, 1)`` image is
made inside the model. Output ``(batch, 2)`` softmax; column 1 is P(interaction).
"""

from __future__ import annotations

import keras
from keras import layers

from .blocks import branch_merge, codes_input, conv_unit_2d, dense_stack, onehot_image, softmax2_head


def _cnn_tower(image, name: str):
    """Rows 1–8 of spec §A.3.1: 3 × conv unit(64, 24, stride 4) → MP(2,1) → BN → 3 × conv unit(128,
    24, stride 4) → MP(2,1) → Flatten → BN. ``(L, 5, 1)`` → ``5 · 128 · rows`` features."""
    x = image
    for i in range(3):
        x = conv_unit_2d(x, 64, 24, 4, f"{name}_c{i + 1}")
    x = layers.MaxPooling2D((2, 1), strides=(2, 1), name=f"{name}_pool1")(x)
    x = layers.BatchNormalization(name=f"{name}_pool1_bn")(x)
    for i in range(3, 6):
        x = conv_unit_2d(x, 128, 24, 4, f"{name}_c{i + 1}")
    x = layers.MaxPooling2D((2, 1), strides=(2, 1), name=f"{name}_pool2")(x)
    x = layers.Flatten(name=f"{name}_flatten")(x)
    return layers.BatchNormalization(name=f"{name}_flat_bn")(x)


def onehot_cnn_one_branch(window: int) -> keras.Model:
    """``onehot_cnn_one_branch`` (spec §A.3.1; ``model.py: model_onehot_cnn_one_branch``).

    Inputs ``anchor1``, ``anchor2``: ``(G,)`` uint8 codes; they are concatenated along the length
    (as the original's 20,002-row PNG) and one-hot encoded to ``(2G, 5, 1)``. Then rows 1–8 of the
    spec (:func:`_cnn_tower`), ``Dense(512) → Drop(0.5) → Dense(512) → Drop(0.5) → Dense(512)`` and
    ``Dense(2, softmax)``. Parameters at G = 10,001: 2,041,410 (trainable 2,038,850). Needs
    ``2G ≥ 8,257``, i.e. G ≥ 4,129.

    Deviations from the original: the one-hot image is made in the model from codes (not read
    from PNGs); N is kept as the fifth column (the original replaced N by one random base per file).
    """
    a1, a2 = codes_input(window, "anchor1"), codes_input(window, "anchor2")
    merged = layers.Concatenate(axis=1, name="anchors_concat")([a1, a2])
    x = _cnn_tower(onehot_image(merged, "pair"), "tower")
    x = dense_stack(x, [512, 512, 512], 0.5, "head")
    return keras.Model([a1, a2], softmax2_head(x), name="onehot_cnn_one_branch")


def onehot_cnn_two_branch(window: int) -> keras.Model:
    """``onehot_cnn_two_branch`` (spec §A.3.2; ``model.py: model_onehot_cnn_two_branch``).

    Each anchor ``(G,)`` → one-hot ``(G, 5, 1)`` → its own tower (no weight sharing, rows 1–8 of
    §A.3.1) → ``Dense(512) → Drop(0.5)``; the two 512-vectors are concatenated →
    ``Dense(512) → Drop(0.5) → Dense(512) → Dense(2, softmax)``. Parameters at G = 10,001:
    3,818,626. Needs G ≥ 8,257. Deviations: as :func:`onehot_cnn_one_branch`.
    """
    inputs, feats = [], []
    for a in ("anchor1", "anchor2"):
        inp = codes_input(window, a)
        x = _cnn_tower(onehot_image(inp, a), f"{a}_tower")
        feats.append(dense_stack(x, [512], 0.5, f"{a}_branch", dropout_last=True))
        inputs.append(inp)
    x = dense_stack(branch_merge(feats), [512, 512], 0.5, "head")
    return keras.Model(inputs, softmax2_head(x), name="onehot_cnn_two_branch")
