"""Interpretation (dnazoo.interpret): each method checked against its definition on small models,
then the whole chain (train → ISM → TF-MoDISco → Tomtom/JASPAR) on a planted motif."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dnazoo import interpret as it
from dnazoo import models
from dnazoo.data.encoding import encode_codes, onehot


def random_onehot(n, length, seed=0):
    return onehot(np.random.default_rng(seed).integers(0, 4, (n, length)).astype(np.uint8))


@pytest.fixture(scope="module")
def deepbind30():
    import keras

    keras.utils.set_random_seed(0)  # the same weights in every run, whatever ran before on the worker
    return models.build("deepbind", 30, "sequences")


def test_ism_is_the_change_of_each_substitution_and_batches_the_variants(deepbind30, monkeypatch):
    x = random_onehot(3, 30)
    x[1, 7] = 0.0  # an N: all four bases are variants there
    ex = it.score_model(deepbind30)
    ref = ex([x])
    calls = []
    real = type(deepbind30).predict_on_batch

    def counting(self, batch):
        calls.append(len(batch[0]))
        return real(self, batch)

    monkeypatch.setattr(type(deepbind30), "predict_on_batch", counting)
    (res,) = it.ism(deepbind30, [x], batch_size=128)
    monkeypatch.undo()
    n_variants = 3 * 30 * 3 + 1
    assert sum(calls) == n_variants + 3  # every variant once, plus the 3 references
    assert len(calls) <= 1 + -(-n_variants // 128) + 3  # batched across sequences, not one call per variant
    assert res.shape == (3, 30, 4) and res.dtype == np.float32
    assert np.all(res[x[..., :4] == 1] == 0)  # the observed base changes nothing
    rng = np.random.default_rng(1)
    for i, pos in zip(rng.integers(0, 3, 5), rng.integers(0, 30, 5)):
        for b in range(4):
            if x[i, pos, b] == 1:
                continue
            v = x[i:i + 1].copy()
            v[0, pos] = 0
            v[0, pos, b] = 1
            assert res[i, pos, b] == pytest.approx(ex([v])[0] - ref[i], abs=1e-5)
    assert np.count_nonzero(res[1, 7]) == 4


def test_deletion_scan_is_the_drop_when_a_position_is_all_zero(deepbind30):
    x = random_onehot(2, 30, seed=2)
    ex = it.score_model(deepbind30)
    (d,) = it.deletion_scan(deepbind30, [x])
    assert d.shape == (2, 30)
    for pos in (0, 13, 29):
        v = x[1:2].copy()
        v[0, pos] = 0
        assert d[1, pos] == pytest.approx(ex([x[1:2]])[0] - ex([v])[0], abs=1e-5)


def test_gradients_match_finite_differences_and_gradient_x_input_keeps_the_observed_base(deepbind30):
    x = random_onehot(2, 30, seed=3)
    ex = it.score_model(deepbind30)
    (g,) = it.gradients(deepbind30, [x])
    (gxi,) = it.gradient_x_input(deepbind30, [x])
    np.testing.assert_allclose(gxi, g * x)
    # central differences with a small step: the network is piecewise linear (ReLU, max-pooling),
    # and a wide step can cross a kink, where no derivative matches the difference quotient
    eps = 1e-3
    for pos, b in ((4, 0), (15, 2), (22, 3)):
        up, down = x[:1].copy(), x[:1].copy()
        up[0, pos, b] += eps
        down[0, pos, b] -= eps
        fd = (ex([up])[0] - ex([down])[0]) / (2 * eps)
        assert fd == pytest.approx(g[0, pos, b], rel=0.05, abs=1e-3)


def test_compiled_gradients_equal_the_eager_tape_on_a_pair_model_with_the_distance_input():
    """One traced gradient function per explained model (integrated gradients) gives the eager tape's
    gradients for every input, at two batch sizes (the second generalises the traced shape)."""
    import keras

    from dnazoo.models.parts import backend_gradients

    keras.utils.set_random_seed(0)
    ex = it.score_model(models.build("deepbind", 40, "pairs", with_distance=True))
    rng = np.random.default_rng(0)
    xs = [random_onehot(12, 40, seed=1), random_onehot(12, 40, seed=2), rng.normal(size=(12, 1)).astype("float32")]

    def total(*args):
        return keras.ops.sum(ex.reduce(ex.keras_model(list(args), training=False)))

    eager = backend_gradients(total, xs, keras.backend.backend())
    assert all(np.abs(g).max() > 0 for g in eager)
    for rows in (12, 5, 7):
        got = it._gradients(ex, [x[:rows] for x in xs], 3, compiled=True)
        for g, want in zip(got, eager):
            np.testing.assert_allclose(g, want[:rows], rtol=1e-5, atol=1e-7)
    assert ex._gradient_fn is not None


def test_integrated_gradients_sum_to_the_score_difference_from_the_shuffled_reference(deepbind30):
    x = random_onehot(3, 30, seed=4)
    ex = it.score_model(deepbind30)
    (ig,) = it.integrated_gradients(deepbind30, [x], n_shuffles=1, n_steps=1000, seed=5, batch_size=4000)
    ref = it.dinucleotide_shuffles(x, 1, 5)[0]  # the same reference (input 0 uses the seed as given)
    expected = ex([x]) - ex([ref])
    np.testing.assert_allclose(ig.sum(axis=(1, 2)), expected, rtol=0.02, atol=3e-3)  # completeness


def test_dinucleotide_shuffles_keep_every_dinucleotide_count():
    x = random_onehot(4, 60, seed=6)
    shuffled = it.dinucleotide_shuffles(x, 3, seed=0)
    assert shuffled.shape == (3, 4, 60, 4)

    def counts(oh):
        c = it.onehot_to_codes(oh)
        return np.bincount(c[:-1] * 5 + c[1:], minlength=25)

    for i in range(4):
        for k in range(3):
            np.testing.assert_array_equal(counts(shuffled[k, i]), counts(x[i]))
        assert not np.array_equal(shuffled[0, i], x[i])


def test_k_mer_token_models_get_ism_but_no_gradients():
    m = models.build("onehot_embedding_cnn_one_branch_fixed", (125, 125), "pairs")
    xs = [random_onehot(2, 125, seed=7), random_onehot(2, 125, seed=8)]
    with pytest.raises(ValueError, match="k-mer tokens"):
        it.gradients(m, xs)
    with pytest.raises(ValueError, match="k-mer tokens"):
        it.filter_pwms(m, xs)
    a1, a2 = it.ism(m, xs, batch_size=2048)
    assert a1.shape == a2.shape == (2, 125, 4) and np.abs(a1).sum() > 0 and np.abs(a2).sum() > 0


def test_filter_pwms_weight_the_sites_by_activation():
    m = models.build("deepbind", 40, "sequences")
    conv = models.parts.first_conv_layers(m)[0]
    kernel, bias = conv.get_weights()
    width = kernel.shape[0]
    motif = "CACGTG"
    kernel[:] = 0.0
    kernel[:len(motif), :, 0] = 2 * onehot(encode_codes(motif)) - 1  # filter 0 = the E-box
    bias[:] = 0.0
    conv.set_weights([kernel, bias])
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, (50, 40)).astype(np.uint8)
    for row in codes[:25]:
        s = rng.integers(0, 40 - width)
        row[s:s + 6] = encode_codes(motif)
    (tower,) = it.filter_pwms(m, [onehot(codes)])
    pwm = tower["pwms"][0]
    assert pwm.shape == (width, 4) and tower["n_sites"][0] >= 25
    assert "".join("ACGT"[i] for i in pwm[:6].argmax(axis=1)) == motif
    assert pwm[:6].max(axis=1).min() > 0.9


@pytest.fixture(scope="module")
def jaspar():
    return it.jaspar_motifs()


def test_tomtom_matches_a_jaspar_motif_to_itself_on_both_strands(jaspar):
    ctcf = jaspar["MA0139.2"]["ppm"]
    table = it.tomtom_matches({"fwd": ctcf, "rc": it.reverse_complement_pwm(ctcf)}, jaspar, also=("MA0139.2",))
    fwd, rc = table.set_index("query").loc["fwd"], table.set_index("query").loc["rc"]
    assert fwd["match_name"] == rc["match_name"] == "CTCF" and fwd["q_value"] < 1e-3
    assert fwd["strand[MA0139.2]"] == "+" and rc["strand[MA0139.2]"] == "-"
    assert "zinc finger" in fwd["match_family"]
    assert (fwd["core_start"], fwd["core_end"]) == (1, len(ctcf) - 1)  # MA0139.2's flat first and last columns
    empty = it.tomtom_matches({}, jaspar)
    assert list(empty.columns[:5]) == ["query", "match_id", "match_name", "match_family", "p_value"]


def test_a_query_without_information_gets_no_match(jaspar):
    """A flat query (once matched to the long CTCF matrices at q << 0.05) is not matched at all."""
    from dnazoo.interpret.motifs import NO_MOTIF

    flat = np.random.default_rng(0).dirichlet(np.full(4, 50.0), size=12)
    ap1 = it.pwm_from_consensus("ATGACTCATC", 0.8)
    table = it.tomtom_matches({"flat": flat, "ap1": ap1}, jaspar).set_index("query")
    assert table.loc["flat", "note"] == NO_MOTIF and pd.isna(table.loc["flat", "match_id"])
    assert np.isnan(table.loc["flat", "q_value"])
    assert table.loc["ap1", "note"] == "" and table.loc["ap1", "q_value"] < 0.05
    assert "JUN" in table.loc["ap1", "match_name"].upper() or "FOS" in table.loc["ap1", "match_name"].upper()
    assert it.tf_match("JUN", table.loc["flat", "match_id"], jaspar) == "none"
    uncalibrated = it.tomtom_matches({"flat": flat}, jaspar, calibrate=False)
    assert uncalibrated.loc[0, "q_value"] < 0.05  # what the calibration removes


def test_motif_matches_are_calibrated_on_queries_without_a_motif(jaspar):
    """The null test: random (Dirichlet) PWMs of widths 8–20, flat and GC-rich PWMs and JASPAR
    matrices with shuffled columns. At most 5 % of each kind gets q < 0.05 (at most 10 % p < 0.05:
    a calibrated p is uniform), while before the calibration most of the random, flat and GC-rich
    ones did; perturbed JASPAR matrices and planted consensus PWMs still match."""
    from dnazoo.interpret.motifs import null_rates

    rates = null_rates(jaspar, n=40, seed=1, n_shuffles=100).set_index(["kind", "calibrated"])
    calibrated = rates.xs(True, level="calibrated")
    assert (calibrated["q_below"] <= 0.05).all(), rates.to_string()
    assert (calibrated["p_below"] <= 0.10).all(), rates.to_string()
    before = rates.xs(False, level="calibrated")
    assert (before.loc[["random", "flat", "gc_rich"], "q_below"] >= 0.5).all(), rates.to_string()

    rng = np.random.default_rng(2)
    ids = sorted(jaspar)
    real = {}
    for i in rng.choice(len(ids), 20, replace=False):
        m = jaspar[ids[i]]["ppm"]
        real[ids[i]] = np.array([rng.dirichlet(20 * col + 0.5) for col in m])  # a noisy copy
    table = it.tomtom_matches(real, jaspar, n_shuffles=100)
    informative = table[table["note"] == ""]
    assert len(informative) >= 18 and (informative["q_value"] < 0.05).mean() >= 0.8, table.to_string()


def test_tf_match_tells_own_motif_family_and_other(jaspar):
    assert it.tf_match("USF1", "MA0093.4", jaspar) == "own"
    assert it.tf_match("USF1", "MA0526.5", jaspar) == "family"  # USF2: bHLH-ZIP
    assert it.tf_match("USF1", "MA0139.2", jaspar) == "other"  # CTCF
    assert it.tf_match("YY1", "MA0139.2", jaspar) == "other"  # both C2H2 zinc fingers: too broad to count
    assert it.tf_match("YY1", "MA0095.4", jaspar) == "own"  # named Yy1 in JASPAR


def test_select_sequences_takes_the_top_positives_then_random_others():
    labels = np.array([0, 1, 1, 0, 1, 0, 1, 0])
    scores = np.array([9.0, 0.1, 0.7, 5.0, 0.9, 1.0, 0.3, 2.0])
    pick = it.select_sequences(labels, scores, 4, seed=0)
    assert list(pick[:2]) == [4, 2]  # positives by score
    assert len(set(pick)) == 4 and not set(pick[2:]) & {4, 2}
    assert list(it.select_sequences(labels, scores, 100)) [:4] == [4, 2, 6, 1]  # capped at the split


def test_planted_recovery_prefers_patterns_that_raise_the_score_and_reports_the_decoy_strand():
    """A pair model's anchor 1: the forward motif raises the score (pos_0) and the reverse one, a
    decoy, lowers it (neg_0, with more seqlets); the orientation is the raising pattern's."""
    import pandas as pd

    col, frac = "q_value[planted:m]", "forward_fraction[planted:m]"
    motifs = pd.DataFrame({
        "pattern": ["anchor1.pos_0", "anchor1.neg_0", "anchor1.pos_1", "anchor2.neg_0"],
        "input": ["anchor1", "anchor1", "anchor1", "anchor2"], "n_seqlets": [40, 60, 80, 30],
        col: [1e-6, 1e-5, 0.5, 1e-4], frac: [0.95, 0.0, 0.5, 0.1],
        "match_id": ["MA0139.2"] * 4, "match_name": ["CTCF"] * 4, "q_value": [1e-3] * 4})
    out = it.planted_recovery(motifs, ("m",))
    a1, a2 = out["anchor1/m"], out["anchor2/m"]
    assert (a1["pattern"], a1["metacluster"], a1["orientation"]) == ("anchor1.pos_0", "pos", "+")  # pos_1: q 0.5
    assert (a1["lowers_score"]["pattern"], a1["lowers_score"]["orientation"]) == ("anchor1.neg_0", "-")
    assert (a2["metacluster"], a2["orientation"]) == ("neg", "-") and "lowers_score" not in a2  # no pos_ match
    assert it.planted_recovery(motifs.assign(**{col: 0.9}), ("m",))["anchor1/m"] == {"recovered": False}


