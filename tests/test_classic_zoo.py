"""The classic zoo of model-zoo-spec §C: parameter counts at the spec's reference sizes (the K3
column of §D) and the output follows the dataset's task."""

import pytest

keras = pytest.importorskip("keras")

from dnazoo import models  # noqa: E402
from dnazoo.tasks import Task  # noqa: E402

# name: (window bp, number of outputs (None: binary), parameters per spec §D)
REFERENCE = {
    "deepsea": (1000, 919, 52_843_119),
    "basset": (600, 164, 4_140_464),
    "danq": (1000, 919, 46_926_479),
    "tfbs_cnn": (50, None, 6_209),
    "tfbs_cnn_modified": (50, None, 128_050),
    "deepsite": (101, None, 144_833),
    "deep6mapred": (41, None, 126_209),
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_parameter_count_at_the_reference_size(name):
    window, outputs, count = REFERENCE[name]
    task = Task("multilabel", tuple(f"l{i}" for i in range(outputs))) if outputs else Task()
    model = models.build(name, window, "sequences", task=task)
    assert model.count_params() == count
    want = (None, outputs) if outputs else ((None, 2) if models.get(name).binary_head == "softmax2" else (None, 1))
    assert tuple(model.output.shape) == want


def test_every_classic_model_names_its_source_and_training_defaults():
    for name in REFERENCE:
        spec = models.get(name)
        assert spec.source and {"optimizer", "learning_rate", "batch_size", "patience"} <= set(spec.defaults)
    assert models.get("deepsea").defaults["average_strands"] is True
    assert "unknown" in models.get("deepsite").source and "unknown" in models.get("deep6mapred").source
