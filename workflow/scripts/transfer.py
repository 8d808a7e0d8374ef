"""Transfer-matrix rows of one trained model."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.transfer import transfer_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

transfer_stage(sm.wildcards.model, sm.input.model, sm.wildcards.dataset, dict(sm.params.test_dirs),
                      sm.output[0], sm.threads)
