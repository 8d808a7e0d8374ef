"""Fetch the original's published results table."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.fetch_source(dict(sm.params.source), sm.output[0])
