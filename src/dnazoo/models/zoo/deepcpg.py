"""DeepCpG's DNA, CpG and Joint modules (Angermueller et al., Genome Biol 18:67, 2017;
``cangermueller/deepcpg`` ``deepcpg/models/{dna,cpg,joint}.py``; cangermueller/deepcpg).

The originals are written against the Keras 1 API; these are semantic re-implementations with
Keras 3 layers (``keras.layers`` only), checked against the parameter counts of cangermueller/deepcpg's models (
``tests/models/test_deepcpg.py``).

* **DNA modules** take a one-hot window ``(L, 4)`` float32 (DeepCpG: 1,001 bp centred on the
  CpG; dnazoo's channel order A, C, G, T; DeepCpG's own one-hot order is the same) and are registry towers
  (``deepcpg_dna_<Name>``): :func:`dna_tower` ends where DeepCpG's stem ends, before the
  per-cell heads, so the task's head (one sigmoid per cell for methylation) follows.
* **CpG modules** (:func:`cpg_module`) take the neighbouring CpG states and distances, each
  ``(n_cells, cpg_wlen)`` float32 (states in {0, 1} with 0.5 for a missing neighbour, distances
  clipped at 25 kb and scaled to [0, 1]); weights are shared across cells.
* **Joint modules** (:func:`joint_module`) take the DNA and CpG modules' feature vectors.

Every Conv1D/Dense/GRU has a bias; GRUs use ``reset_after=False`` as the Keras-2-era originals
(as in cangermueller/deepcpg under Keras 2; Keras 3 defaults would add 1,536 parameters per GRU(256)); their recurrent activation is
Keras 3's sigmoid (Keras 2.0–2.2 defaulted to its own ``hard_sigmoid``). Dropout defaults to 0.0,
DeepCpG's ``--dropout`` default. The L1/L2 kernel penalties (1e-4 each) are training settings
(:func:`dnazoo.training.add_kernel_penalties`), not layers.
"""

from __future__ import annotations

from keras import layers

from dnazoo.models.names import DEEPCPG_CNN_DNA, DEEPCPG_OTHER_DNA
from dnazoo.models.parts import FIRST_CONV

#: DNA modules: Cnn* (valid convolutions with ReLU, MaxPool(p, p), Flatten, Dense with ReLU).
CNN_DNA = DEEPCPG_CNN_DNA
#: Residual DNA modules: bottleneck stages (filters of each unit, units per stage).
RESNET_STAGES = {
    "ResNet01": [((32, 32, 128), 2), ((64, 64, 256), 2), ((128, 128, 512), 2), ((256, 256, 1024), 1)],
    "ResNet02": [((32, 32, 128), 3), ((64, 64, 256), 3), ((128, 128, 512), 3), ((256, 256, 1024), 1)],
    "ResAtrous01": [((32, 32, 128), 3), ((64, 64, 256), 3), ((128, 128, 512), 3), ((256, 256, 1024), 1)],
}
#: ResConv01's conv units: (filters, stride).
RESCONV_UNITS = [(128, 2), (128, 1), (256, 2), (256, 2), (512, 2)]
DNA_MODELS = (*CNN_DNA, *DEEPCPG_OTHER_DNA)
CPG_MODELS = ("FcAvg", "RnnL1", "RnnL2")
#: Joint modules: number of Dense(512) → Dropout layers.
JOINT_LAYERS = {"JointL0": 0, "JointL1h512": 1, "JointL2h512": 2, "JointL3h512": 3}


