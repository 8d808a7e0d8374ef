"""The 11 DeepChromeHiC models (DeepChromeHiC, 2021; ``NaiveTom/DeepChromeHiC`` ``model.py``,
``lib/resnet.py``, ``lib/residual_block.py`` at 1e7c8d9), layer by layer as in
``shared/notes/model-zoo-spec.md`` §A, plus ``_fixed`` twins of the ones with a defect.

Inputs are the two anchors' base codes, ``(G,)`` uint8 each. The one-hot ``(L, 5, 1)`` image
(§A.1 step 5) and the 6-mer token ids (§0.1) are made inside the model, so every model streams the
same stored arrays. One-hot models end in ``Dense(2, softmax)`` (column 1 = P(interaction)),
k-mer models in ``Dense(1, sigmoid)``, as in the original.

Deviations shared by all models: inputs are codes, not PNG images / tokenizer output; N is kept
(fifth image column, token 0) where the original replaced N by one random base per file; k-mer rows
hold all ``G - 5`` 6-mers after 5 padding zeros (the original lost the last 6-mer to the line's
newline and padded 5 zeros + 9,996 tokens).
"""

from __future__ import annotations

import keras
from keras import layers

from .blocks import (basic_block_2d, branch_merge, cnn4_block, codes_input, conv_unit_2d, dense_bn_stack, dense_stack,
                     kmer_embedding, load_embedding, onehot_image, sigmoid_head, softmax2_head)


def _cnn_tower(image, name: str, fixed: bool = False):
    """Rows 1–8 of spec §A.3.1: 3 × conv unit(64, 24, stride 4) → MP(2,1) → BN → 3 × conv unit(128,
    24, stride 4) → MP(2,1) → Flatten → BN. ``(L, 5, 1)`` → ``5 · 128 · rows`` features.

    ``fixed`` (dnazoo correction): the first unit's kernel is ``(24, 5)`` with the five columns
    'valid', so every filter sees A, C, G, T and N together (the faithful ``(24, 1)`` kernel filters
    each nucleotide column on its own, spec §A.3); the tower then runs on one column, giving
    ``128 · rows`` features. Same length schedule."""
    x = image
    for i in range(3):
        if fixed and i == 0:
            x = layers.ZeroPadding2D(((11, 12), (0, 0)), name=f"{name}_c1_pad")(x)
            x = layers.Conv2D(64, (24, 5), strides=(4, 1), padding="valid", activation="relu",
                              kernel_initializer="he_uniform", name=f"{name}_c1_conv")(x)
            x = layers.BatchNormalization(name=f"{name}_c1_bn")(x)
            continue
        x = conv_unit_2d(x, 64, 24, 4, f"{name}_c{i + 1}")
    x = layers.MaxPooling2D((2, 1), strides=(2, 1), name=f"{name}_pool1")(x)
    x = layers.BatchNormalization(name=f"{name}_pool1_bn")(x)
    for i in range(3, 6):
        x = conv_unit_2d(x, 128, 24, 4, f"{name}_c{i + 1}")
    x = layers.MaxPooling2D((2, 1), strides=(2, 1), name=f"{name}_pool2")(x)
    x = layers.Flatten(name=f"{name}_flatten")(x)
    return layers.BatchNormalization(name=f"{name}_flat_bn")(x)


