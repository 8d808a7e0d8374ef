"""dnazoo vs the original's within-dataset AUROC."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.compare_original_stage(sm.input.summary, sm.input.original, sm.params.note, sm.output.table,
                              sm.output.figures[0].removesuffix(".png"))
