"""Base codes per split and anchor."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import encode_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0], sm.params.copies)

encode_stage(sm.params.kind, sm.input.table, sm.input.split, tuple(sm.params.lengths),
                    sm.input.get("fasta"), sm.output[0], task=sm.params.task,
                    coverage=sm.input.get("coverage"))
