import numpy as np
import pandas as pd
import pytest

from conftest import random_dna, write_fasta
from dnazoo.data.encoding import decode_codes, encode_codes
from dnazoo.data.genome import WindowError, extract_codes, fit_length, index_fasta, pair_windows, recentre


def test_recentre_matches_deepchromehic_process_r():
    # BED [999, 2000) = 1-based [1000, 2000]; mid = round(1500) = 1500 -> [1500-5000, 1500+5000]
    ws, we = recentre(np.array([999]), np.array([2000]), 10001)
    assert (ws[0] + 1, we[0]) == (1500 - 5000, 1500 + 5000)
    # half-way centres round to even, as R and NumPy do: (1 + 2) / 2 = 1.5 -> 2 ; (2 + 3) / 2 = 2.5 -> 2
    ws, _ = recentre(np.array([0, 1]), np.array([2, 3]), 1)
    assert ws.tolist() == [1, 1]
    assert (recentre(np.array([10]), np.array([20]), 7)[1] - recentre(np.array([10]), np.array([20]), 7)[0])[0] == 7


def _pairs(rows):
    return pd.DataFrame(rows, columns=["pair_id", "chrom1", "start1", "end1", "chrom2", "start2", "end2", "label",
                                       "distance"])


def test_pair_windows_drop_and_count():
    sizes = {"chr1": 1000}
    pairs = _pairs([
        ["ok", "chr1", 400, 500, "chr1", 600, 700, 1, 200],
        ["edge", "chr1", 0, 10, "chr1", 600, 700, 0, 645],
        ["absent", "chrUn", 400, 500, "chr1", 600, 700, 0, 200],
    ])
    kept, counts = pair_windows(pairs, sizes, (100, 100), max_dropped_fraction=1.0)
    assert kept["pair_id"].tolist() == ["ok"]
    assert counts == {"input": 3, "kept": 1, "chromosome_absent": 1, "off_chromosome_end": 1}
    assert (kept["wend1"] - kept["wstart1"]).tolist() == [100]
    with pytest.raises(WindowError, match=r"pair edge .*off chromosome end"):
        pair_windows(pairs, sizes, (100, 100), strict=True, source="x.bedpe")


def test_extract_codes_keeps_n_and_is_memmappable(tmp_path):
    seq = random_dna(300, seed=1)
    seq = seq[:100] + "NNNNN" + seq[105:]
    fa = write_fasta(tmp_path / "g.fa", {"chr1": seq})
    assert index_fasta(fa) == {"chr1": 300}
    dest = tmp_path / "a.npy"
    extract_codes(fa, pd.Series(["chr1", "chr1"]), np.array([95, 0]), np.array([115, 20]), dest)
    arr = np.load(dest, mmap_mode="r")
    assert arr.shape == (2, 20) and arr.dtype == np.uint8
    assert decode_codes(arr[0]) == seq[95:115]
    assert (arr[0][5:10] == 4).all()
    assert not list(tmp_path.glob(".a.npy*"))  # no temporary left behind


@pytest.mark.parametrize("block_rows, read_ahead", [(2, True), (4096, True), (2, False)])
def test_extract_codes_keeps_the_input_order_when_chromosomes_alternate(tmp_path, monkeypatch, block_rows, read_ahead):
    """Windows that switch between chromosomes (an unsorted table) come out in the order given,
    equal to reading each window on its own, with or without the read-ahead thread; nothing is
    left beside the output."""
    from pyfaidx import Fasta

    from dnazoo.data import genome

    monkeypatch.setattr(genome, "BLOCK_ROWS", block_rows)
    seqs = {"chr1": random_dna(400, seed=3), "chr2": random_dna(250, seed=4), "chrM": "acgtNN" * 20}
    fa = write_fasta(tmp_path / "g.fa", seqs)
    index_fasta(fa)
    rng = np.random.default_rng(0)
    chrom = rng.choice(list(seqs), 40)
    starts = np.array([rng.integers(0, len(seqs[c]) - 30 + 1) for c in chrom])
    (tmp_path / "out").mkdir()
    extract_codes(fa, pd.Series(chrom), starts, starts + 30, tmp_path / "out" / "x.npy", read_ahead=read_ahead)
    got = np.load(tmp_path / "out" / "x.npy")
    with Fasta(str(fa), as_raw=True) as ref:
        want = np.stack([encode_codes(ref[c][int(s):int(s) + 30]) for c, s in zip(chrom, starts)])
    assert got.shape == (40, 30) and (got == want).all()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["x.npy"]
    with pytest.raises(ValueError, match=r"window chr2:240-270 runs off chr2 \(250 bp\)"):
        extract_codes(fa, pd.Series(["chr1", "chr2"]), np.array([0, 240]), np.array([30, 270]), tmp_path / "out" / "y.npy",
                      read_ahead=read_ahead)
    assert not (tmp_path / "out" / "y.npy").exists()


