"""Trials of one (dataset, model) hyperparameter search."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.train import tune_worker_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

tune_worker_stage(sm.wildcards.model, sm.input.encoded, sm.params.kind, tuple(sm.params.lengths),
                  dict(sm.params.settings), dict(sm.params.tuning), sm.params.study_dir, sm.output[0], sm.threads,
                  embedding=sm.input.get("embedding"), worker=int(sm.wildcards.worker))
