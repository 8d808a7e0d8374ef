import gzip
import re

import numpy as np

import pytest

from dnazoo.data.readers import TableError, read_bedpe, read_deepbind_seq

HEADER = "#chrom1\tstart1\tend1\tchrom2\tstart2\tend2\tname\tlabel\n"


def _write(tmp_path, text, name="t.bedpe"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_bedpe_with_header_gives_canonical_table(tmp_path):
    p = _write(tmp_path, HEADER + "chr1\t100\t200\tchr1\t1000\t1100\tp1\t1\nchr1\t0\t10\tchr1\t90\t110\tp2\t0\n")
    df = read_bedpe(p)
    assert list(df.columns) == ["pair_id", "chrom1", "start1", "end1", "chrom2", "start2", "end2", "label", "distance"]
    assert df["pair_id"].tolist() == ["p1", "p2"]
    assert df["distance"].tolist() == [900, 95]  # |150 - 1050|, |5 - 100|
    assert df["label"].tolist() == [1, 0]


def test_bedpe_without_header_uses_name_and_score(tmp_path):
    p = _write(tmp_path, "chr2\t5\t15\tchr2\t25\t35\tx\t1\n")
    df = read_bedpe(p)
    assert df.loc[0, "pair_id"] == "x" and df.loc[0, "label"] == 1 and df.loc[0, "distance"] == 20


@pytest.mark.parametrize("row, message", [
    ("chr1\t300\t200\tchr1\t1000\t1100\tp1\t1\n", r"t.bedpe:3: start1 300 > end1 200"),
    ("chr1\tabc\t200\tchr1\t1000\t1100\tp1\t1\n", r"t.bedpe:3: column 'start1' must be a plain non-negative integer"),
    ("chr1\t100\t200\tchr1\t1000\t1100\tp1\t7\n", r"t.bedpe:3: label must be 0 or 1"),
    ("chr1\t100\t200\tchr1\n", r"t.bedpe:3: expected 8 tab-separated columns, got 4"),
])
def test_bedpe_bad_rows_name_file_and_line(tmp_path, row, message):
    p = _write(tmp_path, HEADER + "chr1\t1\t2\tchr1\t3\t4\tok\t0\n" + row)
    with pytest.raises(TableError, match=message):
        read_bedpe(p)


def test_bedpe_line_numbers_count_skipped_lines(tmp_path):
    p = _write(tmp_path, HEADER + "\n# comment\nchr1\t1\t2\tchr1\t3\t4\tok\t0\nchr1\t9\t2\tchr1\t3\t4\tbad\t0\n")
    with pytest.raises(TableError, match=r"t.bedpe:5: start1 9 > end1 2"):
        read_bedpe(p)


def test_deepbind_seq_reader(tmp_path):
    p = tmp_path / "x.seq.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("FoldID\tEventID\tseq\tBound\nA\ts1\tACGT\t1\nA\ts2\tACGX\t0\n")
    with pytest.raises(TableError, match=r"x.seq.gz:3: sequence has non-IUPAC letters"):
        read_deepbind_seq(p)


# --- real tables ---------------------------------------------------------------------------


def test_fasta_with_label_table(tmp_path):
    from dnazoo.data.readers import read_fasta_labels

    fa = tmp_path / "s.fa"
    fa.write_text(">a desc\nACGT\nAC\n>b\nnnGT\n")
    labels = tmp_path / "l.tsv"
    labels.write_text("seq_id\tlabel\na\t1\nb\t0\n")
    df = read_fasta_labels(fa, labels)
    assert df[["seq_id", "sequence", "label"]].values.tolist() == [["a", "ACGTAC", 1], ["b", "NNGT", 0]]
    labels.write_text("seq_id\tlabel\na\t1\n")
    with pytest.raises(TableError, match=r"l.tsv: no label for FASTA record 'b'"):
        read_fasta_labels(fa, labels)


def test_label_tsv_without_label_column_names_the_file(tmp_path):
    from dnazoo.data.readers import read_fasta_labels

    fa = tmp_path / "s.fa"
    fa.write_text(">a\nACGT\n>b\nGGCC\n")
    tsv = tmp_path / "labels.tsv"
    tsv.write_text("seq_id\t" + "\t".join(f"tf{i}" for i in range(690)) + "\n")
    with pytest.raises(TableError, match=r"labels.tsv:1: a label TSV needs the columns seq_id and label"):
        read_fasta_labels(fa, tsv)


@pytest.mark.parametrize("coordinate", ["1e5", "100000.0", "-5", "1_000"])
def test_coordinates_must_be_plain_integers(tmp_path, coordinate):
    from dnazoo.data.readers import read_bed

    bed = tmp_path / "peaks.bed"
    bed.write_text(f"chr1\t100\t200\tp1\nchr1\t{coordinate}\t200000\tp2\n")
    with pytest.raises(TableError, match=rf"peaks.bed:2: column 'start' must be a plain non-negative integer, "
                                         rf"got '{re.escape(coordinate)}'"):
        read_bed(bed)


@pytest.mark.parametrize("task, value, message", [
    ("multilabel", 2.0, r"column 1 \('b'\) must be 0, 1 or -1/NaN \(missing\), got 2.0"),
    ("binary", np.nan, r"column 1 \('b'\) must be 0 or 1, got nan"),
    ("regression", np.inf, r"column 1 \(.b.\) must be a finite number within float32 .* got inf"),
    ("regression", 1e39, r"column 1 \(.b.\) must be a finite number within float32 .* got 1e\+39"),
])
def test_label_matrix_values_are_checked_like_table_columns(task, value, message):
    """One check of targets for every source: a FASTA label matrix names its file, row (with the
    record) and column; NaN in a multilabel matrix is missing (-1), never a negative."""
    from dnazoo.data.readers import TableError, check_target_matrix

    y = np.array([[0, 1], [1, 0], [0, 1]], dtype=np.float64)
    y[2, 1] = value
    with pytest.raises(TableError, match=r"labels.npz: row 2 \(record 'r2'\), " + message):
        check_target_matrix(y, task, "labels.npz", ["r0", "r1", "r2"], ["a", "b"])
    ok = np.array([[0, np.nan], [1, -1]])
    assert check_target_matrix(ok, "multilabel", "x").tolist() == [[0, -1], [1, -1]]
    assert check_target_matrix(np.array([[0.5, np.nan]]), "regression", "x").dtype == np.float32


@pytest.mark.parametrize("value", ["inf", "-inf", "1e39"])
def test_regression_columns_refuse_values_float32_cannot_hold(tmp_path, value):
    from dnazoo.data.readers import TableError, read_delimited

    path = tmp_path / "t.csv"
    path.write_text(f"sequence,y\nACGT,1.5\nACGA,{value}\n")
    with pytest.raises(TableError, match=rf"t.csv:3: column 'label.y' must be a finite number within float32"):
        read_delimited(path, "csv", task="regression", label_columns=["y"])


def test_unreadable_files_are_named_with_the_line_where_there_is_one(tmp_path):
    """Errors that used to name no file: an empty CSV, a byte that is not UTF-8, a repeated FASTA
    record name, a truncated HDF5 .mat."""
    from conftest import write_deepsea_mat

    from dnazoo.data.sources import read_source

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(TableError, match=r"empty.csv: the file is empty"):
        read_source("csv", empty, {})
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"sequence,label\nACGT,1\nACGA,0\n# caf\xe9\n")
    with pytest.raises(TableError, match=r"latin.csv:4: not UTF-8 text \(byte 0xe9 at offset 34\)"):
        read_source("csv", latin, {})
    fa = tmp_path / "dup.fa"
    fa.write_text(">r1\nACGT\n>r1\nACGA\n")
    with pytest.raises(TableError, match=r'dup.fa: Duplicate key "r1": every FASTA record needs its own name'):
        read_source("fasta", fa, {"labels": 1})
    mat = tmp_path / "train.mat"
    write_deepsea_mat(mat, "train", ["ACGT" * 250] * 20, np.zeros((20, 3), dtype=np.uint8), hdf5=True)
    mat.write_bytes(mat.read_bytes()[: mat.stat().st_size // 2])
    with pytest.raises(TableError, match=r"train.mat: .*truncated or corrupt"):
        read_source("deepsea_mat", mat, {})


def test_max_train_rows_keeps_a_seeded_subset_of_the_training_file_before_negatives(tmp_path):
    from conftest import random_dna

    from dnazoo.pipeline.data import read_sequences_stage

    train = tmp_path / "train.seq"
    train.write_text("FoldID\tEventID\tseq\tBound\n" + "".join(
        f"A\tpeak{i}\t{random_dna(30, seed=i)}\t1\n" for i in range(50)))
    src = {"path": str(train), "format": "deepbind_seq"}
    negatives = {"method": "dinucleotide_shuffle", "seed": 0}

    def run(ds, out):
        return read_sequences_stage(src, None, negatives, train, None, tmp_path / out, ds=ds)

    full = run({}, "full.tsv.gz")
    capped = run({"max_train_rows": 20}, "capped.tsv.gz")
    again = run({"max_train_rows": 20}, "again.tsv.gz")
    other = run({"max_train_rows": 20, "split": {"seed": 1}}, "other.tsv.gz")
    assert (full["label"] == 1).sum() == 50
    pos = capped[capped["label"] == 1]
    assert len(pos) == 20 and (capped["label"] == 0).sum() == 20  # one shuffled negative per kept positive
    assert set(pos["seq_id"]) < set(full["seq_id"])
    assert list(pos["seq_id"]) == list(again[again["label"] == 1]["seq_id"])  # seeded
    assert set(pos["seq_id"]) != set(other[other["label"] == 1]["seq_id"])
    assert len(run({"max_train_rows": 500}, "big.tsv.gz")) == len(full)  # a cap above the file keeps all
