"""Classic single-sequence towers written for :func:`dnazoo.models.parts.assemble`.

``dilated_cnn``: a dilated residual CNN after Basenji's dilated residual blocks (Kelley et al.,
Genome Res 28:739, 2018) and BPNet's body (Avsec et al., Nat Genet 53:354, 2021), reduced to a
size that trains on a CPU. It keeps the length axis, so it takes the ``profile`` task (counts per
bin) as well as the pooled tasks.
"""

from __future__ import annotations

from keras import layers

from dnazoo.models.parts import FIRST_CONV

#: Hyperparameters of ``dilated_cnn`` (config ``model_params``).
DILATED_PARAMS = {"filters": 64, "first_kernel": 21, "layers": 5, "kernel": 3, "dropout": 0.1}


def dilated_tower(x, params: dict):
    """``(L, 4)`` one-hot → ``Conv1D(filters, first_kernel, same, ReLU)`` (``first_conv``) →
    ``layers`` residual blocks ``x + Dropout(Conv1D(filters, kernel, dilation 2^i, same, ReLU)(x))``
    (receptive field ``first_kernel + 2 · (2^layers − 1)`` bp) → ``(L, filters)`` for the profile
    task, else global max pooling → ``(filters,)``. At 1,000 bp with the defaults and a 2-track
    profile head: 67,330 parameters."""
    x = layers.Conv1D(params["filters"], params["first_kernel"], padding="same", activation="relu",
                      name=FIRST_CONV)(x)
    for i in range(params["layers"]):
        y = layers.Conv1D(params["filters"], params["kernel"], dilation_rate=2 ** (i + 1), padding="same",
                          activation="relu", name=f"dilated{i + 1}")(x)
        if params["dropout"]:
            y = layers.Dropout(params["dropout"], name=f"dilated{i + 1}_drop")(y)
        x = layers.Add(name=f"dilated{i + 1}_add")([x, y])
    if params.get("task") == "profile":
        return x
    return layers.GlobalMaxPooling1D(name="gmp")(x)


# --------------------------------------------------------------------------------------------------
# The classic zoo of the papers cited per registry entry (DeepSEA, Basset, DanQ, the seed-004 TFBS CNN, DeepSite- and
# Deep6mAPred-style reconstructions). Towers end where the original's output layer starts; the
# neck holds the original's hidden dense layers; the task supplies the output layer, so the
# number of outputs follows the dataset. Parameter counts at the spec's reference sizes are tested
# (tests/models/test_classic_zoo.py).

def deepsea_tower(x, params: dict):
    """DeepSEA (Zhou & Troyanskaya, Nat Methods 12:931, 2015; kipoi DeepSEA; kipoi ``DeepSEA``):
    ``(L, 4)`` one-hot → Conv1D(320, 8, valid, ReLU) → MaxPool(4) → Dropout(0.2) → Conv1D(480, 8,
    ReLU) → MaxPool(4) → Dropout(0.2) → Conv1D(960, 8, ReLU) → Dropout(0.5) → Flatten. At 1,000 bp:
    53 × 960 = 50,880 features."""
    x = layers.Conv1D(320, 8, activation="relu", name=FIRST_CONV)(x)
    x = layers.MaxPooling1D(4, 4, name="pool1")(x)
    x = layers.Dropout(0.2, name="drop1")(x)
    x = layers.Conv1D(480, 8, activation="relu", name="conv2")(x)
    x = layers.MaxPooling1D(4, 4, name="pool2")(x)
    x = layers.Dropout(0.2, name="drop2")(x)
    x = layers.Conv1D(960, 8, activation="relu", name="conv3")(x)
    x = layers.Dropout(0.5, name="drop3")(x)
    return layers.Flatten(name="flatten")(x)


def deepsea_neck(x, params: dict):
    """DeepSEA's hidden layer: Dense(``hidden``, ReLU), 925 in the paper (Selene's variant: the
    number of targets)."""
    return layers.Dense(params["hidden"], activation="relu", name="hidden")(x)


