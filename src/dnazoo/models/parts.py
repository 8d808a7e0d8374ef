"""Models from parts: encoder ∘ tower ∘ (pair fusion) ∘ neck ∘ head, assembled once for every model.

The layout follows gReLU (``embedding → trunk → head``), CREsted and Keras applications::

    codes (L,) uint8 per input ─ encoder ─┬─ one-hot (L, 4|5) ─► onehot_model ─► outputs
                                          └─ k-mer tokens → Embedding (L, d) ─► same graph, flat

* **encoder** (:func:`encode_inputs`): base codes → one-hot with 4 (A, C, G, T; N = zeros) or 5
  (A, C, G, T, N) channels, or 6-mer token ids → an ``Embedding`` named ``{input}_embedding``.
* **tower** (the architecture's trunk): a Keras sub-model named ``tower`` (one shared tower) or
  ``anchor1_tower`` / ``anchor2_tower`` (separate towers). Its first convolution is always named
  :data:`FIRST_CONV`, so filter → motif code finds it in any model (:func:`first_conv_layers`).
* **fusion** (pairs only, :data:`FUSIONS`): how the two anchors meet.
* **neck**: the architecture's layers after the fusion (e.g. DeepChromeHiC's dense stack).
* **head**: from the task (:mod:`dnazoo.tasks`): units, activation and loss follow what is predicted.

For every one-hot model the part after the encoder is one sub-model, ``onehot_model``, a
differentiable function from one-hot inputs ``(batch, L, C)`` float32 (per anchor for pairs) to
the outputs (:func:`onehot_model`), which attribution methods take gradients of.
"""

from __future__ import annotations

from typing import Callable

import keras
from keras import layers, ops

from dnazoo.models.layers import AbsDiff
from dnazoo.models.names import DISTANCE_INPUT, ENCODERS, FIRST_CONV, FUSIONS, LATE_FUSION_NAMES, ONEHOT_MODEL  # noqa: F401

def _bilinear(f1, f2, name):
    """Low-rank bilinear interaction ``(W f1) ⊙ f2`` (d features; W is d × d, no bias)."""
    w = layers.Dense(f1.shape[-1], use_bias=False, name=f"{name}_bilinear")(f1)
    return layers.Multiply(name=f"{name}_mul")([w, f2])


#: Late fusions of pooled tower features ``f1, f2`` (both ``(batch, d)``) with a shared tower,
#: after DeepChrInteract-v2 (Bai et al., 2023); ``siamese`` is the shared tower with ``concat``
#: (dnazoo's DeepBind on pairs).
LATE_FUSIONS: dict[str, Callable] = {
    "siamese": lambda f1, f2, n: layers.Concatenate(name=f"{n}_concat")([f1, f2]),
    "concat": lambda f1, f2, n: layers.Concatenate(name=f"{n}_concat")([f1, f2]),
    "add": lambda f1, f2, n: layers.Add(name=f"{n}_add")([f1, f2]),
    "abs_diff": lambda f1, f2, n: AbsDiff(name=f"{n}_abs_diff")([f1, f2]),
    "mul": lambda f1, f2, n: layers.Multiply(name=f"{n}_mul")([f1, f2]),
    "bilinear": _bilinear,
    "concat_diff_mul": lambda f1, f2, n: layers.Concatenate(name=f"{n}_concat")(
        [f1, f2, layers.Subtract(name=f"{n}_diff")([f1, f2]), layers.Multiply(name=f"{n}_mul")([f1, f2])]),
}
assert tuple(LATE_FUSIONS) == LATE_FUSION_NAMES


def codes_inputs(windows: tuple[int, ...]) -> list:
    """``(L,)`` uint8 base-code inputs (A, C, G, T, N = 0..4): ``sequence`` or ``anchor1``, ``anchor2``."""
    names = ["sequence"] if len(windows) == 1 else ["anchor1", "anchor2"]
    return [keras.Input(shape=(w,), dtype="uint8", name=n) for w, n in zip(windows, names)]


def encode_inputs(codes: list, encoder: str, embedding_dim: int = 100) -> list:
    """Apply the encoder to each code input: one-hot ``(L, C)`` or embedded 6-mer tokens ``(L, d)``.

    Raises:
        ValueError: an unknown encoder.
    """
    from dnazoo.models.layers import KmerTokens, OneHot

    if encoder not in ENCODERS:
        raise ValueError(f"unknown encoder {encoder!r}; known: {ENCODERS}")
    out = []
    for c in codes:
        n = c.name if hasattr(c, "name") and c.name else "sequence"
        if encoder == "kmer6":
            tok = KmerTokens(6, name=f"{n}_tokens")(c)
            out.append(layers.Embedding(4 ** 6 + 1, embedding_dim, name=f"{n}_embedding")(tok))
        else:
            out.append(OneHot(int(encoder[-1]), name=f"{n}_onehot")(c))
    return out


