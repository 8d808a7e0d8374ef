"""Train dna2vec k-mer vectors on one genome."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import dna2vec_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

dna2vec_stage(sm.input.fasta, dict(sm.params.dna2vec), sm.threads, sm.output.vectors, sm.output.matrix,
                     sm.output.report)