def test_fit_length_crops_and_pads():
    codes = np.arange(4, dtype=np.uint8)
    assert fit_length(codes, 2).tolist() == [1, 2]
    assert fit_length(codes, 6).tolist() == [4, 0, 1, 2, 3, 4]


def test_a_full_disk_raises_oserror_naming_the_file_and_leaves_nothing(tmp_path, monkeypatch):
    """A full disk is an OSError naming the output, not a SIGBUS of a memory map: the writer
    reserves the file's size first, and a write that hits ENOSPC is reported the same way."""
    import errno
    import os

    from dnazoo.data import genome
    from dnazoo.io import atomic_path

    fa = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(500, seed=2)})
    index_fasta(fa)
    out = tmp_path / "out"

    def no_space(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_space)
    with pytest.raises(OSError, match=r"no space left on device: the disk is full, so .*train\.anchor1\.npy") as err:
        extract_codes(fa, pd.Series(["chr1"] * 3), np.array([0, 10, 20]), np.array([100, 110, 120]),
                      out / "train.anchor1.npy")
    assert err.value.errno == errno.ENOSPC
    assert list(out.iterdir()) == []

    if os.path.exists("/dev/full"):  # a write that finds the disk full (no reservation possible)
        with pytest.raises(OSError, match=r"the disk is full, so .*codes\.npy") as err:
            with atomic_path(out / "codes.npy") as tmp, open("/dev/full", "wb") as fh:
                tmp.write_bytes(b"partial")
                fh.write(b"x" * 10)
                fh.flush()
        assert err.value.errno == errno.ENOSPC
        assert list(out.iterdir()) == []

    monkeypatch.setattr(os, "posix_fallocate", lambda fd, o, n: (_ for _ in ()).throw(OSError(errno.EOPNOTSUPP, "")))
    monkeypatch.setattr(genome, "BLOCK_ROWS", 2)  # several blocks; a file system that cannot reserve
    extract_codes(fa, pd.Series(["chr1"] * 5), np.arange(5) * 10, np.arange(5) * 10 + 50, out / "ok.npy")
    arr = np.load(out / "ok.npy", mmap_mode="r")
    seq = (tmp_path / "g.fa").read_text().split("\n", 1)[1].replace("\n", "")
    assert [decode_codes(r) for r in arr] == [seq[i * 10:i * 10 + 50] for i in range(5)]


def test_dropped_pairs_warn_with_the_absent_chromosomes_and_fail_above_the_limit(caplog):
    sizes = {"chr1": 10_000, "chr2": 10_000}
    rows = [[f"p{i}", "chr1", 1000 + i, 1100 + i, "chr1", 5000, 5100, i % 2, 4000] for i in range(8)]
    rows += [["u", "chrUn_gl000220", 400, 500, "chrUn_gl000220", 600, 700, 0, 200],
             ["end", "chr2", 9990, 9999, "chr2", 600, 700, 0, 9000]]
    with caplog.at_level("WARNING"):
        kept, _ = pair_windows(_pairs(rows), sizes, (100, 100), source="user.bedpe")
    assert len(kept) == 8
    assert "user.bedpe: dropped 2 of 10 pairs (20.0%): 1 on chromosomes absent from the genome (chrUn_gl000220); " \
           "1 off a chromosome end" in caplog.text
    with pytest.raises(WindowError, match=r"dropped 2 of 10 pairs .*more than max_dropped_fraction 0.1"):
        pair_windows(_pairs(rows), sizes, (100, 100), source="user.bedpe", max_dropped_fraction=0.1)
    # a table naming chromosomes 1, 2 against a genome naming them chr1, chr2: nothing is left
    ensembl = _pairs([[r[0], r[1][3:], *r[2:4], r[4][3:], *r[5:]] for r in rows[:8]])
    with pytest.raises(WindowError, match=r"dropped 8 of 8 pairs .*absent from the genome \(1\); the genome has "
                                          r"chr1: the table and the genome name chromosomes differently .*nothing is left"):
        pair_windows(ensembl, sizes, (100, 100), source="user.bedpe")


def test_sequences_of_another_length_are_counted_when_fitted_to_the_window(tmp_path, caplog):
    import logging

    import numpy as np
    import pandas as pd

    from dnazoo.data.genome import write_sequence_codes

    with caplog.at_level(logging.WARNING):
        write_sequence_codes(pd.Series(["ACGTACGT", "ACGT", "ACGTAC", "ACGTACGTAA"]), 6, tmp_path / "c.npy")
    codes = np.load(tmp_path / "c.npy")
    assert codes.shape == (4, 6)
    assert "2 of 4 sequences longer than the 6-bp window were centre-cropped and 1 shorter were N-padded" \
        " (lengths 4-10 bp)" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        write_sequence_codes(pd.Series(["ACGTAC"]), 6, tmp_path / "d.npy")
    assert "cropped" not in caplog.text
