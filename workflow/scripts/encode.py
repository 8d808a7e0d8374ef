"""Base codes per split and anchor."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0], sm.params.copies)

stages.encode_stage(sm.params.kind, sm.input.table, sm.input.split, tuple(sm.params.lengths),
                    sm.input.get("fasta"), sm.output[0], task=sm.params.task,
                    coverage=sm.input.get("coverage"))
