"""The k-mer embedding matrix of one dataset."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.embedding_stage(sm.params.embedding, dict(sm.params.dna2vec), sm.input[0] if sm.input else None,
                       sm.output[0])
