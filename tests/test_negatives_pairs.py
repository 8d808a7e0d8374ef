import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from conftest import needs_shared
from dnazoo.negatives import distance_matched
from dnazoo.splits import assign_split


def _distance_baseline_test_auroc(df: pd.DataFrame, split: str) -> float:
    sp = assign_split(df, {"method": split, "seed": 0, "val_fraction": 0.1, "test_fraction": 0.2})
    tr, te = sp[sp["split"] == "train"], sp[sp["split"] == "test"]
    feat = lambda d: np.log10(d["distance"].to_numpy() + 1.0).reshape(-1, 1)  # noqa: E731
    clf = LogisticRegression().fit(feat(tr), tr["label"])
    return roc_auc_score(te["label"], clf.predict_proba(feat(te))[:, 1])


@pytest.mark.parametrize("name", ["GM.po", "AO.po", "GM.pp"])
@pytest.mark.parametrize("new_pairs", [False, True])
def test_distance_matching_removes_the_distance_shortcut_on_real_tables(name, new_pairs):
    from dnazoo.tables import read_pairs

    df = read_pairs(needs_shared("deepchromehic", "rda", f"{name}.train.rda"), "deepchromehic_rda")
    before = _distance_baseline_test_auroc(df, "random")
    matched, counts = distance_matched(df, bins=50, seed=0, new_pairs=new_pairs)
    after = _distance_baseline_test_auroc(matched, "random")
    print(f"\n{name} new_pairs={new_pairs}: distance baseline test AUROC {before:.3f} -> {after:.3f}; {counts}")
    assert before > 0.7
    assert abs(after - 0.5) <= 0.05
    assert roc_auc_score(matched["label"], -matched["distance"]) == pytest.approx(0.5, abs=0.01)
    assert (matched["label"] == 1).sum() == (matched["label"] == 0).sum() == counts["positives_kept"]
    if new_pairs:
        new = matched[matched["pair_id"].str.startswith("matched_neg")]
        assert len(new) == counts["negatives_new"] > 0 and (new["chrom1"] == new["chrom2"]).all()
        known = set(zip(df["chrom1"], df["start1"], df["end1"], df["chrom2"], df["start2"], df["end2"]))
        assert not any(r in known for r in zip(new["chrom1"], new["start1"], new["end1"], new["chrom2"],
                                               new["start2"], new["end2"]))
    else:
        assert counts["negatives_new"] == 0


def test_distance_matching_needs_both_classes():
    df = pd.DataFrame({"pair_id": ["a"], "chrom1": ["c"], "start1": [0], "end1": [10], "chrom2": ["c"],
                       "start2": [100], "end2": [110], "label": [1], "distance": [100]})
    with pytest.raises(ValueError, match="t.bedpe: distance matching needs positives and negatives"):
        distance_matched(df, source="t.bedpe")