def dna_tower(x, params: dict):
    """A DeepCpG DNA module's stem (``params["arch"]``, one of :data:`DNA_MODELS`) on ``(L, 4)``
    one-hot: the convolutional part, ending in ``Flatten`` for the ``Cnn*`` modules (their Dense
    layer is :func:`dna_neck`), or in the recurrent / pooled features (with dropout) for the others.
    The first convolution is named ``first_conv``. Output widths at 1,001 bp: 247 × 128
    (CnnL1), 122 × 256 (CnnL2), 60 × 512 (CnnL3) flattened; 512 (CnnRnn01, ResConv01); 1,024
    (ResNet*, ResAtrous01).

    Raises:
        ValueError: an unknown ``arch``.
    """
    arch = params["arch"]
    drop = params.get("dropout", 0.0)
    if arch in CNN_DNA:
        for i, (filters, kernel, pool) in enumerate(CNN_DNA[arch][0], start=1):
            x = layers.Conv1D(filters, kernel, activation="relu", name=FIRST_CONV if i == 1 else f"conv{i}")(x)
            x = layers.MaxPooling1D(pool, pool, name=f"pool{i}")(x)
        return layers.Flatten(name="flatten")(x)
    if arch == "CnnRnn01":
        x = layers.Conv1D(128, 11, activation="relu", name=FIRST_CONV)(x)
        x = layers.MaxPooling1D(4, 4, name="pool1")(x)
        x = layers.Conv1D(256, 7, activation="relu", name="conv2")(x)
        x = layers.MaxPooling1D(4, 4, name="pool2")(x)
        x = layers.Bidirectional(layers.GRU(256, reset_after=False), merge_mode="concat", name="bigru")(x)
        return layers.Dropout(drop, name="drop")(x)
    if arch in RESNET_STAGES or arch == "ResConv01":
        x = layers.Conv1D(128, 11, name=FIRST_CONV)(x)
        if arch != "ResAtrous01":  # ResAtrous01's stem has no batch normalisation (cangermueller/deepcpg)
            x = layers.BatchNormalization(name="bn1")(x)
        x = layers.Activation("relu", name="act1")(x)
        x = layers.MaxPooling1D(2, 2, name="pool1")(x)
        if arch == "ResConv01":
            for u, (filters, stride) in enumerate(RESCONV_UNITS, start=1):
                x = _conv_unit(x, filters, stride, f"unit{u}")
        else:
            for s, (filters, units) in enumerate(RESNET_STAGES[arch], start=1):
                for b in range(1, units + 1):
                    dilation = (1, 2, 4)[b - 1] if arch == "ResAtrous01" else 1
                    x = _bottleneck_unit(x, filters, 2 if b == 1 else 1, dilation, f"stage{s}_unit{b}")
        x = layers.GlobalAveragePooling1D(name="gap")(x)
        return layers.Dropout(drop, name="drop")(x)
    raise ValueError(f"unknown DeepCpG DNA module {arch!r}; known: {list(DNA_MODELS)}")


def dna_neck(x, params: dict):
    """The ``Cnn*`` modules' hidden layer: Dense(units, ReLU) → Dropout; the identity otherwise."""
    if params["arch"] not in CNN_DNA:
        return x
    x = layers.Dense(CNN_DNA[params["arch"]][1], activation="relu", name="dense")(x)
    return layers.Dropout(params.get("dropout", 0.0), name="drop")(x)


def _bottleneck_unit(x, filters: tuple[int, int, int], stride: int, dilation: int, name: str):
    """Pre-activation bottleneck (He et al., ECCV 2016): BN → ReLU → Conv(f0, 1, stride) → BN →
    ReLU → Conv(f1, 3, same, dilation) → BN → ReLU → Conv(f2, 1), added to the input or to a
    Conv(f2, 1, stride) shortcut when the width or length changes; no activation after the add."""
    f0, f1, f2 = filters
    y = x
    for i, (f, k, s, d) in enumerate(((f0, 1, stride, 1), (f1, 3, 1, dilation), (f2, 1, 1, 1)), start=1):
        y = layers.BatchNormalization(name=f"{name}_bn{i}")(y)
        y = layers.Activation("relu", name=f"{name}_act{i}")(y)
        y = layers.Conv1D(f, k, strides=s, dilation_rate=d, padding="same", name=f"{name}_conv{i}")(y)
    if x.shape[-1] != f2 or stride > 1:
        x = layers.Conv1D(f2, 1, strides=stride, padding="same", name=f"{name}_shortcut")(x)
    return layers.Add(name=f"{name}_add")([x, y])


