import numpy as np
import pandas as pd
import pytest

from conftest import needs_shared
from dnazoo.data.splits import SplitError, assign_split


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
    with pytest.raises(SplitError, match=r"split.test_chromosomes: no row lies on 'chrZ'"):
        assign_split(df, {"method": "chromosome", "val_chromosomes": ["chr2"], "test_chromosomes": ["chrZ"]})


def _dchic_pairs(name: str) -> pd.DataFrame:
    from dnazoo.data.sources import read_pairs

    return read_pairs(needs_shared("deepchromehic", "rda", f"{name}.train.rda"), "deepchromehic_rda")


def test_anchor_split_leaves_no_shared_anchor_on_a_real_table_while_random_does():
    from dnazoo.data.splits import shared_anchors

    df = _dchic_pairs("GM.po")
    mid1, mid2 = (df["start1"] + df["end1"]) // 2, (df["start2"] + df["end2"]) // 2
    df = df.assign(wstart1=mid1 - 5000, wend1=mid1 + 5001, wstart2=mid2 - 5000, wend2=mid2 + 5001)  # 10,001 bp
    spec = {"seed": 0, "val_fraction": 0.1, "test_fraction": 0.1}
    rnd = assign_split(df, {**spec, "method": "random"})
    anc = assign_split(df, {**spec, "method": "anchor"})
    leak_r, leak_a = shared_anchors(rnd), shared_anchors(anc)
    kept = anc["split"].value_counts().to_dict()
    print(f"\nGM.po random: {rnd['split'].value_counts().to_dict()}, leaks {leak_r}; anchor: {kept}, leaks {leak_a}")
    assert leak_r["shared_anchors"] > 100 and leak_r["test"] > 0.2 * (rnd["split"] == "test").sum()
    assert leak_a == {"shared_anchors": 0, "train": 0, "val": 0, "test": 0}
    assert kept.get("test", 0) > 0.07 * len(df) and kept.get("val", 0) > 0.07 * len(df)
    assert anc["split_reason"].str.contains("anchor").all()


def test_anchor_split_drops_straddling_pairs_of_a_hub():
    from dnazoo.data.splits import shared_anchors

    # one promoter hub (anchor 0) linked to 75 others, plus 25 isolated pairs: the isolated pairs
    # cannot fill test + val, so the hub is dealt anchor by anchor and some of its pairs straddle
    rows = [("chr1", 0, 100, "chr1", 1000 * (i + 1), 1000 * (i + 1) + 100, i % 2) for i in range(75)]
    rows += [("chr2", 10000 * i, 10000 * i + 100, "chr2", 10000 * i + 5000, 10000 * i + 5100, i % 2) for i in range(25)]
    df = pd.DataFrame(rows, columns=["chrom1", "start1", "end1", "chrom2", "start2", "end2", "label"])
    df.insert(0, "pair_id", [f"p{i}" for i in range(len(df))])
    out = assign_split(df, {"method": "anchor", "seed": 1, "val_fraction": 0.1, "test_fraction": 0.2})
    assert shared_anchors(out)["shared_anchors"] == 0
    hub = out.iloc[:75]
    dropped = hub["split"] == "dropped"
    assert dropped.any() and hub.loc[~dropped, "split"].nunique() == 1  # kept hub pairs share the hub's split
    assert hub.loc[dropped, "split_reason"].str.contains("different splits").all()


def test_cv_folds_test_every_pair_once_on_a_real_table():
    """cv by chromosome groups on DeepChromeHiC GM.po: the k test folds partition the kept pairs,
    no chromosome is in two of train/val/test within a fold, and the groups are balanced."""
    from dnazoo.data.splits import chromosome_folds

    df = _dchic_pairs("GM.po")
    k = 5
    groups = chromosome_folds(df, k)
    assert set(groups) == set(df["chrom1"].astype(str)) and set(groups.values()) == set(range(k))
    sizes = df["chrom1"].astype(str).map(groups).value_counts()
    assert sizes.max() - sizes.min() <= df["chrom1"].value_counts().max()  # greedy balance bound
    tested = []
    for fold in range(k):
        out = assign_split(df, {"method": "cv", "folds": k, "fold": fold})
        roles = {s: set(out.loc[out["split"] == s, "chrom1"]) | set(out.loc[out["split"] == s, "chrom2"])
                 for s in ("train", "val", "test")}
        assert not (roles["train"] & roles["test"]) and not (roles["val"] & roles["test"])
        assert not (roles["train"] & roles["val"])
        assert (out.loc[out["split"] == "test", "cv_fold"] == fold).all()
        assert (out.loc[out["split"] == "val", "cv_fold"] == (fold + 1) % k).all()
        assert out["split_reason"].str.startswith(("cv fold", "anchors on")).all()
        tested += out.index[out["split"] == "test"].tolist()
    kept = df.index[df["chrom1"] == df["chrom2"]]
    assert sorted(tested) == sorted(kept)  # every intra-chromosomal pair tested exactly once
    print(f"\nGM.po cv k={k}: pairs per group {sizes.sort_index().tolist()}")


def test_cv_errors_name_the_key():
    df = _table()
    with pytest.raises(SplitError, match="split.folds: cv needs at least 3"):
        assign_split(df, {"method": "cv", "folds": 2, "fold": 0})
    with pytest.raises(SplitError, match="split.folds: 5 folds need at least 5 chromosomes"):
        assign_split(df, {"method": "cv", "folds": 5, "fold": 0})
    with pytest.raises(SplitError, match="split.fold: must be in 0..3"):
        assign_split(df, {"method": "cv", "folds": 4, "fold": 4})


def test_misspelt_held_out_chromosome_lists_the_chromosomes_and_the_nearest():
    from dnazoo.data.splits import SplitError, chromosome_split

    df = pd.DataFrame({"chrom": ["1", "2", "10", "X"], "label": [0, 1, 0, 1]})
    with pytest.raises(SplitError, match=r"split.test_chromosomes: no row lies on 'chrX' \(did you mean 'X'\?\); "
                                         r"the data's chromosomes are \['1', '2', '10', 'X'\]"):
        chromosome_split(df, ["2"], ["chrX"])


def test_split_stage_rejects_a_one_class_split_before_training(tmp_path):
    from dnazoo.pipeline.data import split_stage
    from dnazoo.data.splits import SplitError

    table = tmp_path / "seqs.tsv.gz"
    pd.DataFrame({"seq_id": [f"s{i}" for i in range(6)], "sequence": ["ACGT"] * 6, "label": [1, 0, 1, 0, 1, 1],
                  "chrom": ["c1", "c1", "c2", "c2", "c3", "c3"]}).to_csv(table, sep="\t", index=False)
    spec = {"method": "chromosome", "val_chromosomes": ["c2"], "test_chromosomes": ["c3"]}
    with pytest.raises(SplitError, match=r"dataset tfx: the test split holds one class only \(label counts \{1: 2\}\)"):
        split_stage(table, spec, "sequences", tmp_path / "s.tsv.gz", tmp_path / "s.json", dataset="tfx")
    assert not (tmp_path / "s.tsv.gz").exists()  # nothing half-written
