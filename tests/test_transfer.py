import numpy as np
import pandas as pd
import pytest

from conftest import needs_shared
from dnazoo.transfer import compare_with_original, read_original_results, within_across


def test_reads_the_published_deepchromehic_results():
    df = read_original_results(needs_shared("deepchromehic", "auc+pearson.csv"))
    assert len(df) == 2166
    assert list(df.columns) == ["train_dataset", "test_dataset", "model", "auroc", "pearson_r", "n"]
    assert df["auroc"].between(0, 1).all()
    from dnazoo.models import DEEPCHROMEHIC_MODELS
    assert set(df["model"]) <= set(DEEPCHROMEHIC_MODELS)
    assert "GM.po" in set(df["train_dataset"])


def test_comparison_joins_within_dataset_rows(tmp_path):
    original = read_original_results(needs_shared("deepchromehic", "auc+pearson.csv"))
    within = original[original["train_dataset"] == original["test_dataset"]]
    pick = within.groupby("model").head(1).head(3)
    ours = pd.DataFrame({"dataset": list(pick["train_dataset"]) + ["simulated_demo"],
                         "model": list(pick["model"]) + ["deepbind"],
                         "auroc": [0.9, 0.8, 0.7, 0.99]})
    table = compare_with_original(ours, original, "chromosome split", tmp_path / "c.tsv", tmp_path / "c")
    assert len(table) == 3  # the simulated row has no original
    for (_, row), (_, p) in zip(table.iterrows(), pick.iterrows()):
        expect = within[(within["train_dataset"] == p["train_dataset"]) & (within["model"] == p["model"])]["auroc"].mean()
        assert row["auroc_original"] == pytest.approx(expect)
        assert row["difference"] == pytest.approx(row["auroc_dnazoo"] - expect)
    assert (tmp_path / "c.png").stat().st_size > 1000 and (tmp_path / "c.pdf").exists()


def test_bad_original_table_names_the_file(tmp_path):
    bad = tmp_path / "results.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="results.csv: missing columns"):
        read_original_results(bad)


def test_within_across_means():
    df = pd.DataFrame({"train_dataset": ["A", "A", "B", "B"], "test_dataset": ["A", "B", "A", "B"],
                       "model": ["m"] * 4, "auroc": [0.9, 0.6, 0.7, 0.8]})
    wa = within_across(df)
    assert wa.loc["m", "within"] == pytest.approx(0.85) and wa.loc["m", "across"] == pytest.approx(0.65)
    assert np.isfinite(wa.to_numpy()).all()
