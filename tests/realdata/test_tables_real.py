"""tables: the tests on the real data in ../shared/data (skipped without it)."""

import pandas as pd
import pytest

from conftest import needs_shared
from dnazoo.data.readers import read_deepbind_seq, read_deepchromehic_rda, read_targetfinder

HEADER = "#chrom1\tstart1\tend1\tchrom2\tstart2\tend2\tname\tlabel\n"


def test_all_deepchromehic_rda_files_match_published_counts():
    rda_dir = needs_shared("deepchromehic", "rda")
    summary = pd.read_csv(needs_shared("deepchromehic", "pairs_summary.tsv"), sep="\t").set_index("dataset")
    files = sorted(rda_dir.glob("*.train.rda"))
    assert len(files) == 56
    total_pos = total_neg = 0
    for f in files:
        name = f.name.removesuffix(".train.rda")
        df = read_deepchromehic_rda(f)
        n_pos, n_neg = int(df["label"].sum()), int((df["label"] == 0).sum())
        assert (n_pos, n_neg) == (summary.loc[name, "n_pos"], summary.loc[name, "n_neg"]), name
        total_pos += n_pos
        total_neg += n_neg
    assert (total_pos, total_neg) == (279_002, 278_641)  # shared/data/deepchromehic/README.md


def test_deepchromehic_rda_coordinates_equal_converted_bedpe():
    rda = needs_shared("deepchromehic", "rda", "GM.po.train.rda")
    ref = pd.read_csv(needs_shared("deepchromehic", "pairs", "GM.po.bedpe.tsv"), sep="\t")
    df = read_deepchromehic_rda(rda)
    cols = ["chrom1", "start1", "end1", "chrom2", "start2", "end2", "label"]
    assert len(df) == 2 * 2642
    assert (df[cols].to_numpy() == ref[cols].to_numpy()).all()


@pytest.mark.parametrize("cell, pairs, pos", [
    ("GM12878", 44_313, 2_113), ("HeLa-S3", 36_540, 1_740), ("HUVEC", 31_924, 1_524),
    ("IMR90", 26_254, 1_254), ("K562", 41_477, 1_977), ("NHEK", 26_891, 1_291),
])
def test_targetfinder_counts_match_readme(cell, pairs, pos):
    df = read_targetfinder(needs_shared("targetfinder", f"{cell}.ep.csv.gz"))
    assert len(df) == pairs
    assert int(df["label"].sum()) == pos
    assert (df["chrom1"] == df["chrom2"]).all()
    assert df["pair_id"].is_unique


def test_deepbind_encode_test_file_counts():
    f = needs_shared("tfbs", "deepbind_encode_h1hesc_deepRAM", "USF1_H1-hESC_USF-1_HudsonAlpha_B.seq.gz")
    df = read_deepbind_seq(f)
    assert df["label"].value_counts().to_dict() == {1: 500, 0: 500}
    assert df["sequence"].str.len().eq(101).all()
