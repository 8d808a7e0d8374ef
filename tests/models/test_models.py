import numpy as np
import pytest

keras = pytest.importorskip("keras")

from dnazoo import models  # noqa: E402
from dnazoo.data.encoding import onehot  # noqa: E402
from dnazoo.models import parts  # noqa: E402
from dnazoo.tasks import Task  # noqa: E402
from dnazoo.training import compile_model, make_sequence, predict  # noqa: E402


# Parameter counts of the original code at 10,001 bp (NaiveTom/DeepChromeHiC, = the TF 2.3 training logs).
ORIGINAL_COUNTS = {
    "onehot_cnn_one_branch": 2_041_410,
    "onehot_cnn_two_branch": 3_818_626,
    "onehot_dense": 52_402_858,
    "onehot_embedding_dense": 413_671_754,
    "onehot_resnet18": 1_597_634,
    "onehot_resnet34": 3_175_618,
    "embedding_cnn_one_branch": 6_411_785,
    "embedding_cnn_two_branch": 6_584_649,
    "embedding_dense": 3_006_985,
    "onehot_embedding_cnn_one_branch": 6_411_785,
    "onehot_embedding_cnn_two_branch": 6_584_649,
}
#: The encoder -> tower -> fusion -> head models (DeepCpG's CpG and Joint builders: tests/models/test_deepcpg.py).
KERAS_MODELS = [m for m, s in models.REGISTRY.items() if s.framework == "keras" and s.builder is None]
PAIR_MODELS = [m for m in KERAS_MODELS if "pairs" in models.get(m).kinds]
TASKS = {"binary": Task(), "multilabel": Task("multilabel", ("a", "b", "c")), "regression": Task("regression", ("x", "y")),
         "profile": Task("profile", ("t1", "t2"), bins=5)}
#: One model per family: the ones whose training is exercised here (a family shares its tower code).
FAMILY_REPRESENTATIVES = {}
for _m in KERAS_MODELS:
    FAMILY_REPRESENTATIVES.setdefault(models.get(_m).family, _m)


def test_registry_holds_the_eleven_deepchromehic_models_and_fixed_twins():
    assert set(ORIGINAL_COUNTS) == set(models.DEEPCHROMEHIC_MODELS) <= set(models.REGISTRY)
    fixed = {m for m in models.REGISTRY if m.endswith("_fixed")}
    assert {f.removesuffix("_fixed") for f in fixed} <= set(models.DEEPCHROMEHIC_MODELS)
    assert {"onehot_resnet18_fixed", "onehot_resnet34_fixed", "embedding_cnn_one_branch_fixed",
            "onehot_cnn_one_branch_fixed", "onehot_cnn_two_branch_fixed"} <= fixed


@pytest.mark.parametrize("name", sorted(ORIGINAL_COUNTS))
def test_deepchromehic_parameter_counts_at_10001_bp(name):
    model = models.build(name, 10001, "pairs")  # onehot_embedding_dense: ~20 s, ~6 GB
    assert model.count_params() == ORIGINAL_COUNTS[name]
    assert [tuple(i.shape) for i in model.inputs] == [(None, 10001), (None, 10001)]
    head = models.get(name).binary_head
    assert tuple(model.output.shape) == ((None, 2) if head == "softmax2" else (None, 1))


def test_deepbind_parameter_count_spec_c1():
    assert models.build("deepbind", 101, "sequences").count_params() == 2_129


def test_dilated_cnn_profile_head_keeps_bins_and_tracks():
    model = models.build("dilated_cnn", 1000, "sequences", task=Task("profile", ("ctcf", "rest"), bins=50))
    assert model.count_params() == 67_330 and tuple(model.output.shape) == (None, 50, 2)
    with pytest.raises(ValueError, match="single sequences"):
        models.build("dilated_cnn", 1000, "pairs", task=Task("profile", ("a",), bins=50))


#: Windows at which a profile trunk gives a multiple of the test task's 5 bins (128-bp bins, crops).
PROFILE_WINDOWS = {"basenji_small": 640, "basenji2": 128 * 133, "enformer_small": 128 * 37}


