"""Write the simulated demo genome and BEDPE."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.simulate_dataset(sm.params.simulate, sm.output.fasta, sm.output.bedpe)
