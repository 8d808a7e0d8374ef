"""Write the simulated demo genome and BEDPE."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import simulate_dataset

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

simulate_dataset(sm.params.simulate, sm.output.fasta, sm.output.bedpe)
