"""DeepBind-style CNN (Alipanahi et al., Nat Biotechnol 33:831, 2015; spec §C.1; kipoi ``DeepBind``).

Single sequence (``kind: sequences``): ``(L,)`` uint8 codes → one-hot (A, C, G, T; N = zeros) →
``Conv1D(motifs, motif_length, valid, ReLU)`` (the bias is the learned threshold) → global max
pooling → ``Dense(hidden, ReLU) → Dropout`` → ``Dense(1, sigmoid)``. With ``reverse_complement``
both strands are scanned by the same filters and the max over strands is taken per filter
(DeepBind's "reverse-complement mode"). At L = 101, 16 × 24 motifs, hidden 32: 2,129 parameters.

Pairs (``kind: pairs``): dnazoo's siamese extension, not in the original: the same motif scanner
runs on each anchor, the per-anchor max-pooled features are concatenated (2 × motifs) before the
hidden layer. Strand orientation per anchor is kept (``reverse_complement`` off by default for
pairs), since loop grammar depends on it.

Deviations from the original: sequences are not padded with N by ``motif_length − 1`` on both
sides (set ``pad`` to do so); training uses Adam instead of DeepBind's calibrated SGD.
"""

from __future__ import annotations

import keras
from keras import layers

from .blocks import codes_input, dense_stack, sigmoid_head
from .layers import OneHot, ReverseComplement


def _scanner(motifs: int, motif_length: int, reverse_complement: bool, pad: bool):
    conv = layers.Conv1D(motifs, motif_length, padding="valid", activation="relu", name="motif_scan")
    pool = layers.GlobalMaxPooling1D(name="motif_max")
    onehot, rc = OneHot(4, name="onehot"), ReverseComplement(name="revcomp")
    zpad = layers.ZeroPadding1D(motif_length - 1, name="n_pad") if pad else None

    def scan(codes, tag: str):
        x = onehot(codes)
        if zpad is not None:
            x = zpad(x)
        fwd = pool(conv(x))
        if not reverse_complement:
            return fwd
        rev = pool(conv(rc(x)))
        return layers.Maximum(name=f"{tag}_strand_max")([fwd, rev])

    return scan


def deepbind(windows: int | tuple[int, ...], motifs: int = 16, motif_length: int = 24, hidden: int = 32,
             dropout: float = 0.5, reverse_complement: bool | None = None, pad: bool = False) -> keras.Model:
    """Build the DeepBind-style model.

    Args:
        windows: window length in bp per input (≥ ``motif_length`` unless ``pad``): one length
            (``sequence`` input) or two (``anchor1``, ``anchor2``; shared scanner; the anchors
            may differ in length, e.g. TargetFinder's 3,000 bp enhancer / 2,000 bp promoter).
        motifs, motif_length: number and length of the motif detectors (DeepBind: 16 × 24 for DNA).
        hidden: units of the hidden layer, 0 for none (DeepBind's two variants: 0 or 32).
        dropout: dropout rate after the hidden layer.
        reverse_complement: scan both strands; default True for one input, False for pairs.
        pad: zero-pad (= N) ``motif_length − 1`` bp on both sides, as DeepBind does.

    Returns:
        An uncompiled ``keras.Model``: inputs ``(L,)`` uint8, output ``(batch, 1)`` sigmoid.
    """
    windows = (windows,) if isinstance(windows, int) else tuple(windows)
    n_inputs = len(windows)
    if reverse_complement is None:
        reverse_complement = n_inputs == 1
    scan = _scanner(motifs, motif_length, reverse_complement, pad)
    names = ["sequence"] if n_inputs == 1 else ["anchor1", "anchor2"]
    inputs = [codes_input(w, n) for w, n in zip(windows, names)]
    feats = [scan(inp, n) for inp, n in zip(inputs, names)]
    x = feats[0] if n_inputs == 1 else layers.Concatenate(name="anchors_concat")(feats)
    if hidden:
        x = dense_stack(x, [hidden], dropout, "hidden", dropout_last=True)
    return keras.Model(inputs if n_inputs > 1 else inputs[0], sigmoid_head(x), name="deepbind")