def planted_set(n=1200, length=101, seed=0):
    """Positives carry the demo's CTCF-like motif (the simulator's PWM) on a random strand."""
    from dnazoo.data.encoding import reverse_complement_codes
    from dnazoo.data.simulate import MOTIF

    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, (n, length)).astype(np.uint8)
    pwm = it.pwm_from_consensus(MOTIF, 0.9)
    labels = np.zeros(n, dtype=np.float32)
    strands = np.zeros(n, dtype=int)
    for i in range(0, n, 2):
        site = np.array([rng.choice(4, p=p) for p in pwm], dtype=np.uint8)
        if rng.random() < 0.5:
            site, strands[i] = reverse_complement_codes(site), 1
        s = rng.integers(0, length - len(site))
        codes[i, s:s + len(site)] = site
        labels[i] = 1
    return codes, labels, pwm


def test_a_trained_model_yields_the_planted_motif_matched_to_jaspar_ctcf():
    """End to end on any model: train deepbind on a planted-motif set, then ISM → TF-MoDISco →
    Tomtom recovers the simulator's PWM (q < 0.05) and JASPAR's CTCF, and ISM agrees with
    gradient × input."""
    import keras

    from dnazoo.training import compile_model

    keras.utils.set_random_seed(0)
    codes, labels, pwm = planted_set()
    m = models.build("deepbind", 101, "sequences")
    compile_model(m, settings={"learning_rate": 0.01})
    m.fit(codes[:1000], labels[:1000], batch_size=64, epochs=6, verbose=0)
    settings = it.InterpretSettings(n_sequences=200, ig_shuffles=2, ig_steps=10)
    res = it.interpret_model(m, {"sequence": codes[1000:]}, labels[1000:], np.arange(200).astype(str), settings,
                             planted={"ctcf_like": pwm}, expected=("MA0139",))
    summary, motifs = res["summary"], res["motifs"]
    hit = summary["planted"]["sequence/ctcf_like"]
    assert hit["recovered"] and hit["q_value"] < 0.05, motifs.to_string()
    assert hit["q_value[MA0139.2]"] < 0.05
    assert 0.2 < hit["forward_fraction"] < 0.8  # planted on both strands at random
    assert summary["agreement_pearson_r"]["sequence"]["ism_vs_gradient_x_input"] > 0.5
    assert {"pattern", "n_seqlets", "match_id", "match_name", "q_value"} <= set(motifs.columns)
    assert res["arrays"]["sequence.ism"].shape == (200, 101, 4)
    assert res["arrays"]["sequence.integrated_gradients"].shape == (200, 101, 4)
    assert not res["filters"].empty and (res["filters"]["n_sites"] >= 10).all()


