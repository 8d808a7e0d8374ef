"""Per-dataset figures."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging

from dnazoo.pipeline.evaluate import figures_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

task = sm.params.task
figures_stage(sm.wildcards.dataset, sm.params.models, sm.input.metrics, sm.input.predictions,
                     Path(sm.output[0]).parent, sm.params.note,
                     per_target_files=None if task == "binary" else sm.input.predictions, task=task,
                     example_files=sm.input.get("examples"), unit=sm.params.unit)
