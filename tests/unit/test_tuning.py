"""Hyperparameter search (dnazoo.training.tuning, Optuna): each model's space around its defaults,
the untuned point as the first trial (so a search never ends below the untuned model on the
validation split), and a study that a killed job's rerun resumes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from dnazoo import models
from dnazoo.training import tuning as T

pytest.importorskip("optuna")


def _encoded(folder: Path, n_train: int = 600, n_val: int = 200) -> None:
    from dnazoo.data.dataset import make_spec, write_spec, write_split
    from dnazoo.data.encoding import encode_codes
    from dnazoo.tasks import Task

    rng = np.random.default_rng(0)
    counts = {"train": n_train, "val": n_val}
    for split, n in counts.items():
        codes = rng.integers(0, 4, (n, 60)).astype(np.uint8)
        labels = (np.arange(n) % 2).astype(np.int8)
        for i in np.flatnonzero(labels):
            if rng.random() < 0.7:
                p = rng.integers(0, 50)
                codes[i, p:p + 8] = encode_codes("CCACTAGG")
        write_split(folder, split, {"sequence": codes}, labels, [f"{split}{i}" for i in range(n)])
    write_spec(folder, make_spec("sequences", (60,), Task()), counts)


def test_each_space_is_built_around_the_models_own_defaults():
    deepbind = {**models.get("deepbind").defaults}
    space = T.search_space("deepbind", deepbind)
    assert space["learning_rate"] == {"type": "float", "low": 1e-4, "high": 1e-2, "log": True}
    assert space["batch_size"]["choices"] == [32, 64, 128] and 0.0 in space["weight_decay"]["choices"]
    assert "dropout" in space and "width" in space  # deepbind: dropout, 16 motifs
    assert "dropout" not in T.search_space("danq", models.get("danq").defaults)  # DanQ has no dropout parameter
    assert T.default_params(space, deepbind, "deepbind") == {"learning_rate": 1e-3, "batch_size": 64,
                                                             "weight_decay": 0.0, "dropout": 0.5, "width": 1.0}
    wide = T.apply_params(deepbind, {"width": 2.0, "dropout": 0.1, "weight_decay": 0.0}, "deepbind")
    assert wide["model_params"] == {"motifs": 32, "dropout": 0.1} and "weight_decay" not in wide
    narrow = T.search_space("deepbind", deepbind, {"learning_rate": {"low": 1e-3, "high": 2e-3}, "width": None})
    assert narrow["learning_rate"]["high"] == 2e-3 and "width" not in narrow
    for bad in ({"momentum": {"low": 0, "high": 1}}, {"learning_rate": {"low": 1, "high": 0}}):
        with pytest.raises(ValueError, match="tuning.space"):
            T.search_space("deepbind", deepbind, bad)
    with pytest.raises(ValueError, match="no dropout"):
        T.search_space("danq", models.get("danq").defaults, {"dropout": {"low": 0, "high": 0.5}})


SEARCH = """
import json, sys
from dnazoo import models
from dnazoo.pipeline.common import configure_backend
from dnazoo.training import train_keras
from dnazoo.training import tuning as T
configure_backend(1)
folder, out = sys.argv[1], sys.argv[2]
settings = {**models.get("deepbind").defaults, "max_epochs": 3, "patience": 2}
untuned = train_keras("deepbind", folder, None, (60,), settings, out + "/m.keras", out + "/h.tsv")["best_val_auroc"]
storage = T.storage_url("sqlite", out)
result = T.run_trials("deepbind", folder, None, (60,), settings, T.search_space("deepbind", settings), storage,
                      "deepbind", 4, seed=0, scratch=out + "/scratch")
