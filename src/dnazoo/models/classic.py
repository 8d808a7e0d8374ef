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
