from itertools import product

import numpy as np
import pandas as pd
import pytest

from dnazoo.models import baselines
from dnazoo.data.encoding import encode_codes
from dnazoo.tasks.metrics import bootstrap_ci, paired_bootstrap
from dnazoo.evaluation import compare_with_baselines


def test_kmer_frequencies_match_a_naive_count():
    seqs = ["ACGTACGTNNACGGA", "TTTTTTTT"]
    width = max(map(len, seqs))
    codes = np.full((2, width), 4, dtype=np.uint8)
    for i, s in enumerate(seqs):
        codes[i, :len(s)] = encode_codes(s)
    got = baselines.kmer_frequencies(codes, 2)
    kmers = ["".join(p) for p in product("ACGT", repeat=2)]
    for i, s in enumerate(seqs):
        words = [s[j:j + 2] for j in range(len(s) - 1) if "N" not in s[j:j + 2]]
        want = np.array([words.count(w) for w in kmers]) / len(words)
        assert np.allclose(got[i], want)
    with pytest.raises(ValueError, match="1..8"):
        baselines.kmer_frequencies(codes, 9)


def test_gc_fraction_ignores_n():
    codes = np.stack([encode_codes("GGCCNNAT"), encode_codes("NNNNNNNN")])
    assert baselines.gc_fraction(codes).tolist() == [4 / 6, 0.5]


def _split(rng, n, gc_pos):
    """Sequences whose GC content differs by label; distances uninformative."""
    labels = np.array([0, 1] * (n // 2), dtype=np.int8)
    p = np.where(labels[:, None] == 1, gc_pos, 0.5)
    gc = rng.random((n, 200)) < p
    codes = np.where(gc, rng.integers(1, 3, (n, 200)), rng.choice([0, 3], (n, 200))).astype(np.uint8)
    return {"inputs": [codes], "labels": labels, "ids": np.arange(n).astype(str), "distance": rng.integers(1000, 10**6, n)}


@pytest.mark.parametrize("name", ["gc_baseline", "kmer_baseline"])
def test_sequence_baselines_learn_composition(name):
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    train, test = _split(rng, 400, 0.6), _split(rng, 200, 0.6)
    model = baselines.fit(name, train, k=2)
    assert roc_auc_score(test["labels"], baselines.predict(model, test)) > 0.9
    flat = baselines.fit(name, _split(rng, 400, 0.5), k=2)  # no signal -> chance
    assert abs(roc_auc_score(test["labels"], baselines.predict(flat, _split(rng, 200, 0.5))) - 0.5) < 0.15


def test_bootstrap_ci_brackets_the_estimate_and_narrows_with_n():
    rng = np.random.default_rng(1)
    widths = []
    for n in (100, 2000):
        y = rng.integers(0, 2, n)
        s = y + rng.normal(0, 1.2, n)
        ci = bootstrap_ci(y, s, 300, 0.95, seed=0)
        from sklearn.metrics import roc_auc_score
        auc = roc_auc_score(y, s)
        assert ci["auroc_ci"][0] < auc < ci["auroc_ci"][1]
        widths.append(ci["auroc_ci"][1] - ci["auroc_ci"][0])
    assert widths[1] < widths[0] / 2


def test_paired_comparison_separates_a_better_model_from_a_copy():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 600)
    weak = y + rng.normal(0, 2.0, 600)
    strong = y + rng.normal(0, 0.5, 600)
    better = paired_bootstrap(y, strong, weak, 500)
    assert better["ci_low"] > 0 and better["p_value"] < 0.01
    same = paired_bootstrap(y, weak + 1e-9 * rng.normal(size=600), weak, 500)
    assert same["ci_low"] <= 0 <= same["ci_high"] and same["p_value"] > 0.05
    ids = np.arange(600).astype(str)
    preds = {m: pd.DataFrame({"id": ids, "label": y, "score": s})
             for m, s in (("distance_baseline", weak), ("kmer_baseline", weak * 0.5 + rng.normal(0, 3, 600)), ("cnn", strong))}
    table = compare_with_baselines(preds, ["distance_baseline", "kmer_baseline"], 200)
    assert table["model"].tolist() == ["cnn"] and table["baseline"].item() == "distance_baseline"
    preds["cnn"] = preds["cnn"].iloc[::-1]
    with pytest.raises(ValueError, match="same test rows"):
        compare_with_baselines(preds, ["distance_baseline"], 50)
