"""The 11 DeepChromeHiC models (DeepChromeHiC, 2021; ``NaiveTom/DeepChromeHiC`` ``model.py``,
``lib/resnet.py``, ``lib/residual_block.py`` at 1e7c8d9), layer by layer as in
NaiveTom/DeepChromeHiC (2021), plus ``_fixed`` twins of the ones with a defect, written as
towers and necks for :func:`dnazoo.models.parts.assemble`.

* One-hot models take the 5-channel one-hot (A, C, G, T, N; the encoder ``onehot5``) and reshape
  it to DeepChromeHiC's ``(L, 5, 1)`` image inside the tower. One-branch models fuse the anchors
  with ``length_concat`` (the original's 20,002-row PNG), two-branch models with
  ``separate_towers``. Their binary head is ``Dense(2, softmax)`` (column 1 = P(interaction)).
* k-mer models take 6-mer tokens through one ``Embedding(4097, 100)`` per anchor (encoder
  ``kmer6``, dna2vec-initialised or random) and end in ``Dense(1, sigmoid)``.

Deviations shared by all models: inputs are base codes, not PNG images / tokenizer output; N is
kept (fifth image column, token 0) where the original replaced N by one random base per file;
k-mer rows hold all ``G - 5`` 6-mers after 5 padding zeros (the original lost the last 6-mer to the
line's newline and padded 5 zeros + 9,996 tokens).
"""

from __future__ import annotations

from keras import layers

from dnazoo.models.blocks import basic_block_2d, cnn4_block, conv_unit_2d, dense_bn_stack, dense_stack
from dnazoo.models.parts import FIRST_CONV


def _image(x):
    """``(L, 5)`` one-hot → DeepChromeHiC's ``(L, 5, 1)`` image (NaiveTom/DeepChromeHiC step 5)."""
    return layers.Reshape((-1, 5, 1), name="image")(x)


