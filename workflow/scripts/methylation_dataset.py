"""Build a methylation dataset (targets, CpG neighbourhoods, DNA windows, chromosome split)."""

from dnazoo.pipeline.common import setup_logging

from dnazoo.pipeline.methylation import methylation_dataset_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0], sm.params.copies)

methylation_dataset_stage(dict(sm.params.ds), dict(sm.params.cells), dict(sm.params.bulk),
                                 sm.input.get("fasta"), sm.output.encoded, sm.output.sites)
