"""The encoded dataset (spec.json, arrays, streaming) and the delimited / label-matrix sources."""

import json

import numpy as np
import pandas as pd
import pytest

from dnazoo.data import dataset
from dnazoo.data.splits import drop_duplicate_sequences
from dnazoo.pipeline.data import encode_stage
from dnazoo.data.readers import TableError, read_delimited
from dnazoo import tasks
from dnazoo.tasks import Task


def _sequence_tables(tmp_path, targets, task):
    rng = np.random.default_rng(0)
    n = 30
    seqs = ["".join(rng.choice(list("ACGT"), 20)) for _ in range(n)]
    table = pd.DataFrame({"seq_id": [f"s{i}" for i in range(n)], "sequence": seqs, "source": "x"})
    for t in targets:
        table[f"label.{t}"] = rng.integers(-1, 2, n) if task == "multilabel" else rng.normal(size=n)
    split = pd.DataFrame({"seq_id": table["seq_id"], "split": ["train"] * 20 + ["val"] * 5 + ["test"] * 5})
    table.to_csv(tmp_path / "seqs.tsv.gz", sep="\t", index=False)
    split.to_csv(tmp_path / "split.tsv.gz", sep="\t", index=False)
    return table


@pytest.mark.parametrize("task", ["multilabel", "regression"])
def test_encode_writes_spec_and_multi_target_arrays(tmp_path, task):
    table = _sequence_tables(tmp_path, ["a", "b", "c"], task)
    out = tmp_path / "encoded"
    encode_stage("sequences", tmp_path / "seqs.tsv.gz", tmp_path / "split.tsv.gz", (20,), None, out, task)
    spec = json.loads((out / "spec.json").read_text())
    assert spec["task"] == {"name": task, "targets": ["a", "b", "c"], "bins": None}
    assert spec["inputs"] == [{"name": "sequence", "shape": [20], "dtype": "uint8"}]
    assert spec["targets"]["shape"] == [3] and spec["rows"] == {"train": 20, "val": 5, "test": 5}
    data = dataset.load_split(out, "test")
    assert data["labels"].shape == (5, 3) and data["labels"].dtype == np.dtype(spec["targets"]["dtype"])
    assert np.allclose(data["labels"], table[["label.a", "label.b", "label.c"]].to_numpy()[25:])
    assert tasks.from_spec(spec) == Task(task, ("a", "b", "c"))
    with pytest.raises(ValueError, match=r"window\(s\) \[21\] bp .* disagree with the encoded data's \[20\] bp"):
        dataset.check_windows(spec, (21,))


def test_stream_augmentation_and_class_weights():
    from dnazoo.data.encoding import reverse_complement_codes
    from dnazoo.training import class_weights

    codes = np.random.default_rng(0).integers(0, 4, (64, 30)).astype(np.uint8)
    y = np.array([1] * 16 + [0] * 48, dtype=np.int8)
    w = class_weights(y)
    assert w[y == 1].sum() == pytest.approx(w[y == 0].sum())
    seq = dataset.make_sequence({"sequence": codes}, y, 64, sample_weight=w, augment={"reverse_complement": True})
    x, yb, wb = seq[0]
    flipped = [not np.array_equal(a, b) for a, b in zip(x["sequence"], codes)]
    assert 10 < sum(flipped) < 54
    for a, b, f in zip(x["sequence"], codes, flipped):
        assert np.array_equal(a, reverse_complement_codes(b[None])[0] if f else b)
    shifted, *_ = dataset.make_sequence({"sequence": codes}, y, 64, augment={"shift": 3})[0]
    assert (shifted["sequence"] == 4).any()  # N fills the shifted-in bases
    assert np.array_equal(yb, y.astype(np.float32)) and np.allclose(wb, w)


def test_delimited_reader_names_file_line_and_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("sequence,a,b\nACGT,1,0\nACGT,1,\nACGX,0,1\n")
    with pytest.raises(TableError, match=r"t.csv:4: column 'sequence' has non-IUPAC"):
        read_delimited(path, "csv", label_columns=["a", "b"], task="multilabel")
    path.write_text("sequence,a,b\nACGT,1,0\nACGT,2,1\n")
    with pytest.raises(TableError, match=r"t.csv:3: column 'label.a' must be 0, 1 or -1"):
        read_delimited(path, "csv", label_columns=["a", "b"], task="multilabel")
    with pytest.raises(TableError, match=r"t.csv:1: missing column\(s\) \['c'\]"):
        read_delimited(path, "csv", label_columns=["c"])
    path.write_text("sequence,a,b\nACGT,1,\n")
    df = read_delimited(path, "csv", label_columns=["a", "b"], task="multilabel")
    assert df[["label.a", "label.b"]].to_numpy().tolist() == [[1, -1]]