def _kind(name):
    spec = models.get(name)
    return "pairs" if "pairs" in spec.kinds else spec.kinds[0]


def _codes(n, window, kind, seed=0):
    rng = np.random.default_rng(seed)
    names = ["anchor1", "anchor2"] if kind == "pairs" else ["sequence"]
    return {a: rng.integers(0, 5, (n, window)).astype(np.uint8) for a in names}


@pytest.mark.parametrize("name", KERAS_MODELS)
def test_registry_contract(tmp_path, name):
    """Every Keras model builds at its minimum window with the binary output shape, not one bp
    shorter; one-hot models have non-zero gradients at their one-hot input and a first convolution
    named ``first_conv``. Each family's representative (its members share its tower code) also
    builds every task's head and saves and reloads with equal predictions (test time scales with
    families)."""
    spec = models.get(name)
    kind = _kind(name)
    window = max(spec.min_window[kind], 30)
    with pytest.raises(ValueError, match=f"at least {spec.min_window[kind]} bp"):
        models.check_compatible(name, spec.min_window[kind] - 1, kind)
    keras.utils.set_random_seed(0)
    x = _codes(3, window, kind)
    # every task's head on the family's representative; the other members share its tower code
    representative = FAMILY_REPRESENTATIVES[spec.family] == name
    tasks = spec.tasks if representative else ("binary",)
    for tname in tasks:
        task = TASKS[tname]
        k = "sequences" if tname == "profile" else kind
        pw = PROFILE_WINDOWS.get(name, 50)
        xs = _codes(3, pw, k) if tname == "profile" else x
        model = models.build(name, pw if tname == "profile" else window, k, task=task)
        out = model.predict(xs, verbose=0)
        want = (3, 2) if (tname == "binary" and spec.binary_head == "softmax2") else (3, *task.target_shape) \
            if task.target_shape else (3, 1)
        assert out.shape == want, (tname, out.shape)
    # sigmoid outputs (a 2-way softmax sums to 1, so its summed gradient would be zero)
    model = models.build(name, window, kind, task=TASKS["multilabel"])
    if representative:
        path = tmp_path / "model.keras"
        model.save(path)
        again = keras.saving.load_model(path)
        assert np.allclose(model.predict(x, verbose=0), again.predict(x, verbose=0), atol=1e-6)
    if spec.encoder == "kmer6":
        with pytest.raises(ValueError, match="in-silico mutagenesis"):
            parts.onehot_model(model)
        return
    onehots = [onehot(v, int(spec.encoder[-1])).astype(np.float32) for v in x.values()]
    grads = parts.input_gradients(model, onehots)
    assert [g.shape for g in grads] == [o.shape for o in onehots]
    # onehot_embedding_dense casts the one-hot image to Embedding indices (NaiveTom/DeepChromeHiC, faithful):
    # no gradient reaches its input. tfbs_cnn_modified funnels through Dense(4) ReLU layers (seed
    # 004's design): at some initialisations every unit of one is dead and no gradient flows.
    if name != "tfbs_cnn_modified":
        assert any(np.abs(g).sum() > 0 for g in grads) == (name != "onehot_embedding_dense")
    convs = parts.first_conv_layers(model)
    # no convolution in the first two; deepsite convolves BLSTM features, not bases
    assert convs or name in ("onehot_dense", "onehot_embedding_dense", "deepsite")


#: Families trained with every task they take (each task's loss once); the others train binary only.
ALL_TASK_FAMILIES = {"deepbind", "dilated_cnn"}


