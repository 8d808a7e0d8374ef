"""Train one model on one dataset."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.train import train_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

train_stage(sm.wildcards.model, sm.input.encoded, sm.params.kind, tuple(sm.params.lengths),
                   dict(sm.params.settings), sm.output.model, sm.output.history, sm.threads,
                   embedding=sm.input.get("embedding"), checkpoint=sm.params.get("checkpoint"),
                   record_out=sm.output.record, dataset=sm.wildcards.dataset, dataset_config=dict(sm.params.ds),
                   parents={k[len("parent_"):]: v for k, v in sm.input.items() if k.startswith("parent_")},
                   best_params=sm.input.get("best_params"))
