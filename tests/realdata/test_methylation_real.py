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
    from dnazoo.models import baselines
    from dnazoo.tasks import from_spec

    train, test = load_split(tmp_path / "data", "train"), load_split(tmp_path / "data", "test")
    task = from_spec(spec)
    per = {}
    for name in ("cell_mean", "neighbour_mean", "bulk_level"):
        fitted = baselines.fit(name, train, neighbour_window=3000)
        per[name] = task.metrics(test["labels"], baselines.predict(fitted, test))[1].set_index("target")
    assert (per["cell_mean"]["auroc"] == 0.5).all()  # one score per cell
    # neighbouring CpGs of the same cell and the bulk level both predict a cell's state
    for cell in spec["cells"]:
        assert per["neighbour_mean"].loc[cell, "auroc"] > 0.75
        assert per["bulk_level"].loc[cell, "auroc"] > 0.7
