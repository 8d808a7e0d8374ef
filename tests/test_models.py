import numpy as np
import pytest

keras = pytest.importorskip("keras")

from dnazoo import models  # noqa: E402
from dnazoo.encoding import onehot  # noqa: E402
from dnazoo.training import compile_model, make_sequence, predict  # noqa: E402


@pytest.mark.parametrize("name, count", [
    ("onehot_cnn_one_branch", 2_041_410),  # model-zoo-spec §D, = original TF 2.3 logs
    ("onehot_cnn_two_branch", 3_818_626),
])
def test_deepchromehic_parameter_counts_at_10001_bp(name, count):
    model = models.build(name, 10001, "pairs")
    assert model.count_params() == count
    assert [tuple(i.shape) for i in model.inputs] == [(None, 10001), (None, 10001)]
    assert tuple(model.output.shape) == (None, 2)


def test_deepbind_parameter_count_spec_c1():
    assert models.build("deepbind", 101, "sequences").count_params() == 2_129


@pytest.mark.parametrize("name", ["onehot_cnn_one_branch", "onehot_cnn_two_branch", "deepbind"])
def test_minimum_window_is_exact(name):
    spec = models.get(name)
    task = spec.tasks[-1] if "pairs" in spec.tasks else spec.tasks[0]
    minimum = spec.min_window[task]
    models.build(name, minimum, task)  # builds at the minimum
    with pytest.raises(ValueError, match=f"at least {minimum} bp"):
        models.check_compatible(name, minimum - 1, task)
    if name != "deepbind":  # the Keras graph itself cannot be built one bp shorter
        from dnazoo.models import deepchromehic
        builder = getattr(deepchromehic, name)
        with pytest.raises(Exception):
            builder(minimum - 1)


def test_onehot_and_reverse_complement_layers_match_numpy():
    from dnazoo.models.layers import OneHot, ReverseComplement

    codes = np.array([[0, 1, 2, 3, 4, 0]], dtype=np.uint8)
    x = keras.ops.convert_to_numpy(OneHot(4)(codes))
    assert np.array_equal(x, onehot(codes, 4))
    rc = keras.ops.convert_to_numpy(ReverseComplement()(x))
    from dnazoo.encoding import reverse_complement_codes
    assert np.array_equal(rc, onehot(reverse_complement_codes(codes), 4))


def test_deepbind_reverse_complement_mode_is_strand_symmetric():
    from dnazoo.encoding import reverse_complement_codes

    model = models.build("deepbind", 60, "sequences")
    codes = np.random.default_rng(0).integers(0, 4, (4, 60)).astype(np.uint8)
    a = predict(model, [codes])
    b = predict(model, [reverse_complement_codes(codes).copy()])
    assert np.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("name, window, task", [
    ("onehot_cnn_one_branch", 4129, "pairs"),
    ("onehot_cnn_two_branch", 8257, "pairs"),
    ("deepbind", 50, "sequences"),
    ("deepbind", 50, "pairs"),
])
def test_train_step_save_and_reload_give_same_predictions(tmp_path, name, window, task):
    spec = models.get(name)
    model = models.build(name, window, task)
    compile_model(model, spec.head, {**spec.defaults, "learning_rate": 1e-3})
    rng = np.random.default_rng(0)
    n_in = 2 if task == "pairs" else 1
    x = [rng.integers(0, 5, (8, window)).astype(np.uint8) for _ in range(n_in)]
    y = np.array([0, 1] * 4, dtype=np.int8)
    before = [w.copy() for w in model.get_weights()]
    model.fit(make_sequence(x, y, 4), epochs=1, verbose=0)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    p1 = predict(model, x)
    assert p1.shape == (8,) and ((p1 >= 0) & (p1 <= 1)).all()
    path = tmp_path / "model.keras"
    model.save(path)
    p2 = predict(keras.saving.load_model(path), x)
    assert np.allclose(p1, p2, atol=1e-6)


def test_registry_rejects_unknown_and_wrong_task():
    with pytest.raises(KeyError, match="known models"):
        models.get("nope")
    with pytest.raises(ValueError, match="takes datasets of kind"):
        models.check_compatible("distance_baseline", 100, "sequences")
    with pytest.raises(ValueError, match="equal anchor windows"):
        models.check_compatible("onehot_cnn_two_branch", (9000, 10000), "pairs")
