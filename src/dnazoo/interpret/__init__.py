"""Model interpretation: attributions, in-silico mutagenesis, first-layer filters, TF-MoDISco and
JASPAR matches. Every function takes (model, one-hot sequences), as in tangermeme (Schreiber,
https://github.com/jmschrei/tangermeme), so it works for any model of the zoo.

Sequences are one-hot arrays ``(n, L, C)`` float32 (A, C, G, T[, N]; N = all-zero row with 4
channels), one per sequence input: ``[x]`` for single-sequence models, ``[anchor1, anchor2]`` for
pair models (then every attribution is per anchor). A model that also takes ``log10_distance``
gets it as ``extra`` and it is held fixed.

What is explained (:func:`score_model`): one scalar per sequence, before the output activation
where there is one, so that scores do not saturate: the logit of a binary sigmoid head
(``softmax2``: logit of class 1 minus logit of class 0; ``bn_sigmoid``: the BatchNormalization
output), the logit of label ``target`` of a multilabel head, output column ``target`` of a
regression head, and the counts of track ``target`` summed over bins of a profile head.

* :func:`gradient_x_input`: gradient of the score times the one-hot input (Shrikumar et al. 2016;
  "saliency" is the gradient alone, Simonyan et al. 2014).
* :func:`integrated_gradients`: Sundararajan et al., ICML 2017, from dinucleotide-shuffled
  references (ushuffle, Jiang et al. 2008), averaged over several shuffles as in DeepLIFT/SHAP
  practice (Lundberg & Lee 2017; Avsec et al. 2021, BPNet).
* :func:`ism`: in-silico mutagenesis, every single-base substitution (L × 3 per sequence input;
  4 at an N), batched through the model (DeepSEA, Zhou & Troyanskaya 2015).
* :func:`deletion_scan`: seed 004's scan: each position set to the all-zero row in turn.
* :func:`filter_pwms`: first-layer filters to PWMs weighted by activation (Basset, Kelley et al.
  2016; DeepCpG's ``dcpg_filter_motifs.py``, Angermueller et al. 2017).
* :func:`run_modisco`: TF-MoDISco (Shrikumar et al. 2018) through modisco-lite.
* :func:`tomtom_matches`: Tomtom (Gupta et al. 2007) through memelite, against JASPAR CORE
  vertebrates from pyjaspar (offline), calibrated against column-shuffled queries
  (:mod:`dnazoo.interpret.motifs`).

k-mer token models (``kmer6`` encoder) have no one-hot input to differentiate: only ISM and the
deletion scan apply (a deleted base is an N, which zeroes every k-mer token holding it).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

BASES = "ACGT"


# --------------------------------------------------------------------------------------------
# what is explained
# --------------------------------------------------------------------------------------------

@dataclass
class Explained:
    """A model reduced to one scalar per sequence (see :func:`score_model`).

    Attributes:
        keras_model: maps the model's inputs (one-hot per sequence input, or codes for k-mer token
            models, plus ``log10_distance``) to pre-activation outputs.
        reduce: pre-activation outputs → ``(n,)`` scores; written with ``keras.ops`` so it is
            differentiable on every backend.
        onehot: whether the inputs are one-hot (False: base codes of a k-mer token model).
        channels: one-hot channels (4 or 5) of a one-hot model.
        n_sequence_inputs: 1 or 2 (pairs).
    """

    keras_model: object
    reduce: Callable
    onehot: bool
    channels: int
    n_sequence_inputs: int
    _gradient_fn: Callable | None = field(default=None, repr=False, compare=False)

    def __call__(self, xs: list, batch_size: int = 512) -> np.ndarray:
        """``(n,)`` float64 scores of inputs ``xs`` (in the model's input order)."""
        from keras import ops

        n = len(xs[0])
        out = []
        for s in range(0, n, batch_size):
            z = self.keras_model.predict_on_batch([np.asarray(x[s:s + batch_size]) for x in xs])  # compiled
            out.append(ops.convert_to_numpy(self.reduce(ops.convert_to_tensor(z))).astype(np.float64))
        return np.concatenate(out) if out else np.zeros(0)


def score_model(model, target: int = 0) -> Explained:
    """The scalar that attributions explain, from a model of the zoo.

    Args:
        model: a built or trained zoo model (:func:`dnazoo.models.build`).
        target: the label, output column or track (0 for binary models).

    Returns:
        :class:`Explained`.

    Raises:
        ValueError: a model without the zoo's ``output`` layer, or ``target`` out of range.
    """
    import keras
    from keras import layers, ops

    from dnazoo.models.names import ONEHOT_MODEL

    try:
        graph = model.get_layer(ONEHOT_MODEL)
        onehot = True
    except ValueError:
        graph, onehot = model, False
    try:
        out = graph.get_layer("output")
    except ValueError:
        raise ValueError(f"model {model.name!r} has no layer 'output' (not a dnazoo zoo model)") from None
    n_seq = sum(1 for i in graph.inputs if i.name != "log10_distance")
    channels = int(graph.inputs[0].shape[-1]) if onehot else 0
    units = int(out.output.shape[-1])
    if not 0 <= target < units:
        raise ValueError(f"target {target} out of range: the model has {units} output(s)")
    if isinstance(out, layers.Dense) and out.get_config()["activation"] in ("sigmoid", "softmax"):
        linear = layers.Dense(units, use_bias=out.use_bias, dtype="float32", name="output_logits")
        pre = linear(out.input)
        linear.set_weights(out.get_weights())
        keras_model = keras.Model(graph.inputs, pre)
        if out.get_config()["activation"] == "softmax":
            def reduce(z):
                return z[:, 1] - z[:, 0]
        else:
            def reduce(z):
                return z[:, target]
    elif isinstance(out, layers.Activation):  # bn_sigmoid: the BatchNormalization output is the logit
        keras_model = keras.Model(graph.inputs, out.input)

        def reduce(z):
            return z[:, 0]
    elif len(out.output.shape) == 3:  # profile: counts summed over bins
        keras_model = keras.Model(graph.inputs, out.output)

        def reduce(z):
            return ops.sum(z[:, :, target], axis=1)
    else:  # regression
        keras_model = keras.Model(graph.inputs, out.output)

        def reduce(z):
            return z[:, target]
    return Explained(keras_model, reduce, onehot, channels, n_seq)


def _to_inputs(explained: Explained, onehots: list, extra: list | None) -> list:
    """One-hot arrays → the explained model's inputs (codes for a k-mer token model)."""
    xs = [np.asarray(x, dtype=np.float32) for x in onehots]
    if not explained.onehot:
        xs = [onehot_to_codes(x) for x in xs]
    elif xs[0].shape[-1] != explained.channels:
        raise ValueError(f"the model takes {explained.channels}-channel one-hot input, got {xs[0].shape[-1]} channels")
    return xs + [np.asarray(e, dtype=np.float32) for e in (extra or [])]


def onehot_to_codes(x: np.ndarray) -> np.ndarray:
    """``(..., L, C)`` one-hot → ``(..., L)`` uint8 base codes (A, C, G, T = 0..3; an all-zero row
    or the fifth channel = N = 4)."""
    x = np.asarray(x)
    codes = np.argmax(x[..., :4], axis=-1).astype(np.uint8)
    codes[x[..., :4].sum(axis=-1) == 0] = 4
    return codes


def _check(onehots: list, explained: Explained) -> list:
    if not isinstance(onehots, (list, tuple)):
        onehots = [onehots]
    if len(onehots) != explained.n_sequence_inputs:
        raise ValueError(f"the model takes {explained.n_sequence_inputs} sequence input(s), got {len(onehots)}")
    for x in onehots:
        if np.asarray(x).ndim != 3:
            raise ValueError(f"one-hot sequences must be (n, L, C) arrays, got shape {np.shape(x)}")
    return list(onehots)


# --------------------------------------------------------------------------------------------
# gradient attributions
# --------------------------------------------------------------------------------------------

def _gradients(explained: Explained, xs: list, n_grad: int, compiled: bool = False) -> list:
    """Gradients of the summed scores with respect to the first ``n_grad`` inputs, any backend.
    ``compiled``: for many calls on one :class:`Explained`: its gradient function is built once (one
    ``tf.function`` on TensorFlow, :func:`dnazoo.models.parts.gradient_function`; tracing costs
    about as much as a few eager calls, ``perf/results/interpret_speed_gradients_cpu.json``)."""
    import keras

    from dnazoo.models.parts import backend_gradients, gradient_function

    def total(*args):
        from keras import ops

        return ops.sum(explained.reduce(explained.keras_model(list(args), training=False)))

    if not compiled:
        return backend_gradients(total, xs, keras.backend.backend())[:n_grad]
    if explained._gradient_fn is None:
        explained._gradient_fn = gradient_function(total, keras.backend.backend())
    return explained._gradient_fn(xs)[:n_grad]


def gradients(model, onehots: list, extra: list | None = None, target: int = 0, batch_size: int = 256) -> list:
    """Saliency: the gradient of the score (:func:`score_model`) with respect to each one-hot input.

    Args:
        onehots: one ``(n, L, C)`` float32 one-hot array per sequence input.
        extra: ``[(n, 1) float32 log10 distance]`` for models that take it.

    Returns:
        one ``(n, L, C)`` float32 array per sequence input.

    Raises:
        ValueError: a k-mer token model (no one-hot input; use :func:`ism`), or inputs that do not
            fit the model.
    """
    ex = score_model(model, target)
    if not ex.onehot:
        raise ValueError(f"model {model.name!r} takes k-mer tokens, not one-hot: gradients do not apply; use ism()")
    onehots = _check(onehots, ex)
    xs = _to_inputs(ex, onehots, extra)
    n = len(xs[0])
    out = [[] for _ in onehots]
    compiled = n > 4 * batch_size  # tracing pays off over several batches
    for s in range(0, n, batch_size):
        for i, g in enumerate(_gradients(ex, [x[s:s + batch_size] for x in xs], len(onehots), compiled)):
            out[i].append(np.asarray(g, dtype=np.float32))
    return [np.concatenate(o) if o else np.zeros_like(x) for o, x in zip(out, onehots)]


def gradient_x_input(model, onehots: list, extra: list | None = None, target: int = 0, batch_size: int = 256) -> list:
    """Gradient × input (Shrikumar et al. 2016): :func:`gradients` times the one-hot sequence, so
    only the observed base of each position is non-zero.

    Returns:
        one ``(n, L, C)`` float32 array per sequence input.

    Raises:
        ValueError: as :func:`gradients`.
    """
    return [g * np.asarray(x, dtype=np.float32)
            for g, x in zip(gradients(model, onehots, extra, target, batch_size), _as_list(onehots))]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def dinucleotide_shuffles(x: np.ndarray, n_shuffles: int, seed: int = 0) -> np.ndarray:
    """Dinucleotide-shuffled copies of one-hot sequences (ushuffle, Jiang et al. 2008): each keeps
    its sequence's dinucleotide counts exactly.

    Args:
        x: ``(n, L, C)`` one-hot.

    Returns:
        ``(n_shuffles, n, L, C)`` float32 one-hot.
    """
    import ushuffle

    from dnazoo.data.encoding import decode_codes, encode_codes, onehot

    x = np.asarray(x, dtype=np.float32)
    codes = onehot_to_codes(x)
    ushuffle.set_seed(int(seed))
    out = np.empty((n_shuffles, *codes.shape), dtype=np.uint8)
    for i, c in enumerate(codes):
        raw = decode_codes(c).encode("ascii")
        for k in range(n_shuffles):
            out[k, i] = encode_codes(ushuffle.shuffle(raw, 2))
    return onehot(out, x.shape[-1])


def integrated_gradients(model, onehots: list, extra: list | None = None, target: int = 0, n_shuffles: int = 5,
                         n_steps: int = 20, seed: int = 0, batch_size: int = 256) -> list:
    """Integrated gradients (Sundararajan et al., ICML 2017) from dinucleotide-shuffled references:
    for each of ``n_shuffles`` references r (:func:`dinucleotide_shuffles`, per sequence input),
    ``(x − r) · mean_k ∇f(r + (k − 0.5)/n_steps · (x − r))`` (midpoint Riemann sum), averaged
    over the references. Per reference, the attributions sum to about f(x) − f(r).

    Returns:
        one ``(n, L, C)`` float32 array per sequence input.

    Raises:
        ValueError: as :func:`gradients`.
    """
    ex = score_model(model, target)
    if not ex.onehot:
        raise ValueError(f"model {model.name!r} takes k-mer tokens, not one-hot: gradients do not apply; use ism()")
    onehots = [np.asarray(x, dtype=np.float32) for x in _check(onehots, ex)]
    refs = [dinucleotide_shuffles(x, n_shuffles, seed + 7919 * i) for i, x in enumerate(onehots)]
    alphas = (np.arange(n_steps, dtype=np.float32) + 0.5) / n_steps
    n = len(onehots[0])
    extra = [np.asarray(e, dtype=np.float32) for e in (extra or [])]
    total = [np.zeros_like(x) for x in onehots]
    per_batch = max(1, batch_size // n_steps)
    for r in range(n_shuffles):
        for s in range(0, n, per_batch):
            e = slice(s, s + per_batch)
            xs, deltas = [], []
            for x, ref in zip(onehots, refs):
                d = x[e] - ref[r, e]
                deltas.append(d)
                # (n_steps * b, L, C): step-major
                xs.append((ref[r, e][None] + alphas[:, None, None, None] * d[None]).reshape(-1, *x.shape[1:]))
            ext = [np.tile(v[e], (n_steps, 1)) for v in extra]
            grads = _gradients(ex, xs + ext, len(onehots), compiled=True)  # n_shuffles × ⌈n / per_batch⌉ calls
            for i, (g, d) in enumerate(zip(grads, deltas)):
                g = np.asarray(g, dtype=np.float32).reshape(n_steps, len(d), *d.shape[1:]).mean(axis=0)
                total[i][e] += g * d
    return [t / n_shuffles for t in total]


# --------------------------------------------------------------------------------------------
# in-silico mutagenesis and the deletion scan
# --------------------------------------------------------------------------------------------

def _batched_variants(ex: Explained, onehots: list, extra: list, which: int, make: Callable,
                      batch_size: int) -> list:
    """Score variants of sequence input ``which``: ``make(x)`` → ``(k, L, C)`` variants and their
    ``(k,)`` flat positions; returns per sequence the ``(k,)`` variant scores. Variants of several
    sequences share one model call of exactly ``batch_size`` rows (the last call excepted), so the
    backend compiles one batch shape, not one per call."""
    n = len(onehots[0])
    results = [[] for _ in range(n)]
    buffer, owners, rows = [], [], 0  # variant blocks, the sequence of each block, rows held

    def run(take: int) -> None:
        nonlocal buffer, owners, rows
        variants = np.concatenate(buffer) if len(buffer) > 1 else buffer[0]
        owner = np.concatenate([np.full(len(v), i) for v, i in zip(buffer, owners)])
        batch, rest = variants[:take], variants[take:]
        who, rest_who = owner[:take], owner[take:]
        xs = [batch if j == which else np.asarray(x)[who] for j, x in enumerate(onehots)]
        ext = [np.asarray(e)[who] for e in extra]
        scores = ex(_to_inputs(ex, xs, ext), batch_size=batch_size)
        for i in np.unique(who):
            results[i].append(scores[who == i])
        kept = np.unique(rest_who)  # the rows carried over to the next call, with their sequences
        buffer, owners, rows = [rest[rest_who == i] for i in kept], list(kept), len(rest)

    for i in range(n):
        variants, _ = make(onehots[which][i])
        buffer.append(variants)
        owners.append(i)
        rows += len(variants)
        while rows >= batch_size:
            run(batch_size)
    if rows:
        run(rows)
    return [np.concatenate(r) if r else np.zeros(0, dtype=np.float64) for r in results]


def ism(model, onehots: list, extra: list | None = None, target: int = 0, batch_size: int = 1024) -> list:
    """In-silico mutagenesis: the score change of every single-base substitution,
    ``f(x with base b at position l) − f(x)``.

    All L × 3 variants of a sequence (4 at an N) go through the model in batched calls of
    ``batch_size`` rows (several sequences per call), not one call per variant. Works for every
    model, k-mer token models included (the variant is re-tokenised).

    Args:
        onehots: one ``(n, L, C)`` float32 one-hot array per sequence input (C = 4 or 5; only the
            A, C, G, T channels are mutated).

    Returns:
        one ``(n, L, 4)`` float32 array per sequence input: the change for each base (0 at the
        observed base).

    Raises:
        ValueError: inputs that do not fit the model.
    """
    ex = score_model(model, target)
    onehots = [np.asarray(x, dtype=np.float32) for x in _check(onehots, ex)]
    extra = [np.asarray(e, dtype=np.float32) for e in (extra or [])]
    ref = ex(_to_inputs(ex, onehots, extra), batch_size=batch_size)
    return [_ism_input(ex, onehots, extra, which, ref, batch_size) for which in range(len(onehots))]


def _ism_input(ex: Explained, onehots: list, extra: list, which: int, ref: np.ndarray, batch_size: int) -> np.ndarray:
    """:func:`ism` of sequence input ``which`` only, given the unmutated scores ``ref`` ``(n,)``."""
    x = onehots[which]

    def make(seq):
        pos, base = np.nonzero(seq[:, :4] == 0)
        variants = np.repeat(seq[None], len(pos), axis=0)
        variants[np.arange(len(pos)), pos, :] = 0.0
        variants[np.arange(len(pos)), pos, base] = 1.0
        return variants, pos * 4 + base

    scores = _batched_variants(ex, onehots, extra, which, make, batch_size)
    res = np.zeros((len(x), x.shape[1], 4), dtype=np.float32)
    for i, s in enumerate(scores):
        pos, base = np.nonzero(x[i, :, :4] == 0)
        res[i, pos, base] = s - ref[i]
    return res


def deletion_scan(model, onehots: list, extra: list | None = None, target: int = 0, batch_size: int = 1024) -> list:
    """Seed 004's per-base deletion scan: ``f(x) − f(x with position l set to the all-zero row)``
    for every position (an N for a k-mer token model).

    Returns:
        one ``(n, L)`` float32 array per sequence input: positive where the base supports the score.

    Raises:
        ValueError: inputs that do not fit the model.
    """
    ex = score_model(model, target)
    onehots = [np.asarray(x, dtype=np.float32) for x in _check(onehots, ex)]
    extra = [np.asarray(e, dtype=np.float32) for e in (extra or [])]
    ref = ex(_to_inputs(ex, onehots, extra), batch_size=batch_size)
    out = []
    for which, x in enumerate(onehots):
        length = x.shape[1]

        def make(seq, length=length):
            variants = np.repeat(seq[None], length, axis=0)
            variants[np.arange(length), np.arange(length), :] = 0.0
            return variants, np.arange(length)

        scores = _batched_variants(ex, onehots, extra, which, make, batch_size)
        out.append(np.stack([ref[i] - s for i, s in enumerate(scores)]).astype(np.float32))
    return out


def hypothetical_from_ism(ism_scores: np.ndarray) -> np.ndarray:
    """ISM as TF-MoDISco's hypothetical contributions: per position, each base's ISM change minus
    the mean over the four bases (the mean-centring of Majdandzic et al., Genome Biol 2023), so
    the observed base's contribution is minus the mean substitution effect.

    ``(n, L, 4)`` → ``(n, L, 4)`` float32."""
    s = np.asarray(ism_scores, dtype=np.float32)
    return s - s.mean(axis=-1, keepdims=True)


def hypothetical_from_gradients(grads: np.ndarray) -> np.ndarray:
    """Gradients as hypothetical contributions, mean-centred per position (Majdandzic et al. 2023):
    ``(n, L, C)`` → ``(n, L, 4)`` float32."""
    g = np.asarray(grads, dtype=np.float32)[..., :4]
    return g - g.mean(axis=-1, keepdims=True)


# --------------------------------------------------------------------------------------------
# first-layer filters
# --------------------------------------------------------------------------------------------

def filter_pwms(model, onehots: list, threshold: float = 0.5, pseudocount: float = 0.0) -> list[dict]:
    """First-layer filters as PWMs, weighted by activation (Basset, Kelley et al., Genome Res 2016;
    DeepCpG ``dcpg_filter_motifs.py``): for each filter of each layer named ``first_conv``, every
    window whose activation exceeds ``threshold`` × the filter's maximum activation over all
    sequences is a site; the PWM is the base frequency of the sites (A, C, G, T), width = kernel.

    Args:
        onehots: one ``(n, L, C)`` one-hot array per sequence input; a tower shared by both anchors
            sees both.

    Returns:
        one dict per tower: ``tower`` (layer name), ``pwms`` ``(filters, width, 4)`` float64
        (uniform rows where a filter has no site), ``n_sites`` ``(filters,)`` int64.

    Raises:
        ValueError: a k-mer token model (its first convolution reads embeddings, not bases).
    """
    import keras

    from dnazoo.models.names import FIRST_CONV, ONEHOT_MODEL

    try:
        inner = model.get_layer(ONEHOT_MODEL)
    except ValueError:
        raise ValueError(f"model {model.name!r} takes k-mer tokens: its filters do not read bases") from None
    xs = [np.asarray(x, dtype=np.float32) for x in _as_list(onehots)]
    towers = [layer for layer in inner.layers if isinstance(layer, keras.Model)]
    out = []
    for tower in towers:
        try:
            conv = tower.get_layer(FIRST_CONV)
        except ValueError:
            continue
        length = tower.inputs[0].shape[1]
        if tower.name.startswith("anchor") and len(xs) == 2:
            feeds = [xs[int(tower.name[6]) - 1]]
        elif length is not None and len(xs) == 2 and length == xs[0].shape[1] + xs[1].shape[1]:
            feeds = [np.concatenate(xs, axis=1)]  # length_concat fusion
        else:
            feeds = xs
        act_model = keras.Model(tower.inputs, conv.output)
        width = int(conv.kernel_size[0])
        stride = int(conv.strides[0])
        dil = int(conv.dilation_rate[0])
        span = (width - 1) * dil + 1
        left = (span - 1) // 2 if conv.padding == "same" else 0
        acts = [np.asarray(act_model.predict(f, batch_size=256, verbose=0)) for f in feeds]
        filters = acts[0].shape[-1]
        top = max(float(a.max()) for a in acts)
        maxima = np.max([a.reshape(-1, filters).max(axis=0) for a in acts], axis=0)
        counts = np.zeros((filters, width, 4))
        n_sites = np.zeros(filters, dtype=np.int64)
        for f_in, a in zip(feeds, acts):
            padded = np.pad(f_in[..., :4], ((0, 0), (left, span), (0, 0)))
            offsets = np.arange(width) * dil
            for k in range(filters):
                if maxima[k] <= 0:
                    continue
                seq_i, pos = np.nonzero(a[..., k] > threshold * maxima[k])
                if not len(seq_i):
                    continue
                starts = pos * stride
                windows = padded[seq_i[:, None], starts[:, None] + offsets[None, :]]
                counts[k] += windows.sum(axis=0)
                n_sites[k] += len(seq_i)
        del top
        counts += pseudocount
        totals = counts.sum(axis=2, keepdims=True)
        pwms = np.where(totals > 0, counts / np.where(totals > 0, totals, 1), 0.25)
        out.append({"tower": tower.name, "pwms": pwms, "n_sites": n_sites})
    return out


def filter_motifs(model, onehots: list, targets: dict[str, dict], also: tuple[str, ...] = (), min_sites: int = 10,
                  prefix_tower: bool = True, n_shuffles: int = 200,
                  seed: int = 0) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """First-layer filters as motifs (:func:`filter_pwms`) matched by Tomtom (:func:`tomtom_matches`):
    the filters with at least ``min_sites`` sites, named ``<tower>.filter<i>`` (``filter<i>``
    without ``prefix_tower``); ``n_shuffles`` and ``seed`` calibrate the matches.

    Returns:
        ``(table, pwms)``: one row per kept filter (``filter, n_sites``, then the match columns)
        and ``{name: (width, 4) PWM}``.
    """
    pwms, sites = {}, {}
    for tw in filter_pwms(model, onehots):
        for f, (pwm, n) in enumerate(zip(tw["pwms"], tw["n_sites"])):
            name = f"{tw['tower']}.filter{f}" if prefix_tower else f"filter{f}"
            sites[name] = int(n)
            if n >= min_sites:
                pwms[name] = pwm
    table = tomtom_matches(pwms, targets, also, n_shuffles=n_shuffles, seed=seed).rename(columns={"query": "filter"})
    table.insert(1, "n_sites", [sites[f] for f in table["filter"]])
    return table, pwms


def write_meme(motifs: dict[str, np.ndarray], dest: str | os.PathLike) -> None:
    """Write ``{name: (width, 4) probabilities}`` as a MEME-format motif file (memelite's writer),
    atomically."""
    from memelite.io import write_meme as _write

    from dnazoo.io import atomic_path

    with atomic_path(dest, suffix=".meme") as tmp:
        _write(str(tmp), {k: np.asarray(v, dtype=np.float64).T for k, v in motifs.items()})


# --------------------------------------------------------------------------------------------
# TF-MoDISco and Tomtom
# --------------------------------------------------------------------------------------------

@dataclass
class Pattern:
    """One TF-MoDISco pattern.

    Attributes:
        name: ``pos_0``, ``neg_1`` … (metacluster sign and rank by seqlet count).
        ppm: ``(width, 4)`` base frequencies of its seqlets.
        cwm: ``(width, 4)`` mean contributions.
        n_seqlets: number of seqlets.
        seqlets: table ``example, start, end, is_revcomp`` (0-based half-open bp within the input).
    """

    name: str
    ppm: np.ndarray
    cwm: np.ndarray
    n_seqlets: int
    seqlets: pd.DataFrame

    def trimmed(self, fraction: float = 0.3) -> "Pattern":
        """The pattern cut to the span whose |CWM| sum exceeds ``fraction`` × its maximum."""
        imp = np.abs(self.cwm).sum(axis=1)
        keep = np.flatnonzero(imp >= fraction * imp.max()) if imp.max() > 0 else np.arange(len(imp))
        s, e = int(keep.min()), int(keep.max()) + 1
        return Pattern(self.name, self.ppm[s:e], self.cwm[s:e], self.n_seqlets, self.seqlets)


def cache_numba_kernels(package: str) -> int:
    """Turn on numba's on-disk cache (``Dispatcher.enable_caching``) for every compiled kernel of the
    imported modules of ``package``, so that only the first process compiles them.

    modisco-lite caches its kernels only when it can fork compiler processes, which it declines in a
    process where other threads run (TensorFlow's): each interpret job then compiled them again,
    about 18 s on 2 CPU cores. The cache sits where numba puts it (the package's ``__pycache__``,
    else ``NUMBA_CACHE_DIR`` or the user's cache folder) and is keyed on the kernel's source file and
    argument types. A kernel whose cache cannot be written is compiled as before.

    Returns:
        the number of kernels whose cache is on.
    """
    import sys

    from numba.core.dispatcher import Dispatcher

    n = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name == package or name.startswith(package + ".")):
            continue
        for obj in list(vars(module).values()):
            if isinstance(obj, Dispatcher):
                try:
                    obj.enable_caching()
                    n += 1
                except Exception:  # noqa: BLE001  (no writable cache location: compile in this process)
                    pass
    return n


def run_modisco(onehot: np.ndarray, hypothetical: np.ndarray, max_seqlets: int = 2000, window: int = 15,
                flank: int = 5, **kwargs) -> list[Pattern]:
    """TF-MoDISco (Shrikumar et al. 2018, arXiv:1811.00416) with modisco-lite
    (https://github.com/jmschrei/tfmodisco-lite).

    Args:
        onehot: ``(n, L, 4)`` float32 one-hot.
        hypothetical: ``(n, L, 4)`` float32 hypothetical contributions (e.g.
            :func:`hypothetical_from_ism`).
        max_seqlets: per metacluster.
        window, flank: seqlet sliding window and flank (bp).
        kwargs: more ``modiscolite.tfmodisco.TFMoDISco`` arguments.

    Returns:
        the patterns, positive metacluster first, each sorted by seqlet count ([] when too few
        seqlets pass the FDR threshold).
    """
    from modiscolite.tfmodisco import TFMoDISco

    cache_numba_kernels("modiscolite")
    onehot = np.asarray(onehot, dtype=np.float32)[..., :4]
    hypothetical = np.asarray(hypothetical, dtype=np.float32)
    args = dict(sliding_window_size=window, flank_size=flank, max_seqlets_per_metacluster=max_seqlets,
                min_metacluster_size=20, final_min_cluster_size=10, n_leiden_runs=4, trim_to_window_size=window + 10,
                initial_flank_to_add=flank, min_num_to_trim_to=10, verbose=False)
    args.update(kwargs)
    pos, neg = TFMoDISco(one_hot=onehot, hypothetical_contribs=hypothetical, **args)
    out = []
    for sign, patterns in (("pos", pos), ("neg", neg)):
        ranked = sorted(patterns or [], key=lambda p: -len(p.seqlets))
        for i, p in enumerate(ranked):
            seqlets = pd.DataFrame({"example": [s.example_idx for s in p.seqlets],
                                    "start": [s.start for s in p.seqlets], "end": [s.end for s in p.seqlets],
                                    "is_revcomp": [bool(s.is_revcomp) for s in p.seqlets]})
            out.append(Pattern(f"{sign}_{i}", np.asarray(p.sequence, dtype=np.float64),
                               np.asarray(p.contrib_scores, dtype=np.float64), len(p.seqlets), seqlets))
    return out


from dnazoo.data.jaspar import JASPAR_RELEASE, jaspar_motifs  # noqa: E402,F401  (re-exported for the rules)
from dnazoo.interpret.motifs import NO_MOTIF, tomtom_matches  # noqa: E402,F401  (calibrated matching)


def reverse_complement_pwm(pwm: np.ndarray) -> np.ndarray:
    """``(width, 4)`` A, C, G, T matrix → its reverse complement."""
    return np.asarray(pwm)[::-1, ::-1].copy()


def pwm_from_consensus(consensus: str, fidelity: float) -> np.ndarray:
    """The PWM a consensus is sampled from with ``fidelity`` on the consensus base (the simulator's
    :func:`dnazoo.data.simulate._sample_motif`: the rest of a position spread evenly): ``(width, 4)``."""
    pwm = np.full((len(consensus), 4), (1.0 - fidelity) / 4)
    for i, b in enumerate(consensus):
        pwm[i, BASES.index(b)] += fidelity
    return pwm


def seqlet_orientation(pattern: Pattern, strand: str) -> float:
    """Fraction of a pattern's seqlets that carry the matched motif on the forward strand of the
    input sequence, given the pattern's Tomtom ``strand`` against it."""
    if strand not in ("+", "-"):
        return float("nan")
    rc = pattern.seqlets["is_revcomp"].to_numpy(bool)
    forward = ~rc if strand == "+" else rc
    return float(forward.mean()) if len(rc) else float("nan")


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson r of two arrays, flattened (NaN when either is constant)."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


# --------------------------------------------------------------------------------------------
# the interpret stage: one trained model, a sample of test sequences
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InterpretSettings:
    """Settings of the ``interpret`` rule (config key ``interpret:``, per dataset under
    ``datasets.<name>.interpret``).

    Attributes:
        n_sequences: test sequences explained: the ``n_sequences // 2`` top-scoring positives and
            as many other test sequences drawn at random (fewer when the split is smaller).
        target: the label, output column or track explained (:func:`score_model`).
        ig_shuffles, ig_steps: integrated-gradient references and Riemann steps.
        modisco_attribution: the hypothetical contributions TF-MoDISco clusters: ``ism``
            (:func:`hypothetical_from_ism`, every model) or ``gradient``
            (:func:`hypothetical_from_gradients`, one-hot models).
        max_seqlets: per TF-MoDISco metacluster.
        top_patterns: patterns drawn beside their JASPAR match.
        jaspar: the pyjaspar release.
        motif_shuffles: column-shuffled copies of each filter or pattern that calibrate its JASPAR
            match (:func:`dnazoo.interpret.motifs.tomtom_matches`).
        seed: sample and shuffles.
        batch_size: rows per model call.
    """

    n_sequences: int = 200
    target: int = 0
    ig_shuffles: int = 5
    ig_steps: int = 20
    modisco_attribution: str = "ism"
    max_seqlets: int = 2000
    top_patterns: int = 3
    jaspar: str = JASPAR_RELEASE
    motif_shuffles: int = 200
    seed: int = 0
    batch_size: int = 1024

    def check(self) -> None:
        """Raises:
            ValueError: naming the key."""
        if self.n_sequences < 2:
            raise ValueError(f"n_sequences must be >= 2, got {self.n_sequences}")
        if self.modisco_attribution not in ("ism", "gradient"):
            raise ValueError(f"modisco_attribution must be 'ism' or 'gradient', got {self.modisco_attribution!r}")
        from pyjaspar import jaspardb

        releases = jaspardb().get_releases()
        if self.jaspar not in releases:
            raise ValueError(f"jaspar: pyjaspar ships {releases}, not {self.jaspar!r}")


def select_sequences(labels: np.ndarray, scores: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Indices of the sequences to explain: the ``n // 2`` top-scoring positives (label 1; every row
    ranks by score when the task has no binary labels), then ``n − that`` other rows at random.

    Args:
        labels: ``(m,)`` binary labels, or ``(m, …)`` targets of other tasks.
        scores: ``(m,)`` explained scores.

    Returns:
        ``(min(n, m),)`` int64 indices, top positives first, in a fixed order for a fixed ``seed``.
    """
    labels = np.asarray(labels)
    m = len(scores)
    if labels.ndim == 1 and set(np.unique(labels[~np.isnan(labels.astype(float))]).tolist()) <= {0, 1}:
        pool = np.flatnonzero(labels == 1)
    else:
        pool = np.arange(m)
    top = pool[np.argsort(-np.asarray(scores)[pool], kind="stable")][: n // 2]
    rest = np.setdiff1d(np.arange(m), top)
    rng = np.random.default_rng(seed)
    extra = rng.choice(rest, size=min(n - len(top), len(rest)), replace=False) if len(rest) else np.zeros(0, int)
    return np.concatenate([top, np.sort(extra)]).astype(np.int64)


def interpret_model(model, inputs: dict, labels: np.ndarray, ids: np.ndarray, settings: InterpretSettings,
                    planted: dict[str, np.ndarray] | None = None, expected: tuple[str, ...] = ()) -> dict:
    """Explain a model on a sample of sequences: every attribution, filters, TF-MoDISco, Tomtom.

    Args:
        model: a trained zoo model (Keras).
        inputs: the test split's model inputs (``{name: (m, L) uint8 codes}`` plus
            ``log10_distance``), as :func:`dnazoo.data.dataset.model_inputs` gives them.
        labels, ids: the split's targets and row ids.
        planted: ``{name: (width, 4) PWM}`` of a simulation's planted motifs, matched besides JASPAR.
        expected: JASPAR matrix ids (``MA0139`` or ``MA0139.2``) whose q-value every pattern reports.

    Returns:
        ``{"arrays": {...} for attributions.npz, "motifs": DataFrame, "filters": DataFrame,
        "filter_pwms": {name: (w, 4)}, "patterns": {input: [Pattern]}, "summary": dict}``.
    """
    import time

    from dnazoo.data.encoding import onehot

    ex = score_model(model, settings.target)
    names = [k for k in inputs if k != "log10_distance"]
    extra_all = [np.asarray(inputs["log10_distance"])] if "log10_distance" in inputs else []
    channels = ex.channels or 4
    all_x = [onehot(np.asarray(inputs[k]), channels) for k in names]
    t0 = time.perf_counter()
    all_scores = ex(_to_inputs(ex, all_x, extra_all), batch_size=settings.batch_size)
    pick = select_sequences(np.asarray(labels), all_scores, settings.n_sequences, settings.seed)
    xs = [x[pick] for x in all_x]
    extra = [e[pick] for e in extra_all]
    n = len(pick)
    arrays = {"ids": np.asarray(ids)[pick].astype(str), "index": pick, "score": all_scores[pick]}
    lab = np.asarray(labels)[pick]
    arrays["label"] = lab.astype(np.float32)
    seconds, notes = {}, []
    for k, x in zip(names, xs):
        arrays[f"{k}.sequence"] = onehot_to_codes(x)

    def timed(method, fn):
        t = time.perf_counter()
        res = fn()
        seconds[method] = time.perf_counter() - t
        return res

    ism_s = timed("ism", lambda: ism(model, xs, extra, settings.target, settings.batch_size))
    del_s = timed("deletion_scan", lambda: deletion_scan(model, xs, extra, settings.target, settings.batch_size))
    grads = gxi = igs = None
    if ex.onehot:
        grads = timed("gradient_x_input", lambda: gradients(model, xs, extra, settings.target))
        gxi = [g * x for g, x in zip(grads, xs)]
        igs = timed("integrated_gradients", lambda: integrated_gradients(
            model, xs, extra, settings.target, settings.ig_shuffles, settings.ig_steps, settings.seed))
    else:
        notes.append("k-mer token model: its input is 6-mer tokens, not one-hot, so only in-silico mutagenesis "
                     "and the deletion scan apply (no gradients, integrated gradients or first-layer filters)")
    agreement = {}
    for i, k in enumerate(names):
        arrays[f"{k}.ism"] = ism_s[i]
        arrays[f"{k}.deletion"] = del_s[i]
        ism_contrib = (hypothetical_from_ism(ism_s[i]) * xs[i][..., :4]).sum(axis=-1)
        if gxi is not None:
            arrays[f"{k}.gradient_x_input"] = gxi[i]
            arrays[f"{k}.integrated_gradients"] = igs[i]
            agreement[k] = {"ism_vs_gradient_x_input": pearson(ism_contrib, gxi[i].sum(-1)),
                            "ism_vs_integrated_gradients": pearson(ism_contrib, igs[i].sum(-1)),
                            "gradient_x_input_vs_integrated_gradients": pearson(gxi[i].sum(-1), igs[i].sum(-1)),
                            "ism_vs_deletion_scan": pearson(ism_contrib, del_s[i])}
        else:
            agreement[k] = {"ism_vs_deletion_scan": pearson(ism_contrib, del_s[i])}

    targets = jaspar_motifs(settings.jaspar)
    planted = planted or {}
    expected_ids = tuple(_resolve_id(e, targets) for e in expected)
    also = tuple(f"planted:{p}" for p in planted) + expected_ids
    targets = {**targets, **{f"planted:{p}": {"name": f"planted {p}", "family": "simulated", "ppm": np.asarray(w)}
                             for p, w in planted.items()}}

    # first-layer filters
    filter_rows, filter_pwm_map = pd.DataFrame(), {}
    if ex.onehot:
        t = time.perf_counter()
        filter_rows, filter_pwm_map = filter_motifs(model, xs, targets, also, n_shuffles=settings.motif_shuffles,
                                                    seed=settings.seed)
        seconds["filters"] = time.perf_counter() - t
    else:
        notes.append("no first-layer filters over bases: filters.meme holds no motif")

    # TF-MoDISco per sequence input (per anchor for pairs)
    t = time.perf_counter()
    patterns, motif_rows = {}, []
    method = settings.modisco_attribution if ex.onehot else "ism"
    for i, k in enumerate(names):
        hyp = hypothetical_from_ism(ism_s[i]) if method == "ism" else hypothetical_from_gradients(grads[i])
        try:
            found = [p.trimmed() for p in run_modisco(xs[i][..., :4], hyp, settings.max_seqlets)]
        except Exception as err:  # noqa: BLE001  (modisco-lite raises bare errors on too few seqlets)
            log.warning("TF-MoDISco found no patterns in %s: %s", k, err)
            found = []
        patterns[k] = found
        table = tomtom_matches({p.name: p.ppm for p in found}, targets, also, n_shuffles=settings.motif_shuffles,
                               seed=settings.seed)
        for p, (_, row) in zip(found, table.iterrows()):
            rec = {"pattern": p.name if len(names) == 1 else f"{k}.{p.name}", "n_seqlets": p.n_seqlets,
                   "match_id": row["match_id"], "match_name": row["match_name"], "q_value": row["q_value"],
                   "p_value": row["p_value"], "match_family": row["match_family"], "strand": row["strand"],
                   "input": k, "forward_fraction": seqlet_orientation(p, row["strand"]),
                   "core_bits": row["core_bits"], "note": row["note"]}
            for a in also:
                for c in ("p_value", "q_value", "strand"):
                    rec[f"{c}[{a}]"] = row[f"{c}[{a}]"]
                rec[f"forward_fraction[{a}]"] = seqlet_orientation(p, row[f"strand[{a}]"])
            motif_rows.append(rec)
    seconds["modisco_tomtom"] = time.perf_counter() - t
    cols = ["pattern", "n_seqlets", "match_id", "match_name", "q_value", "p_value", "match_family", "strand",
            "input", "forward_fraction", "core_bits", "note"]
    cols += [f"{c}[{a}]" for a in also for c in ("p_value", "q_value", "strand", "forward_fraction")]
    motifs = pd.DataFrame(motif_rows, columns=cols)
    summary = {"model": model.name, "n_sequences": int(n), "n_test": int(len(all_scores)),
               "inputs": names, "explained": _explained_words(model, settings.target),
               "modisco_attribution": method, "jaspar": settings.jaspar, "n_jaspar_motifs": len(targets) - len(planted),
               "notes": notes, "agreement_pearson_r": agreement}
    # timings go to the log, not to summary.json, so that a rerun writes the same bytes
    log.info("interpretation seconds (%d sequences): %s; total %.1f s", n,
             {k: round(v, 2) for k, v in seconds.items()}, time.perf_counter() - t0)
    if planted:
        summary["planted"] = planted_recovery(motifs, tuple(planted), expected_ids)
    return {"arrays": arrays, "motifs": motifs, "filters": filter_rows, "filter_pwms": filter_pwm_map,
            "patterns": patterns, "summary": summary, "targets": targets}


def _explained_words(model, target: int) -> str:
    return f"output {target} before its activation (the logit of sigmoid and softmax heads)"


def _resolve_id(matrix_id: str, targets: dict) -> str:
    """``MA0139`` → the release's version (``MA0139.2``); a full id is checked.

    Raises:
        ValueError: an id the release does not hold."""
    hits = [t for t in targets if t == matrix_id or t.split(".")[0] == matrix_id]
    if not hits:
        raise ValueError(f"JASPAR id {matrix_id!r} is not in the release's CORE vertebrates")
    return sorted(hits)[-1]


def planted_recovery(motifs: pd.DataFrame, planted: tuple[str, ...], expected: tuple[str, ...] = (),
                     q_max: float = 0.05) -> dict:
    """Per sequence input, the pattern that matches a planted motif at ``q < q_max``: the one with
    most seqlets in TF-MoDISco's positive metacluster (``pos_*``: the motif raises the explained
    score), else in the negative one (``neg_*``: it lowers the score). Reports its q-value, on which
    strand of the input it lies (``+`` when at least half of its seqlets carry the motif forward),
    its best JASPAR match, the q-values of the ``expected`` JASPAR ids and, under ``lowers_score``,
    the orientation of the best matching negative-metacluster pattern (a decoy orientation the
    model learned to count against), when there is one.

    Args:
        motifs: the ``motifs.tsv`` table of :func:`interpret_model` (columns ``pattern``, ``input``,
            ``n_seqlets``, ``q_value[planted:<name>]``, ``forward_fraction[planted:<name>]``, ...).

    Returns:
        ``{"<input>/<motif>": {"recovered": bool, "metacluster": "pos" | "neg", "orientation": ...}}``.
    """
    def entry(r, p):
        frac = float(r[f"forward_fraction[planted:{p}]"])
        return {"pattern": r["pattern"], "n_seqlets": int(r["n_seqlets"]), "q_value": float(r[f"q_value[planted:{p}]"]),
                "orientation": "+" if frac >= 0.5 else "-", "forward_fraction": round(frac, 3)}

    out = {}
    for inp, rows in motifs.groupby("input", sort=False):
        metacluster = rows["pattern"].str.rsplit(".", n=1).str[-1].str.split("_").str[0]
        for p in planted:
            col = f"q_value[planted:{p}]"
            hits = {m: rows[(rows[col] < q_max) & (metacluster == m)].sort_values("n_seqlets", ascending=False,
                                                                                kind="stable")
                    for m in ("pos", "neg")}
            chosen = "pos" if len(hits["pos"]) else "neg"
            if hits[chosen].empty:
                out[f"{inp}/{p}"] = {"recovered": False}
                continue
            r = hits[chosen].iloc[0]
            rec = {"recovered": True, "metacluster": chosen, **entry(r, p),
                   "jaspar_match": f"{r['match_id']} {r['match_name']}", "jaspar_q_value": float(r["q_value"]),
                   **{f"q_value[{e}]": float(r[f"q_value[{e}]"]) for e in expected}}
            if chosen == "pos" and len(hits["neg"]):
                rec["lowers_score"] = entry(hits["neg"].iloc[0], p)
            out[f"{inp}/{p}"] = rec
    return out


# --------------------------------------------------------------------------------------------
# figures (logomaker logos, matplotlib heatmaps), PNG + PDF
# --------------------------------------------------------------------------------------------


#: JASPAR families too broad to count as "the TF's family": C2H2 zinc-finger proteins with many
#: unrelated motifs (CTCF, YY1, ZNF143 and hundreds more).
BROAD_FAMILIES = frozenset({"More than 3 adjacent zinc fingers"})


def tf_match(tf: str, match_id: str, targets: dict) -> str:
    """How a JASPAR match relates to the ChIP-ed factor ``tf``: ``own`` (the match is one of the
    TF's own matrices, by name, case-insensitive, a dimer's parts included), ``family`` (it shares a
    structural family with one of them, e.g. USF1 and USF2: bHLH-ZIP; the families of
    :data:`BROAD_FAMILIES` do not count), else ``other``; ``other`` too when the release has no
    matrix for ``tf``; ``none`` when there is no match (a query without an informative motif:
    ``match_id`` NaN or empty)."""
    def parts(name):
        return {p.upper() for p in name.split("::")}

    if not isinstance(match_id, str) or match_id not in targets:
        return "none"
    own = [k for k, v in targets.items() if tf.upper() in parts(v["name"])]
    if match_id in own:
        return "own"
    families = {f.strip() for k in own for f in targets[k].get("family", "").split(";") if f.strip()} - BROAD_FAMILIES
    match_families = {f.strip() for f in targets[match_id].get("family", "").split(";") if f.strip()}
    return "family" if families & match_families else "other"
