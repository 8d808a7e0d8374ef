"""dataset: the tests on the real data in ../shared/data (skipped without it)."""

import gzip

import pandas as pd
import pytest

from conftest import deepsea_subset, needs_shared, write_deepsea_mat
from dnazoo.data.readers import TableError, read_delimited, read_fasta_labels, read_label_matrix, read_label_names


def test_gue_tf_csv_read_as_given():
    folder = needs_shared("tfbs", "gue_tf_human", "tf0")
    train = read_delimited(folder / "train.csv.gz", "csv", source="tf0/train.csv.gz")
    dev = read_delimited(folder / "dev.csv.gz", "csv")
    assert len(train) == 32378 and len(dev) == 1000
    assert set(train["label"]) == {0, 1} and train["sequence"].str.len().eq(101).all()
    assert train["seq_id"].iloc[0] == "train_0"  # no id column: <file name>_<row>


def test_deepsea_subset_fasta_plus_label_matrix(tmp_path):
    folder = needs_shared("tfbs", "deepsea_subset_packt_ch06")
    fasta = tmp_path / "test.fa"
    fasta.write_bytes(gzip.decompress((folder / "test_sequences.fa.gz").read_bytes()))
    y = read_label_matrix(folder / "test_labels_tf690.npz", 1000)
    names = read_label_names(folder / "tf690_feature_names.txt", y.shape[1])
    df = read_fasta_labels(fasta, y, label_names=names, task="multilabel")
    assert df.shape == (1000, 2 + 690 + 1) and names[0] == "Dnd41_CTCF_None"
    assert len(set(names)) == 690 and "A549_USF-1_EtOH_0.02pct#2" in names  # repeated names made unique
    assert df["label.Dnd41_CTCF_None"].sum() == y[:, 0].sum()
    with pytest.raises(TableError, match="1000 label rows for 999 FASTA records"):
        read_label_matrix(folder / "test_labels_tf690.npz", 999)
    with pytest.raises(TableError, match="names for 5 label columns"):
        read_label_names(folder / "tf690_feature_names.txt", 5)


def test_deepsea_mat_files_in_both_matlab_formats_read_as_the_fasta_they_came_from(tmp_path):
    from dnazoo.data.readers import read_deepsea_mat

    folder = needs_shared("tfbs", "deepsea_subset_packt_ch06")
    seqs, y = deepsea_subset(folder, "train", 40)
    write_deepsea_mat(tmp_path / "train.mat", "train", seqs, y, hdf5=True)
    write_deepsea_mat(tmp_path / "valid.mat", "valid", seqs, y, hdf5=False)
    names = read_label_names(folder / "tf690_feature_names.txt", 690)
    for file, part in (("train.mat", "train"), ("valid.mat", "valid")):
        df = read_deepsea_mat(tmp_path / file, names_path=folder / "tf690_feature_names.txt")
        assert df["sequence"].tolist() == seqs  # AGCT channels -> letters, empty positions -> N
        assert "N" in "".join(seqs) and df["seq_id"].iloc[3] == f"{part}_3"
        labels = df[[c for c in df.columns if c.startswith("label.")]]
        assert labels.columns[0] == f"label.{names[0]}" and (labels.to_numpy() == y).all()
        # decoded in slabs of 7 windows (the real train.mat is read that way): the same table
        pd.testing.assert_frame_equal(read_deepsea_mat(tmp_path / file, names_path=folder / "tf690_feature_names.txt",
                                                       chunk=7), df)
