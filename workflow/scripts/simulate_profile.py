"""Write the profile demo: genome, tiled windows, bigWig tracks."""
from dnazoo import pipeline as stages

sm = snakemake  # noqa: F821  (injected by Snakemake)
stages.setup_logging(sm.log[0])

stages.simulate_profile_stage(dict(sm.params.simulate), sm.params.window, sm.output.fasta, sm.output.regions,
                              dict(zip(sm.params.tracks, sm.output.tracks)))
