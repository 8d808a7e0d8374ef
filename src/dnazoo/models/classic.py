"""Classic single-sequence towers written for :func:`dnazoo.models.parts.assemble`.

``dilated_cnn``: a dilated residual CNN after Basenji's dilated residual blocks (Kelley et al.,
Genome Res 28:739, 2018) and BPNet's body (Avsec et al., Nat Genet 53:354, 2021), reduced to a
size that trains on a CPU. It keeps the length axis, so it takes the ``profile`` task (counts per
bin) as well as the pooled tasks.
"""

from __future__ import annotations

from keras import layers

from .parts import FIRST_CONV

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
# The classic zoo of spec §C (DeepSEA, Basset, DanQ, the seed-004 TFBS CNN, DeepSite- and
# Deep6mAPred-style reconstructions). Towers end where the original's output layer starts; the
# neck holds the original's hidden dense layers; the task supplies the output layer, so the
# number of outputs follows the dataset. Parameter counts at the spec's reference sizes are tested
# (tests/test_classic_zoo.py).

def deepsea_tower(x, params: dict):
    """DeepSEA (Zhou & Troyanskaya, Nat Methods 12:931, 2015; spec §C.2; kipoi ``DeepSEA``):
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
    """Basset (Kelley, Snoek & Rinn, Genome Res 26:990, 2016; spec §C.3), the layout of the
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
    """DanQ (Quang & Xie, Nucleic Acids Res 44:e107, 2016; spec §C.4; ``uci-cbcl/DanQ``):
    ``(L, 4)`` → Conv1D(320, 26, valid, ReLU) → MaxPool(13, 13) → Dropout(0.2) →
    Bidirectional(LSTM(320, return_sequences)) → Dropout(0.5) → Flatten (75 × 640 = 48,000 at
    1,000 bp)."""
    x = layers.Conv1D(params["filters"], params["kernel"], activation="relu", name=FIRST_CONV)(x)
    x = layers.MaxPooling1D(params["pool"], params["pool"], name="pool")(x)
    x = layers.Dropout(0.2, name="drop1")(x)
    x = layers.Bidirectional(layers.LSTM(params["lstm"], return_sequences=True), name="bilstm")(x)
    x = layers.Dropout(0.5, name="drop2")(x)
    return layers.Flatten(name="flatten")(x)


def tfbs_cnn_tower(x, params: dict):
    """The seed-004 TFBS CNN (``PacktPublishing/Deep-Learning-for-Genomics-``, Chapter 10
    ``model_interpretability.py``; after Zou et al., Nat Genet 51:12, 2019; spec §C.10), the
    original: ``(50, 4)`` → Conv1D(32, 12, valid, no activation) → MaxPool(4) → Flatten (288)."""
    x = layers.Conv1D(32, 12, name=FIRST_CONV)(x)
    x = layers.MaxPooling1D(4, name="pool")(x)
    return layers.Flatten(name="flatten")(x)


def tfbs_cnn_neck(x, params: dict):
    """The original seed-004 neck: Dense(16, ReLU)."""
    return layers.Dense(16, activation="relu", name="hidden")(x)


def tfbs_cnn_modified_tower(x, params: dict):
    """Seed 004's modified TFBS CNN (spec §C.10): ``(50, 4)`` → Conv1D(32, 12, same, no activation)
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
    spec §C.7). A reconstruction: only the paper's abstract (input → BLSTM → CNN → pooling → fully
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
    """A Deep6mAPred-style parallel CNN ‖ BLSTM (Tang et al., Methods 204:142, 2022; spec §C.8).
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
