"""Simulate the methylation default: genome, cells' and bulk profiles."""
from pathlib import Path

from dnazoo.pipeline.common import setup_logging

from dnazoo.pipeline.methylation import methylation_simulate_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

cells = {f"cell{j + 1}": str(Path(sm.output.cells) / f"cell{j + 1}.tsv.gz") for j in range(sm.params.simulate.n_cells)}
Path(sm.output.cells).mkdir(parents=True, exist_ok=True)
methylation_simulate_stage(sm.params.simulate, sm.output.fasta, cells, sm.output.bulk, sm.output.truth)
