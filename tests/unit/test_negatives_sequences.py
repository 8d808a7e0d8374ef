"""GC-matched genomic background negatives on a real genome and a real peak-like set: the 829
yeast replication origins (OriDB, AT-rich) on S. cerevisiae (shared/data/genomes)."""
import gzip
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

from conftest import needs_shared
from dnazoo.data.encoding import gc_fraction
from dnazoo.data.encoding import encode_codes
from dnazoo.data.genome import peak_windows
from dnazoo.data.negatives import gc_matched_background
from dnazoo.data.readers import TableError, read_bed


@pytest.fixture(scope="module")
def yeast(tmp_path_factory):
    """(plain FASTA path, origin windows of 500 bp with their sequences)."""
    from pyfaidx import Fasta

    folder = needs_shared("genomes", "scerevisiae_S288C_sacCer1")
    fasta = tmp_path_factory.mktemp("yeast") / "yeast.fa"
    with gzip.open(folder / "scerevisiae_S288C_16chr.fa.gz", "rb") as src, open(fasta, "wb") as dst:
        shutil.copyfileobj(src, dst)
    ars = pd.read_csv(folder / "ARS_origins_oridb.csv")
    peaks = pd.DataFrame({"chrom": "chr" + ars["chr"].astype(str), "start": ars["start"] - 1, "end": ars["end"]})
    with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
        sizes = {c: len(fa[c]) for c in fa.keys()}
        windows, counts = peak_windows(peaks, 500, sizes)
        windows["sequence"] = [fa[c][a:b] for c, a, b in zip(windows["chrom"], windows["wstart"], windows["wend"])]
    assert counts["kept"] == len(ars) == 829
    return fasta, windows


def _gc_auroc(positives, background):
    pos = gc_fraction(np.stack([encode_codes(s) for s in positives["sequence"]]))
    y = np.r_[np.ones(len(pos)), np.zeros(len(background))]
    return roc_auc_score(y, np.r_[pos, background["gc"]]), ks_2samp(pos, background["gc"]).pvalue


def test_gc_matched_background_removes_the_gc_shortcut_of_real_origins(yeast):
    fasta, windows = yeast
    plain, _ = gc_matched_background(fasta, windows, 500, bins=1, seed=0)  # unmatched background
    matched, report = gc_matched_background(fasta, windows, 500, bins=50, seed=0)
    auc_plain, _ = _gc_auroc(windows, plain)
    auc_matched, p_matched = _gc_auroc(windows, matched)
    print(f"\nyeast origins vs background, GC AUROC: plain {auc_plain:.3f}, GC-matched {auc_matched:.3f} "
          f"(KS p {p_matched:.2f}); {report}")
    assert auc_plain < 0.4  # origins are AT-rich: GC alone separates them from plain background
    assert abs(auc_matched - 0.5) < 0.03 and p_matched > 0.05
    assert report["requested"] == report["sampled"] == len(windows)


def test_background_windows_are_n_free_outside_the_peaks_and_seeded(yeast):
    fasta, windows = yeast
    a, _ = gc_matched_background(fasta, windows, 500, per_positive=2, seed=3)
    b, _ = gc_matched_background(fasta, windows, 500, per_positive=2, seed=3)
    c, _ = gc_matched_background(fasta, windows, 500, per_positive=2, seed=4)
    assert len(a) == 2 * len(windows) and a.equals(b) and not a.equals(c)
    assert (a["end"] - a["start"] == 500).all() and (a["sequence"].str.len() == 500).all()
    assert not a["sequence"].str.contains("N").any() and (a["label"] == 0).all()
    for chrom, g in a.groupby("chrom"):
        w = windows[windows["chrom"] == chrom]
        overlap = (g["start"].to_numpy()[:, None] < w["wend"].to_numpy()) & (g["end"].to_numpy()[:, None] > w["wstart"].to_numpy())
        assert not overlap.any(), chrom


def test_read_bed_names_file_and_line(tmp_path):
    good = tmp_path / "p.bed"
    good.write_text("track name=x\nchr1\t10\t20\tpeak1\nchr2\t5\t9\n")
    df = read_bed(good)
    assert df["name"].tolist() == ["peak1", "chr2:5-9"] and df["start"].dtype == np.int64
    bad = tmp_path / "bad.bed"
    bad.write_text("chr1\t10\t20\nchr1\t30\t25\n")
    with pytest.raises(TableError, match=r"bad.bed:2: start 30 must be below end 25"):
        read_bed(bad)
    bad.write_text("chr1\tx\t20\n")
    with pytest.raises(TableError, match=r"bad.bed:1: column 'start'"):
        read_bed(bad)
