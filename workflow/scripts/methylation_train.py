"""Train one DeepCpG model (DNA, CpG, or Joint on its trained parts)."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.methylation_train_stage(sm.wildcards.model, Path(sm.input.spec).parent, dict(sm.params.settings),
                               sm.output.model, sm.output.history, sm.output.record, sm.threads,
                               sm.wildcards.dataset, dict(sm.params.ds), sm.input.get("dna"), sm.input.get("cpg"))
