"""The train stage (rule train): one model on one encoded dataset, with its run record."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from dnazoo.pipeline.common import configure_backend
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


def train_stage(model: str, encoded_dir, kind: str, lengths: tuple[int, ...], settings: dict,
                model_out, history_out, threads: int = 1, embedding=None, checkpoint=None,
                record_out=None, dataset: str = "", dataset_config: dict | None = None,
                parents: dict | None = None, best_params=None) -> dict:
    """Train one (dataset, model) combination; Keras or scikit-learn by the registry entry.

    ``embedding``: path of the dataset's ``(4097, d)`` k-mer matrix, loaded into the Embedding layers
    of the dna2vec-initialised models. ``checkpoint``: the per-epoch checkpoint a killed run
    resumes from (:func:`dnazoo.training.train_keras`). ``record_out``: ``run.json``, the
    reproducibility record (:func:`dnazoo.record.run_record`) of ``dataset``/``dataset_config``.
    ``parents``: ``{role: model.keras}`` of the trained models a model is built on (DeepCpG Joint:
    ``dna``, ``cpg``; loaded frozen). ``best_params``: rule ``tune``'s ``best_params.json``, whose
    parameters replace the settings' (:func:`dnazoo.training.tuning.apply_params`); its trials and
    seconds go to ``run.json`` as ``settings.tuning_budget``.
    """
    from dnazoo import models
    from dnazoo.record import checksums, run_record
    from dnazoo.training import encoded_digest, train_baseline, train_keras

    if best_params:
        from dnazoo.training.tuning import apply_params

        best = json.loads(Path(best_params).read_text())
        tuned = best["params"]
        settings = {**apply_params(settings, tuned, model), "tuned_params": tuned,
                    "tuning_budget": {"trials": best.get("trials"), "seconds": best.get("tuning_s")}}
        log.info("%s: trains with the tuned parameters %s (%s)", model, tuned, best_params)
    # the inputs' sha256, read once: for run.json and for the checkpoint's fingerprint
    sums = checksums([encoded_dir] + ([embedding] if embedding else []) + list((parents or {}).values())) \
        if record_out or checkpoint else None
    if models.get(model).framework == "sklearn":
        result = train_baseline(model, encoded_dir, kind, settings, model_out, history_out)
    else:
        configure_backend(threads)
        matrix = np.load(embedding) if embedding else None
        if parents:
            settings = {**settings, "parents": {role: str(path) for role, path in parents.items()}}
        result = train_keras(model, encoded_dir, kind, tuple(lengths), settings, model_out, history_out, matrix,
                             checkpoint=checkpoint,
                             data_digest=None if sums is None else encoded_digest(encoded_dir, sums))
    log.info("%s: %s", model, result)
    if record_out:
        record = run_record(dataset, model, dataset_config or {}, settings, sums, [model_out, history_out])
        write_json({**record, "result": result}, record_out)
    return result


def tune_worker_stage(model: str, encoded_dir, kind: str, lengths: tuple[int, ...], settings: dict, tuning: dict,
                      study_dir, done_out, threads: int = 1, embedding=None, worker: int = 0) -> dict:
    """One worker of rule ``tune``: trials of the (dataset, model) study until it holds
    ``tuning["trials"]`` finished ones, running at most its share ``ceil(trials / parallel)``
    (:func:`dnazoo.training.tuning.run_trials`); writes
    ``done_out`` (JSON: the worker, the study's best so far) when the study is complete.

    Args:
        settings: the model's merged training settings (the search starts from them);
            ``tuning``: :func:`dnazoo.config.tuning_plan`'s settings; ``study_dir``: the folder of
            the study's database (``study.db`` or ``study.journal``).
    """
    import math

    from dnazoo.training.tuning import run_trials, search_space, storage_url

    configure_backend(threads)
    Path(study_dir).mkdir(parents=True, exist_ok=True)
    if tuning.get("max_epochs"):
        settings = {**settings, "max_epochs": int(tuning["max_epochs"])}
    space = search_space(model, settings, tuning.get("space"))
    parallel = int(tuning.get("parallel", 1))
    matrix = np.load(embedding) if embedding else None
    result = run_trials(model, encoded_dir, kind, tuple(lengths), settings, space,
                        storage_url(tuning["storage"], study_dir), model, int(tuning["trials"]),
                        int(tuning.get("seed", 0)), matrix, scratch=Path(study_dir) / f"scratch_{worker}",
                        single_worker=parallel == 1,
                        share=math.ceil(int(tuning["trials"]) / parallel))
    log.info("%s: study %s: %s", model, study_dir, result)
    write_json({"worker": worker, **result}, done_out)
    return result


def tune_stage(model: str, tuning: dict, study_dir, out_dir) -> dict:
    """Rule ``tune``: the finished study's ``trials.tsv``, ``best_params.json`` and figures
    (:func:`dnazoo.training.tuning.study_report`)."""
    from dnazoo.plots.tuning import plot_study
    from dnazoo.training.tuning import storage_url, study_report

    best, study = study_report(storage_url(tuning["storage"], study_dir), model, out_dir)
    plot_study(study, out_dir)
    log.info("%s: best %s (untuned %s) over %d trials: %s", model, best["value"], best["untuned_value"],
             best["trials"], best["params"])
    return best