def cnn_tower(x, params: dict):
    """Rows 1–8 of NaiveTom/DeepChromeHiC on the ``(L, 5)`` one-hot: 3 × conv unit(64, 24, stride 4) → MP(2,1)
    → BN → 3 × conv unit(128, 24, stride 4) → MP(2,1) → Flatten → BN → ``5 · 128 · rows`` features.
    Needs L ≥ 8,257.

    ``params["fixed"]`` (dnazoo correction): the first unit's kernel is ``(24, 5)`` with the five
    columns 'valid', so every filter sees A, C, G, T and N together (the faithful ``(24, 1)``
    kernel filters each nucleotide column on its own, NaiveTom/DeepChromeHiC); the tower then runs on one
    column, giving ``128 · rows`` features. Same length schedule. ``params["branch_dense"]``: a
    ``Dense(512) → Dropout(0.5)`` after the tower (the two-branch model's per-anchor layers)."""
    fixed = params.get("fixed", False)
    x = _image(x)
    for i in range(3):
        if fixed and i == 0:
            x = layers.ZeroPadding2D(((11, 12), (0, 0)), name="c1_pad")(x)
            x = layers.Conv2D(64, (24, 5), strides=(4, 1), padding="valid", activation="relu",
                              kernel_initializer="he_uniform", name=FIRST_CONV)(x)
            x = layers.BatchNormalization(name="c1_bn")(x)
            continue
        x = conv_unit_2d(x, 64, 24, 4, f"c{i + 1}", conv_name=FIRST_CONV if i == 0 else None)
    x = layers.MaxPooling2D((2, 1), strides=(2, 1), name="pool1")(x)
    x = layers.BatchNormalization(name="pool1_bn")(x)
    for i in range(3, 6):
        x = conv_unit_2d(x, 128, 24, 4, f"c{i + 1}")
    x = layers.MaxPooling2D((2, 1), strides=(2, 1), name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.BatchNormalization(name="flat_bn")(x)
    if params.get("branch_dense"):
        x = dense_stack(x, [512], 0.5, "branch", dropout_last=True)
    return x


def cnn_one_branch_neck(x, params: dict):
    """``onehot_cnn_one_branch`` after the tower (NaiveTom/DeepChromeHiC): ``Dense(512) → Drop(0.5) →
    Dense(512) → Drop(0.5) → Dense(512)``; with the ``Dense(2, softmax)`` head 2,041,410 parameters
    at G = 10,001 (``_fixed``: 1,783,362)."""
    return dense_stack(x, [512, 512, 512], 0.5, "head")


def cnn_two_branch_neck(x, params: dict):
    """``onehot_cnn_two_branch`` after the concatenated branches (NaiveTom/DeepChromeHiC): ``Dense(512) →
    Drop(0.5) → Dense(512)``; 3,818,626 parameters at G = 10,001 (``_fixed``: 3,302,530)."""
    return dense_stack(x, [512, 512], 0.5, "head")


def dense_tower(x, params: dict):
    """``onehot_dense`` (NaiveTom/DeepChromeHiC): image → Flatten (``5·L``) → BN → ``4 × [Dense(512) → BN →
    ReLU]`` with Dropout(0.5) after the first three; 52,402,858 parameters at G = 10,001.

    ``params["image_embedding"]`` builds ``onehot_embedding_dense`` (NaiveTom/DeepChromeHiC): an
    ``Embedding(4097, 8)`` on the float image (cast to int, so only rows 0 and 1 are used) before
    the Flatten; 413,671,754 parameters. Faithful, including the pointless embedding of 0/1 values."""
    x = _image(x)
    if params.get("image_embedding"):
        x = layers.Embedding(4097, 8, name="image_embedding")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.BatchNormalization(name="flat_bn")(x)
    return dense_bn_stack(x, [512] * 4, 0.5, "head", dropout_after=3)


def resnet_tower(x, params: dict):
    """ResNetTypeI of ``lib/resnet.py`` (NaiveTom/DeepChromeHiC) on the image.

    Stem ``Conv2D(64, (24, 1), stride 2, same) → BN → ReLU → MaxPool2D((2, 1), stride 2, same)``;
    four stages of ``params["blocks"]`` :func:`~dnazoo.models.blocks.basic_block_2d` units, all 64
    filters; GlobalAveragePooling. Faithful: strides (2, 2), **no residual addition**, the network
    sees only the A column, dead downsample branches kept (resnet18: 1,597,634 parameters at
    G = 10,001; resnet34 [3, 4, 6, 3]: 3,175,618). ``params["fixed"]``: strides (2, 1), projection
    shortcut added in every block, pooling over the length only.
    """
    fixed = params.get("fixed", False)
    x = _image(x)
    stride = (2, 1) if fixed else 2
    x = layers.Conv2D(64, (24, 1), strides=stride, padding="same", name=FIRST_CONV)(x)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.Activation("relu", name="stem_relu")(x)
    x = layers.MaxPooling2D((2, 1), strides=stride, padding="same", name="stem_pool")(x)
    for stage, n in enumerate(params["blocks"], start=1):
        for b in range(n):
            x = basic_block_2d(x, 64, 24, f"layer{stage}_block{b + 1}", fixed=fixed, downsample=b == 0)
    if fixed:
        x = layers.Reshape((-1, x.shape[2] * x.shape[3]), name="columns_to_channels")(x)
        return layers.GlobalAveragePooling1D(name="gap")(x)
    return layers.GlobalAveragePooling2D(name="gap")(x)


def kmer_cnn_tower(x, params: dict):
    """The k-mer CNN on embedded tokens ``(L, d)`` (NaiveTom/DeepChromeHiC): CNN4
    (:func:`~dnazoo.models.blocks.cnn4_block`, ``params["fixed"]`` adds its missing convolutions)
    → Flatten; the one-branch model (``params["one_branch"]``) adds BN → Dropout(0.5) here.
    ``embedding_cnn_one_branch``: 6,411,785 parameters at G = 10,001 (needs G ≥ 125);
    ``embedding_cnn_two_branch``: 6,584,649 (needs G ≥ 249); ``_fixed``: +393,408 per CNN4."""
    x = layers.Flatten(name="flatten")(cnn4_block(x, "cnn", params.get("fixed", False)))
    if params.get("one_branch"):
        x = layers.BatchNormalization(name="flat_bn")(x)
        x = layers.Dropout(0.5, name="flat_drop")(x)
    return x


def kmer_head_neck(x, params: dict):
    """DeepChromeHiC's ``HEAD(n)`` after the tower(s): ``n × [Dense(512) → BN → ReLU → Dropout(0.5)]``
    (``params["head_layers"]``), preceded by BN → Dropout(0.5) for the two-branch model."""
    if params.get("pre_bn"):
        x = layers.BatchNormalization(name="flat_bn")(x)
        x = layers.Dropout(0.5, name="flat_drop")(x)
    return dense_bn_stack(x, [512] * params["head_layers"], 0.5, "head")


def embedding_dense_tower(x, params: dict):
    """``embedding_dense`` (NaiveTom/DeepChromeHiC) on embedded tokens: ``Conv1D(64, 64, strides 32, same, ReLU,
    he_uniform)`` → ``MaxPool1D(32, 16)`` → BN → Flatten → Dropout(0.5); with ``HEAD(3)`` and
    ``Dense(1, sigmoid)`` 3,006,985 parameters at G = 10,001. Needs G ≥ 497. Despite its name it
    has a convolution (the documentation describes an older, conv-free network)."""
    x = layers.Conv1D(64, 64, strides=32, padding="same", activation="relu", kernel_initializer="he_uniform",
                      name=FIRST_CONV)(x)
    x = layers.MaxPooling1D(32, strides=16, name="pool")(x)
    x = layers.BatchNormalization(name="conv_bn")(x)
    return layers.Dropout(0.5, name="flat_drop")(layers.Flatten(name="flatten")(x))
