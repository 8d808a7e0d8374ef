"""One model's effects on a variant set."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import variant_effects_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

variant_effects_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.input.fasta, sm.input.vcf,
                      sm.params.source, dict(sm.params.settings), sm.output.table, sm.output.counts,
                      windows=sm.input.get("windows"), threads=sm.threads)
