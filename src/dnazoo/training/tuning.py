"""Hyperparameter search with Optuna (Akiba et al., KDD 2019, https://optuna.org): the same budget
of trials for every model, a seeded TPE sampler, a median pruner on the validation metric, and the
test split never seen.

Each registry entry's search space is built around its original's defaults
(:func:`search_space`): the learning rate (a tenth to ten times the default, log scale), the
batch size (half, the default, double), weight decay (0 or 1e-6 to 1e-3), the dropout where the
model has one (0 to 0.7) and a width multiplier (0.5, 1, 2 × the filters) where it has a
``filters`` or ``motifs`` parameter. A config's ``tuning.space`` replaces the range of a parameter.
The defaults themselves are the first trial, so a search never ends below the untuned model on
the validation split.

Storage is a real database, one study per (dataset, model): SQLite (``sqlite:///…``) for one
worker; with several workers sharing a study (``tuning.parallel``), Optuna's journal file
(``JournalFileBackend``), whose appends are safe between processes on a shared file system where
SQLite's locks are not (NFS). An RDB URL (``postgresql://…``) may be given instead.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from pathlib import Path

log = logging.getLogger(__name__)

#: Weight-decay values tried (0: the original's optimizer, unchanged).
WEIGHT_DECAY = [0.0, 1e-6, 1e-5, 1e-4, 1e-3]
#: Width multipliers tried on a model's ``filters`` / ``motifs``.
WIDTH = [0.5, 1.0, 2.0]
#: The model parameter a width multiplier scales, in order of preference.
WIDTH_PARAMS = ("filters", "motifs")


def _model_params(model: str, model_params: dict | None) -> dict:
    """The registry entry's hyperparameters with the settings' ``model_params`` over them."""
    from dnazoo import models

    return {**models.get(model).params, **(model_params or {})}


def search_space(model: str, settings: dict, override: dict | None = None) -> dict[str, dict]:
    """The search space of registry model ``model`` around ``settings`` (its merged training
    settings).

    Returns:
        ``{name: {"type": "float", "low", "high", "log"} | {"type": "categorical", "choices"}}``
        over ``learning_rate``, ``batch_size``, ``weight_decay`` and, where the model has them,
        ``dropout`` and ``width``; ``override`` entries (the config's ``tuning.space``) replace
        whole entries, and ``null`` drops one.

    Raises:
        ValueError: an override for a parameter the model cannot take, or a malformed range.
    """
    params = _model_params(model, settings.get("model_params"))
    lr = float(settings["learning_rate"])
    bs = int(settings["batch_size"])
    space = {"learning_rate": {"type": "float", "low": lr / 10, "high": lr * 10, "log": True},
             "batch_size": {"type": "categorical", "choices": sorted({max(8, bs // 2), bs, bs * 2})},
             "weight_decay": {"type": "categorical", "choices": list(WEIGHT_DECAY)}}
    if "dropout" in params:
        space["dropout"] = {"type": "float", "low": 0.0, "high": 0.7, "log": False}
    if any(p in params for p in WIDTH_PARAMS):
        space["width"] = {"type": "categorical", "choices": list(WIDTH)}
    for name, entry in (override or {}).items():
        if name not in ("learning_rate", "batch_size", "weight_decay", "dropout", "width"):
            raise ValueError(f"tuning.space.{name}: not a tunable setting (learning_rate, batch_size, "
                             "weight_decay, dropout, width)")
        if name in ("dropout", "width") and name not in space:
            raise ValueError(f"tuning.space.{name}: model {model!r} has no {name} to tune")
        if entry is None:
            space.pop(name, None)
            continue
        if "choices" in entry:
            space[name] = {"type": "categorical", "choices": list(entry["choices"])}
        elif "low" in entry and "high" in entry and float(entry["low"]) < float(entry["high"]):
            space[name] = {"type": "float", "low": float(entry["low"]), "high": float(entry["high"]),
                           "log": bool(entry.get("log", False))}
        else:
            raise ValueError(f"tuning.space.{name}: give choices, or low < high (and optionally log)")
    return space


def default_params(space: dict, settings: dict, model: str) -> dict:
    """The untuned point of ``space``: the settings' own values (enqueued as the first trial)."""

    params = _model_params(model, settings.get("model_params"))
    point = {"learning_rate": float(settings["learning_rate"]), "batch_size": int(settings["batch_size"]),
             "weight_decay": float(settings.get("weight_decay") or 0.0), "width": 1.0,
             "dropout": float(params.get("dropout") or 0.0)}
    out = {}
    for name, entry in space.items():
        v = point[name]
        if entry["type"] == "categorical" and v not in entry["choices"]:
            continue  # a config's choices without the default: the sampler starts elsewhere
        if entry["type"] == "float" and not entry["low"] <= v <= entry["high"]:
            continue
        out[name] = v
    return out


def apply_params(settings: dict, params: dict, model: str) -> dict:
    """Training settings with a trial's ``params`` applied (``dropout`` and ``width`` go into
    ``model_params``; a weight decay of 0 leaves the optimizer as it was)."""

    out = {**settings}
    model_params = dict(out.get("model_params") or {})
    if "learning_rate" in params:
        out["learning_rate"] = float(params["learning_rate"])
    if "batch_size" in params:
        out["batch_size"] = int(params["batch_size"])
    if params.get("weight_decay"):
        out["weight_decay"] = float(params["weight_decay"])
    if "dropout" in params:
        model_params["dropout"] = float(params["dropout"])
    if params.get("width", 1.0) != 1.0:
        base = _model_params(model, model_params)
        key = next(p for p in WIDTH_PARAMS if p in base)
        model_params[key] = max(1, int(round(int(base[key]) * float(params["width"]))))
    if model_params:
        out["model_params"] = model_params
    return out


def storage_url(kind: str, folder: str | os.PathLike) -> str:
    """``sqlite`` → ``sqlite:///<folder>/study.db``; ``journal`` → ``<folder>/study.journal`` (a
    journal file path); anything else is taken as an RDB URL."""
    folder = Path(folder).resolve()
    if kind == "sqlite":
        return f"sqlite:///{folder / 'study.db'}"
    if kind == "journal":
        return str(folder / "study.journal")
    return kind


def _backend(storage: str):
    """An RDB URL as it is; a journal file path as Optuna's journal storage."""
    if "://" in storage:
        return storage
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    return JournalStorage(JournalFileBackend(storage))


def open_study(storage: str, name: str, direction: str, seed: int):
    """Create or load the study ``name`` (TPE seeded with ``seed``, median pruner after 3 trials
    and 2 epochs)."""
    import optuna

    return optuna.create_study(study_name=name, storage=_backend(storage), load_if_exists=True, direction=direction,
                               sampler=optuna.samplers.TPESampler(seed=seed),
                               pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2))


