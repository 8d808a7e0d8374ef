"""Models against the best baseline of one dataset."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import baseline_comparison_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

baseline_comparison_stage(list(sm.params.models), list(sm.input), list(sm.params.baselines),
                                 dict(sm.params.evaluation), sm.output[0])
