"""Write the demo genome's benchmark variants (VCF) and their truth table."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import simulate_variants_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

simulate_variants_stage(dict(sm.params.simulate), int(sm.params.window), int(sm.params.seed), sm.output.vcf,
                        sm.output.truth)