def _suggest(trial, space: dict) -> dict:
    out = {}
    for name, e in space.items():
        if e["type"] == "categorical":
            out[name] = trial.suggest_categorical(name, e["choices"])
        else:
            out[name] = trial.suggest_float(name, e["low"], e["high"], log=e["log"])
    return out


def pruning_callback(trial, monitor: str):
    """A Keras callback that reports the validation ``monitor`` to ``trial`` after each epoch and
    stops training when the median pruner says so (``.pruned`` then True)."""
    import keras

    class _Prune(keras.callbacks.Callback):
        pruned = False

        def on_epoch_end(self, epoch, logs=None):
            value = (logs or {}).get(monitor)
            if value is None or not math.isfinite(float(value)):
                return
            trial.report(float(value), epoch)
            if trial.should_prune():
                self.pruned = True
                self.model.stop_training = True

    return _Prune()


def ensure_untuned(study, untuned: dict) -> bool:
    """Enqueue the untuned point unless a trial of ``study`` holds it that is waiting, running or
    finished; a failed one (its job was killed) does not count, so a rerun tries the untuned point
    again and the study's best can never be below it. Every worker calls this before asking for a
    trial, so trial 0 of a new study is the untuned one whichever worker starts first (two workers
    starting at the same instant may both enqueue it; Optuna's ``skip_if_exists`` caveat).

    Returns:
        True when it enqueued the untuned point.
    """
    from optuna.trial import TrialState

    # an enqueued trial keeps its parameters in fixed_params as given (a JSON round trip keeps floats exact)
    held = [t for t in study.get_trials(deepcopy=False) if t.system_attrs.get("fixed_params") == untuned]
    if any(t.state != TrialState.FAIL for t in held):
        return False
    study.enqueue_trial(untuned, skip_if_exists=not held)
    return True