def test_attribution_runs_on_a_deepcpg_dna_model_per_cell():
    """A DeepCpG DNA model (one sigmoid per cell) is explained like any registry model: ISM and
    gradient x input of the chosen cell's logit, and first-layer PWMs."""
    from dnazoo.tasks import Task

    model = models.build("deepcpg_dna_CnnL1h128", 41, "sequences", task=Task("multilabel", ("c1", "c2", "c3")))
    x = random_onehot(2, 41)[..., :4].astype(np.float32)
    ex = it.score_model(model, target=2)
    ref = ex([x])
    prob = model.predict(onehot_to_codes_input(x), verbose=0)[:, 2]
    assert ref.shape == (2,) and np.allclose(ref, np.log(prob / (1 - prob)), atol=1e-4)  # the cell's logit
    (ism,) = it.ism(model, [x], target=2)
    assert ism.shape == (2, 41, 4) and np.all(ism[x == 1] == 0) and np.abs(ism).sum() > 0
    v = x[:1].copy()
    pos = 20
    base = int(np.argmax(v[0, pos] == 0))
    v[0, pos] = 0
    v[0, pos, base] = 1
    assert ism[0, pos, base] == pytest.approx(ex([v])[0] - ref[0], abs=1e-5)
    (gxi,) = it.gradient_x_input(model, [x], target=2)
    assert gxi.shape == (2, 41, 4) and np.all(gxi[x == 0] == 0)
    (pwm,) = it.filter_pwms(model, [np.concatenate([x] * 20)], threshold=0.5)
    assert pwm["pwms"].shape == (128, 11, 4) and (pwm["n_sites"] > 0).all()


def onehot_to_codes_input(x):
    return {"sequence": it.onehot_to_codes(x)}


def test_numba_kernels_compiled_in_one_process_load_from_the_cache_in_the_next(tmp_path):
    """cache_numba_kernels turns on numba's disk cache for a package's kernels, so that a later
    process (the next interpret job) loads them instead of compiling (modisco-lite: ~18 s a job)."""
    import os
    import subprocess
    import sys

    (tmp_path / "kernels_pkg").mkdir()
    (tmp_path / "kernels_pkg" / "__init__.py").write_text(
        "import numba\n\n@numba.njit\ndef add_one(x):\n    return x + 1\n")
    script = ("import kernels_pkg\nfrom dnazoo.interpret import cache_numba_kernels\n"
              "print(cache_numba_kernels('kernels_pkg'), kernels_pkg.add_one(1), "
              "sum(kernels_pkg.add_one.stats.cache_hits.values()))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
           "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            .stdout.split() for _ in range(2)]
    assert runs == [["1", "2", "0"], ["1", "2", "1"]]  # compiled and written, then loaded
