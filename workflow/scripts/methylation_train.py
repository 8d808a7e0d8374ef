"""Train one DeepCpG model (DNA, CpG, or Joint on its trained parts)."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.methylation import methylation_train_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

methylation_train_stage(sm.wildcards.model, Path(sm.input.spec).parent, dict(sm.params.settings),
                        sm.output.model, sm.output.history, sm.output.record, sm.threads,
                        sm.wildcards.dataset, dict(sm.params.ds), sm.input.get("dna"), sm.input.get("cpg"),
                        checkpoint=sm.params.get("checkpoint"))
