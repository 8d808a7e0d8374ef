"""Resumable training: a training process killed with SIGKILL mid-epoch, then rerun, ends with the
history and weights of an uninterrupted run of the same seed (one thread), for a sequence model and
for a DeepCpG model on a methylation dataset (the same training loop)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import REPO

pytest.importorskip("tensorflow")

TRAIN_SCRIPT = """
import json, logging, sys
logging.basicConfig(level=logging.INFO)
from dnazoo import models
from dnazoo.training import train_keras
from dnazoo.pipeline.common import configure_backend
configure_backend(1)
folder, out, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
settings = {**models.get("deepbind").defaults, **settings}
print(json.dumps(train_keras("deepbind", folder, None, (60,), settings, f"{out}/model.keras", f"{out}/history.tsv",
                             checkpoint=f"{out}/checkpoint.npz")))
"""


def _encoded(folder: Path) -> None:
    from dnazoo.data.dataset import make_spec, write_spec, write_split
    from dnazoo.data.encoding import encode_codes
    from dnazoo.tasks import Task

    rng = np.random.default_rng(0)
    counts = {"train": 1500, "val": 300}
    for split, n in counts.items():
        codes = rng.integers(0, 4, (n, 60)).astype(np.uint8)
        labels = (np.arange(n) % 2).astype(np.int8)
        for i in np.flatnonzero(labels):  # positives carry a motif (with noise: the task is not trivial)
            if rng.random() < 0.8:
                p = rng.integers(0, 50)
                codes[i, p:p + 8] = encode_codes("CCACTAGG")
        write_split(folder, split, {"sequence": codes}, labels, [f"{split}{i}" for i in range(n)])
    write_spec(folder, make_spec("sequences", (60,), Task()), counts)


DEEPCPG_SCRIPT = """
import json, logging, sys
logging.basicConfig(level=logging.INFO)
from dnazoo.config import training_settings
from dnazoo.pipeline.train import train_stage
folder, out, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
# the settings the train rule gives a DeepCpG model on a methylation dataset (val_loss, class weights)
config = {"datasets": {"m": {"kind": "methylation", "training": settings}}}
train_stage("deepcpg_cpg_FcAvg", folder, "methylation", (), training_settings(config, "deepcpg_cpg_FcAvg", "m"),
            f"{out}/model.keras", f"{out}/history.tsv", 1, checkpoint=f"{out}/checkpoint.npz",
            record_out=f"{out}/run.json", dataset="m")
"""


def _train(folder, out, settings, kill_after_epoch: int | None = None,
           script: str = TRAIN_SCRIPT) -> subprocess.CompletedProcess | None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    cmd = [sys.executable, "-c", script, str(folder), str(out), json.dumps(settings)]
    if kill_after_epoch is None:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ckpt = Path(out) / "checkpoint.npz"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if ckpt.exists():
            with np.load(ckpt) as npz:
                if json.loads(str(npz["meta"]))["epoch"] >= kill_after_epoch:
                    break
        time.sleep(0.005)
    time.sleep(0.1)  # into the next epoch
    assert proc.poll() is None, "training ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return None


def test_a_killed_training_run_resumes_to_the_uninterrupted_result(tmp_path):
    from dnazoo.training import load_trained

    folder = tmp_path / "encoded"
    _encoded(folder)
    settings = {"max_epochs": 5, "patience": 3, "batch_size": 32, "seed": 7, "keep_checkpoint": True}  # deepbind has dropout 0.5
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    whole.mkdir(), killed.mkdir()
    _train(folder, whole, settings)

    _train(folder, killed, settings, kill_after_epoch=2)
    assert not (killed / "model.keras").exists() and not (killed / "history.tsv").exists()
    with np.load(killed / "checkpoint.npz") as npz:
        epoch_at_kill = json.loads(str(npz["meta"]))["epoch"]
    assert 2 <= epoch_at_kill < 5
    proc = _train(folder, killed, {**settings, "keep_checkpoint": False})
    assert f"resuming from the checkpoint of epoch {epoch_at_kill}" in proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1])["resumed_from_epoch"] == epoch_at_kill  # for run.json
    assert not (killed / "checkpoint.npz").exists()  # removed once training completed

    a = pd.read_csv(whole / "history.tsv", sep="\t")
    b = pd.read_csv(killed / "history.tsv", sep="\t")
    print(f"\nkilled after epoch {epoch_at_kill}; uninterrupted history:\n{a.to_string()}\nresumed:\n{b.to_string()}")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    wa = load_trained("deepbind", whole / "model.keras").get_weights()
    wb = load_trained("deepbind", killed / "model.keras").get_weights()
    assert len(wa) == len(wb)
    diff = max(float(np.max(np.abs(x - y))) for x, y in zip(wa, wb))
    print(f"largest weight difference: {diff:.3g}")
    assert diff < 1e-6


def _methylation_dataset(folder: Path, tmp_path: Path) -> None:
    from dnazoo.data import methylation as M
    from dnazoo.data.simulate import MethylationParams, simulate_methylation, write_profile

    _, cells, _, _ = simulate_methylation(MethylationParams(n_chromosomes=3, chrom_length=60_000, n_islands=3,
                                                            n_motifs=60))
    paths = {}
    for c, df in cells.items():
        paths[c] = tmp_path / f"{c}.tsv.gz"
        write_profile(df, paths[c])
    M.build(paths, folder, {"train": ["1"], "val": ["2"], "test": ["3"]}, cpg_wlen=10)


def test_a_killed_deepcpg_training_resumes_to_the_uninterrupted_history(tmp_path):
    """DeepCpG's CpG model trains through the core loop (early stopping on val_loss, per-cell class
    weights): killed after its second epoch and rerun, its history equals an uninterrupted run's."""
    folder = tmp_path / "data"
    _methylation_dataset(folder, tmp_path)
    settings = {"max_epochs": 5, "patience": 5, "batch_size": 64, "seed": 3, "keep_checkpoint": True}
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    whole.mkdir(), killed.mkdir()
    _train(folder, whole, settings, script=DEEPCPG_SCRIPT)
    _train(folder, killed, settings, kill_after_epoch=2, script=DEEPCPG_SCRIPT)
    with np.load(killed / "checkpoint.npz") as npz:
        epoch_at_kill = json.loads(str(npz["meta"]))["epoch"]
    assert 2 <= epoch_at_kill < 5
    proc = _train(folder, killed, {**settings, "keep_checkpoint": False}, script=DEEPCPG_SCRIPT)
    assert f"resuming from the checkpoint of epoch {epoch_at_kill}" in proc.stderr
    record = json.loads((killed / "run.json").read_text())
    assert record["result"]["resumed_from_epoch"] == epoch_at_kill and record["seed"] == 3  # marked in run.json
    a = pd.read_csv(whole / "history.tsv", sep="\t")
    b = pd.read_csv(killed / "history.tsv", sep="\t")
    assert {"loss", "val_loss", "val_mean_auroc"} <= set(a.columns) and len(a) == 5
    pd.testing.assert_frame_equal(a, b, check_exact=True)



