"""Datasets x models summary."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import summary_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

summary_stage(sm.input.metrics, sm.output[0], dict(sm.params.kinds), sm.input.records)
