"""Tasks own the head, the loss and the metrics; the training settings the originals need."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from dnazoo.tasks import Task, from_config  # noqa: E402


def _loss(task, y, p):
    return float(keras.ops.convert_to_numpy(task.loss()(np.asarray(y, np.float32), np.asarray(p, np.float32))))


def test_multilabel_loss_masks_missing_labels():
    task = Task("multilabel", ("a", "b", "c"))
    y = np.array([[1, 0, -1], [0, -1, 1]], dtype=np.float32)
    p = np.array([[0.9, 0.2, 0.5], [0.3, 0.99, 0.7]], dtype=np.float32)
    per_row = [np.mean([-np.log(0.9), -np.log(0.8)]), np.mean([-np.log(0.7), -np.log(0.7)])]
    assert _loss(task, y, p) == pytest.approx(np.mean(per_row), rel=1e-5)
    # whatever is predicted for a missing label does not change the loss
    p2 = p.copy()
    p2[0, 2], p2[1, 1] = 0.01, 0.01
    assert _loss(task, y, p2) == pytest.approx(_loss(task, y, p), rel=1e-6)


def test_regression_loss_masks_nan_and_poisson_nll():
    task = Task("regression", ("x", "y"))
    y = np.array([[1.0, np.nan], [2.0, 0.0]], dtype=np.float32)
    p = np.array([[0.0, 5.0], [1.0, 1.0]], dtype=np.float32)
    assert _loss(task, y, p) == pytest.approx(np.mean([1.0, (1.0 + 1.0) / 2]), rel=1e-6)
    prof = Task("profile", ("t",), bins=2)
    y = np.array([[[2.0], [0.0]]], dtype=np.float32)
    p = np.array([[[1.0], [3.0]]], dtype=np.float32)
    assert _loss(prof, y, p) == pytest.approx(np.mean([1 - 2 * np.log(1.0), 3.0]), rel=1e-5)


def test_multilabel_metrics_per_label_and_over_scorable_labels():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, (200, 4)).astype(np.int8)
    y[:, 3] = 0  # one class only: not scored
    y[:50, 0] = -1  # missing: left out of label 0's metrics
    s = rng.random((200, 4)) + 0.5 * y
    summary, per = Task("multilabel", tuple("abcd")).metrics(y, s)
    assert per.loc[0, "auroc"] == pytest.approx(roc_auc_score(y[50:, 0], s[50:, 0]))
    assert per.loc[0, "n"] == 150 and np.isnan(per.loc[3, "auroc"])
    assert summary["n_labels"] == 4 and summary["n_labels_scored"] == 3
    assert summary["mean_auroc"] == pytest.approx(per["auroc"].iloc[:3].mean())
    assert summary["median_auroc"] == pytest.approx(per["auroc"].iloc[:3].median())
    assert summary["auroc"] == summary["mean_auroc"]


def test_regression_metrics_and_validation_score():
    from scipy.stats import pearsonr, spearmanr

    rng = np.random.default_rng(1)
    y = rng.normal(size=(100, 2))
    s = y + rng.normal(scale=0.5, size=y.shape)
    task = Task("regression", ("x", "y"))
    summary, per = task.metrics(y, s)
    assert per.loc[1, "pearson_r"] == pytest.approx(pearsonr(y[:, 1], s[:, 1])[0])
    assert per.loc[1, "spearman_r"] == pytest.approx(spearmanr(y[:, 1], s[:, 1])[0])
    assert per.loc[0, "mse"] == pytest.approx(np.mean((y[:, 0] - s[:, 0]) ** 2))
    assert task.validation_score(y, s) == pytest.approx(summary["mean_pearson_r"])
    assert task.monitor == "val_mean_pearson_r"


def test_task_errors_and_config():
    with pytest.raises(ValueError, match="unknown task"):
        Task("ranking")
    with pytest.raises(ValueError, match="one target"):
        Task("binary", ("a", "b"))
    assert from_config({"task": "multilabel", "label_columns": ["x", "y"]}).target_shape == (2,)
    assert from_config({}).monitor == "val_auroc"


def test_binary_scores_from_sigmoid_and_softmax2():
    t = Task()
    assert np.allclose(t.scores(np.array([[0.2], [0.7]])), [0.2, 0.7])
    assert np.allclose(t.scores(np.array([[0.8, 0.2], [0.3, 0.7]])), [0.2, 0.7])


@pytest.mark.parametrize("settings, kind, check", [
    ({"optimizer": "sgd", "momentum": 0.9, "nesterov": True, "learning_rate": 0.1}, "SGD",
     lambda o: o.momentum == 0.9 and o.nesterov),
    ({"optimizer": "rmsprop", "rho": 0.8, "learning_rate": 0.1, "clipnorm": 1.0}, "RMSprop",
     lambda o: abs(o.rho - 0.8) < 1e-9 and o.global_clipnorm == 1.0),
    ({"optimizer": "adam", "learning_rate": 0.1, "weight_decay": 0.01}, "Adam", lambda o: o.weight_decay == 0.01),
])
def test_optimizers(settings, kind, check):
    from dnazoo.training import make_optimizer

    opt = make_optimizer(settings)
    assert type(opt).__name__ == kind and check(opt)


def test_schedules_follow_the_originals():
    from dnazoo.training import learning_rate, make_optimizer

    epoch = learning_rate({"learning_rate": 1e-4, "schedule": "exponential_epoch", "decay": 0.975}, steps_per_epoch=10)
    assert float(epoch(25)) == pytest.approx(1e-4 * 0.975 ** 2)  # DeepCpG: 1e-4 x 0.975^epoch
    inv = learning_rate({"learning_rate": 5e-5, "decay": 1e-5})
    assert float(inv(1000)) == pytest.approx(5e-5 / (1 + 1e-5 * 1000))  # Keras 2 decay
    warm = learning_rate({"learning_rate": 1e-3, "schedule": "warmup_constant", "warmup_steps": 100})
    assert float(warm(50)) == pytest.approx(5e-4, rel=1e-3) and float(warm(10_000)) == pytest.approx(1e-3)
    # warmup_cosine without decay_steps: half-way through the steps after the warm-up the rate is
    # half the peak, and it reaches 0 at the last step of max_epochs (10 epochs x 20 steps)
    cos = learning_rate({"learning_rate": 1e-3, "schedule": "warmup_cosine", "warmup_steps": 100, "max_epochs": 10},
                        steps_per_epoch=20)
    assert float(cos(150)) == pytest.approx(5e-4, rel=1e-3) and float(cos(200)) == pytest.approx(0, abs=1e-9)
    assert float(cos(120)) > float(cos(180)) > 0
    with pytest.raises(ValueError, match="training.optimizer"):
        make_optimizer({"optimizer": "adagrad", "learning_rate": 1e-3})
    with pytest.raises(ValueError, match="training.schedule"):
        learning_rate({"learning_rate": 1e-3, "schedule": "step"})


def test_kernel_penalties_add_to_the_loss():
    from dnazoo import models
    from dnazoo.training import add_kernel_penalties

    model = models.build("deepbind", 40, "sequences")
    x = np.random.default_rng(0).integers(0, 4, (2, 40)).astype(np.uint8)
    model({"sequence": x})
    assert not model.losses
    n = add_kernel_penalties(model, l1=1e-4, l2=1e-4)
    assert n == 3 and len(model.losses) == 3  # motif scan, hidden and output kernels


def test_mixed_precision_training_keeps_a_float32_output(tmp_path):
    from dnazoo import models
    from dnazoo.data.dataset import make_spec, write_spec, write_split
    from dnazoo.training import load_trained, train_keras

    rng = np.random.default_rng(0)
    for split, n in (("train", 64), ("val", 32)):
        write_split(tmp_path, split, {"sequence": rng.integers(0, 4, (n, 50)).astype(np.uint8)},
                    (np.arange(n) % 2).astype(np.int8), [f"s{i}" for i in range(n)])
    write_spec(tmp_path, make_spec("sequences", (50,), Task()), {"train": 64, "val": 32})
    settings = {**models.get("deepbind").defaults, "max_epochs": 1, "mixed_precision": "bfloat16"}
    train_keras("deepbind", tmp_path, None, (50,), settings, tmp_path / "m.keras", tmp_path / "h.tsv")
    assert keras.mixed_precision.global_policy().name == "float32"  # restored after training
    model = load_trained("deepbind", tmp_path / "m.keras")
    conv = model.get_layer("onehot_model").get_layer("tower").get_layer("first_conv")
    assert conv.compute_dtype == "bfloat16" and model.output.dtype == "float32"


def test_mse_loss_of_the_seed_004_models_on_sigmoid_and_softmax2():
    task = Task()
    y = np.array([1, 0, 1], dtype=np.float32)
    sig = np.array([[0.8], [0.3], [0.4]], dtype=np.float32)
    mse = task.loss("sigmoid", "mse")
    assert float(keras.ops.convert_to_numpy(mse(y, sig))) == pytest.approx(np.mean([0.04, 0.09, 0.36]), rel=1e-5)
    soft = np.array([[0.2, 0.8], [0.7, 0.3], [0.6, 0.4]], dtype=np.float32)  # column 1 = P(1)
    mse2 = task.loss("softmax2", "mse")
    # each row: mean over the two columns of (one-hot - p)^2 = (1 - P(y))^2
    assert float(keras.ops.convert_to_numpy(mse2(y, soft))) == pytest.approx(np.mean([0.04, 0.09, 0.36]), rel=1e-5)
    assert task.loss("softmax2") == "sparse_categorical_crossentropy"
    with pytest.raises(ValueError, match="'mse' is for binary tasks"):
        Task("multilabel", ("a", "b")).loss("sigmoid", "mse")
    with pytest.raises(ValueError, match="'hinge' is not"):
        task.loss("sigmoid", "hinge")
    from dnazoo import models

    assert models.get("tfbs_cnn").defaults["loss"] == models.get("tfbs_cnn_modified").defaults["loss"] == "mse"


def test_mcc_threshold_is_the_validation_optimum():
    from sklearn.metrics import matthews_corrcoef

    from dnazoo.tasks.metrics import mcc_threshold

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    scores = np.clip(0.25 + 0.3 * y + rng.normal(0, 0.15, 400), 0, 1)  # calibrated badly: optimum near 0.4
    t = mcc_threshold(y, scores)
    best = max(matthews_corrcoef(y, scores >= s) for s in np.unique(scores))
    assert matthews_corrcoef(y, scores >= t) == pytest.approx(best)
    assert matthews_corrcoef(y, scores >= t) > matthews_corrcoef(y, scores >= 0.5)
    assert 0.3 < t < 0.5
    assert mcc_threshold(np.ones(5), np.linspace(0, 1, 5)) == 0.5  # one class


def test_regression_head_starts_at_the_training_mean_and_stays_near_it(tmp_path):
    """A regression head's bias starts at the per-target training mean (here 6 and 2, like log1p
    coverage totals), so a short training run predicts around the targets, not around 0: with
    a zero bias, Adam at 1e-3 cannot walk it to 6 in the 4 steps this run takes."""
    from dnazoo import models
    from dnazoo.data.dataset import make_spec, write_spec, write_split
    from dnazoo.training import init_output_bias, load_trained, predict, train_keras

    rng = np.random.default_rng(0)
    task = Task("regression", ("ctcf", "rest"))
    for split, n in (("train", 128), ("val", 64)):
        y = np.stack([6 + 0.3 * rng.standard_normal(n), 2 + 0.3 * rng.standard_normal(n)], 1).astype(np.float32)
        write_split(tmp_path, split, {"sequence": rng.integers(0, 4, (n, 50)).astype(np.uint8)}, y,
                    [f"s{i}" for i in range(n)])
    write_spec(tmp_path, make_spec("sequences", (50,), task), {"train": 128, "val": 64})
    settings = {**models.get("deepbind").defaults, "max_epochs": 1, "batch_size": 32}
    train_keras("deepbind", tmp_path, None, (50,), settings, tmp_path / "m.keras", tmp_path / "h.tsv")
    model = load_trained("deepbind", tmp_path / "m.keras")
    x = {"sequence": rng.integers(0, 4, (64, 50)).astype(np.uint8)}
    assert np.allclose(predict(model, x, task=task).mean(0), [6, 2], atol=0.6)

    binary = models.build("deepbind", 50, "sequences")
    assert init_output_bias(binary, Task(), np.ones((4, 1))) is None
    with pytest.raises(ValueError, match="no Dense output layer of 3"):
        init_output_bias(models.build("deepbind", 50, "sequences", task=task), task, np.ones((4, 3)))


@pytest.mark.parametrize("cls", [0, 1])
def test_mcc_of_one_class_predicted_as_that_class_is_zero_without_a_warning(cls):
    import warnings

    from dnazoo.tasks.metrics import binary_metrics

    labels = np.full(20, cls)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = binary_metrics(labels, np.full(20, 0.9 if cls else 0.1))
    assert m["mcc"] == 0.0 and np.isnan(m["auroc"]) and m["accuracy"] == 1.0
    # one class in the labels, both in the predictions: scikit-learn's value, still 0
    mixed = binary_metrics(labels, np.r_[np.full(10, 0.9), np.full(10, 0.1)])
    assert mixed["mcc"] == 0.0 and mixed["accuracy"] == 0.5