print(json.dumps({"untuned": untuned, **result}))
"""


def test_a_search_never_ends_below_the_untuned_model(tmp_path):
    """The first trial is the untuned settings and reproduces the untuned training's validation
    AUROC (one thread, in a fresh process); the study's best is at least that."""
    _encoded(tmp_path / "data")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run([sys.executable, "-c", SEARCH, str(tmp_path / "data"), str(tmp_path)], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    untuned = result["untuned"]
    assert result["finished"] == 4 and result["best_value"] >= untuned - 1e-6
    storage = T.storage_url("sqlite", tmp_path)
    best, study = T.study_report(storage, "deepbind", tmp_path / "report")
    from dnazoo.plots.tuning import plot_study

    plot_study(study, tmp_path / "report")
    assert best["untuned_value"] == pytest.approx(untuned, abs=1e-4) and best["trials"] == 4
    assert best["complete"] + best["pruned"] == 4 and best["complete"] >= 1
    durations = [t.duration.total_seconds() for t in study.trials]
    assert best["tuning_s"] == pytest.approx(sum(durations), abs=0.1) and best["tuning_s"] > 0
    assert json.loads((tmp_path / "report" / "best_params.json").read_text())["params"] == result["best_params"]
    assert len((tmp_path / "report" / "trials.tsv").read_text().splitlines()) == 5
    assert (tmp_path / "report" / "history.png").stat().st_size > 5000
    assert not list((tmp_path / "scratch").iterdir())  # trial models are not kept


WORKER = """
import sys
from dnazoo import models
from dnazoo.pipeline.common import configure_backend
from dnazoo.training import tuning as T
configure_backend(1)
folder, storage = sys.argv[1], sys.argv[2]
settings = {**models.get("deepbind").defaults, "max_epochs": 2, "patience": 2}
print(T.run_trials("deepbind", folder, None, (60,), settings, T.search_space("deepbind", settings), storage,
                   "deepbind", 3, seed=0, scratch=folder + "_scratch"))
"""


def _finished(db: Path) -> list[tuple[int, str]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        try:
            return con.execute("SELECT number, state FROM trials ORDER BY number").fetchall()
        except sqlite3.OperationalError:
            return []


def test_a_killed_tuning_job_resumes_its_study(tmp_path):
    """SIGKILL during the second trial; the rerun marks that trial failed, keeps the first, and
    runs until the study holds 3 finished trials."""
    _encoded(tmp_path / "data", n_train=1500)
    db = tmp_path / "study.db"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    cmd = [sys.executable, "-c", WORKER, str(tmp_path / "data"), f"sqlite:///{db}"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any(s == "RUNNING" and n == 1 for n, s in _finished(db)):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = _finished(db)
    assert (0, "COMPLETE") in before and (1, "RUNNING") in before, before
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    after = dict(_finished(db))
    assert after[0] == "COMPLETE" and after[1] == "FAIL"
    assert sum(s in ("COMPLETE", "PRUNED") for s in after.values()) == 3 and "'finished': 3" in rerun.stdout


def test_the_untuned_point_is_tried_again_when_its_trial_was_killed(tmp_path):
    """A study whose untuned trial died with its job (marked failed) gets the untuned point enqueued
    again; one whose untuned trial is waiting, running or finished does not. The report counts the
    finished trials and takes the untuned value from the retry."""
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    untuned = {"learning_rate": 1e-3, "batch_size": 64, "dropout": 0.5}
    storage = T.storage_url("sqlite", tmp_path)
    study = T.open_study(storage, "m", "maximize", 0)
    assert T.ensure_untuned(study, untuned)  # a new study: trial 0 is the untuned point
    assert not T.ensure_untuned(study, untuned)  # waiting: not twice
    first = study.ask()
    assert study.trials[first.number].system_attrs["fixed_params"] == untuned
    assert not T.ensure_untuned(study, untuned)  # running
    study.tell(first.number, state=TrialState.FAIL)  # its job was killed
    other = study.ask({"learning_rate": optuna.distributions.FloatDistribution(1e-4, 1e-2, log=True)})
    study.tell(other.number, 0.7)  # another trial finished meanwhile
    assert T.ensure_untuned(study, untuned)
    retry = study.ask()
    assert retry.number == 2 and study.trials[2].system_attrs["fixed_params"] == untuned
    study.tell(retry.number, 0.6)
    assert not T.ensure_untuned(study, untuned)
    assert T.ensure_untuned(study, {**untuned, "learning_rate": 2e-3})
    best, _ = T.study_report(storage, "m", tmp_path / "report")
    assert best["trials"] == 2 and best["failed"] == 1 and best["untuned_value"] == 0.6 and best["value"] == 0.7
