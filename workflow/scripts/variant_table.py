"""A variant set across datasets and models."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import variant_table_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

variant_table_stage(list(sm.params.runs), Path(sm.output.effects).parent,
                    truth=sm.input.truth[0] if sm.input.truth else None, seed=int(sm.params.seed))
