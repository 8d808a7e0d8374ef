"""The transfer matrix table and figures."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.transfer import transfer_matrix_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

transfer_matrix_stage(list(sm.input), sm.output.table, sm.params.out_dir, sm.params.note)
