"""DeepCpG's DNA, CpG and Joint modules (cangermueller/deepcpg): parameter counts at the spec's sizes
(the K3 column of §D, GRUs with reset_after=False) and one sigmoid output per cell."""

import pytest

keras = pytest.importorskip("keras")

from dnazoo import models  # noqa: E402
from dnazoo.models.zoo import deepcpg  # noqa: E402
from dnazoo.tasks import Task  # noqa: E402

# DNA module: (parameters of the stem at 1,001 bp, feature width before the per-cell heads)
DNA = {
    "CnnL1h128": (4_052_736, 128), "CnnL1h256": (8_099_712, 256), "CnnL2h128": (4_102_144, 128),
    "CnnL2h256": (8_099_968, 256), "CnnL3h128": (4_430_336, 128), "CnnL3h256": (8_362_624, 256),
    "CnnRnn01": (1_023_360, 512), "ResNet01": (1_752_192, 1024), "ResNet02": (1_995_456, 1024),
    "ResConv01": (2_820_352, 512), "ResAtrous01": (1_994_944, 1024),
}
CELLS = ("cell_a", "cell_b", "cell_c")


@pytest.mark.parametrize("arch", sorted(DNA))
def test_dna_module_counts_at_1001_bp_plus_one_sigmoid_head_per_cell(arch):
    count, width = DNA[arch]
    model = models.build(f"deepcpg_dna_{arch}", 1001, "sequences", task=Task("multilabel", CELLS))
    assert model.count_params() == count + len(CELLS) * (width + 1)
    assert tuple(model.output.shape) == (None, len(CELLS))
    assert model.get_layer("onehot_model").get_layer("tower").get_layer("first_conv").kernel.shape == (11, 4, 128)


def test_every_dna_module_is_registered_with_deepcpg_training_defaults():
    names = sorted(n for n in models.REGISTRY if n.startswith("deepcpg_dna_"))
    assert names == sorted(f"deepcpg_dna_{a}" for a in deepcpg.DNA_MODELS)
    d = models.get("deepcpg_dna_CnnL2h128").defaults
    assert (d["optimizer"], d["learning_rate"], d["schedule"], d["decay"], d["batch_size"], d["l1"], d["l2"],
            d["patience"]) == ("adam", 1e-4, "exponential_epoch", 0.975, 128, 1e-4, 1e-4, 5)
    assert "DeepCpG" in models.get("deepcpg_dna_ResAtrous01").source


def test_res_atrous_dilates_units_two_and_three_and_has_no_stem_batch_norm():
    model = models.build("deepcpg_dna_ResAtrous01", 1001, "sequences")
    tower = model.get_layer("onehot_model").get_layer("tower")
    rates = {u: tower.get_layer(f"stage1_unit{u}_conv2").dilation_rate[0] for u in (1, 2, 3)}
    assert rates == {1: 1, 2: 2, 3: 4}
    names = [layer.name for layer in tower.layers]
    assert "bn1" not in names and "bn1" in [layer.name for layer in models.build(
        "deepcpg_dna_ResNet02", 1001, "sequences").get_layer("onehot_model").get_layer("tower").layers]


@pytest.mark.parametrize("arch, count", [("FcAvg", 51_712), ("RnnL1", 813_824), ("RnnL2", 1_109_504)])
@pytest.mark.parametrize("n_cells", [2, 5])
def test_cpg_module_counts_do_not_depend_on_the_number_of_cells(arch, count, n_cells):
    state, dist = keras.Input((n_cells, 50)), keras.Input((n_cells, 50))
    model = keras.Model([state, dist], deepcpg.cpg_module(state, dist, arch))
    assert model.count_params() == count and tuple(model.output.shape) == (None, 512)


@pytest.mark.parametrize("arch, count", [("JointL0", 0), ("JointL1h512", 524_800), ("JointL2h512", 787_456),
                                         ("JointL3h512", 1_050_112)])
def test_joint_module_counts_on_1024_features(arch, count):
    dna, cpg = keras.Input((512,)), keras.Input((512,))
    model = keras.Model([dna, cpg], deepcpg.joint_module(dna, cpg, arch))
    assert model.count_params() == count
    # with the recommended CnnL2h128 + RnnL1 (d = 640), cangermueller/deepcpg
    dna = keras.Input((128,))
    assert keras.Model([dna, cpg], deepcpg.joint_module(dna, cpg, arch)).count_params() == \
        {"JointL0": 0, "JointL1h512": 328_192, "JointL2h512": 590_848, "JointL3h512": 853_504}[arch]


def test_unknown_modules_name_the_known_ones():
    x = keras.Input((3, 50))
    with pytest.raises(ValueError, match="RnnL1"):
        deepcpg.cpg_module(x, x, "RnnL9")
    with pytest.raises(ValueError, match="JointL2h512"):
        deepcpg.joint_module(keras.Input((4,)), keras.Input((4,)), "JointL9")


def test_cpg_and_joint_are_registry_entries_built_from_the_dataset_inputs(tmp_path):
    """The CpG and Joint models are registry entries: a CpG model is sized by the dataset's inputs,
    a Joint model needs its trained parents and freezes them; both reload with equal predictions."""
    import numpy as np

    assert sorted(n for n in models.REGISTRY if n.startswith("deepcpg_cpg_")) == \
        sorted(f"deepcpg_cpg_{a}" for a in ("FcAvg", "RnnL1", "RnnL2"))
    assert models.get("deepcpg_joint_JointL1h512").parents == ("dna", "cpg")
    assert models.get("deepcpg_cpg_RnnL1").defaults["monitor"] == "val_loss"
    task = Task("multilabel", CELLS)
    inputs = {"sequence": [101], "cpg_state": [len(CELLS), 20], "cpg_dist": [len(CELLS), 20]}
    cpg = models.build("deepcpg_cpg_FcAvg", (), "methylation", task=task, inputs=inputs)
    assert [i.name for i in cpg.inputs] == ["cpg_state", "cpg_dist"] and tuple(cpg.output.shape) == (None, 3)
    with pytest.raises(ValueError, match="takes the tasks"):
        models.build("deepcpg_cpg_FcAvg", (), "methylation", task=Task(), inputs=inputs)
    with pytest.raises(ValueError, match="trained"):
        models.build("deepcpg_joint_JointL1h512", (101,), "methylation", task=task, inputs=inputs)
    dna = models.build("deepcpg_dna_CnnL1h128", (101,), "methylation", task=task)
    joint = models.build("deepcpg_joint_JointL1h512", (101,), "methylation", task=task, inputs=inputs,
                         parents={"dna": dna, "cpg": cpg})
    assert [i.name for i in joint.inputs] == ["sequence", "cpg_state", "cpg_dist"]
    trainable = sum(int(np.prod(v.shape)) for v in joint.trainable_weights)
    assert trainable == (128 + 512) * 512 + 512 + 3 * (512 + 1)  # the Joint module and the head only
    rng = np.random.default_rng(0)
    x = {"sequence": rng.integers(0, 4, (4, 101)).astype(np.uint8),
         "cpg_state": rng.integers(0, 2, (4, 3, 20)).astype(np.float32),
         "cpg_dist": rng.random((4, 3, 20)).astype(np.float32)}
    for model, names in ((cpg, ["cpg_state", "cpg_dist"]), (joint, list(x))):
        model.save(tmp_path / "m.keras")
        again = keras.saving.load_model(tmp_path / "m.keras")
        xs = {k: x[k] for k in names}
        assert np.allclose(model.predict(xs, verbose=0), again.predict(xs, verbose=0), atol=1e-6)
