"""A group's protocol comparison table and figure."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging

from dnazoo.pipeline.evaluate import protocols_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

protocols_stage(sm.wildcards.group, list(sm.input), dict(sm.params.protocols), list(sm.params.baselines),
                       sm.output.table, Path(sm.output.png).with_suffix(""), sm.params.note)
