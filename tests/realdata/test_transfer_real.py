"""transfer: the tests on the real data in ../shared/data (skipped without it)."""
import pandas as pd
import pytest

from conftest import needs_shared
from dnazoo.evaluation.transfer import compare_with_original, read_original_results
from dnazoo.plots.transfer import plot_comparison_with_original


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
    table = compare_with_original(ours, original)
    plot_comparison_with_original(table, "chromosome split", tmp_path / "c")
    assert len(table) == 3  # the simulated row has no original
    for (_, row), (_, p) in zip(table.iterrows(), pick.iterrows()):
        expect = within[(within["train_dataset"] == p["train_dataset"]) & (within["model"] == p["model"])]["auroc"].mean()
        assert row["auroc_original"] == pytest.approx(expect)
        assert row["difference"] == pytest.approx(row["auroc_dnazoo"] - expect)
    assert (tmp_path / "c.png").stat().st_size > 1000 and (tmp_path / "c.pdf").exists()
