"""Train/val/test split."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import split_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

split_stage(sm.input[0], dict(sm.params.spec), sm.params.kind, sm.output.table, sm.output.report,
                   dict(sm.params.negatives), dataset=sm.wildcards.dataset)
