"""Train one model on one dataset."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.train_stage(sm.wildcards.model, sm.input.encoded, sm.params.kind, tuple(sm.params.lengths),
                   dict(sm.params.settings), sm.output.model, sm.output.history, sm.threads,
                   embedding=sm.input.get("embedding"), checkpoint=sm.params.get("checkpoint"),
                   record_out=sm.output.record, dataset=sm.wildcards.dataset, dataset_config=dict(sm.params.ds))
