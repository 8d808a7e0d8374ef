"""Every interpreted model in one table: results/interpret.tsv."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.interpret import interpret_table_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

interpret_table_stage(list(sm.params.runs), sm.output[0])
