"""One model's effects on a variant set."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import sequence_variant_effects_stage, variant_effects_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

if "variants" in sm.input.keys():  # a table or insilico set: the dataset's own sequences
    sequence_variant_effects_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.input.variants,
                                   sm.params.source, dict(sm.params.settings), sm.output.table, sm.output.counts,
                                   threads=sm.threads)
else:
    variant_effects_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.input.fasta, sm.input.vcf,
                          sm.params.source, dict(sm.params.settings), sm.output.table, sm.output.counts,
                          windows=sm.input.get("windows"), threads=sm.threads)