@pytest.mark.parametrize("name", sorted(FAMILY_REPRESENTATIVES.values()))
def test_one_train_step_per_family_then_reload(tmp_path, name):
    spec = models.get(name)
    # one tower where the model takes single sequences (half the graph to trace: test time); the
    # pair-only families train on pairs here, and the workflow tests train sequence towers on pairs
    kind = "sequences" if "sequences" in spec.kinds else _kind(name)
    window = max(spec.min_window[kind], 300 if spec.encoder == "kmer6" else 50)
    tasks = [t for t in TASKS if t in spec.tasks] if spec.family in ALL_TASK_FAMILIES else ["binary"]
    for tname, task in [(t, TASKS[t]) for t in tasks]:
        if tname == "profile":
            kind, window = "sequences", PROFILE_WINDOWS.get(name, 50)
        model = models.build(name, window, kind, task=task)
        compile_model(model, spec.binary_head, {**spec.defaults, "learning_rate": 1e-3}, task)
        x = _codes(8, window, kind)
        rng = np.random.default_rng(1)
        y = (np.array([0, 1] * 4, dtype=np.int8) if tname == "binary" else
             rng.integers(-1, 2, (8, 3)).astype(np.int8) if tname == "multilabel" else
             rng.poisson(2.0, (8, 5, 2)).astype(np.float32) if tname == "profile" else
             rng.normal(size=(8, 2)).astype(np.float32))
        if tname == "regression":
            y[0, 0] = np.nan  # a missing target is masked out, not a NaN loss
        before = [w.copy() for w in model.get_weights()]
        hist = model.fit(make_sequence(x, y, 4), epochs=1, verbose=0)
        assert np.isfinite(hist.history["loss"][0])
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
        p1 = predict(model, x, task=task)
        assert p1.shape == (8, *task.target_shape)
    path = tmp_path / "model.keras"
    model.save(path)
    assert np.allclose(p1, predict(keras.saving.load_model(path), x, task=task), atol=1e-6)


@pytest.mark.parametrize("fusion", ["siamese", "add", "abs_diff", "mul", "bilinear", "concat_diff_mul"])
def test_late_fusions_and_distance_input_make_a_pair_model_of_a_sequence_tower(tmp_path, fusion):
    model = models.build("deepbind", (60, 40), "pairs", fusion=fusion, with_distance=True)
    names = [i.name for i in model.inputs]
    assert names == ["anchor1", "anchor2", "log10_distance"]
    x = {**_codes(4, 60, "sequences"), "log10_distance": np.full((4, 1), 4.0, np.float32)}
    x = {"anchor1": x["sequence"], "anchor2": x["sequence"][:, :40], "log10_distance": x["log10_distance"]}
    a = model.predict(x, verbose=0)
    b = model.predict({**x, "log10_distance": np.full((4, 1), 6.0, np.float32)}, verbose=0)
    assert a.shape == (4, 1) and not np.allclose(a, b)  # the distance reaches the head
    if fusion in ("add", "mul", "abs_diff"):
        tower = parts.onehot_model(model).get_layer("tower")
        assert len(parts.first_conv_layers(model)) == 1 and tower.name == "tower"  # one shared tower
    path = tmp_path / "m.keras"
    model.save(path)
    assert np.allclose(a, keras.saving.load_model(path).predict(x, verbose=0), atol=1e-6)


def test_fusion_and_params_are_checked_against_the_registry():
    with pytest.raises(ValueError, match="takes the fusions"):
        models.build("onehot_cnn_one_branch", 4129, "pairs", fusion="add")
    with pytest.raises(ValueError, match="no parameter"):
        models.build("deepbind", 101, "sequences", params={"motif": 3})
    m = models.build("deepbind", 101, "sequences", params={"motifs": 8, "hidden": 0})
    assert m.count_params() == 8 * 24 * 4 + 8 + 8 + 1


def test_onehot_and_reverse_complement_layers_match_numpy():
    from dnazoo.models.layers import OneHot, ReverseComplement

    codes = np.array([[0, 1, 2, 3, 4, 0]], dtype=np.uint8)
    x = keras.ops.convert_to_numpy(OneHot(4)(codes))
    assert np.array_equal(x, onehot(codes, 4))
    rc = keras.ops.convert_to_numpy(ReverseComplement()(x))
    from dnazoo.data.encoding import reverse_complement_codes
    assert np.array_equal(rc, onehot(reverse_complement_codes(codes), 4))


def test_deepbind_reverse_complement_mode_is_strand_symmetric():
    from dnazoo.data.encoding import reverse_complement_codes

    model = models.build("deepbind", 60, "sequences")
    codes = np.random.default_rng(0).integers(0, 4, (4, 60)).astype(np.uint8)
    a = predict(model, {"sequence": codes})
    b = predict(model, {"sequence": reverse_complement_codes(codes).copy()})
    assert np.allclose(a, b, atol=1e-6)


