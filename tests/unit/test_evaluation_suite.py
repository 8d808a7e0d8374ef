"""The run-level tables (rule suite: dnazoo.evaluation.suite), the model diagnostics written by rule
evaluate (dnazoo.evaluation.diagnostics) and the held-out overlap of rule read_sequences."""

import numpy as np
import pandas as pd
import pytest

from dnazoo.evaluation.diagnostics import batch_statistics, has_batch_norm, live_units
from dnazoo.evaluation.suite import per_dataset_table, per_model_table


def _summary():
    rows = []
    for d, (a, b, base) in {"tf1": (0.9, 0.7, 0.6), "tf2": (0.8, 0.85, 0.6), "tf3": (0.95, 0.5, 0.7)}.items():
        rows += [{"dataset": d, "model": "cnn", "task": "binary", "auroc": a, "mcc": a - 0.2, "n": 100,
                  "epochs": 10, "best_epoch": 7, "stopped_by": "patience", "converged": True},
                 {"dataset": d, "model": "rnn", "task": "binary", "auroc": b, "mcc": b - 0.2, "n": 100,
                  "epochs": 20, "best_epoch": 20, "stopped_by": "max_epochs", "converged": False},
                 {"dataset": d, "model": "kmer", "task": "binary", "auroc": base, "mcc": 0.1, "n": 100}]
    return pd.DataFrame(rows)


def _comparison(d):
    cis = {"tf1": {"cnn": (0.2, 0.4), "rnn": (-0.05, 0.25)}, "tf2": {"cnn": (0.1, 0.3), "rnn": (0.15, 0.35)},
           "tf3": {"cnn": (0.15, 0.35), "rnn": (-0.4, -0.1)}}[d]
    return pd.DataFrame([{"model": m, "baseline": "kmer", "difference": (lo + hi) / 2, "ci_low": lo, "ci_high": hi,
                          "p_value": 0.01} for m, (lo, hi) in cis.items()])


def test_per_model_counts_wins_losses_and_unconverged_runs_over_datasets():
    rows = per_dataset_table(_summary(), {d: _comparison(d) for d in ("tf1", "tf2", "tf3")})
    assert list(rows[rows["dataset"] == "tf2"]["model"]) == ["rnn", "cnn", "kmer"]  # best first
    models = per_model_table(rows).set_index("model")
    assert list(models.index) == ["cnn", "rnn", "kmer"]
    assert models.loc["cnn", "mean"] == pytest.approx((0.9 + 0.8 + 0.95) / 3)
    assert (models.loc["cnn", "better_than_baseline"], models.loc["cnn", "worse_than_baseline"]) == (3, 0)
    # tf1: CI spans 0 (neither); tf2 better; tf3 worse
    assert (models.loc["rnn", "better_than_baseline"], models.loc["rnn", "worse_than_baseline"]) == (1, 1)
    assert models.loc["rnn", "not_converged"] == 3 and models.loc["cnn", "not_converged"] == 0
    assert pd.isna(models.loc["kmer", "better_than_baseline"]) and pd.isna(models.loc["kmer", "not_converged"])


def test_a_published_reference_is_set_beside_each_model_and_must_name_a_metric():
    ref = {"tf1": {"metric": "mcc", "value": 0.65, "source": "paper, Table 3"}}
    rows = per_dataset_table(_summary(), published=ref).set_index(["dataset", "model"])
    assert rows.loc[("tf1", "cnn"), "reaches_published"] and not rows.loc[("tf1", "rnn"), "reaches_published"]
    assert pd.isna(rows.loc[("tf2", "cnn"), "published_value"])
    with pytest.raises(ValueError, match=r"datasets.tf1.published.metric: 'f1'"):
        per_dataset_table(_summary(), published={"tf1": {"metric": "f1", "value": 0.5, "source": "x"}})


def test_sequence_overlap_counts_held_out_rows_seen_in_training():
    from dnazoo.data.splits import drop_duplicate_sequences, sequence_overlap

    df = pd.DataFrame({"sequence": ["AAA", "CCC", "CCC", "GGG", "AAA", "CCC", "TTT"],
                       "label": [1, 0, 0, 1, 0, 0, 1],
                       "split": ["train", "train", "train", "train", "val", "test", "test"]})
    ov = sequence_overlap(df).set_index("split")
    assert ov.loc["val"].to_dict() == {"rows": 1, "in_train": 1, "in_train_positive": 0, "same_label_as_train": 0,
                                       "train_rows_with_such_a_sequence": 1}
    assert ov.loc["test", "in_train"] == 1 and ov.loc["test", "train_rows_with_such_a_sequence"] == 2
    kept = drop_duplicate_sequences(df)
    assert sorted(kept[kept["split"] == "train"]["sequence"]) == ["GGG"]  # the leaking rows go


