"""dnazoo vs the original's within-dataset AUROC."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.transfer import compare_original_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

compare_original_stage(sm.input.summary, sm.input.original, sm.params.note, sm.output.table,
                              sm.output.figures[0].removesuffix(".png"))
