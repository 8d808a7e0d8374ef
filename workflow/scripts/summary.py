"""Datasets x models summary."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.summary_stage(sm.input, sm.output[0])
