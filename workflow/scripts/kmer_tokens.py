"""6-mer token ids per split and anchor."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.kmer_stage(sm.input[0], sm.params.kind, sm.output[0])