def basset_tower(x, params: dict):
    """Basset (Kelley, Snoek & Rinn, Genome Res 26:990, 2016; davek44/Basset), the layout of the
    published pretrained model (valid convolutions, floor pooling; the current ``convnet.lua`` pads
    'same' and ceil-pools instead): ``(L, 4)`` → [Conv1D(300, 19) → BN → ReLU → MaxPool(3)] →
    [Conv1D(200, 11) → BN → ReLU → MaxPool(4)] → [Conv1D(200, 7) → BN → ReLU → MaxPool(4)] →
    Flatten (10 × 200 = 2,000 at 600 bp)."""
    for i, (filters, kernel, pool) in enumerate(((300, 19, 3), (200, 11, 4), (200, 7, 4)), start=1):
        x = layers.Conv1D(filters, kernel, name=FIRST_CONV if i == 1 else f"conv{i}")(x)
        x = layers.BatchNormalization(name=f"bn{i}")(x)
        x = layers.Activation("relu", name=f"relu{i}")(x)
        x = layers.MaxPooling1D(pool, pool, name=f"pool{i}")(x)
    return layers.Flatten(name="flatten")(x)


def basset_neck(x, params: dict):
    """Basset's two hidden layers: [Dense(1000) → BN → ReLU → Dropout(0.3)] × 2."""
    for i in (1, 2):
        x = layers.Dense(params["hidden"], name=f"hidden{i}")(x)
        x = layers.BatchNormalization(name=f"hidden{i}_bn")(x)
        x = layers.Activation("relu", name=f"hidden{i}_relu")(x)
        x = layers.Dropout(params["dropout"], name=f"hidden{i}_drop")(x)
    return x


def danq_tower(x, params: dict):
    """DanQ (Quang & Xie, Nucleic Acids Res 44:e107, 2016; uci-cbcl/DanQ; ``uci-cbcl/DanQ``):
    ``(L, 4)`` → Conv1D(320, 26, valid, ReLU) → MaxPool(13, 13) → Dropout(0.2) →
    Bidirectional(LSTM(320, return_sequences)) → Dropout(0.5) → Flatten (75 × 640 = 48,000 at
    1,000 bp). ``danq_jaspar``: Conv1D(1024, 30) with the first filters started from JASPAR
    (:func:`jaspar_init`), MaxPool(15, 15), BiLSTM(512)."""
    conv = layers.Conv1D(params["filters"], params["kernel"], activation="relu", name=FIRST_CONV)
    x = conv(x)
    if params.get("jaspar"):
        kernel, bias = jaspar_init(tuple(conv.kernel.shape), params["jaspar"], params.get("seed", 0))
        conv.kernel.assign(kernel.astype(conv.kernel.dtype))
        conv.bias.assign(bias.astype(conv.bias.dtype))
    x = layers.MaxPooling1D(params["pool"], params["pool"], name="pool")(x)
    x = layers.Dropout(0.2, name="drop1")(x)
    x = layers.Bidirectional(layers.LSTM(params["lstm"], return_sequences=True), name="bilstm")(x)
    x = layers.Dropout(0.5, name="drop2")(x)
    return layers.Flatten(name="flatten")(x)


def jaspar_init(kernel_shape: tuple, release: str = "JASPAR2016", seed: int = 0):
    """DanQ-JASPAR's start (Quang & Xie 2016, ``DanQ-JASPAR_train.py``): the first filters of a
    ``(width, 4, filters)`` kernel hold one JASPAR vertebrate motif each, as probability − 0.25,
    at a random offset at least 3 bp from either edge, with a bias drawn from U(−1, 0); the other
    filters keep Glorot-uniform weights and zero bias. Unlike the original, the reverse complements
    of six motifs are not added.

    Returns:
        ``(kernel, bias)`` float32 arrays.
    """
    import numpy as np

    width, channels, filters = kernel_shape
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (width * channels + width * filters))
    kernel = rng.uniform(-limit, limit, kernel_shape)
    bias = np.zeros(filters)
    from dnazoo.data.jaspar import jaspar_motifs

    motifs = [m["ppm"] for m in jaspar_motifs(release, width - 6).values()]
    for i, motif in enumerate(motifs[:filters]):
        start = int(rng.integers(3, width - len(motif) - 3 + 1))
        kernel[:, :, i] = 0.0
        kernel[start:start + len(motif), :, i] = motif - 0.25
        bias[i] = rng.uniform(-1.0, 0.0)
    return kernel.astype(np.float32), bias.astype(np.float32)


