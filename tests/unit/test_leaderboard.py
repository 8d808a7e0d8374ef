"""The leaderboard across datasets (dnazoo.evaluation.leaderboard): ranks per dataset, mean ranks,
and a Friedman test that says "nothing" on models that do not differ and finds the ones that do."""

import numpy as np
import pandas as pd
import pytest

from dnazoo.evaluation.leaderboard import MIN_DATASETS, leaderboard_table, mean_ranks


def _per_dataset(values: np.ndarray, models=None) -> pd.DataFrame:
    n_datasets, n_models = values.shape
    models = models or [f"m{j}" for j in range(n_models)]
    return pd.DataFrame([{"dataset": f"d{i}", "model": models[j], "metric": "auroc", "value": values[i, j],
                          "converged": True} for i in range(n_datasets) for j in range(n_models)])


def test_ranks_are_per_dataset_with_ties_sharing_the_mean_rank():
    table = leaderboard_table(_per_dataset(np.array([[0.9, 0.8, 0.8], [0.6, 0.7, 0.5]])))
    r = table.set_index(["dataset", "model"])["rank"]
    assert r[("d0", "m0")] == 1 and r[("d0", "m1")] == r[("d0", "m2")] == 2.5
    assert r[("d1", "m1")] == 1 and r[("d1", "m0")] == 2 and r[("d1", "m2")] == 3
    ranks, stats = mean_ranks(table)
    assert list(ranks["model"]) == ["m0", "m1", "m2"] and ranks["mean_rank"].tolist() == [1.5, 1.75, 2.75]
    assert stats["test"] is None and "at least 5" in stats["reason"]  # 2 datasets: ranks, no test


def test_friedman_is_calibrated_on_models_that_do_not_differ_and_finds_a_better_one():
    """Null: every model's AUROC on a dataset is the dataset's level plus the same noise; over 200
    such leaderboards (12 datasets, 4 models) the Friedman p is below 0.05 in at most 8 %. Then one
    model better by 0.05 on every dataset is found, alone in its Nemenyi group."""
    rng = np.random.default_rng(0)
    p = []
    for _ in range(200):
        values = rng.uniform(0.6, 0.9, (12, 1)) + rng.normal(0, 0.02, (12, 4))
        p.append(mean_ranks(leaderboard_table(_per_dataset(values)))[1]["friedman_p"])
    p = np.array(p)
    assert (p < 0.05).mean() <= 0.08, (p < 0.05).mean()
    assert 0.3 < np.median(p) < 0.7  # roughly uniform, not piled at 1 either
    values = rng.uniform(0.6, 0.9, (12, 1)) + rng.normal(0, 0.01, (12, 4))
    values[:, 2] += 0.05
    ranks, stats = mean_ranks(leaderboard_table(_per_dataset(values)))
    assert stats["friedman_p"] < 1e-3 and stats["n_datasets"] == 12
    top = ranks.iloc[0]
    assert top["model"] == "m2" and top["mean_rank"] == 1 and top["group"] == "m2"


def test_only_datasets_where_every_model_has_a_value_enter_the_test():
    values = np.random.default_rng(1).uniform(0.5, 0.9, (MIN_DATASETS, 3))
    df = _per_dataset(values)
    df.loc[(df["dataset"] == "d0") & (df["model"] == "m1"), "value"] = np.nan  # a failed run
    ranks, stats = mean_ranks(leaderboard_table(df))
    assert stats["test"] is None and f"{MIN_DATASETS - 1} datasets" in stats["reason"]
    assert ranks.set_index("model").loc["m1", "n_datasets"] == MIN_DATASETS - 1
    with pytest.raises(KeyError):
        ranks.set_index("model").loc["m1", "friedman_rank"]


def test_the_leaderboard_stage_writes_tables_statistics_and_figures(tmp_path):
    import json

    from dnazoo.io import write_table
    from dnazoo.pipeline.evaluate import leaderboard_stage

    rng = np.random.default_rng(2)
    values = rng.uniform(0.6, 0.9, (6, 1)) + rng.normal(0, 0.01, (6, 4))
    values[:, 0] += 0.1
    per = _per_dataset(values, ["deepbind", "danq", "basset", "kmer_baseline"])
    write_table(per, tmp_path / "per_dataset.tsv")
    records, inference = {}, {}
    for r in per.itertuples():
        path = tmp_path / f"{r.dataset}_{r.model}.json"
        result = {} if r.model == "kmer_baseline" else {"parameters": 1000, "train_s": 10.0}
        settings = {"tuning_budget": {"trials": 20, "seconds": 300.0}} if r.model == "basset" else {}
        path.write_text(json.dumps({"result": result, "settings": settings}))
        records[f"{r.dataset}/{r.model}"] = str(path)
        if r.model != "danq":  # e.g. an ensemble: no inference record
            speed = tmp_path / f"{r.dataset}_{r.model}.inference.json"
            speed.write_text(json.dumps({"rows": 1000, "predict_s": 0.5, "rows_per_s": 2000.0}))
            inference[f"{r.dataset}/{r.model}"] = str(speed)
    stats = leaderboard_stage(tmp_path / "per_dataset.tsv", records, tmp_path / "lb", "test", inference=inference)
    assert stats["friedman_p"] < 0.05 and stats["n_datasets"] == 6
    ranks = pd.read_csv(tmp_path / "lb" / "ranks.tsv", sep="\t")
    assert ranks.iloc[0]["model"] == "deepbind"
    cost = pd.read_csv(tmp_path / "lb" / "cost.tsv", sep="\t")
    assert cost["train_s"].isna().sum() == 6 and (cost["parameters"].dropna() == 1000).all()
    assert cost.loc[cost["model"] == "danq", "inference_rows_per_s"].isna().all()
    tuned = cost["model"] == "basset"  # only the tuned model carries a search budget
    assert (cost.loc[tuned, "tuning_trials"] == 20).all() and (cost.loc[tuned, "tuning_s"] == 300.0).all()
    assert cost.loc[~tuned, ["tuning_trials", "tuning_s"]].isna().all().all()
    assert (cost.loc[cost["model"] != "danq", "inference_rows_per_s"] == 2000.0).all()
    assert json.loads((tmp_path / "lb" / "statistics.json").read_text())["critical_difference"] > 0
    for fig in ("cd", "heatmap", "pareto"):
        assert (tmp_path / "lb" / f"{fig}.png").stat().st_size > 5000 and (tmp_path / "lb" / f"{fig}.pdf").exists()
