"""The train stage (rule train): one model on one encoded dataset, with its run record."""

from __future__ import annotations

import logging

import numpy as np

from dnazoo.pipeline.common import configure_backend
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


def train_stage(model: str, encoded_dir, kind: str, lengths: tuple[int, ...], settings: dict,
                model_out, history_out, threads: int = 1, embedding=None, checkpoint=None,
                record_out=None, dataset: str = "", dataset_config: dict | None = None,
                parents: dict | None = None) -> dict:
    """Train one (dataset, model) combination; Keras or scikit-learn by the registry entry.

    ``embedding``: path of the dataset's ``(4097, d)`` k-mer matrix, loaded into the Embedding layers
    of the dna2vec-initialised models. ``checkpoint``: the per-epoch checkpoint a killed run
    resumes from (:func:`dnazoo.training.train_keras`). ``record_out``: ``run.json``, the
    reproducibility record (:func:`dnazoo.record.run_record`) of ``dataset``/``dataset_config``.
    ``parents``: ``{role: model.keras}`` of the trained models a model is built on (DeepCpG Joint:
    ``dna``, ``cpg``; loaded frozen).
    """
    from dnazoo import models
    from dnazoo.record import checksums, run_record
    from dnazoo.training import encoded_digest, train_baseline, train_keras

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
