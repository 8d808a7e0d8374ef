"""Windows and their binned coverage per track (profile task)."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import coverage_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0], sm.params.copies)

tracks = {t: sm.input[f"track_{t}"] for t in sm.params.tracks}
coverage_stage(sm.input.fasta, sm.input.get("regions"), tracks, sm.params.window, sm.params.bins,
                      sm.output.table, sm.output.coverage)
