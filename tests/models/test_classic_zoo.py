"""The classic zoo of the papers cited per registry entry: parameter counts at the spec's reference sizes (the K3
column of §D) and the output follows the dataset's task."""

import pytest

keras = pytest.importorskip("keras")

from dnazoo import models  # noqa: E402
from dnazoo.tasks import Task  # noqa: E402

# name: (window bp, task, parameters counted from each original); the task: None = binary, an int k = k labels,
# ("profile", tracks, bins), ("regression", k)
REFERENCE = {
    "deepsea": (1000, 919, 52_843_119),
    "basset": (600, 164, 4_140_464),
    "danq": (1000, 919, 46_926_479),
    "danq_jaspar": (1000, 919, 67_892_175),
    "tfbs_cnn": (50, None, 6_209),
    "tfbs_cnn_modified": (50, None, 128_050),
    "deepsite": (101, None, 144_833),
    "deep6mapred": (41, None, 126_209),
    "basenji_small": (131_072, ("profile", 3, 1024), 111_011),
    "basenji2": (131_072, ("profile", 5313, 896), 30_123_584),
    "expresnet": (4096, ("regression", 1), 7_844_993),
    "enformer_small": (16_384, ("profile", 1, 96), 2_095_809),
    "epivan": ((3000, 2000), None, 1_371_485),  # pairs: enhancer, promoter
    "speid": ((3000, 2000), None, 19_850_805),
    # counted by hand from p-koo/cipher's residualbind.py (4,224 + 384 + 4 x 27,648 +
    # 4 x 384 + 245,760 + 1,024 + 257)
    "residualbind": (101, None, 363_777),
}


def _task(spec):
    if spec is None:
        return Task()
    if isinstance(spec, int):
        return Task("multilabel", tuple(f"l{i}" for i in range(spec)))
    if spec[0] == "regression":
        return Task("regression", tuple(f"y{i}" for i in range(spec[1])))
    return Task("profile", tuple(f"t{i}" for i in range(spec[1])), bins=spec[2])


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_parameter_count_at_the_reference_size(name):
    window, spec, count = REFERENCE[name]
    task = _task(spec)
    kind = "pairs" if isinstance(window, tuple) else "sequences"
    model = models.build(name, window, kind, task=task)
    assert model.count_params() == count
    if spec is None:
        want = (None, 2) if models.get(name).binary_head == "softmax2" else (None, 1)
    else:
        want = (None, *task.target_shape)
    assert tuple(model.output.shape) == want


def test_every_classic_model_names_its_source_and_training_defaults():
    for name in REFERENCE:
        spec = models.get(name)
        assert spec.source and {"optimizer", "learning_rate", "batch_size", "patience"} <= set(spec.defaults)
    assert models.get("deepsea").defaults["average_strands"] is True
    assert "unknown" in models.get("deepsite").source and "unknown" in models.get("deep6mapred").source


def test_pair_ancestors_join_their_towers_along_the_length_axis():
    """EPIVAN and SPEID: one tower per anchor (separate weights), 148 + 98 positions joined."""
    model = models.build("speid", (3000, 2000), "pairs")
    inner = model.get_layer("onehot_model")
    assert tuple(inner.get_layer("towers_length_concat").output.shape) == (None, 246, 200)
    assert inner.get_layer("anchor1_tower").count_params() == inner.get_layer("anchor2_tower").count_params() == 32_200
    assert models.get("epivan").embedding == "dna2vec" and models.get("speid").binary_head == "bn_sigmoid"


def test_danq_jaspar_starts_half_its_filters_from_jaspar_vertebrate_motifs():
    import numpy as np

    from dnazoo.data.jaspar import jaspar_motifs
    from dnazoo.models.zoo.classic import jaspar_init

    motifs = [m["ppm"] for m in jaspar_motifs("JASPAR2016", 24).values()]
    assert len(motifs) == 519  # DanQ-JASPAR: 519 JASPAR 2016 vertebrate motifs (+ 6 reverse complements)
    kernel, bias = jaspar_init((30, 4, 1024), "JASPAR2016", seed=0)
    for i in (0, 100, 518):
        k = kernel[:, :, i]
        rows = np.flatnonzero(np.abs(k).sum(axis=1) > 0)
        placed = k[rows.min():rows.min() + len(motifs[i])] + 0.25
        assert np.allclose(placed, motifs[i], atol=1e-6) and 3 <= rows.min() and rows.min() + len(motifs[i]) <= 27
        assert -1 <= bias[i] <= 0
    assert (bias[519:] == 0).all() and np.abs(kernel[:, :, 519:]).max() > 0  # the rest: Glorot, zero bias


def test_crop_feeds_the_centre_of_the_window_to_the_tower():
    """Basset on DeepSEA's 1,000-bp windows with ``input_crop: 600`` is Basset at 600 bp on the centre."""
    import numpy as np

    task = _task(3)
    cropped = models.build("basset", 1000, "sequences", task=task, params={"input_crop": 600})
    plain = models.build("basset", 600, "sequences", task=task)
    assert cropped.count_params() == plain.count_params()
    plain.set_weights(cropped.get_weights())
    codes = np.random.default_rng(0).integers(0, 4, (2, 1000)).astype(np.uint8)
    a = cropped.predict({"sequence": codes}, verbose=0)
    b = plain.predict({"sequence": codes[:, 200:800]}, verbose=0)
    assert np.allclose(a, b, atol=1e-5)
    codes2 = codes.copy()
    codes2[:, :200] = (codes2[:, :200] + 1) % 4  # outside the centre: no effect
    assert np.allclose(cropped.predict({"sequence": codes2}, verbose=0), a, atol=1e-6)
    with pytest.raises(ValueError, match="input_crop must be a whole number of bp from the model's minimum 168"):
        models.build("basset", 1000, "sequences", task=task, params={"input_crop": 100})
