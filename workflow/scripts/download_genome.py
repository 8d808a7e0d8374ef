"""Fetch and index a reference genome."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.fetch_genome(sm.params.source, sm.output.fasta, f"genome {sm.wildcards.genome}")