def _conv_unit(x, filters: int, stride: int, name: str):
    """ResConv01's unit: BN → ReLU → Conv(f, 3, same, stride) → BN → ReLU → Conv(f, 3, same),
    added to the input or to a Conv(f, 3, same, stride) shortcut when the shape changes."""
    y = x
    for i, s in enumerate((stride, 1), start=1):
        y = layers.BatchNormalization(name=f"{name}_bn{i}")(y)
        y = layers.Activation("relu", name=f"{name}_act{i}")(y)
        y = layers.Conv1D(filters, 3, strides=s, padding="same", name=f"{name}_conv{i}")(y)
    if x.shape[-1] != filters or stride > 1:
        x = layers.Conv1D(filters, 3, strides=stride, padding="same", name=f"{name}_shortcut")(x)
    return layers.Add(name=f"{name}_add")([x, y])


def cpg_module(state, dist, arch: str, dropout: float = 0.0):
    """A DeepCpG CpG module on the neighbourhood of a site in every cell.

    Args:
        state, dist: Keras tensors ``(batch, n_cells, cpg_wlen)`` float32: neighbouring CpG states
            and scaled distances (DeepCpG ``inputs/cpg/<cell>/{state,dist}``, stacked over cells).
        arch: ``FcAvg`` (TimeDistributed Dense(512, ReLU) → mean over cells), ``RnnL1``
            (TimeDistributed Dense(256, ReLU) → Bidirectional GRU(256)) or ``RnnL2``
            (TimeDistributed Dense(256, ReLU) → BiGRU(128, sequences) → BiGRU(256)); the cell axis is
            the sequence axis.
        dropout: after the module.

    Returns:
        ``(batch, 512)`` features. Parameters do not depend on the number of cells: at
        ``cpg_wlen`` 50, 51,712 (FcAvg), 813,824 (RnnL1), 1,109,504 (RnnL2).

    Raises:
        ValueError: an unknown ``arch``.
    """
    if arch not in CPG_MODELS:
        raise ValueError(f"unknown DeepCpG CpG module {arch!r}; known: {list(CPG_MODELS)}")
    x = layers.Concatenate(axis=-1, name="cpg_concat")([state, dist])
    units = 512 if arch == "FcAvg" else 256
    x = layers.TimeDistributed(layers.Dense(units, activation="relu"), name="cpg_dense")(x)
    if arch == "FcAvg":
        x = layers.GlobalAveragePooling1D(name="cpg_mean")(x)
    else:
        if arch == "RnnL2":
            x = layers.Bidirectional(layers.GRU(128, return_sequences=True, reset_after=False), name="cpg_bigru1")(x)
        x = layers.Bidirectional(layers.GRU(256, reset_after=False), name="cpg_bigru")(x)
    return layers.Dropout(dropout, name="cpg_drop")(x)


def joint_module(dna_features, cpg_features, arch: str, dropout: float = 0.0):
    """A DeepCpG Joint module: the DNA and CpG features concatenated, then ``[Dense(512, ReLU) →
    Dropout] × n`` (n = 0, 1, 2, 3 for JointL0, JointL1h512, JointL2h512, JointL3h512).

    Args:
        dna_features, cpg_features: ``(batch, d_dna)`` and ``(batch, d_cpg)`` Keras tensors.

    Returns:
        ``(batch, 512)`` features (``(batch, d_dna + d_cpg)`` for JointL0). Parameters:
        512 · d + 512 for the first layer (d = d_dna + d_cpg), 262,656 per further layer.

    Raises:
        ValueError: an unknown ``arch``.
    """
    if arch not in JOINT_LAYERS:
        raise ValueError(f"unknown DeepCpG Joint module {arch!r}; known: {list(JOINT_LAYERS)}")
    x = layers.Concatenate(name="joint_concat")([dna_features, cpg_features])
    for i in range(1, JOINT_LAYERS[arch] + 1):
        x = layers.Dense(512, activation="relu", name=f"joint_dense{i}")(x)
        x = layers.Dropout(dropout, name=f"joint_drop{i}")(x)
    return x


