"""One per-target table of every model of a dataset."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import per_target_table_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

per_target_table_stage(list(sm.input), sm.output[0])
