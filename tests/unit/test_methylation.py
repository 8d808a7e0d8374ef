"""Methylation datasets (dnazoo.data.methylation, after DeepCpG's dcpg_data.py): profile reading and
its bad-input errors, chromosome harmonisation, the 25 + 25 neighbour features, the chromosome
split, the baselines, and the simulated default; DeepCpG's models trained as its docs say."""

import gzip

import numpy as np
import pandas as pd
import pytest

from dnazoo import tasks
from dnazoo.data import methylation as M
from dnazoo.data.dataset import arrays_of, load_split, read_spec
from dnazoo.models.baselines import cell_mean, neighbour_mean
from dnazoo.data.simulate import MethylationParams, simulate_methylation, write_fasta, write_profile



def _write(path, text):
    with gzip.open(path, "wt") as fh:
        fh.write(text)
    return path


def test_a_profile_reads_as_chromo_pos_value(tmp_path):
    p = _write(tmp_path / "a.tsv.gz", "18\t100\t1.0\n18\t150\t0\n19\t7\t0.5\n")
    df = M.read_profile(p)
    assert df["chromo"].tolist() == ["18", "18", "19"]
    assert df["pos"].tolist() == [100, 150, 7] and df["pos"].dtype == np.int64
    assert df["value"].dtype == np.float32 and df["value"].tolist() == [1.0, 0.0, 0.5]


@pytest.mark.parametrize("body, line, words", [
    ("18\t100\t1\n18\t150\t1.5\n", 2, "not a number in [0, 1]"),
    ("18\t100\t1\n18\t150\t-0.1\n", 2, "not a number in [0, 1]"),
    ("18\t100\t1\n18\t150\tx\n", 2, "not a number in [0, 1]"),
    ("18\t100\t1\n18\t90\t1\n", 2, "unsorted position"),
    ("18\t100\t1\n18\t100\t0\n", 2, "duplicated position"),
    ("18\t100\t1\n19\t5\t1\n18\t200\t1\n", 3, "two blocks"),
    ("18\t0\t1\n", 1, "positive integer"),
    ("18\t12.5\t1\n", 1, "positive integer"),
])
def test_bad_profile_rows_name_the_file_and_line(tmp_path, body, line, words):
    p = _write(tmp_path / "bad.tsv.gz", body)
    with pytest.raises(M.ProfileError) as err:
        M.read_profile(p)
    assert str(p) in str(err.value) and f"line {line}" in str(err.value) and words in str(err.value)


def test_a_row_with_four_fields_is_refused_naming_the_file(tmp_path):
    p = _write(tmp_path / "wide.tsv.gz", "18\t100\t1\n18\t150\t1\textra\n")
    with pytest.raises(M.ProfileError, match="wide.tsv.gz.*3-column"):
        M.read_profile(p)


def test_chromosome_names_harmonise_and_a_profile_matching_none_names_both_sets():
    assert M.harmonise_chromosomes(["18", "19", "MT"], ["chr18", "chr19", "chrM"], "p") == {
        "18": "chr18", "19": "chr19", "MT": "chrM"}
    assert M.harmonise_chromosomes(["chr18"], ["18", "19"], "p") == {"chr18": "18"}
    assert M.harmonise_chromosomes(["18", "X"], ["18"], "p") == {"18": "18"}  # X is left out
    with pytest.raises(ValueError) as err:
        M.harmonise_chromosomes(["18", "19"], ["chr1", "chr2"], "cell.tsv.gz", "the genome g.fa")
    assert "cell.tsv.gz" in str(err.value) and "18, 19" in str(err.value) and "chr1, chr2" in str(err.value)


def test_neighbours_are_the_nearest_observed_cpgs_on_each_side_excluding_the_site():
    obs = np.array([10, 20, 30, 40, 50])
    state = np.array([1, 0, 1, 0, 1], dtype=np.float32)
    s, d = M.neighbour_features(np.array([30, 35]), obs, state, wlen=4, max_dist=100)
    # site 30 is observed: its neighbours are 10, 20 | 40, 50 (itself excluded)
    assert s[0].tolist() == [1, 0, 0, 1]
    assert np.allclose(d[0], [0.2, 0.1, 0.1, 0.2])
    # site 35 is not: 20, 30 | 40, 50
    assert s[1].tolist() == [0, 1, 0, 1]
    assert np.allclose(d[1], [0.15, 0.05, 0.05, 0.15])
    # at the chromosome's start there is no left neighbour: state 0.5, distance 1.0; clipping at max_dist
    s, d = M.neighbour_features(np.array([5]), obs, state, wlen=4, max_dist=20)
    assert s[0].tolist() == [0.5, 0.5, 1, 0] and d[0].tolist() == [1.0, 1.0, 0.25, 0.75]
    with pytest.raises(ValueError, match="even"):
        M.neighbour_features(np.array([5]), obs, state, wlen=3)


