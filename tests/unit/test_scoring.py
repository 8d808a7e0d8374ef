"""Scoring new sequences with a saved model (dnazoo.training.scoring.score_sequences)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("keras")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """An untrained DeepBind saved in the workflow layout, with its dataset's spec.json."""
    from dnazoo import models
    from dnazoo.tasks import Task

    root = tmp_path_factory.mktemp("results") / "ds"
    (root / "models" / "deepbind").mkdir(parents=True)
    (root / "encoded").mkdir()
    model = models.build("deepbind", (50,), "sequences", task=Task())
    path = root / "models" / "deepbind" / "model.keras"
    model.save(path)
    spec = {"kind": "sequences", "task": {"name": "binary", "targets": ["label"]}}
    (root / "encoded" / "spec.json").write_text(json.dumps(spec))
    return path, model


def test_scores_equal_the_model_on_the_encoded_codes(saved):
    from dnazoo.data.encoding import encode_codes
    from dnazoo.training import predict
    from dnazoo.training.scoring import score_sequences

    path, model = saved
    rng = np.random.default_rng(0)
    seqs = ["".join(rng.choice(list("ACGT"), 50)) for _ in range(7)]
    scores = score_sequences(path, seqs)
    assert scores.shape == (7,) and scores.dtype == np.float64
    assert ((scores > 0) & (scores < 1)).all()
    expected = predict(model, {model.inputs[0].name: np.stack([encode_codes(s) for s in seqs])})
    np.testing.assert_allclose(scores, expected, rtol=1e-5)
    # lower case is the same sequence
    np.testing.assert_allclose(score_sequences(path, [s.lower() for s in seqs]), scores, rtol=1e-6)


def test_bad_sequences_name_the_row(saved):
    from dnazoo.training.scoring import score_sequences

    path, _ = saved
    with pytest.raises(ValueError, match=r"\[1\]: 49 bp; the model takes 50-bp windows"):
        score_sequences(path, ["A" * 50, "A" * 49])
    with pytest.raises(ValueError, match=r"\[0\]: letters other than A, C, G, T, N: \['X'\]"):
        score_sequences(path, ["X" * 50])
