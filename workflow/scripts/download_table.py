"""Fetch an interaction table or a labelled sequence file."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.fetch_source(sm.params.source, sm.output[0], f"dataset {sm.wildcards.dataset}, {sm.wildcards.part}")
