"""The run across its datasets: results/suite/."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import suite_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

suite_stage(sm.input.summary, dict(zip(sm.params.compared, sm.input.comparisons)), dict(sm.params.published),
            sm.output.per_dataset, sm.output.per_model)
