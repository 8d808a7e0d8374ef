"""Interaction table -> canonical pair table."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0], sm.params.copies)

stages.read_pairs_stage(sm.input[0], sm.params.fmt, sm.output[0])
