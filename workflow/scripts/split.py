"""Train/val/test split."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.split_stage(sm.input[0], dict(sm.params.spec), sm.params.kind, sm.output.table, sm.output.report,
                   dict(sm.params.negatives), dataset=sm.wildcards.dataset)