def test_targets_are_one_label_per_cell_with_missing_where_a_cell_has_no_read():
    a = pd.DataFrame({"chromo": ["1", "1"], "pos": [10, 30], "value": np.float32([1, 0])})
    b = pd.DataFrame({"chromo": ["1", "2"], "pos": [20, 5], "value": np.float32([0.8, 0.2])})
    sites, labels = M.sites_and_labels({"a": a, "b": b})
    assert list(zip(sites["chromo"], sites["pos"])) == [("1", 10), ("1", 20), ("1", 30), ("2", 5)]
    assert labels.tolist() == [[1, -1], [-1, 1], [0, -1], [-1, 0]]


def test_chromosome_split_follows_the_lists_and_refuses_overlaps():
    sites = pd.DataFrame({"chromo": ["chr1", "chr2", "chr3", "chr4"], "pos": [1, 1, 1, 1]})
    assert M.chromosome_split(sites, {"train": ["1"], "test": ["2"]}).tolist() == ["train", "test", "val", "val"]
    assert M.chromosome_split(sites, {"train": ["1"], "val": ["3"], "test": ["2"]}).tolist() == [
        "train", "test", "val", ""]
    with pytest.raises(ValueError, match="split.train and split.test"):
        M.chromosome_split(sites, {"train": ["1"], "test": ["chr1"]})
    with pytest.raises(ValueError, match="split.test"):
        M.chromosome_split(sites, {"train": ["1"], "test": ["9"]})
    many = pd.DataFrame({"chromo": ["1"] * 100 + ["2"] * 10, "pos": range(110)})
    which = M.chromosome_split(many, {"train": ["1"], "test": ["2"], "val_fraction": 0.2})
    assert (which == "val").sum() == 20 and (which[:100] != "test").all()


def test_baselines_neighbour_mean_within_the_window_cell_mean_and_bulk():
    state = np.array([[[1, 0, 1, 0.5]]], dtype=np.float32)
    dist = np.array([[[0.5, 0.1, 0.1, 1.0]]], dtype=np.float32)  # x 1000 bp
    assert neighbour_mean(state, dist, 200, 1000).tolist() == [[0.5]]  # 0 and 1 within 200 bp
    assert neighbour_mean(state, dist, 50, 1000, fallback=np.array([0.3])).tolist() == [[0.3]]
    assert cell_mean(np.array([[1, -1], [0, -1], [1, 1]])).tolist() == [pytest.approx(2 / 3), 1.0]
    sites = pd.DataFrame({"chromo": ["1", "1"], "pos": [5, 9]})
    bulk = pd.DataFrame({"chromo": ["1"], "pos": [9], "value": [0.25]})
    assert M.bulk_level(sites, bulk, 0.6).tolist() == [0.6, 0.25]


def _simulated(tmp_path, **kw):
    params = MethylationParams(n_chromosomes=3, chrom_length=60_000, n_islands=3, n_motifs=60, **kw)
    genome, cells, bulk, truth = simulate_methylation(params)
    write_fasta(genome, tmp_path / "g.fa")
    paths = {}
    for c, df in cells.items():
        write_profile(df, tmp_path / f"{c}.tsv.gz")
        paths[c] = tmp_path / f"{c}.tsv.gz"
    write_profile(bulk, tmp_path / "bulk.tsv.gz")
    return paths, truth


def test_simulated_methylation_depends_on_the_dna(tmp_path):
    paths, truth = _simulated(tmp_path)
    cells = M.read_profiles(paths, ["chr1", "chr2", "chr3"])
    assert set(cells["cell1"]["chromo"]) == {"chr1", "chr2", "chr3"}  # "1" in the profiles
    merged = cells["cell1"].assign(chromo=lambda d: d["chromo"].str[3:]).merge(truth, on=["chromo", "pos"])
    plain = ~merged["island"] & ~merged["motif"]
    assert merged.loc[merged["island"], "value"].mean() < 0.15
    assert merged.loc[merged["motif"], "value"].mean() < 0.15
    assert merged.loc[plain, "value"].mean() > 0.5
    again = simulate_methylation(MethylationParams(n_chromosomes=3, chrom_length=60_000, n_islands=3, n_motifs=60))
    assert again[1]["cell1"].equals(pd.read_csv(paths["cell1"], sep="\t", header=None,
                                                names=["chromo", "pos", "value"], dtype={"chromo": str}).astype(
        {"value": np.float32}))


