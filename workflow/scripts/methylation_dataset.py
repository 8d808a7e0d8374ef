"""Build a methylation dataset (targets, CpG neighbourhoods, DNA windows, chromosome split)."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0], sm.params.copies)

stages.methylation_dataset_stage(dict(sm.params.ds), dict(sm.params.cells), dict(sm.params.bulk),
                                 sm.input.get("fasta"), Path(sm.output.spec).parent, sm.output.sites)
