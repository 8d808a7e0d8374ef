"""ISM around one model's variants of largest |effect|."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.variants import top_variants_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

top_variants_stage(sm.wildcards.model, sm.input.model, sm.input.encoded, sm.input.effects, dict(sm.params.settings),
                   Path(sm.output.png).with_suffix(""), fasta=sm.input.get("fasta"), windows=sm.input.get("windows"),
                   variants_table=sm.input.get("variants"), simulated=bool(sm.params.simulated), threads=sm.threads)
