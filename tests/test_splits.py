import numpy as np
import pandas as pd
import pytest

from dnazoo.splits import SplitError, assign_split


def _table(n=400, seed=0):
    rng = np.random.default_rng(seed)
    chroms = rng.choice(["chr1", "chr2", "chr3", "chr4"], n)
    return pd.DataFrame({"pair_id": [f"p{i}" for i in range(n)], "chrom1": chroms, "chrom2": chroms,
                         "label": rng.integers(0, 2, n)})


def test_chromosome_split_holds_out_whole_chromosomes():
    df = _table()
    df.loc[0, "chrom2"] = "chr3"  # an anchor pair straddling train and test
    out = assign_split(df, {"method": "chromosome", "val_chromosomes": ["chr2"], "test_chromosomes": ["chr3"]})
    assert set(out.loc[out["split"] == "test", "chrom1"]) == {"chr3"}
    assert set(out.loc[out["split"] == "val", "chrom1"]) == {"chr2"}
    assert set(out.loc[out["split"] == "train", "chrom1"]) == {"chr1", "chr4"}
    assert out.loc[0, "split"] == "dropped"
    assert out["split_reason"].str.len().gt(0).all()


def test_random_split_is_seeded_and_stratified():
    df = _table()
    a = assign_split(df, {"method": "random", "seed": 3, "val_fraction": 0.1, "test_fraction": 0.2})
    b = assign_split(df, {"method": "random", "seed": 3, "val_fraction": 0.1, "test_fraction": 0.2})
    c = assign_split(df, {"method": "random", "seed": 4, "val_fraction": 0.1, "test_fraction": 0.2})
    assert a["split"].tolist() == b["split"].tolist()
    assert a["split"].tolist() != c["split"].tolist()
    assert (a["split"] == "test").sum() == 80
    rate = df["label"].mean()
    assert abs(a.loc[a["split"] == "test", "label"].mean() - rate) < 0.02


def test_split_errors():
    df = _table()
    with pytest.raises(SplitError, match="share"):
        assign_split(df, {"method": "chromosome", "val_chromosomes": ["chr2"], "test_chromosomes": ["chr2"]})
    with pytest.raises(SplitError, match=r"\['test'\] empty"):
        assign_split(df, {"method": "chromosome", "val_chromosomes": ["chr2"], "test_chromosomes": ["chrZ"]})
