"""Per-dataset figures."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

task = sm.params.task
stages.figures_stage(sm.wildcards.dataset, sm.params.models, sm.input.metrics, sm.input.predictions,
                     Path(sm.output[0]).parent, sm.params.note,
                     per_target_files=None if task == "binary" else sm.input.predictions, task=task,
                     example_files=sm.input.get("examples"), unit=sm.params.unit)
