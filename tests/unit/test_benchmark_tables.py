"""Helpers of the benchmark scripts that build the README's tables (``benchmarks/``): they are run
by hand, not in CI, so the parts that combine or score rows are tested here."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from dead_units import live_units  # noqa: E402
from encode_tfbs_runs import keep_rows  # noqa: E402
from gue_tf_runs import oracle_mcc  # noqa: E402


def test_oracle_mcc_finds_the_best_test_threshold_not_0_5():
    # every positive scores 0.7-0.9, every negative 0.55-0.65: at 0.5 all are called positive
    # (MCC 0), the best threshold (0.7, the lowest positive score) separates them (MCC 1)
    pred = pd.DataFrame({"label": [1, 1, 1, 0, 0, 0], "score": [0.7, 0.8, 0.9, 0.55, 0.6, 0.65]})
    got = oracle_mcc(pred)
    assert got == {"mcc_oracle_threshold": 1.0, "oracle_threshold": 0.7}
    # one negative above every positive: no threshold is perfect
    pred.loc[3, "score"] = 0.95
    assert 0 < oracle_mcc(pred)["mcc_oracle_threshold"] < 1


def test_keep_rows_adds_only_the_pairs_this_run_lacks():
    run = pd.DataFrame({"tf": ["SRF", "SRF"], "model": ["danq_jaspar", "kmer_baseline"], "auroc": [0.8, 0.7]})
    earlier = pd.DataFrame({"tf": ["SRF", "SRF", "YY1"], "model": ["deepbind", "kmer_baseline", "deepbind"],
                            "auroc": [0.9, 0.69, 0.85]})
    out = keep_rows(run, earlier)
    assert sorted(zip(out["tf"], out["model"])) == [("SRF", "danq_jaspar"), ("SRF", "deepbind"),
                                                    ("SRF", "kmer_baseline"), ("YY1", "deepbind")]
    # where both have a pair, this run's row wins
    assert out.set_index(["tf", "model"]).loc[("SRF", "kmer_baseline"), "auroc"] == 0.7


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
