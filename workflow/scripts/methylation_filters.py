"""A DeepCpG DNA model's first-layer filters as motifs matched to JASPAR."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging

from dnazoo.pipeline.methylation import methylation_filters_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

methylation_filters_stage(sm.input.model, Path(sm.input.spec).parent, sm.output.tsv, sm.output.meme,
                                 sm.threads, sm.params.planted)
