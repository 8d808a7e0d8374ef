"""Every model across the datasets: results/leaderboard/."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import leaderboard_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

from pathlib import Path

leaderboard_stage(sm.input.per_dataset, dict(sm.params.records), Path(sm.output.table).parent, sm.params.title,
                  inference=dict(sm.params.inference))