def test_build_writes_the_splits_with_dna_centred_on_the_cpg(tmp_path):
    paths, _ = _simulated(tmp_path)
    spec = M.build(paths, tmp_path / "data", {"train": ["1"], "val": ["2"], "test": ["3"]},
                   bulk={"b": tmp_path / "bulk.tsv.gz"}, fasta=tmp_path / "g.fa", dna_window=21)
    test = load_split(tmp_path / "data", "test")  # the core's one layout
    x = arrays_of(test)
    n = len(test["labels"])
    assert spec["cells"] == ["cell1", "cell2", "cell3"] and spec["counts"]["test"]["sites"] == n
    assert read_spec(tmp_path / "data")["rows"]["test"] == n and tasks.from_spec(spec).targets == tuple(spec["cells"])
    assert test["input_names"] == ["sequence", "cpg_state", "cpg_dist"]
    assert test["labels"].shape == (n, 3) and test["labels"].dtype == np.int8
    assert x["cpg_state"].shape == (n, 3, 50) and x["cpg_dist"].dtype == np.float32
    assert test["bulk"].shape == (n, 1) and set(test["chromo"]) == {"chr3"}
    assert test["ids"][0] == f"{test['chromo'][0]}:{test['pos'][0]}"
    # the C of the CpG sits in the middle of the window, the G after it (codes A, C, G, T = 0..3)
    assert (x["sequence"][:, 10] == 1).all() and (x["sequence"][:, 11] == 2).all()
    # every site is observed in at least one cell
    assert ((test["labels"] >= 0).sum(axis=1) >= 1).all()


def test_a_profile_on_no_genome_chromosome_fails_naming_both_and_writes_nothing(tmp_path):
    paths, _ = _simulated(tmp_path)
    other = _write(tmp_path / "mouse.tsv.gz", "18\t100\t1\n19\t200\t0\n")
    with pytest.raises(ValueError) as err:
        M.build({**paths, "mouse": other}, tmp_path / "data", {"train": ["1"], "test": ["3"]}, fasta=tmp_path / "g.fa")
    assert "mouse.tsv.gz" in str(err.value) and "18, 19" in str(err.value) and "chr1" in str(err.value)
    assert not (tmp_path / "data").exists()




def test_a_zero_based_profile_is_refused_with_an_off_by_one_hint(tmp_path):
    """A profile written 0-based puts every site one base before its C: refused, naming the file
    and the fix, and nothing is written."""
    paths, _ = _simulated(tmp_path)
    df = pd.read_csv(paths["cell2"], sep="\t", header=None, names=["chromo", "pos", "value"], dtype={"chromo": str})
    zero = tmp_path / "zero_based.tsv.gz"
    df.assign(pos=df["pos"] - 1).to_csv(zero, sep="\t", header=False, index=False)
    with pytest.raises(M.ProfileError) as err:
        M.build({**paths, "cell2": zero}, tmp_path / "data", {"train": ["1"], "test": ["3"]}, fasta=tmp_path / "g.fa")
    msg = str(err.value)
    assert "zero_based.tsv.gz" in msg and "0-based" in msg and "add 1" in msg
    assert not (tmp_path / "data").exists()
    assert M.check_sites_on_genome(tmp_path / "g.fa", M.read_profiles(paths, ["chr1", "chr2", "chr3"]),
                                   paths)["cell1"] == 1.0  # the simulator's profiles are on the C


def test_sites_past_the_chromosome_end_are_refused_with_their_count(tmp_path):
    paths, _ = _simulated(tmp_path)
    df = pd.read_csv(paths["cell3"], sep="\t", header=None, names=["chromo", "pos", "value"], dtype={"chromo": str})
    tail = pd.DataFrame({"chromo": ["1", "1"], "pos": [70_001, 90_000], "value": [1, 0]})  # chromosomes are 60 kbp
    longer = tmp_path / "longer.tsv.gz"
    pd.concat([df[df["chromo"] == "1"], tail, df[df["chromo"] != "1"]]).to_csv(longer, sep="\t", header=False,
                                                                                 index=False)
    with pytest.raises(M.ProfileError) as err:
        M.build({**paths, "cell3": longer}, tmp_path / "data", {"train": ["1"], "test": ["3"]}, fasta=tmp_path / "g.fa")
    msg = str(err.value)
    assert "longer.tsv.gz" in msg and "2 of" in msg and "past the end" in msg and "chr1:70001" in msg
    assert not (tmp_path / "data").exists()
