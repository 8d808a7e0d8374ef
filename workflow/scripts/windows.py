"""Anchor windows checked against the genome."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0], sm.params.copies)

stages.windows_stage(sm.input.pairs, sm.input.fai, tuple(sm.params.lengths), sm.params.strict,
                     sm.output.windows, sm.output.report, source=sm.params.table,
                     max_dropped_fraction=sm.params.max_dropped)