def test_batch_statistics_tell_moving_from_batch_statistics():
    import keras

    keras.utils.set_random_seed(0)
    x = keras.Input((8,), name="x")
    bn = keras.layers.BatchNormalization(name="bn")
    model = keras.Model(x, keras.layers.Dense(1, kernel_initializer="ones", name="out")(bn(x)))
    assert has_batch_norm(model)
    # moving statistics at their initial values (mean 0, variance 1) while the data sit at mean 5:
    # inference predictions are shifted, batch statistics centre them
    rng = np.random.default_rng(0)
    inputs = {"x": (5 + rng.normal(size=(64, 8))).astype("float32")}
    labels = inputs["x"].sum(1, keepdims=True)
    before = [w.copy() for w in model.get_weights()]
    both = batch_statistics(model, {"train": (inputs, labels), "val": (inputs, labels)}, rows=64, batch=32)
    out = both["val"]
    assert abs(out["inference"]["mean_prediction"][0] - 40) < 2
    assert abs(out["batch_statistics"]["mean_prediction"][0]) < 2
    assert out["inference"]["pearson_r"][0] > 0.99  # a shift keeps the correlation
    # the training-mode pass on one split leaves the moving statistics as they were: the next split's
    # inference predictions, and the model after the check, are those of the trained model
    assert both["train"]["inference"] == out["inference"]
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_live_units_finds_a_dead_relu_layer_inside_a_nested_model():
    import keras

    # inner model: Conv1D(3, ReLU) -> pooled -> Dense(2, ReLU) whose bias -100 keeps both units at 0
    # for inputs in [0, 1]; the outer model wraps it after a Dense, as dnazoo wraps an encoder
    x_in = keras.Input((5, 4), name="inner_in")
    h = keras.layers.Conv1D(3, 2, activation="relu", kernel_initializer="ones", name="conv")(x_in)
    h = keras.layers.GlobalMaxPooling1D()(h)
    h = keras.layers.Dense(2, activation="relu", bias_initializer=keras.initializers.Constant(-100.0),
                           name="dead")(h)
    inner = keras.Model(x_in, keras.layers.Dense(1, name="out")(h), name="inner")
    seq = keras.Input((5, 4), name="sequence")
    outer = keras.Model(seq, inner(keras.layers.Dense(4, activation="sigmoid", name="pre")(seq)))
    rows = live_units(outer, {"sequence": np.random.default_rng(0).random((40, 5, 4)).astype("float32")},
                      rows=30, batch=8)
    by_layer = {r["layer"]: (r["units"], r["live_units"]) for r in rows}
    assert by_layer == {"conv": (3, 3), "dead": (2, 0)}  # "pre" is sigmoid, "out" linear: not counted


def test_summary_rows_say_which_augmentation_and_whether_tuned(tmp_path):
    """summary.tsv carries each Keras run's augmentation and tuning from its run.json (equal budgets
    are visible in every row); a baseline's row has neither."""
    import json

    import pandas as pd

    from dnazoo.pipeline.evaluate import augmentation_label, summary_stage

    assert augmentation_label({}) == "none"
    assert augmentation_label({"augment_reverse_complement": True, "augment_shift": 3,
                               "average_strands": True}) == "rc+shift3+strand_avg"
    metrics, records = [], []
    runs = {"deepbind": {"settings": {"augment_reverse_complement": True, "average_strands": True},
                         "result": {"epochs": 5, "best_epoch": 3, "stopped_by": "patience", "converged": True}},
            "danq": {"settings": {"tuned_params": {"learning_rate": 0.01}},
                     "result": {"epochs": 5, "best_epoch": 5, "stopped_by": "max_epochs", "converged": False}},
            "kmer_baseline": {"settings": {"seed": 0}, "result": {}}}
    for i, (model, record) in enumerate(runs.items()):
        metrics.append(tmp_path / f"m{i}.json")
        metrics[-1].write_text(json.dumps({"dataset": "d", "model": model, "task": "binary", "auroc": 0.9 - i / 10}))
        records.append(tmp_path / f"r{i}.json")
        records[-1].write_text(json.dumps(record))
    summary_stage(metrics, tmp_path / "summary.tsv", record_files=records)
    table = pd.read_csv(tmp_path / "summary.tsv", sep="\t").set_index("model")
    assert table.loc["deepbind", "augmentation"] == "rc+strand_avg" and not table.loc["deepbind", "tuned"]
    assert table.loc["danq", "augmentation"] == "none" and table.loc["danq", "tuned"]
    assert pd.isna(table.loc["kmer_baseline", "augmentation"])
