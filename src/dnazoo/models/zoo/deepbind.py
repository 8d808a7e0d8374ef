"""DeepBind-style CNN (Alipanahi et al., Nat Biotechnol 33:831, 2015; kipoi ``DeepBind``),
as a tower and neck for :func:`dnazoo.models.parts.assemble`.

Tower on the 4-channel one-hot ``(L, 4)`` (A, C, G, T; N = zeros): ``Conv1D(motifs, motif_length,
valid, ReLU)`` (named ``first_conv``; the bias is the learned threshold) → global max pooling.
With ``reverse_complement`` both strands are scanned by the same filters and the max over strands
is taken per filter (DeepBind's "reverse-complement mode"). Neck: ``Dense(hidden, ReLU) →
Dropout``; the head comes from the task. At L = 101, 16 × 24 motifs, hidden 32, binary head: 2,129
parameters.

Pairs: dnazoo's siamese extension, not in the original: the same tower runs on each anchor and the
pooled features meet in a late fusion (``siamese`` = concatenation by default). Strand orientation
per anchor is kept (``reverse_complement`` off by default for pairs), since loop grammar depends on
it.

Deviations from the original: sequences are not padded with N by ``motif_length − 1`` on both
sides (set ``pad`` to do so); training uses Adam instead of DeepBind's calibrated SGD.
"""

from __future__ import annotations

from keras import layers

from dnazoo.models.blocks import dense_stack
from dnazoo.models.layers import ReverseComplement
from dnazoo.models.parts import FIRST_CONV

#: Hyperparameters the config may set per model (``model_params``); ``reverse_complement: null``
#: means on for single sequences, off for pairs.
PARAMS = {"motifs": 16, "motif_length": 24, "hidden": 32, "dropout": 0.5, "reverse_complement": None,
          "pad": False}


def tower(x, params: dict):
    """``(L, 4)`` one-hot → ``(motifs,)`` max-pooled motif scores (see the module docstring)."""
    rc = params["reverse_complement"]
    if rc is None:
        rc = params.get("kind") != "pairs"
    conv = layers.Conv1D(params["motifs"], params["motif_length"], padding="valid", activation="relu",
                         name=FIRST_CONV)
    pool = layers.GlobalMaxPooling1D(name="motif_max")
    if params["pad"]:
        x = layers.ZeroPadding1D(params["motif_length"] - 1, name="n_pad")(x)
    fwd = pool(conv(x))
    if not rc:
        return fwd
    rev = pool(conv(ReverseComplement(name="revcomp")(x)))
    return layers.Maximum(name="strand_max")([fwd, rev])


def neck(x, params: dict):
    """``Dense(hidden, ReLU) → Dropout(dropout)``; nothing when ``hidden`` is 0."""
    if params["hidden"]:
        x = dense_stack(x, [params["hidden"]], params["dropout"], "hidden", dropout_last=True)
    return x