def test_registry_rejects_unknown_and_wrong_task():
    with pytest.raises(KeyError, match="known models"):
        models.get("nope")
    with pytest.raises(ValueError, match="takes datasets of kind"):
        models.check_compatible("distance_baseline", 100, "sequences")
    with pytest.raises(ValueError, match="takes the tasks"):
        models.check_compatible("deepbind", 100, "sequences", "profile")
    with pytest.raises(ValueError, match="equal anchor windows"):
        models.check_compatible("onehot_cnn_two_branch", (9000, 10000), "pairs")


def test_kmer_token_layer_matches_numpy_reference():
    from dnazoo.data.encoding import kmer_tokens
    from dnazoo.models.layers import KmerTokens

    codes = np.random.default_rng(1).integers(0, 5, (3, 40)).astype(np.uint8)
    codes[0, :6] = [0, 1, 2, 3, 0, 1]  # ACGTAC -> 434 (DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py)
    got = keras.ops.convert_to_numpy(KmerTokens(6)(codes))
    assert np.array_equal(got, kmer_tokens(codes, 6).astype(np.int32))
    assert got[0, 5] == 434 and got[:, :5].max() == 0


def _predict_after_swapping_non_a(name: str, window: int = 300):
    """Predictions before and after permuting C, G, T, N among the non-A positions (A kept)."""
    model = models.build(name, window, "pairs")
    rng = np.random.default_rng(0)
    x = [rng.integers(0, 5, (6, window)).astype(np.uint8) for _ in range(2)]
    swap = np.array([0, 2, 3, 4, 1], dtype=np.uint8)  # C->G->T->N->C, A stays
    return predict(model, x), predict(model, [swap[a] for a in x])


def test_faithful_resnet_sees_only_the_a_column_and_fixed_twin_sees_all():
    before, after = _predict_after_swapping_non_a("onehot_resnet18")
    assert np.allclose(before, after, atol=1e-6)  # the original's defect (NaiveTom/DeepChromeHiC)
    before, after = _predict_after_swapping_non_a("onehot_resnet18_fixed")
    assert not np.allclose(before, after, atol=1e-4)


def test_faithful_onehot_cnn_filters_columns_apart_and_fixed_twin_mixes_them():
    """Spec §A.3: the (24, 1) kernel sees one nucleotide column at a time, so relabelling the bases
    only permutes the first convolution's output columns; the _fixed twin's (24, 5) kernel mixes them."""
    rng = np.random.default_rng(0)
    x = [rng.integers(0, 4, (2, 4129)).astype(np.uint8) for _ in range(2)]
    perm = np.array([2, 0, 3, 1, 4], dtype=np.uint8)  # A->G, C->A, G->T, T->C, N stays

    def first_conv(name):
        model = models.build(name, 4129, "pairs")
        tower = parts.onehot_model(model).get_layer("tower")
        sub = keras.Model(tower.inputs, tower.get_layer(parts.FIRST_CONV).output)
        return [keras.ops.convert_to_numpy(sub(onehot(np.concatenate(inputs, axis=1), 5).astype(np.float32)))
                for inputs in (x, [perm[a] for a in x])]

    before, after = first_conv("onehot_cnn_one_branch")
    assert before.shape[2] == 5 and np.allclose(after[:, :, perm], before, atol=1e-5)
    fixed_before, fixed_after = first_conv("onehot_cnn_one_branch_fixed")
    assert fixed_before.shape[1:3] == (before.shape[1], 1)
    assert not np.allclose(fixed_before, fixed_after, atol=1e-3)