def tower_model(tower: Callable, length: int | None, channels: int, params: dict, name: str) -> keras.Model:
    """Wrap ``tower(x, params) -> features`` into a sub-model over ``(length, channels)`` float inputs."""
    inp = keras.Input(shape=(length, channels), name=f"{name}_input")
    return keras.Model(inp, tower(inp, params), name=name)


def fuse(feats_in: list, tower: Callable, fusion: str, params: dict):
    """Run the tower(s) on the encoded inputs and fuse pairs.

    Args:
        feats_in: one ``(L, C)`` tensor (sequences) or two (pairs).
        tower: the architecture's ``tower(x, params)``.
        fusion: one of :data:`FUSIONS` (ignored for a single sequence).

    Raises:
        ValueError: an unknown fusion, or a late fusion whose towers give different shapes.
    """
    channels = int(feats_in[0].shape[-1])
    if len(feats_in) == 1:
        return tower_model(tower, feats_in[0].shape[1], channels, params, "tower")(feats_in[0])
    if fusion == "length_concat":
        x = layers.Concatenate(axis=1, name="anchors_concat")(feats_in)
        return tower_model(tower, x.shape[1], channels, params, "tower")(x)
    if fusion == "separate_towers":
        f = [tower_model(tower, x.shape[1], channels, params, f"{a}_tower")(x)
             for a, x in zip(("anchor1", "anchor2"), feats_in)]
        return layers.Concatenate(axis=-1, name="towers_concat")(f)
    if fusion == "separate_length_concat":
        f = [tower_model(tower, x.shape[1], channels, params, f"{a}_tower")(x)
             for a, x in zip(("anchor1", "anchor2"), feats_in)]
        return layers.Concatenate(axis=1, name="towers_length_concat")(f)
    if fusion not in LATE_FUSIONS:
        raise ValueError(f"unknown fusion {fusion!r}; known: {list(FUSIONS)}")
    lengths = {x.shape[1] for x in feats_in}
    shared = tower_model(tower, lengths.pop() if len(lengths) == 1 else None, channels, params, "tower")
    f1, f2 = shared(feats_in[0]), shared(feats_in[1])
    return LATE_FUSIONS[fusion](f1, f2, "fusion")


