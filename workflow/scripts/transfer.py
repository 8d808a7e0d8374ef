"""Transfer-matrix rows of one trained model."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.transfer_stage(sm.wildcards.model, sm.input.model, sm.wildcards.dataset, dict(sm.params.test_dirs),
                      sm.output[0], sm.threads)
