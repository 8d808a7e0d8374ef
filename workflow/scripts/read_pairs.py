"""Interaction table -> canonical pair table."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import read_pairs_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0], sm.params.copies)

read_pairs_stage(sm.input[0], sm.params.fmt, sm.output[0])