def onehot_cnn_one_branch(window: int, fixed: bool = False) -> keras.Model:
    """``onehot_cnn_one_branch`` (spec §A.3.1; ``model.py: model_onehot_cnn_one_branch``).

    Inputs ``anchor1``, ``anchor2``: ``(G,)`` uint8 codes; they are concatenated along the length
    (as the original's 20,002-row PNG) and one-hot encoded to ``(2G, 5, 1)``. Then rows 1–8 of the
    spec (:func:`_cnn_tower`), ``Dense(512) → Drop(0.5) → Dense(512) → Drop(0.5) → Dense(512)`` and
    ``Dense(2, softmax)``. Parameters at G = 10,001: 2,041,410 (trainable 2,038,850). Needs
    ``2G ≥ 8,257``, i.e. G ≥ 4,129.

    Deviations from the original: the one-hot image is made in the model from codes (not read
    from PNGs); N is kept as the fifth column (the original replaced N by one random base per file).
    ``fixed`` builds ``onehot_cnn_one_branch_fixed``: the first convolution sees all five columns
    (:func:`_cnn_tower`); 1,783,362 parameters at G = 10,001.
    """
    a1, a2 = codes_input(window, "anchor1"), codes_input(window, "anchor2")
    merged = layers.Concatenate(axis=1, name="anchors_concat")([a1, a2])
    x = _cnn_tower(onehot_image(merged, "pair"), "tower", fixed)
    x = dense_stack(x, [512, 512, 512], 0.5, "head")
    return keras.Model([a1, a2], softmax2_head(x), name="onehot_cnn_one_branch" + ("_fixed" if fixed else ""))


def onehot_cnn_two_branch(window: int, fixed: bool = False) -> keras.Model:
    """``onehot_cnn_two_branch`` (spec §A.3.2; ``model.py: model_onehot_cnn_two_branch``).

    Each anchor ``(G,)`` → one-hot ``(G, 5, 1)`` → its own tower (no weight sharing, rows 1–8 of
    §A.3.1) → ``Dense(512) → Drop(0.5)``; the two 512-vectors are concatenated →
    ``Dense(512) → Drop(0.5) → Dense(512) → Dense(2, softmax)``. Parameters at G = 10,001:
    3,818,626. Needs G ≥ 8,257. Deviations: as :func:`onehot_cnn_one_branch`; ``fixed`` builds
    ``onehot_cnn_two_branch_fixed`` (both towers' first convolution sees all five columns;
    3,302,530 parameters).
    """
    inputs, feats = [], []
    for a in ("anchor1", "anchor2"):
        inp = codes_input(window, a)
        x = _cnn_tower(onehot_image(inp, a), f"{a}_tower", fixed)
        feats.append(dense_stack(x, [512], 0.5, f"{a}_branch", dropout_last=True))
        inputs.append(inp)
    x = dense_stack(branch_merge(feats), [512, 512], 0.5, "head")
    return keras.Model(inputs, softmax2_head(x), name="onehot_cnn_two_branch" + ("_fixed" if fixed else ""))


def _pair_image(window: int):
    """Both anchors' codes ``(G,)`` concatenated along the length → the ``(2G, 5, 1)`` image (§A.1)."""
    a1, a2 = codes_input(window, "anchor1"), codes_input(window, "anchor2")
    merged = layers.Concatenate(axis=1, name="anchors_concat")([a1, a2])
    return [a1, a2], onehot_image(merged, "pair")


def onehot_dense(window: int) -> keras.Model:
    """``onehot_dense`` (spec §A.3.3): the ``(2G, 5, 1)`` image → Flatten (``10·G``) → BN →
    ``4 × [Dense(512) → BN → ReLU]`` with Dropout(0.5) after the first three → ``Dense(2, softmax)``.
    Parameters at G = 10,001: 52,402,858 (trainable 52,198,742). Any window length.
    """
    inputs, image = _pair_image(window)
    x = layers.Flatten(name="flatten")(image)
    x = layers.BatchNormalization(name="flat_bn")(x)
    x = dense_bn_stack(x, [512] * 4, 0.5, "head", dropout_after=3)
    return keras.Model(inputs, softmax2_head(x), name="onehot_dense")


def onehot_embedding_dense(window: int) -> keras.Model:
    """``onehot_embedding_dense`` (spec §A.3.4): ``Embedding(4097, 8)`` applied to the float
    ``(2G, 5, 1)`` one-hot image (the values are cast to int, so only rows 0 and 1 are used) →
    ``(2G, 5, 1, 8)`` → Flatten (``80·G``) → BN → the dense stack of :func:`onehot_dense` →
    ``Dense(2, softmax)``. Parameters at G = 10,001: 413,671,754 (409.6 M in the first Dense).
    Faithful, including the pointless embedding of 0/1 values; the original's best model.
    """
    inputs, image = _pair_image(window)
    x = layers.Embedding(4097, 8, name="image_embedding")(image)
    x = layers.Flatten(name="flatten")(x)
    x = layers.BatchNormalization(name="flat_bn")(x)
    x = dense_bn_stack(x, [512] * 4, 0.5, "head", dropout_after=3)
    return keras.Model(inputs, softmax2_head(x), name="onehot_embedding_dense")


