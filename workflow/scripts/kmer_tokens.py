"""6-mer token ids per split and anchor."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import kmer_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

kmer_stage(sm.input[0], sm.params.kind, sm.output[0])
