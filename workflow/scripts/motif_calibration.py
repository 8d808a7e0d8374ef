"""The null test of the JASPAR matching: results/motif_calibration.tsv."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.interpret import motif_calibration_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

motif_calibration_stage(sm.output[0], **sm.params.settings)
