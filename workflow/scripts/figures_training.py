"""Training curves of one model."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.training_figure_stage(sm.wildcards.dataset, sm.wildcards.model, sm.input.history, sm.output.png, sm.params.note)
