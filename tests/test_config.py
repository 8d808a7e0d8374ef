import copy
from pathlib import Path

import pytest
import yaml

from dnazoo.config import ConfigError, check, load

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "config").glob("*.yaml")))
def test_shipped_configs_validate(name):
    config = load(REPO / "config" / name)
    assert config["datasets"]


def test_deepchromehic_config_has_the_20_published_datasets():
    config = load(REPO / "config" / "deepchromehic.yaml")
    assert len(config["datasets"]) == 20
    assert all(d["window"] == 10001 for d in config["datasets"].values())


def _demo():
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def _write(tmp_path, config):
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(config))
    return p


def test_wrong_type_names_the_key(tmp_path):
    config = _demo()
    config["datasets"]["simulated_demo"]["window"] = "500"
    with pytest.raises(ConfigError, match=r"(?s)c.yaml: .*\['datasets'\]\['simulated_demo'\]\['window'\]"):
        load(_write(tmp_path, config))


def test_unknown_key_is_rejected(tmp_path):
    config = _demo()
    config["datasets"]["simulated_demo"]["windwo"] = 500
    with pytest.raises(ConfigError, match="windwo"):
        load(_write(tmp_path, config))


def test_model_too_long_for_window_says_minimum(tmp_path):
    config = _demo()
    config["models"].append("onehot_cnn_two_branch")
    with pytest.raises(ConfigError, match=r"datasets.simulated_demo.window: .*at least 8257 bp, got 500 bp"):
        load(_write(tmp_path, config))


def test_bad_dataset_name_and_unknown_genome(tmp_path):
    config = _demo()
    config["datasets"]["bad name"] = config["datasets"]["simulated_demo"]
    with pytest.raises(ConfigError, match="bad name"):
        load(_write(tmp_path, config))
    config = copy.deepcopy(_demo())
    ds = config["datasets"]["simulated_demo"]
    del ds["simulate"]
    ds["genome"], ds["table"] = "hg19", {"path": "x.bedpe", "format": "bedpe"}
    with pytest.raises(ConfigError, match=r"datasets.simulated_demo.genome: genome 'hg19' is not defined"):
        check(config)


def test_config_cross_key_errors_name_the_key(tmp_path):
    from dnazoo.config import ConfigError, check

    def demo():
        return yaml.safe_load((REPO / "config" / "config.yaml").read_text())

    c = demo()
    c["transfer"] = {"datasets": ["nope"]}
    with pytest.raises(ConfigError, match=r"transfer.datasets\[0\]: unknown dataset 'nope'"):
        check(c)
    c = demo()
    c["baselines"] = ["deepbind"]
    with pytest.raises(ConfigError, match=r"baselines\[0\]: 'deepbind' is not a baseline"):
        check(c)
    c = demo()
    c["datasets"]["simulated_demo"]["negatives"] = {"method": "dinucleotide_shuffle"}
    with pytest.raises(ConfigError, match=r"datasets.simulated_demo.negatives.method"):
        check(c)
    c = demo()
    del c["datasets"]["simulated_demo"]["embedding"]
    check(c)  # a dna2vec model fills in the default embedding of a pairs dataset
    assert c["datasets"]["simulated_demo"]["embedding"] == "dna2vec"
