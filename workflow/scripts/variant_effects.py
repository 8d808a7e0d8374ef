"""One model's effects on a variant set; for a Keras model (rule variant_effects_ism), ISM around
its variants of largest |effect| too."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import sequence_variant_effects_stage, variant_effects_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])
ism_stem = Path(sm.output.png).with_suffix("") if "png" in sm.output.keys() else None

if "variants" in sm.input.keys():  # a table or insilico set: the dataset's own sequences
    sequence_variant_effects_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.input.variants,
                                   sm.params.source, dict(sm.params.settings), sm.output.table, sm.output.counts,
                                   threads=sm.threads, ism_stem=ism_stem)
else:
    variant_effects_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.input.fasta, sm.input.vcf,
                          sm.params.source, dict(sm.params.settings), sm.output.table, sm.output.counts,
                          windows=sm.input.get("windows"), threads=sm.threads, ism_stem=ism_stem,
                          simulated=bool(sm.params.simulated))