def build_cpg(inputs: dict, task, params: dict, parents: dict | None = None):
    """A DeepCpG CpG model (registry ``deepcpg_cpg_<arch>``): :func:`cpg_module` on the inputs
    ``cpg_state`` and ``cpg_dist`` ``(n_cells, cpg_wlen)`` float32, then the task's head.

    Args:
        inputs: ``{input name: shape}`` of the dataset (``spec.json``); ``cpg_state`` is used.
        params: ``arch`` (FcAvg, RnnL1, RnnL2) and ``dropout``.

    Raises:
        ValueError: a dataset without CpG neighbourhoods.
    """
    import keras

    if "cpg_state" not in inputs:
        raise ValueError("a DeepCpG CpG model needs a methylation dataset (inputs cpg_state, cpg_dist)")
    shape = tuple(inputs["cpg_state"])
    state = keras.Input(shape, name="cpg_state")
    dist = keras.Input(shape, name="cpg_dist")
    out = task.output_layer(cpg_module(state, dist, params["arch"], float(params.get("dropout", 0.0))))
    return keras.Model([state, dist], out, name=f"deepcpg_cpg_{params['arch']}")


def features(model):
    """The feature layer of a trained DNA or CpG model (the input of its ``output`` head) as a
    model on the same inputs."""
    import keras

    inner = model
    for layer in model.layers:  # registry models nest the tower in ``onehot_model``
        if isinstance(layer, keras.Model) and any(sub.name == "output" for sub in layer.layers):
            inner = layer
    if inner is model:
        return keras.Model(model.inputs, model.get_layer("output").input)
    onehot = model.get_layer("sequence_onehot")
    x = keras.Input(model.inputs[0].shape[1:], dtype=model.inputs[0].dtype, name="sequence")
    feats = keras.Model(inner.inputs, inner.get_layer("output").input)(onehot(x))
    return keras.Model(x, feats)


def build_joint(inputs: dict, task, params: dict, parents: dict | None = None):
    """A DeepCpG Joint model (registry ``deepcpg_joint_<arch>``): :func:`joint_module` on the
    frozen feature layers of a trained DNA and a trained CpG model, with a new head; inputs
    ``sequence`` ``(L,)`` uint8, ``cpg_state`` and ``cpg_dist`` (as DeepCpG's ``dcpg_train.py
    --dna_model … --cpg_model … --train_models joint``).

    Args:
        parents: ``{"dna": keras.Model, "cpg": keras.Model}``, the trained parts.
        params: ``arch`` (JointL0, JointL1h512, JointL2h512, JointL3h512) and ``dropout``.

    Raises:
        ValueError: without both trained parts.
    """
    import keras

    if not parents or not parents.get("dna") or not parents.get("cpg"):
        raise ValueError(f"deepcpg_joint_{params['arch']}: a Joint model needs a trained DNA and CpG model")
    dna_model, cpg_model = parents["dna"], parents["cpg"]
    dna_f, cpg_f = features(dna_model), features(cpg_model)
    dna_f.trainable = False
    cpg_f.trainable = False
    seq = keras.Input(dna_model.inputs[0].shape[1:], dtype=dna_model.inputs[0].dtype, name="sequence")
    state = keras.Input(cpg_model.inputs[0].shape[1:], name="cpg_state")
    dist = keras.Input(cpg_model.inputs[1].shape[1:], name="cpg_dist")
    x = joint_module(dna_f(seq), cpg_f([state, dist]), params["arch"], float(params.get("dropout", 0.0)))
    return keras.Model([seq, state, dist], task.output_layer(x), name=f"deepcpg_joint_{params['arch']}")
