"""Per-cell test metrics of every DeepCpG model and baseline, and the per-cell AUROC figure."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.methylation import methylation_evaluate_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

ds = dict(sm.params.ds)
methylation_evaluate_stage(Path(sm.input.spec).parent, dict(zip(sm.params.names, sm.input.models)),
                           sm.threads, ds, sm.output.per_cell, sm.output.summary, sm.output.predictions,
                           str(Path(sm.output.figures[0]).with_suffix("")),
                           ds.get("description", sm.wildcards.dataset), sm.params.bootstrap,
                           rows_out=sm.output.rows, dataset=sm.wildcards.dataset)
