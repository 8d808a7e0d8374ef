"""An ensemble of trained models, evaluated like a model."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.evaluate import ensemble_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

members = list(sm.params.members)
ensemble_stage(sm.wildcards.model, {m: sm.input[f"predictions_{m}"] for m in members}, sm.input.encoded,
               sm.params.average, sm.output.metrics, sm.output.predictions, sm.output.per_target, sm.output.record,
               dataset=sm.wildcards.dataset, evaluation=dict(sm.params.evaluation),
               member_records={m: sm.input[f"record_{m}"] for m in members})
