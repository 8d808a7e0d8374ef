"""A DeepCpG DNA model's first-layer filters as motifs matched to JASPAR."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.methylation_filters_stage(sm.input.model, Path(sm.input.spec).parent, sm.output.tsv, sm.output.meme,
                                 sm.threads, sm.params.planted)