def assemble(spec, windows: tuple[int, ...], task, fusion: str | None = None, with_distance: bool = False,
             params: dict | None = None, embedding=None) -> keras.Model:
    """Build registry entry ``spec`` for ``windows`` (bp per input) and ``task``.

    Returns:
        An uncompiled ``keras.Model`` with inputs ``sequence`` or ``anchor1``, ``anchor2`` (``(L,)``
        uint8 codes) plus ``log10_distance`` ``(1,)`` float32 when ``with_distance``, and output
        ``output`` of the task's shape. One-hot models hold the :data:`ONEHOT_MODEL` sub-model.
        ``params["input_crop"]`` (bp, one-hot models): the tower sees the centre ``input_crop`` bp of each
        window (``Cropping1D`` inside the one-hot sub-model), e.g. Basset's 600 bp of DeepSEA's 1,000.
    """
    params = {**spec.params, **(params or {})}
    fusion = fusion or spec.fusion
    codes = codes_inputs(windows)
    extra = [keras.Input(shape=(1,), dtype="float32", name=DISTANCE_INPUT)] if with_distance else []
    dim = int(embedding.shape[1]) if embedding is not None else 100
    encoded = encode_inputs(codes, spec.encoder, dim)

    crop = params.pop("input_crop", None)

    def top(enc, dist):
        if crop is not None:  # the centre `input_crop` bp of each window
            enc = [layers.Cropping1D((int(x.shape[1] - crop) // 2, int(x.shape[1] - crop) - int(x.shape[1] - crop) // 2),
                                     name=f"{getattr(x, 'name', 'sequence') or 'sequence'}_crop".replace("/", "_"))(x)
                   if x.shape[1] != crop else x for x in enc]
        x = fuse(enc, spec.tower, fusion, params)
        if spec.neck is not None:
            x = spec.neck(x, params)
        if dist is not None:
            x = layers.Concatenate(name="with_distance")([x, dist[0]])
        return task.output_layer(x, spec.binary_head)

    if spec.encoder == "kmer6":
        model = keras.Model(codes + extra, top(encoded, extra or None), name=spec.name)
        if embedding is not None:
            from dnazoo.models.blocks import load_embedding

            load_embedding(model, embedding, [c.name for c in codes])
        return model
    channels = int(spec.encoder[-1])
    inner_in = [keras.Input(shape=(w, channels), name=c.name) for w, c in zip(windows, codes)]
    inner_extra = [keras.Input(shape=(1,), dtype="float32", name=DISTANCE_INPUT)] if with_distance else []
    inner = keras.Model(inner_in + inner_extra, top(inner_in, inner_extra or None), name=ONEHOT_MODEL)
    out = inner(encoded + extra)
    return keras.Model(codes + extra, out, name=spec.name)


def onehot_model(model: keras.Model) -> keras.Model:
    """The differentiable one-hot → outputs function of a one-hot model.

    Inputs: one ``(batch, L, C)`` float32 one-hot per sequence input (C = 4 or 5, per anchor for
    pairs), plus ``log10_distance`` when the model has it. Outputs: the model's outputs.

    Raises:
        ValueError: a k-mer token model (its input is discrete tokens: use ISM instead).
    """
    try:
        return model.get_layer(ONEHOT_MODEL)
    except ValueError:
        raise ValueError(f"model {model.name!r} has no one-hot input (k-mer token models take no gradients "
                         "with respect to bases; use in-silico mutagenesis)") from None


def find_layers(model: keras.Model, name: str) -> list:
    """Every layer called ``name`` in ``model`` and in the sub-models nested in it, depth first
    ([] when there is none)."""
    found = []

    def walk(m):
        for layer in m.layers:
            if isinstance(layer, keras.Model):
                walk(layer)
            elif layer.name == name:
                found.append(layer)

    walk(model)
    return found


def first_conv_layers(model: keras.Model) -> list:
    """Every layer named :data:`FIRST_CONV` inside the model's towers (one per tower; [] when the
    architecture has no convolution)."""
    return find_layers(model, FIRST_CONV)


def input_gradients(model: keras.Model, onehots: list, output: int | None = None):
    """Gradients of the summed outputs (or of output column ``output``) with respect to the one-hot
    inputs of :func:`onehot_model` ``(model)``, on any Keras backend (TensorFlow, JAX, PyTorch).

    Args:
        onehots: one ``(n, L, C)`` float32 array per sequence input (plus ``(n, 1)`` distances when
            the model takes them), in the one-hot model's input order.

    Returns:
        a list of NumPy arrays shaped like ``onehots`` (zeros where the output does not depend on
        the input differentiably, e.g. ``onehot_embedding_dense``, which casts the one-hot to
        integer indices of an Embedding).
    """
    import numpy as np

    inner = onehot_model(model)
    xs = [np.asarray(x, dtype="float32") for x in onehots]

    def total(*args):
        out = inner(list(args), training=False)
        out = out if output is None else out[..., output]
        return ops.sum(out)

    return backend_gradients(total, xs, keras.backend.backend())


def gradient_function(fn: Callable, backend: str) -> Callable[[list], list]:
    """A reusable :func:`backend_gradients` for one scalar ``fn``: ``call(xs)`` returns the gradients
    of ``fn(*xs)`` with respect to every array of ``xs`` as NumPy arrays (zeros where ``fn`` does not
    depend on an input differentiably). On TensorFlow the tape runs in one ``tf.function``, traced
    once per input signature (``reduce_retracing``: a new batch size generalises the traced shape),
    instead of op by op; on JAX and PyTorch each call is :func:`backend_gradients`.

    Raises:
        ValueError: another backend (on the first call).
    """
    import numpy as np

    if backend != "tensorflow":
        return lambda xs: backend_gradients(fn, xs, backend)
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def step(*ts):
        with tf.GradientTape() as tape:
            tape.watch(ts)
            y = fn(*ts)
        return tape.gradient(y, ts)

    def call(xs: list) -> list:
        xs = [np.asarray(x, dtype="float32") for x in xs]
        grads = step(*[tf.convert_to_tensor(x) for x in xs])
        return [np.zeros_like(x) if g is None else g.numpy() for x, g in zip(xs, grads)]

    return call


def backend_gradients(fn: Callable, xs: list, backend: str) -> list:
    """Gradients of the scalar ``fn(*xs)`` with respect to every array of ``xs`` on the Keras
    ``backend`` (``tensorflow``, ``jax`` or ``torch``), as NumPy arrays (zeros where ``fn`` does not
    depend on an input differentiably).

    Raises:
        ValueError: another backend.
    """
    import numpy as np

    xs = [np.asarray(x, dtype="float32") for x in xs]
    if backend == "tensorflow":
        import tensorflow as tf

        ts = [tf.convert_to_tensor(x) for x in xs]
        with tf.GradientTape() as tape:
            tape.watch(ts)
            y = fn(*ts)
        return [np.zeros_like(x) if g is None else g.numpy() for x, g in zip(xs, tape.gradient(y, ts))]
    if backend == "jax":
        import jax

        grads = jax.grad(lambda *a: fn(*a), argnums=tuple(range(len(xs))))(*xs)
        return [np.asarray(g) for g in grads]
    if backend == "torch":
        import torch

        ts = [torch.tensor(x, requires_grad=True) for x in xs]
        fn(*ts).backward()
        return [np.zeros_like(x) if t.grad is None else t.grad.detach().cpu().numpy() for x, t in zip(xs, ts)]
    raise ValueError(f"gradients: unsupported Keras backend {backend!r}")