def tfbs_cnn_tower(x, params: dict):
    """The seed-004 TFBS CNN (``PacktPublishing/Deep-Learning-for-Genomics-``, Chapter 10
    ``model_interpretability.py``; after Zou et al., Nat Genet 51:12, 2019; PacktPublishing/Deep-Learning-for-Genomics- Chapter10), the
    original: ``(50, 4)`` → Conv1D(32, 12, valid, no activation) → MaxPool(4) → Flatten (288)."""
    x = layers.Conv1D(32, 12, name=FIRST_CONV)(x)
    x = layers.MaxPooling1D(4, name="pool")(x)
    return layers.Flatten(name="flatten")(x)


def tfbs_cnn_neck(x, params: dict):
    """The original seed-004 neck: Dense(16, ReLU)."""
    return layers.Dense(16, activation="relu", name="hidden")(x)


def tfbs_cnn_modified_tower(x, params: dict):
    """Seed 004's modified TFBS CNN (PacktPublishing/Deep-Learning-for-Genomics- Chapter10): ``(50, 4)`` → Conv1D(32, 12, same, no activation)
    → MaxPool(5) → Flatten (320)."""
    x = layers.Conv1D(32, 12, padding="same", name=FIRST_CONV)(x)
    x = layers.MaxPooling1D(5, name="pool")(x)
    return layers.Flatten(name="flatten")(x)


def tfbs_cnn_modified_neck(x, params: dict):
    """Dense 256-128-64-32 (ReLU, Dropout(0.2) after each) → Dense 16-16-8-8-4-4 (ReLU); the
    task's head follows (the seed's Dense(2, softmax) for a binary task)."""
    for i, u in enumerate((256, 128, 64, 32), start=1):
        x = layers.Dense(u, activation="relu", name=f"dense{i}")(x)
        x = layers.Dropout(0.2, name=f"drop{i}")(x)
    for i, u in enumerate((16, 16, 8, 8, 4, 4), start=5):
        x = layers.Dense(u, activation="relu", name=f"dense{i}")(x)
    return x


def deepsite_tower(x, params: dict):
    """A DeepSite-style stacked BLSTM → CNN (Zhang et al., Int J Mach Learn Cybern 11:841, 2020;
    Zhang et al., Int J Mach Learn Cybern 2020). A reconstruction: only the paper's abstract (input → BLSTM → CNN → pooling → fully
    connected → output) was available, so the sizes are this project's defaults, not the
    original's, which are unknown. ``(101, 4)`` → Bidirectional(LSTM(32, return_sequences)) →
    Conv1D(64, 11, ReLU) → MaxPool(4) → Flatten. It has no convolution on the bases, hence no
    ``first_conv`` layer (filter PWMs do not apply)."""
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=True), name="bilstm")(x)
    x = layers.Conv1D(64, 11, activation="relu", name="conv")(x)
    x = layers.MaxPooling1D(4, name="pool")(x)
    return layers.Flatten(name="flatten")(x)


def dense_dropout_neck(x, params: dict):
    """Dense(``hidden``, ReLU) → Dropout(``dropout``)."""
    x = layers.Dense(params["hidden"], activation="relu", name="hidden")(x)
    return layers.Dropout(params["dropout"], name="hidden_drop")(x)


