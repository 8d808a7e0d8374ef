"""Simulate the methylation default: genome, cells' and bulk profiles."""
from pathlib import Path

from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

cells = {f"cell{j + 1}": str(Path(sm.output.cells) / f"cell{j + 1}.tsv.gz") for j in range(sm.params.simulate.n_cells)}
Path(sm.output.cells).mkdir(parents=True, exist_ok=True)
stages.methylation_simulate_stage(sm.params.simulate, sm.output.fasta, cells, sm.output.bulk, sm.output.truth)
