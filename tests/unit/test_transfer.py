import numpy as np
import pandas as pd
import pytest

from dnazoo.evaluation.transfer import read_original_results, within_across


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