def test_dna2vec_matrix_is_loaded_into_embedding_models_only():
    matrix = np.random.default_rng(0).normal(size=(4097, 100)).astype(np.float32)
    matrix[0] = 0
    m = models.build("embedding_cnn_two_branch", 300, "pairs", embedding=matrix)
    for a in ("anchor1", "anchor2"):
        assert np.array_equal(m.get_layer(f"{a}_embedding").get_weights()[0], matrix)
    r = models.build("onehot_embedding_cnn_two_branch", 300, "pairs", embedding=matrix)
    assert not np.array_equal(r.get_layer("anchor1_embedding").get_weights()[0], matrix)
    with pytest.raises(ValueError, match="does not fit"):
        models.build("embedding_cnn_one_branch", 300, "pairs", embedding=matrix[:100])


def test_fixed_kmer_cnn_adds_its_missing_convolutions():
    orig = models.build("embedding_cnn_one_branch", 10001, "pairs").count_params()
    fixed = models.build("embedding_cnn_one_branch_fixed", 10001, "pairs").count_params()
    assert fixed - orig == 3 * (32 * 64 * 64 + 64)


def test_multi_gpu_setting_trains_under_a_mirrored_strategy(tmp_path):
    """``training.multi_gpu`` builds the model under ``MirroredStrategy`` over the job's devices;
    shown here with two logical CPU devices (TensorFlow must be configured before it starts, hence
    a subprocess)."""
    import subprocess
    import sys

    script = tmp_path / "mirror.py"
    script.write_text(
        "import os\nos.environ['KERAS_BACKEND'] = 'tensorflow'\nimport tensorflow as tf\n"
        "cpu = tf.config.list_physical_devices('CPU')[0]\n"
        "tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)\n"
        "import numpy as np\nfrom dnazoo import models\n"
        "from dnazoo.training import compile_model, distribution_scope, make_sequence\n"
        "for multi in (False, True):\n"
        "    with distribution_scope(multi):\n"
        "        m = models.build('deepbind', 60, 'sequences')\n"
        "        compile_model(m, 'sigmoid', {'learning_rate': 1e-3})\n"
        "    x = [np.random.default_rng(0).integers(0, 5, (32, 60)).astype(np.uint8)]\n"
        "    m.fit(make_sequence(x, np.array([0, 1] * 16, dtype=np.int8), 16), epochs=1, verbose=0)\n"
        "    print('replicas', multi, m.distribute_strategy.num_replicas_in_sync)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "replicas False 1" in out.stdout and "replicas True 2" in out.stdout


@pytest.mark.parametrize("limit, epochs", [(None, 3), (1e-9, 1)])
def test_training_time_limit_stops_after_the_epoch_that_passes_it(tmp_path, limit, epochs):
    from dnazoo.training import train_keras

    rng = np.random.default_rng(0)
    for split, n in (("train", 64), ("val", 32)):
        np.save(tmp_path / f"{split}.sequence.npy", rng.integers(0, 4, (n, 50)).astype(np.uint8))
        np.save(tmp_path / f"{split}.labels.npy", (np.arange(n) % 2).astype(np.int8))
        np.save(tmp_path / f"{split}.ids.npy", np.array([f"s{i}" for i in range(n)]))
    settings = {**models.get("deepbind").defaults, "max_epochs": 3, "patience": 10, "batch_size": 32,
                "max_train_s": limit}
    res = train_keras("deepbind", tmp_path, "sequences", (50,), settings, tmp_path / "m.keras", tmp_path / "h.tsv")
    assert res["epochs"] == epochs and (tmp_path / "m.keras").exists()


@pytest.mark.parametrize("setting", [True, False])
def test_jit_compile_setting_reaches_the_compiled_model(setting):
    """``training.jit_compile`` is passed to ``Model.compile``; unset, Keras's "auto" decides."""
    model = models.build("deepbind", 50, "sequences", task=Task())
    compile_model(model, "sigmoid", {"learning_rate": 1e-3, "jit_compile": setting}, Task())
    assert model.jit_compile is setting
    model = models.build("deepbind", 50, "sequences", task=Task())
    compile_model(model, "sigmoid", {"learning_rate": 1e-3}, Task())
    plain = models.build("deepbind", 50, "sequences", task=Task())
    plain.compile(optimizer="adam", loss="binary_crossentropy")
    assert model.jit_compile is plain.jit_compile  # unset: what Keras's "auto" gives this backend and device
