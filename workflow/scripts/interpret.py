"""Interpret one trained model: attributions, ISM, filters, TF-MoDISco, JASPAR matches."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.interpret import interpret_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

interpret_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.params.out_dir,
                       dict(sm.params.settings), sm.wildcards.dataset, sm.threads, dict(sm.params.planted),
                       tuple(sm.params.expected), sm.params.note)
