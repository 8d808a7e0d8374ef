"""Models against the best baseline of one dataset."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.baseline_comparison_stage(list(sm.params.models), list(sm.input), list(sm.params.baselines),
                                 dict(sm.params.evaluation), sm.output[0])