def deep6mapred_tower(x, params: dict):
    """A Deep6mAPred-style parallel CNN ‖ BLSTM (Tang et al., Methods 204:142, 2022; Tang et al., Methods 2022).
    A reconstruction: the layer sizes of the original are unknown; these are this project's
    defaults. ``(41, 4)`` → branch a: Conv1D(64, 7, same, ReLU) → Conv1D(64, 7, same, ReLU) →
    MaxPool(2) → Dropout(0.3) → Flatten; branch b: Bidirectional(LSTM(32)); concatenated."""
    a = layers.Conv1D(64, 7, padding="same", activation="relu", name=FIRST_CONV)(x)
    a = layers.Conv1D(64, 7, padding="same", activation="relu", name="conv2")(a)
    a = layers.MaxPooling1D(2, name="pool")(a)
    a = layers.Dropout(0.3, name="drop")(a)
    a = layers.Flatten(name="flatten")(a)
    b = layers.Bidirectional(layers.LSTM(32), name="bilstm")(x)
    return layers.Concatenate(name="cnn_lstm")([a, b])


def residualbind_tower(x, params: dict):
    """ResidualBind (Koo, Majdandzic, Ploenzke, Anand & Paul, PLoS Comput Biol 17:e1008925, 2021;
    ``p-koo/cipher`` ``model_zoo/residualbind.py``), a short-sequence CNN with one dilated residual
    block. ``(L, 4)`` one-hot → Conv1D(``filters``, ``first_kernel``, same, no bias) (``first_conv``)
    → BN → ReLU → Dropout(0.1) → residual block {Conv1D(``filters``, 3) → BN → [ReLU → Dropout(0.1)
    → Conv1D(``filters``, 3, dilation d) → BN] for d in ``dilations`` (2, 4, 8) → + input → ReLU}
    → AveragePooling1D(``pool``) → Dropout(0.2) → Flatten → ``(⌊L / pool⌋ · filters,)``
    (960 at 101 bp). The neck (:func:`residualbind_neck`) holds the dense layer."""
    f = params["filters"]
    x = layers.Conv1D(f, params["first_kernel"], padding="same", use_bias=False, name=FIRST_CONV)(x)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.Activation("relu", name="relu1")(x)
    x = layers.Dropout(0.1, name="drop1")(x)
    y = layers.Conv1D(f, 3, padding="same", use_bias=False, name="res_conv0")(x)
    y = layers.BatchNormalization(name="res_bn0")(y)
    for i, d in enumerate(params["dilations"], start=1):
        y = layers.Activation("relu", name=f"res_relu{i}")(y)
        y = layers.Dropout(0.1, name=f"res_drop{i}")(y)
        y = layers.Conv1D(f, 3, padding="same", dilation_rate=int(d), use_bias=False, name=f"res_conv{i}")(y)
        y = layers.BatchNormalization(name=f"res_bn{i}")(y)
    x = layers.Activation("relu", name="res_out")(layers.Add(name="res_add")([x, y]))
    x = layers.AveragePooling1D(params["pool"], name="pool")(x)
    x = layers.Dropout(0.2, name="drop2")(x)
    return layers.Flatten(name="flatten")(x)


def residualbind_neck(x, params: dict):
    """ResidualBind's hidden layer: Dense(``hidden``, no bias) → BN → ReLU → Dropout(0.5)."""
    x = layers.Dense(params["hidden"], use_bias=False, name="hidden")(x)
    x = layers.BatchNormalization(name="hidden_bn")(x)
    x = layers.Activation("relu", name="hidden_relu")(x)
    return layers.Dropout(0.5, name="hidden_drop")(x)


# --------------------------------------------------------------------------------------------------
# Profile-capable trunks of calico/basenji, ExpResNet and Enformer: they keep the length axis (one position per
# 128-bp bin for Basenji and the Enformer-like model); the profile task's head averages positions
# into its bins and applies Dense(tracks, softplus); the pooled tasks take global average pooling.

def _pooled_or_profile(x, params: dict):
    if params.get("task") == "profile":
        return x
    return layers.GlobalAveragePooling1D(name="gap")(x)


