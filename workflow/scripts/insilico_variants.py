"""SNVs that break a dataset's JASPAR motif, and SNVs away from it."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import insilico_variants_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

insilico_variants_stage(sm.input.encoded, sm.wildcards.dataset, sm.wildcards.vset, dict(sm.params.settings),
                        sm.output[0])
