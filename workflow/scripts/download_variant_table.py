"""Fetch a table set's substitutions (id, pos, ref, alt)."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import fetch_source

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

fetch_source(sm.params.source, sm.output[0], f"variants.{sm.wildcards.vset}.table")