def test_a_checkpoint_of_other_training_data_is_not_resumed(tmp_path):
    """Labels flipped after a checkpoint was written (same shapes and counts): the rerun says the
    training data changed and trains from epoch 1, so no epoch of the history comes from the old labels."""
    folder = tmp_path / "encoded"
    _encoded(folder)
    settings = {"max_epochs": 2, "patience": 3, "batch_size": 64, "seed": 1, "keep_checkpoint": True}
    out = tmp_path / "run"
    out.mkdir()
    _train(folder, out, settings)
    proc = _train(folder, out, settings)  # same data: the kept checkpoint is resumed
    assert "resuming from the checkpoint of epoch 2" in proc.stderr
    labels = folder / "train.labels.npy"
    y = np.load(labels)
    np.save(labels, (1 - y).astype(y.dtype))  # every label flipped, nothing else changed
    proc = _train(folder, out, settings)
    assert "resuming" not in proc.stderr
    assert "the training data (the encoded arrays or labels) changed since this checkpoint was written; " \
        "not resumed, training starts from epoch 1" in proc.stderr
    assert len(pd.read_csv(out / "history.tsv", sep="\t")) == 2


def test_an_unreadable_checkpoint_is_set_aside_by_name(tmp_path, caplog):
    import logging

    from dnazoo.training import read_checkpoint

    for body in (b"", b"PK\x03\x04 truncated zip", b"not an npz at all"):
        ckpt = tmp_path / "deepbind.npz"
        ckpt.write_bytes(body)
        with caplog.at_level(logging.WARNING, logger="dnazoo"):
            assert read_checkpoint(ckpt, {"data": "x"}) is None
        assert not ckpt.exists() and (tmp_path / "deepbind.npz.corrupt").read_bytes() == body
        assert f"{ckpt} is not a readable checkpoint" in caplog.text and "set aside" in caplog.text
        caplog.clear()


def test_a_loss_that_becomes_nan_stops_training_naming_the_epoch_and_saves_nothing(tmp_path):
    """Targets float32 can hold but whose squared error overflows: the first epoch's loss is inf,
    training stops with an error naming the epoch, and no model, history or checkpoint is left."""
    from dnazoo import models
    from dnazoo.data.dataset import make_spec, write_spec, write_split
    from dnazoo.tasks import Task
    from dnazoo.training import NonFiniteLossError, train_keras

    folder = tmp_path / "encoded"
    rng = np.random.default_rng(0)
    counts = {"train": 128, "val": 64}
    for split, n in counts.items():
        write_split(folder, split, {"sequence": rng.integers(0, 4, (n, 60)).astype(np.uint8)},
                    rng.choice([-3e30, 3e30], (n, 1)).astype(np.float32), [f"{split}{i}" for i in range(n)])
    write_spec(folder, make_spec("sequences", (60,), Task("regression", ("y",))), counts)
    settings = {**models.get("deepbind").defaults, "max_epochs": 3, "patience": 3, "batch_size": 64}
    with pytest.raises(NonFiniteLossError, match=r"deepbind: the training loss became (nan|inf) in epoch 1; "
                                                 r"training stopped and nothing was saved"):
        train_keras("deepbind", folder, None, (60,), settings, tmp_path / "model.keras", tmp_path / "history.tsv",
                    checkpoint=tmp_path / "ckpt.npz")
    assert not any((tmp_path / f).exists() for f in ("model.keras", "history.tsv", "ckpt.npz"))


def test_a_truncated_model_file_is_called_corrupt_not_missing(tmp_path):
    import hashlib

    import keras

    from dnazoo.training import load_keras_model

    x = keras.Input((4,))
    path = tmp_path / "model.keras"
    keras.Model(x, keras.layers.Dense(1)(x)).save(path)
    load_keras_model(path)  # whole: loads
    (tmp_path / "run.json").write_text(json.dumps(
        {"outputs": {"results/d/models/m/model.keras": hashlib.sha256(path.read_bytes()).hexdigest()}}))
    load_keras_model(path)  # and matches its record
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match=r"model.keras is corrupt: its sha256 differs from the one .*run.json recorded"):
        load_keras_model(path)
    (tmp_path / "run.json").unlink()
    with pytest.raises(ValueError, match=r"model.keras: not a readable Keras model file"):
        load_keras_model(path)
    with pytest.raises(FileNotFoundError, match="nothing.keras: no such model file"):
        load_keras_model(tmp_path / "nothing.keras")