def _onehot_resnet(window: int, blocks: list[int], fixed: bool, name: str) -> keras.Model:
    """ResNetTypeI of ``lib/resnet.py`` (spec §A.3.5) on the ``(2G, 5, 1)`` image.

    Stem ``Conv2D(64, (24, 1), stride 2, same) → BN → ReLU → MaxPool2D((2, 1), stride 2, same)``;
    four stages of ``blocks[i]`` :func:`~dnazoo.models.blocks.basic_block_2d` units, all 64 filters;
    head GlobalAveragePooling → ``Dense(2, softmax)``. ``fixed`` strides ``(2, 1)``, adds the
    residual shortcut in every block and pools over the length only (keeping the 5 columns'
    features apart: ``Reshape(L', 320) → GlobalAveragePooling1D``).
    """
    inputs, x = _pair_image(window)
    stride = (2, 1) if fixed else 2
    x = layers.Conv2D(64, (24, 1), strides=stride, padding="same", name="stem_conv")(x)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    x = layers.MaxPooling2D((2, 1), strides=stride, padding="same", name="stem_pool")(x)
    for stage, n in enumerate(blocks, start=1):
        for b in range(n):
            x = basic_block_2d(x, 64, 24, f"layer{stage}_block{b + 1}", fixed=fixed, downsample=b == 0)
    if fixed:
        x = layers.Reshape((-1, x.shape[2] * x.shape[3]), name="columns_to_channels")(x)
        x = layers.GlobalAveragePooling1D(name="gap")(x)
    else:
        x = layers.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inputs, softmax2_head(x), name=name)


def onehot_resnet18(window: int) -> keras.Model:
    """``onehot_resnet18`` (spec §A.3.5), faithful: blocks [2, 2, 2, 2], strides (2, 2), **no
    residual addition**, the network sees only the A column; the dead downsample branches are kept
    so the count equals the original's 1,597,634 at G = 10,001 (1,579,970 without them).
    Corrected twin: :func:`onehot_resnet18_fixed`."""
    return _onehot_resnet(window, [2, 2, 2, 2], False, "onehot_resnet18")


def onehot_resnet34(window: int) -> keras.Model:
    """``onehot_resnet34`` (spec §A.3.5), faithful: blocks [3, 4, 6, 3]; defects as
    :func:`onehot_resnet18`. 3,175,618 parameters at G = 10,001. Never trained in the original runs."""
    return _onehot_resnet(window, [3, 4, 6, 3], False, "onehot_resnet34")


def onehot_resnet18_fixed(window: int) -> keras.Model:
    """Corrected ``onehot_resnet18`` (dnazoo): strides (2, 1) so all five columns are seen, projection
    shortcut added in every block (each block shrinks the length 4×), head pools the length only.
    Same length schedule as the original."""
    return _onehot_resnet(window, [2, 2, 2, 2], True, "onehot_resnet18_fixed")


def onehot_resnet34_fixed(window: int) -> keras.Model:
    """Corrected ``onehot_resnet34`` (dnazoo), as :func:`onehot_resnet18_fixed` with blocks [3, 4, 6, 3]."""
    return _onehot_resnet(window, [3, 4, 6, 3], True, "onehot_resnet34_fixed")


def _kmer_inputs(window: int, embedding=None):
    """Two code inputs → two ``(G, d)`` k-mer embeddings, d = 100 (the original) or the given matrix's."""
    dim = 100 if embedding is None else int(embedding.shape[1])
    a1, a2 = codes_input(window, "anchor1"), codes_input(window, "anchor2")
    return [a1, a2], [kmer_embedding(a1, dim, "anchor1"), kmer_embedding(a2, dim, "anchor2")]


