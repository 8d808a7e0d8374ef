"""Fetch the original's published results table."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import fetch_source

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

fetch_source(dict(sm.params.source), sm.output[0])
