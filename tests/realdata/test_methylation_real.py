"""methylation: the tests on the real data in ../shared/data (skipped without it)."""

from conftest import needs_shared
from dnazoo.data import methylation as M
from dnazoo.data.dataset import load_split


def test_real_deepcpg_profiles_read_and_split_by_chromosome(tmp_path):
    d = needs_shared("deepcpg", "cpg_profiles")
    spec = M.build({"BS27_4_SER": d / "BS27_4_SER.bed.gz", "BS28_2_SER": d / "BS28_2_SER.bed.gz"}, tmp_path / "data",
                   {"train": ["chr18"], "test": ["19"], "val_fraction": 0.1}, bulk={"BS9N_SER": d / "BS9N_SER.bed.gz"})
    # README of ../shared/data/deepcpg: 5,000 CpGs per cell and chromosome
    assert spec["counts"]["test"]["observed"] == 10_000
    assert spec["counts"]["train"]["observed"] + spec["counts"]["val"]["observed"] == 10_000
    assert spec["dna_window"] is None
    from dnazoo.training.methylation import baseline_tables, per_cell_metrics

    tables = baseline_tables(spec, load_split(tmp_path / "data", "train"), load_split(tmp_path / "data", "test"),
                             3000)
    table = per_cell_metrics(tables, spec["cells"], replicates=50).set_index(["model", "cell"])
    assert table.loc[("cell_mean", "BS27_4_SER"), "auroc"] == 0.5
    # neighbouring CpGs of the same cell and the bulk level both predict a cell's state
    for cell in spec["cells"]:
        assert table.loc[("neighbour_mean", cell), "auroc"] > 0.75
        assert table.loc[("bulk_BS9N_SER", cell), "auroc"] > 0.7
