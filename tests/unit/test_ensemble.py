"""Ensembles (dnazoo.evaluation.ensemble, config ensembles:): probability and logit averaging of the
members' test predictions, and the checks on members and settings."""

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO
from dnazoo.config import ConfigError, check, dataset_ensembles
from dnazoo.evaluation.ensemble import average_predictions


def _table(scores, ids=("a", "b", "c")):
    return pd.DataFrame({"id": list(ids), "label": [1, 0, 1], "score": scores})


def test_probability_and_logit_averages():
    t = {"m1": _table([0.9, 0.2, 0.5]), "m2": _table([0.5, 0.4, 0.99])}
    prob = average_predictions(t)
    assert np.allclose(prob["score"], [0.7, 0.3, 0.745]) and list(prob["label"]) == [1, 0, 1]
    logit = average_predictions(t, "logit")["score"].to_numpy()
    # sigmoid of the mean log-odds: logit(0.9) = 2.197, logit(0.5) = 0 -> sigmoid(1.0986) = 0.75
    assert logit[0] == pytest.approx(0.75, abs=1e-4)
    assert logit[2] > 0.745 * 1.0  # log-odds give the confident member more weight
    multi = {m: pd.DataFrame({"id": ["a", "b"], "label.x": [1, 0], "score.x": s, "score.y": s[::-1]})
             for m, s in (("m1", [0.2, 0.4]), ("m2", [0.6, 0.8]))}
    assert np.allclose(average_predictions(multi, task="multilabel")[["score.x", "score.y"]], [[0.4, 0.6], [0.6, 0.4]])


def test_members_must_score_the_same_rows_and_settings_must_fit_the_task():
    with pytest.raises(ValueError, match="different test rows"):
        average_predictions({"m1": _table([0.1, 0.2, 0.3]), "m2": _table([0.1, 0.2, 0.3], ids=("a", "c", "b"))})
    with pytest.raises(ValueError, match="at least 2"):
        average_predictions({"m1": _table([0.1, 0.2, 0.3])})
    with pytest.raises(ValueError, match="logit needs probabilities"):
        average_predictions({"m1": _table([1.0, 2, 3]), "m2": _table([1.0, 2, 3])}, "logit", "regression")


def test_ensemble_config_errors_name_the_key():
    def demo(ensembles):
        c = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
        c["ensembles"] = ensembles
        return c

    with pytest.raises(ConfigError, match="ensembles.deepbind: the name of a registry model"):
        check(demo({"deepbind": {"models": ["deepbind", "kmer_baseline"]}}))
    with pytest.raises(ConfigError, match=r"ensembles.mix.models: \['danq'\] not trained on dataset simulated_demo"):
        check(demo({"mix": {"models": ["deepbind", "danq"], "datasets": ["simulated_demo"]}}))
    c = demo({"mix": {"models": ["deepbind", "kmer_baseline"], "average": "logit"},
              "other": {"models": ["deepbind", "danq"]}})  # every dataset by default: skipped where danq is absent
    check(c)
    assert dataset_ensembles(c, "simulated_demo") == {"mix": {"models": ["deepbind", "kmer_baseline"],
                                                              "average": "logit"}}
