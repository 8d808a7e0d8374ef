"""Per-cell test metrics of every DeepCpG model and baseline, and the per-cell AUROC figure."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

ds = dict(sm.params.ds)
stages.methylation_evaluate_stage(Path(sm.input.spec).parent, dict(zip(sm.params.names, sm.input.models)),
                                  sm.threads, ds, sm.output.per_cell, sm.output.summary, sm.output.predictions,
                                  str(Path(sm.output.figures[0]).with_suffix("")),
                                  ds.get("description", sm.wildcards.dataset), sm.params.bootstrap)