def test_duplicates_in_held_out_splits_are_dropped_from_training():
    df = pd.DataFrame({"seq_id": list("abcd"), "sequence": ["AC", "GT", "AC", "TT"],
                       "label": [1, 0, 1, 0], "split": ["train", "train", "test", "train"]})
    out = drop_duplicate_sequences(df, "x")
    assert list(out["seq_id"]) == ["b", "c", "d"]


def test_tf_data_stream_yields_every_row_once_per_epoch_in_a_seeded_order():
    pytest.importorskip("tensorflow")
    codes = np.arange(100 * 7, dtype=np.uint8).reshape(100, 7) % 4
    codes[:, 0] = np.arange(100)  # row id in the first column
    y = np.arange(100, dtype=np.float32)
    w = np.full(100, 2.0, dtype=np.float32)

    def epochs_of(ds, n_epochs):
        batches = list(ds.as_numpy_iterator())
        assert len(batches) == 4 * n_epochs  # 32 + 32 + 32 + 4 rows per epoch
        assert all(np.array_equal(b[0]["sequence"][:, 0], b[1]) and (b[2] == 2).all() for b in batches)
        rows = np.concatenate([b[0]["sequence"][:, 0] for b in batches]).reshape(n_epochs, 100)
        assert all(sorted(r.tolist()) == list(range(100)) for r in rows)
        return rows

    two = epochs_of(dataset.make_tf_dataset({"sequence": codes}, y, 32, seed=3, sample_weight=w, n_epochs=2), 2)
    assert not np.array_equal(two[0], two[1])  # reshuffled every epoch
    again = epochs_of(dataset.make_tf_dataset({"sequence": codes}, y, 32, seed=3, sample_weight=w, n_epochs=2), 2)
    assert np.array_equal(two, again)  # same seed, same order
    # a stream resumed at epoch 1 serves what an uninterrupted one serves in its second epoch
    resumed = epochs_of(dataset.make_tf_dataset({"sequence": codes}, y, 32, seed=3, sample_weight=w, first_epoch=1), 1)
    assert np.array_equal(resumed[0], two[1])
    rc = dataset.make_tf_dataset({"sequence": codes[:, 1:]}, y, 100, augment={"reverse_complement": True})
    assert next(rc.as_numpy_iterator())[0]["sequence"].shape == (100, 6)


def test_deepsea_mat_errors_name_the_file(tmp_path):
    import h5py
    import scipy.io

    from dnazoo.data.readers import read_deepsea_mat

    scipy.io.savemat(tmp_path / "other.mat", {"foo": np.zeros((2, 2))})
    with pytest.raises(TableError, match=r"other.mat: expected one '<part>xdata'.*\['foo'\]"):
        read_deepsea_mat(tmp_path / "other.mat")
    x = np.zeros((3, 4, 10), dtype=np.uint8)
    x[0, :2, 5] = 1  # two bases at one position
    scipy.io.savemat(tmp_path / "two.mat", {"testxdata": x, "testdata": np.zeros((3, 2), dtype=np.uint8)})
    with pytest.raises(TableError, match=r"two.mat: window 0, position 5: more than one base"):
        read_deepsea_mat(tmp_path / "two.mat")
    x[0, :2, 5], x[2, 1:3, 7] = 0, 1  # now in the third window: numbered within the file, not the slab
    scipy.io.savemat(tmp_path / "two.mat", {"testxdata": x, "testdata": np.zeros((3, 2), dtype=np.uint8)})
    with pytest.raises(TableError, match=r"two.mat: window 2, position 7: more than one base"):
        read_deepsea_mat(tmp_path / "two.mat", chunk=2)
    with h5py.File(tmp_path / "rows.h5", "w") as fh:
        fh["trainxdata"] = np.zeros((10, 4, 3), dtype=np.uint8)
        fh["traindata"] = np.full((2, 4), 2, dtype=np.uint8)
    with pytest.raises(TableError, match=r"rows.h5: 4 label rows for 3 one-hot windows"):
        read_deepsea_mat(tmp_path / "rows.h5")
    (tmp_path / "text.mat").write_text("hello")
    with pytest.raises(TableError, match="text.mat: not a MATLAB"):
        read_deepsea_mat(tmp_path / "text.mat")