def basenji_conv_block(x, filters: int, kernel: int, name: str, pool: int = 1, dilation: int = 1,
                       dropout: float = 0.0, first: bool = False):
    """Basenji's ``conv_block`` (``calico/basenji`` ``blocks.py``): GELU → Conv1D(same, no bias) →
    BatchNorm(momentum 0.9) → Dropout → MaxPool(pool, same). ``first`` names the convolution
    ``first_conv`` and skips the activation (the input is one-hot)."""
    if not first:
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Conv1D(filters, kernel, padding="same", dilation_rate=dilation, use_bias=False,
                      name=FIRST_CONV if first else f"{name}_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    if dropout:
        x = layers.Dropout(dropout, name=f"{name}_drop")(x)
    if pool > 1:
        x = layers.MaxPooling1D(pool, padding="same", name=f"{name}_pool")(x)
    return x


def basenji_tower(x, params: dict):
    """A Basenji dilated residual CNN (Kelley et al., Genome Res 28:739, 2018; Basenji2: Kelley,
    PLoS Comput Biol 16:e1008050, 2020; calico/basenji): ``conv_block(stem_filters, stem_kernel, pool
    stem_pool)`` → ``conv_tower`` (``tower_repeat`` conv_blocks, kernel 5, pool ``tower_pool``,
    filters ``tower_filters × tower_mult^i`` rounded) → ``dilated_residual`` (``dilated_repeat``
    × {conv_block(``dilated_filters``, 3, dilation d) → conv_block(back, 1, dropout) → add}, d
    multiplied by ``rate_mult``, rounded half to even as NumPy) → ``Cropping1D(crop)`` →
    conv_block(``final_filters``, 1, dropout ``final_dropout``) → GELU. ``basenji_small`` is
    ``params_small.json`` of the tutorials, ``basenji2`` ``manuscripts/cross2020/params_human.json``."""
    import numpy as np

    p = params
    x = basenji_conv_block(x, p["stem_filters"], p["stem_kernel"], "stem", pool=p["stem_pool"], first=True)
    filters = float(p["tower_filters"])
    for i in range(p["tower_repeat"]):
        x = basenji_conv_block(x, int(np.round(filters)), 5, f"tower{i + 1}", pool=p["tower_pool"])
        filters *= p["tower_mult"]
    rate = 1.0
    channels = int(x.shape[-1])
    for i in range(p["dilated_repeat"]):
        y = basenji_conv_block(x, p["dilated_filters"], 3, f"dilated{i + 1}a", dilation=int(rate))
        y = basenji_conv_block(y, channels, 1, f"dilated{i + 1}b", dropout=p["dilated_dropout"])
        x = layers.Add(name=f"dilated{i + 1}_add")([x, y])
        rate = float(np.round(rate * p["rate_mult"]))
    if p["crop"]:
        x = layers.Cropping1D(p["crop"], name="crop")(x)
    x = basenji_conv_block(x, p["final_filters"], 1, "final", dropout=p["final_dropout"])
    x = layers.Activation("gelu", name="trunk_gelu")(x)
    return _pooled_or_profile(x, params)


def expresnet_tower(x, params: dict):
    """An ExpResNet-style residual CNN (Zhang, Zhou & Cai, bioRxiv 10.1101/2020.06.21.163956,
    2020; Zhang, Zhou & Cai, bioRxiv 10.1101/2020.06.21.163956). A reconstruction: the original code was not found; the block structure
    follows a third-party adaptation that cites the preprint, so the original sizes are unknown.
    Five stages of ``ResBlock(c, k, d)`` → AveragePooling1D(4), c = 160, 320, 480, 640, 960, k = 5,
    3, 3, 3, 3, d = 1, 2, 2, 4, 2; ``ResBlock``: r = Conv1D(c, k, valid); y = BN → ReLU → Conv1D(c/2,
    1) → BN → ReLU → Conv1D(c/2, 3, same, dilation d) → BN → ReLU → Conv1D(c, 1); r + y. Then
    Flatten (3 × 960 at 4,096 bp). Every BatchNormalization here and in the neck updates its moving
    statistics with ``bn_momentum`` (Keras convention: the weight of the old value)."""
    stages = ((160, 5, 1), (320, 3, 2), (480, 3, 2), (640, 3, 4), (960, 3, 2))
    momentum = float(params["bn_momentum"])
    for i, (c, k, d) in enumerate(stages, start=1):
        r = layers.Conv1D(c, k, name=FIRST_CONV if i == 1 else f"stage{i}_conv")(x)
        y = r
        for j, (filters, kernel, dil) in enumerate(((c // 2, 1, 1), (c // 2, 3, d), (c, 1, 1)), start=1):
            y = layers.BatchNormalization(momentum=momentum, name=f"stage{i}_bn{j}")(y)
            y = layers.Activation("relu", name=f"stage{i}_relu{j}")(y)
            y = layers.Conv1D(filters, kernel, padding="same", dilation_rate=dil, name=f"stage{i}_conv{j}")(y)
        x = layers.Add(name=f"stage{i}_add")([r, y])
        x = layers.AveragePooling1D(4, name=f"stage{i}_pool")(x)
    return layers.Flatten(name="flatten")(x)


def expresnet_neck(x, params: dict):
    """ExpResNet's head before the output: Dense(E) → BN → ReLU (E = ``hidden``, 512)."""
    x = layers.Dense(params["hidden"], name="hidden")(x)
    x = layers.BatchNormalization(momentum=float(params["bn_momentum"]), name="hidden_bn")(x)
    return layers.Activation("relu", name="hidden_relu")(x)


def enformer_small_tower(x, params: dict):
    """A small Enformer-like conv + transformer trunk (after Avsec et al., Nat Methods 18:1196,
    2021; Avsec et al., Nat Methods 2021; the real Enformer has ≈ 246 M parameters): stem Conv1D(96, 15, same) +
    residual [BN → GELU → Conv1D(96, 1)] → SoftmaxPool(2); 6 tower stages (filters 96, 112, 128,
    144, 160, 192) of BN → GELU → Conv1D(f, 5, same) + residual [BN → GELU → Conv1D(f, 1)] →
    SoftmaxPool(2) (128-bp bins); a learned absolute position embedding; 4 pre-LayerNorm
    transformer blocks (4 heads, key size 48, attention dropout 0.05, dropout 0.4, MLP 2×);
    Cropping1D(``crop`` = 16 bins each side, as Enformer; 0 keeps every bin, so the output covers the
    whole window as the profile task's targets do); BN → GELU → Conv1D(384, 1) → Dropout(0.05) → GELU.
    ``filters`` (default 192, the last stage's) scales every width: the stem, the stages and the
    pointwise layer by ``filters`` / 192 (384 makes it gReLU's ``EnformerModel(channels=384)``'s size).
    """
    from dnazoo.models.layers import PositionEmbedding, SoftmaxPooling1D

    def residual_pointwise(x, f, name):
        y = layers.BatchNormalization(name=f"{name}_rbn")(x)
        y = layers.Activation("gelu", name=f"{name}_rgelu")(y)
        y = layers.Conv1D(f, 1, name=f"{name}_rconv")(y)
        return layers.Add(name=f"{name}_add")([x, y])

    scale = int(params.get("filters", 192)) / 192
    stem = max(1, round(96 * scale))
    x = layers.Conv1D(stem, 15, padding="same", name=FIRST_CONV)(x)
    x = residual_pointwise(x, stem, "stem")
    x = SoftmaxPooling1D(2, name="stem_pool")(x)
    for i, f in enumerate((max(1, round(w * scale)) for w in (96, 112, 128, 144, 160, 192)), start=1):
        x = layers.BatchNormalization(name=f"tower{i}_bn")(x)
        x = layers.Activation("gelu", name=f"tower{i}_gelu")(x)
        x = layers.Conv1D(f, 5, padding="same", name=f"tower{i}_conv")(x)
        x = residual_pointwise(x, f, f"tower{i}")
        x = SoftmaxPooling1D(2, name=f"tower{i}_pool")(x)
    x = PositionEmbedding(name="positions")(x)
    dim = int(x.shape[-1])
    for i in range(1, 5):
        y = layers.LayerNormalization(name=f"mha{i}_ln")(x)
        y = layers.MultiHeadAttention(4, 48, dropout=0.05, name=f"mha{i}")(y, y)
        x = layers.Add(name=f"mha{i}_add")([x, layers.Dropout(0.4, name=f"mha{i}_drop")(y)])
        y = layers.LayerNormalization(name=f"mlp{i}_ln")(x)
        y = layers.Dense(2 * dim, name=f"mlp{i}_dense1")(y)
        y = layers.Dropout(0.4, name=f"mlp{i}_drop1")(y)
        y = layers.Activation("relu", name=f"mlp{i}_relu")(y)
        y = layers.Dense(dim, name=f"mlp{i}_dense2")(y)
        x = layers.Add(name=f"mlp{i}_add")([x, layers.Dropout(0.4, name=f"mlp{i}_drop2")(y)])
    if params.get("crop", 16):
        x = layers.Cropping1D(int(params.get("crop", 16)), name="crop")(x)
    x = layers.BatchNormalization(name="pointwise_bn")(x)
    x = layers.Activation("gelu", name="pointwise_gelu1")(x)
    x = layers.Conv1D(2 * dim, 1, name="pointwise_conv")(x)
    x = layers.Dropout(0.05, name="pointwise_drop")(x)
    x = layers.Activation("gelu", name="pointwise_gelu2")(x)
    return _pooled_or_profile(x, params)


# --------------------------------------------------------------------------------------------------
# The two EPI ancestors of the DeepChromeHiC k-mer models (EPIVAN: Hong et al., Bioinformatics 2020; SPEID: Singh et al., Quant Biol 2019): one tower per anchor, the
# two feature maps joined along the length axis (fusion ``separate_length_concat``), then a shared
# recurrent neck.

def epivan_tower(x, params: dict):
    """EPIVAN (Hong et al., Bioinformatics 36:1037, 2020; ``hzy95/EPIVAN`` ``model.py``), one
    anchor: 6-mer embedding (dna2vec, trainable; the encoder) → Conv1D(64, 40, valid, ReLU) →
    MaxPool(20, 20). At 3,000 / 2,000 bp: 148 and 98 positions."""
    x = layers.Conv1D(64, 40, activation="relu", name="conv")(x)
    return layers.MaxPooling1D(20, 20, name="pool")(x)


def epivan_neck(x, params: dict):
    """EPIVAN after the length concatenation: BN → Dropout(0.5) → Bidirectional(GRU(50,
    return_sequences, ``reset_after=False`` as the Keras-2 original)) → additive attention
    pooling (:class:`dnazoo.models.layers.AttentionPooling1D`, 50 units)."""
    from dnazoo.models.layers import AttentionPooling1D

    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Dropout(0.5, name="drop")(x)
    x = layers.Bidirectional(layers.GRU(50, return_sequences=True, reset_after=False), name="bigru")(x)
    return AttentionPooling1D(50, name="attention")(x)


def speid_tower(x, params: dict):
    """SPEID (Singh et al., bioRxiv 085241, 2016; ``ma-compbio/SPEID`` ``pairwise/build_small_model.py``),
    one anchor: one-hot → Conv1D(200, 40, valid, L2 1e-5) → ReLU → MaxPool(20, 20)."""
    import keras

    x = layers.Conv1D(200, 40, kernel_regularizer=keras.regularizers.L2(1e-5), name=FIRST_CONV)(x)
    x = layers.Activation("relu", name="relu")(x)
    return layers.MaxPooling1D(20, 20, name="pool")(x)


def speid_neck(x, params: dict):
    """SPEID after the length concatenation: BN → Dropout(0.25) → Bidirectional(LSTM(50,
    return_sequences)) → BN → Dropout(0.5) → Flatten → Dense(800, L2 1e-6) → BN → ReLU →
    Dropout(0.5); the binary head is SPEID's Dense(1) → BN → sigmoid."""
    import keras

    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.Dropout(0.25, name="drop1")(x)
    x = layers.Bidirectional(layers.LSTM(50, return_sequences=True), name="bilstm")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.Dropout(0.5, name="drop2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(800, kernel_regularizer=keras.regularizers.L2(1e-6), name="hidden")(x)
    x = layers.BatchNormalization(name="hidden_bn")(x)
    x = layers.Activation("relu", name="hidden_relu")(x)
    return layers.Dropout(0.5, name="hidden_drop")(x)
