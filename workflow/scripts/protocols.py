"""A group's protocol comparison table and figure."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.protocols_stage(sm.wildcards.group, list(sm.input), dict(sm.params.protocols), list(sm.params.baselines),
                       sm.output.table, Path(sm.output.png).with_suffix(""), sm.params.note)
