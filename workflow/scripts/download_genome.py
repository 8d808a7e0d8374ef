"""Fetch and index a reference genome."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import fetch_genome

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

fetch_genome(sm.params.source, sm.output.fasta, f"genome {sm.wildcards.genome}")