def run_trials(model: str, folder: str | os.PathLike, kind: str | None, windows: tuple[int, ...], settings: dict,
               space: dict, storage: str, study_name: str, trials: int, seed: int = 0, embedding=None,
               scratch: str | os.PathLike | None = None, single_worker: bool = True,
               share: int | None = None) -> dict:
    """Run trials of study ``study_name`` until it holds ``trials`` finished (complete or pruned)
    ones, with any other worker on the same storage, this call running at most ``share`` of them
    (``ceil(trials / parallel)`` for one of ``parallel`` workers, so that each worker takes its part
    even when one starts after another has finished); the first trial of a new study is the
    untuned point (every worker enqueues it; Optuna keeps one). With ``single_worker``, a trial left
    running by a killed job is marked failed and not counted, so a rerun resumes the study. Each
    trial records the host and process that ran it (``worker``).

    Each trial trains with :func:`dnazoo.training.train_keras` on the train split, early-stopped
    on the validation split; its value is the best validation metric (the task's monitor).

    Returns:
        ``{"study": name, "finished": n, "best_value", "best_params"}``.
    """
    import optuna
    from optuna.study import MaxTrialsCallback
    from optuna.trial import TrialState

    from dnazoo.data.dataset import read_spec
    from dnazoo.tasks import from_spec
    from dnazoo.training import train_keras

    monitor = settings.get("monitor") or from_spec(read_spec(folder)).monitor
    direction = "minimize" if monitor.endswith("loss") else "maximize"
    study = open_study(storage, study_name, direction, seed)
    if single_worker:
        for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            study.tell(t.number, state=TrialState.FAIL)
            log.warning("%s: trial %d was left running by a stopped job: marked failed", study_name, t.number)
    ensure_untuned(study, default_params(space, settings, model))
    scratch = Path(scratch or Path(folder) / "tuning_scratch")
    scratch.mkdir(parents=True, exist_ok=True)

    def objective(trial):
        params = _suggest(trial, space)
        prune = pruning_callback(trial, monitor)
        stem = scratch / f"{os.getpid()}_{trial.number}"
        try:
            result = train_keras(model, folder, kind, windows, apply_params(settings, params, model),
                                 f"{stem}.keras", f"{stem}.tsv", embedding, callbacks=[prune])
        finally:
            for ext in (".keras", ".tsv"):
                Path(f"{stem}{ext}").unlink(missing_ok=True)
        trial.set_user_attr("worker", f"{socket.gethostname()}:{os.getpid()}")
        trial.set_user_attr("epochs", result["epochs"])
        trial.set_user_attr("train_s", result["train_s"])
        if prune.pruned:
            raise optuna.TrialPruned()
        return result[f"best_{monitor}"]

    done = (TrialState.COMPLETE, TrialState.PRUNED)
    left = trials - len(study.get_trials(deepcopy=False, states=done))
    if share is not None:
        left = min(left, int(share))
    if left > 0:
        study.optimize(objective, n_trials=left, callbacks=[MaxTrialsCallback(trials, states=done)])
    finished = study.get_trials(deepcopy=False, states=done)
    return {"study": study_name, "finished": len(finished), "best_value": study.best_value,
            "best_params": study.best_params}


def study_report(storage: str, study_name: str, out_dir: str | os.PathLike) -> tuple[dict, object]:
    """Write a study's ``trials.tsv`` (one row per trial: number, state, value, params, epochs,
    seconds, worker) and ``best_params.json``; the figures are
    :func:`dnazoo.plots.tuning.plot_study`'s.

    Returns:
        ``(best, study)``: ``best`` is the ``best_params.json`` content ``{"value", "params",
        "trials", "complete", "pruned", "tuning_s", "failed", "failed_s", "untuned_value",
        "direction"}`` (``trials``: the finished ones, complete or pruned; ``tuning_s``: their wall
        seconds summed, the search's budget on the machines that ran it, trials of parallel workers
        overlapping in time; ``failed``, ``failed_s``: trials whose job was killed, and their
        seconds up to the rerun that marked them; ``untuned_value``: the finished trial of the
        untuned point); ``study`` the loaded Optuna study.
    """
    import optuna

    from dnazoo.io import write_table
    from dnazoo.training import write_json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    study = optuna.load_study(study_name=study_name, storage=_backend(storage))
    table = study.trials_dataframe(attrs=("number", "state", "value", "params", "user_attrs"))
    write_table(table, out / "trials.tsv")
    finished = [t for t in study.trials if t.state.name in ("COMPLETE", "PRUNED")]
    failed = [t for t in study.trials if t.state.name == "FAIL"]
    # the untuned point: the enqueued trial that finished (trial 0, or its retry after a killed job)
    untuned = next((t.value for t in finished if "fixed_params" in t.system_attrs), None)
    states = [t.state.name for t in study.trials]
    best = {"value": study.best_value, "params": study.best_params, "trials": len(finished),
            "complete": states.count("COMPLETE"), "pruned": states.count("PRUNED"),
            "tuning_s": round(sum(t.duration.total_seconds() for t in finished if t.duration), 1),
            "failed": len(failed),
            "failed_s": round(sum(t.duration.total_seconds() for t in failed if t.duration), 1),
            "untuned_value": untuned, "direction": study.direction.name.lower()}
    write_json(best, out / "best_params.json")
    return best, study
