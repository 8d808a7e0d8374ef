"""The k-mer embedding matrix of one dataset."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import embedding_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

embedding_stage(sm.params.embedding, dict(sm.params.dna2vec), sm.input[0] if sm.input else None,
                       sm.output[0])
