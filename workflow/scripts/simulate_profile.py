"""Write the profile demo: genome, tiled windows, bigWig tracks."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import simulate_profile_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

simulate_profile_stage(dict(sm.params.simulate), sm.params.window, sm.output.fasta, sm.output.regions,
                              dict(zip(sm.params.tracks, sm.output.tracks)))
