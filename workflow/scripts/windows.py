"""Anchor windows checked against the genome."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import windows_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0], sm.params.copies)

windows_stage(sm.input.pairs, sm.input.fai, tuple(sm.params.lengths), sm.params.strict,
                     sm.output.windows, sm.output.report, source=sm.params.table,
                     max_dropped_fraction=sm.params.max_dropped)
