"""The DeepCpG methylation stages (rule group methylation): simulate the profiles, build the dataset (the core
rules train, evaluate and interpret its models)."""

from __future__ import annotations

import logging

log = logging.getLogger("dnazoo")


def methylation_simulate_stage(params, fasta_out, cell_outs: dict, bulk_out, truth_out) -> None:
    """The simulated methylation default (:func:`dnazoo.data.simulate.simulate_methylation`): the genome
    (FASTA, indexed), one profile per cell, a bulk profile and the truth per CpG (island, motif, p)."""
    from dnazoo.data.genome import index_fasta
    from dnazoo.io import write_table
    from dnazoo.data.simulate import simulate_methylation, write_fasta, write_profile

    genome, cells, bulk, truth = simulate_methylation(params)
    write_fasta(genome, fasta_out)
    index_fasta(fasta_out)
    for cell, dest in cell_outs.items():
        write_profile(cells[cell], dest)
    write_profile(bulk, bulk_out)
    write_table(truth, truth_out)
    log.info("simulated %d CpGs on %d chromosomes; %s", len(truth), len(genome),
             {c: len(v) for c, v in cells.items()})


def methylation_dataset_stage(ds: dict, cells: dict, bulk: dict, fasta, out_dir, sites_out) -> dict:
    """Build the encoded dataset ``results/<name>/encoded`` (:func:`dnazoo.data.methylation.build`)
    from the config block ``methylation.<name>`` (``ds``) and the local profile copies."""
    from dnazoo.data.methylation import build

    return build(cells, out_dir, ds["split"], bulk or None, fasta, int(ds["dna_window"]), int(ds["cpg_wlen"]),
                 int(ds["max_dist"]), int(ds.get("training", {}).get("seed", 0)), sites_out)
