"""Test-split metrics and predictions."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import evaluate_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

evaluate_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.params.kind,
                      sm.output.metrics, sm.output.predictions, sm.wildcards.dataset, sm.threads,
                      dict(sm.params.evaluation), sm.output.per_target, dict(sm.params.settings),
                      sm.output.examples, sm.output.diagnostics, sm.output.inference)