def _finish_kmer(inputs, x, name: str, n_dense: int, embedding) -> keras.Model:
    x = dense_bn_stack(x, [512] * n_dense, 0.5, "head")
    model = keras.Model(inputs, sigmoid_head(x), name=name)
    if embedding is not None:
        load_embedding(model, embedding, ["anchor1", "anchor2"])
    return model


def kmer_cnn_one_branch(window: int, embedding=None, fixed: bool = False, name: str = "embedding_cnn_one_branch"):
    """``embedding_cnn_one_branch`` / ``onehot_embedding_cnn_one_branch`` (spec §A.4).

    Each anchor's 6-mer tokens ``(G,)`` → its own ``Embedding(4097, 100)`` (initialised from
    ``embedding``, a ``(4097, 100)`` dna2vec matrix, and trainable; random when None) →
    Concatenate along the length ``(2G, 100)`` → CNN4 (:func:`~dnazoo.models.blocks.cnn4_block`) →
    Flatten → BN → Dropout(0.5) → ``HEAD(2)`` → ``Dense(1, sigmoid)``. 6,411,785 parameters at
    G = 10,001. Needs G ≥ 125. ``fixed``: CNN4 with its missing convolutions (+393,408 parameters).
    """
    inputs, (e1, e2) = _kmer_inputs(window, embedding)
    x = layers.Concatenate(axis=1, name="anchors_concat")([e1, e2])
    x = layers.Flatten(name="flatten")(cnn4_block(x, "cnn", fixed))
    x = layers.BatchNormalization(name="flat_bn")(x)
    x = layers.Dropout(0.5, name="flat_drop")(x)
    return _finish_kmer(inputs, x, name, 2, embedding)


def kmer_cnn_two_branch(window: int, embedding=None, fixed: bool = False, name: str = "embedding_cnn_two_branch"):
    """``embedding_cnn_two_branch`` / ``onehot_embedding_cnn_two_branch`` (spec §A.4).

    Per anchor: tokens → ``Embedding(4097, 100)`` → its own CNN4 → Flatten; the two are concatenated
    (:func:`~dnazoo.models.blocks.branch_merge`) → BN → Dropout(0.5) → ``HEAD(2)`` →
    ``Dense(1, sigmoid)``. 6,584,649 parameters at G = 10,001. Needs G ≥ 249. ``embedding`` and
    ``fixed`` as :func:`kmer_cnn_one_branch`.
    """
    inputs, embedded = _kmer_inputs(window, embedding)
    feats = [layers.Flatten(name=f"{a}_flatten")(cnn4_block(e, f"{a}_cnn", fixed))
             for a, e in zip(("anchor1", "anchor2"), embedded)]
    x = layers.BatchNormalization(name="flat_bn")(branch_merge(feats))
    x = layers.Dropout(0.5, name="flat_drop")(x)
    return _finish_kmer(inputs, x, name, 2, embedding)


def embedding_dense(window: int, embedding=None, name: str = "embedding_dense") -> keras.Model:
    """``embedding_dense`` (spec §A.4): tokens → 2 × ``Embedding(4097, 100)`` (dna2vec) →
    Concatenate along the length → ``Conv1D(64, 64, strides 32, same, ReLU, he_uniform)`` →
    ``MaxPool1D(32, 16)`` → BN → Flatten → Dropout(0.5) → ``HEAD(3)`` → ``Dense(1, sigmoid)``.
    3,006,985 parameters at G = 10,001. Needs G ≥ 497. Despite its name it has a convolution
    (the documentation describes an older, conv-free network).
    """
    inputs, (e1, e2) = _kmer_inputs(window, embedding)
    x = layers.Concatenate(axis=1, name="anchors_concat")([e1, e2])
    x = layers.Conv1D(64, 64, strides=32, padding="same", activation="relu", kernel_initializer="he_uniform",
                      name="conv")(x)
    x = layers.MaxPooling1D(32, strides=16, name="pool")(x)
    x = layers.BatchNormalization(name="conv_bn")(x)
    x = layers.Dropout(0.5, name="flat_drop")(layers.Flatten(name="flatten")(x))
    return _finish_kmer(inputs, x, name, 3, embedding)
