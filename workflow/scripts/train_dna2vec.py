"""Train dna2vec k-mer vectors on one genome."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.dna2vec_stage(sm.input.fasta, dict(sm.params.dna2vec), sm.threads, sm.output.w2v, sm.output.matrix,
                     sm.output.report)
