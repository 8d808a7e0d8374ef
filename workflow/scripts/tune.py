"""A finished hyperparameter search: trials.tsv, best_params.json, figures."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.train import tune_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

tune_stage(sm.wildcards.model, dict(sm.params.tuning), sm.params.study_dir, Path(sm.output.trials).parent)
