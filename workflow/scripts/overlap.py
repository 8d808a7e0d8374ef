"""Held-out rows seen in training, every dataset in one table: results/overlap.tsv."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import overlap_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

overlap_stage(list(sm.input), sm.output[0])
