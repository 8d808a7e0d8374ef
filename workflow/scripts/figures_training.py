"""Training curves of one model."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import training_figure_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

training_figure_stage(sm.wildcards.dataset, sm.wildcards.model, sm.input.history, sm.output.png, sm.params.note)
