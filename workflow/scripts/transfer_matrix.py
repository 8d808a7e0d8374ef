"""The transfer matrix table and figures."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.transfer_matrix_stage(list(sm.input), sm.output.table, sm.params.out_dir, sm.params.note)
