import copy
import re
import sys
from pathlib import Path

import pytest
import yaml

from dnazoo.config import ConfigError, check, load

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "config").glob("*.yaml")))
def test_shipped_configs_validate(name):
    config = load(REPO / "config" / name)
    assert config["datasets"] or config["methylation"]


def _methylation():
    return yaml.safe_load((REPO / "config" / "demo_deepcpg.yaml").read_text())


@pytest.mark.parametrize("edit, message", [
    (lambda ds: ds.update(dna_window=200), r"methylation.simulated_methylation.dna_window: must be odd"),
    (lambda ds: ds["joint_models"][0].update(cpg="deepcpg_cpg_FcAvg"),
     r"joint_models\[0\].cpg: 'deepcpg_cpg_FcAvg' is not in methylation.simulated_methylation.cpg_models"),
    (lambda ds: ds.update(dna_models=["deepcpg_dna_CnnL9"]), r"dna_models\[0\]: unknown model 'deepcpg_dna_CnnL9'"),
    (lambda ds: ds.update(cpg_models=["deepcpg_cpg_Avg"]), r"methylation.simulated_methylation.cpg_models.0"),
    (lambda ds: ds["simulate"].update(coverage=1.5), r"simulate: simulate.coverage must lie in \[0, 1\]"),
    (lambda ds: ds.update(profiles={"c": {"path": "c.tsv.gz"}}), r"methylation.simulated_methylation"),
])
def test_bad_methylation_config_names_the_key(tmp_path, edit, message):
    config = _methylation()
    edit(config["methylation"]["simulated_methylation"])
    with pytest.raises(ConfigError, match=message):
        load(_write(tmp_path, config))


def test_a_methylation_dataset_without_a_genome_takes_cpg_models_only(tmp_path):
    config = yaml.safe_load((REPO / "config" / "deepcpg.yaml").read_text())
    ds = config["methylation"]["deepcpg_serum"]
    assert load(_write(tmp_path, config))["methylation"]["deepcpg_serum"]["cpg_wlen"] == 50  # defaults filled in
    ds["dna_models"] = ["deepcpg_dna_CnnL2h128"]
    with pytest.raises(ConfigError, match="deepcpg_serum: DNA and Joint models need DNA windows: give a genome"):
        load(_write(tmp_path, config))


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
    with pytest.raises(ConfigError, match=r"c.yaml: datasets.simulated_demo.window: '500' is not of type 'integer'$"):
        load(_write(tmp_path, config))


def test_unknown_key_is_one_line_with_the_nearest_key(tmp_path):
    config = _demo()
    config["datasets"]["simulated_demo"]["windwo"] = 500
    with pytest.raises(ConfigError) as err:
        load(_write(tmp_path, config))
    assert str(err.value) == (f"{tmp_path / 'c.yaml'}: datasets.simulated_demo: unknown key 'windwo' "
                              "(did you mean 'window'?)")
    config = _demo()
    config["trainig"] = {}
    with pytest.raises(ConfigError, match=r"c.yaml: \(top level\): unknown key 'trainig' \(did you mean 'training'\?\)$"):
        load(_write(tmp_path, config))


@pytest.mark.parametrize("name", [".", ".."])
def test_dataset_names_that_would_escape_results_are_rejected(tmp_path, name):
    config = _demo()
    config["datasets"][name] = config["datasets"].pop("simulated_demo")
    with pytest.raises(ConfigError, match=f"datasets: '{re.escape(name)}' does not match"):
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


def test_cv_and_seeds_expand_into_replicates_sharing_one_simulation(tmp_path):
    from dnazoo.config import genome_of, protocol_label, training_settings

    config = _demo()
    name = next(iter(config["datasets"]))
    config["datasets"][name]["split"] = {"method": "cv", "folds": 3}
    config["seeds"] = [7, 8]
    loaded = load(_write(tmp_path, config))
    names = list(loaded["datasets"])
    assert names == [f"{name}.fold{f}.seed{s}" for f in range(3) for s in (7, 8)]
    for n in names:
        ds = loaded["datasets"][n]
        assert ds["replicate_of"] == name and ds["group"] == name
        assert genome_of(loaded, n) == f"simulated_{name}"  # one simulated genome for all replicates
        assert protocol_label(loaded, n) == "cv (3 folds), negatives from the table"
    assert loaded["datasets"][f"{name}.fold2.seed8"]["split"]["fold"] == 2
    assert training_settings(loaded, "deepbind", f"{name}.fold2.seed8")["seed"] == 8
    assert training_settings(loaded, "deepbind")["seed"] == 0
    before = copy.deepcopy(loaded["datasets"])
    check(loaded)  # idempotent: replicates are not expanded again
    assert loaded["datasets"] == before


def test_replicate_errors_name_the_key(tmp_path):
    config = _demo()
    name = next(iter(config["datasets"]))
    config["datasets"][name]["seeds"] = [0, 1]
    config["datasets"][f"{name}.seed1"] = copy.deepcopy(config["datasets"][name])
    del config["datasets"][f"{name}.seed1"]["seeds"]
    with pytest.raises(ConfigError, match=rf"datasets.{name}: its replicate '{name}.seed1' clashes"):
        load(_write(tmp_path, config))
    config = _demo()
    config["datasets"][name]["seeds"] = [0, 1]
    config["datasets"]["other"] = copy.deepcopy(config["datasets"][name])
    config["transfer"] = {"datasets": [name, "other"]}
    with pytest.raises(ConfigError, match=r"transfer.datasets: '(other|simulated_demo)' has replicates"):
        load(_write(tmp_path, config))


def test_protocols_expand_per_dataset_then_folds_and_seeds(tmp_path):
    from dnazoo.config import protocol_label, training_settings

    config = _demo()
    name = next(iter(config["datasets"]))
    config["seeds"] = [1, 2]
    config["datasets"][name]["protocols"] = {
        "random": {"split": {"method": "random", "seed": 0}},
        "cv": {"split": {"method": "cv", "folds": 3}, "negatives": {"method": "distance_matched", "new_pairs": True}},
    }
    loaded = load(_write(tmp_path, config))
    names = list(loaded["datasets"])
    assert sorted(names) == sorted([f"{name}.random.seed1", f"{name}.random.seed2"] + [
        f"{name}.cv.fold{f}.seed{s}" for f in range(3) for s in (1, 2)])
    assert {loaded["datasets"][n]["group"] for n in names} == {name}
    assert {loaded["datasets"][n]["replicate_of"] for n in names} == {name}
    assert protocol_label(loaded, f"{name}.random.seed2") == "random split, negatives from the table"
    assert protocol_label(loaded, f"{name}.cv.fold1.seed1") == "cv (3 folds), distance-matched negatives"
    assert training_settings(loaded, "deepbind", f"{name}.cv.fold1.seed2")["seed"] == 2
    before = copy.deepcopy(loaded["datasets"])
    check(loaded)
    assert loaded["datasets"] == before
    config["datasets"][name]["protocols"]["random"]["negatives"] = {"method": "dinucleotide_shuffle"}
    with pytest.raises(ConfigError, match=rf"datasets.{name}.random.seed1.negatives.method: 'dinucleotide_shuffle'"):
        load(_write(tmp_path, config))


def test_package_has_a_docstring_and_its_installed_version():
    import importlib.metadata

    import dnazoo

    assert "Snakemake benchmark" in dnazoo.__doc__ and dnazoo.__file__.endswith("__init__.py")
    assert dnazoo.__version__ == importlib.metadata.version("dnazoo")


def test_reading_the_registry_and_config_does_not_import_keras():
    """The Snakefile reads the registry at parse time: that must not load TensorFlow (seconds, and
    its banners on the console)."""
    import subprocess
    import sys

    code = ("import sys; from dnazoo import config, models, tasks; from dnazoo.data import simulate, dataset; "
            "print(len(models.REGISTRY), 'keras' in sys.modules, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 20 and out[1:] == ["False", "False"]


def test_a_simulation_with_more_pairs_than_fit_fails_at_config_time(tmp_path):
    config = _demo()
    config["datasets"]["simulated_demo"]["simulate"].update(n_pairs=200_000, n_chromosomes=3, chrom_length=1_000_000)
    with pytest.raises(ConfigError, match=r"datasets.simulated_demo.simulate.n_pairs 200000 do not fit 3 chromosomes "
                                          r"of 1000000 bp \(at most \d+ pairs"):
        load(_write(tmp_path, config))
    config = _demo()
    config["datasets"]["simulated_demo"]["simulate"].update(chrom_length=300_000, max_distance=500_000)
    with pytest.raises(ConfigError, match=r"simulated_demo.simulate.max_distance 500000 bp does not fit"):
        load(_write(tmp_path, config))


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "config").glob("*.yaml")))
def test_shipped_configs_read_public_sources_only(name):
    """No shipped config names this project's local data folder: every source is a URL."""
    config = yaml.safe_load((REPO / "config" / name).read_text())
    local = []

    def walk(obj, key):
        if isinstance(obj, dict):
            if "path" in obj:
                local.append(f"{key}.path: {obj['path']}")
            for k, v in obj.items():
                walk(v, f"{key}.{k}")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{key}[{i}]")
        elif isinstance(obj, str) and "shared/" in obj:
            local.append(f"{key}: {obj}")

    walk(config, name)
    assert not local, local


def test_interpret_block_explains_the_listed_keras_models_and_names_bad_keys(tmp_path):
    from dnazoo.config import interpret_plan

    config = load(REPO / "config" / "config.yaml")
    models_, settings, expected = interpret_plan(config, "simulated_demo")
    assert models_ == ["deepbind"] and settings["n_sequences"] == 100 and expected == ["MA0139"]
    config["interpret"] = {}
    assert interpret_plan(config, "simulated_demo")[0] == ["deepbind", "embedding_cnn_one_branch"]  # every Keras model
    config["datasets"]["simulated_demo"]["interpret"] = {"enabled": False}
    assert interpret_plan(config, "simulated_demo") == ([], {}, [])
    bad = [({"models": ["kmer_baseline"]}, r"interpret.models\[0\] \(dataset simulated_demo\): 'kmer_baseline' is a baseline"),
           ({"jaspar": "JASPAR1999"}, r"interpret: jaspar: pyjaspar ships .* not 'JASPAR1999'"),
           ({"expected": ["CTCF"]}, r"interpret.expected\[0\]: 'CTCF' is not a JASPAR matrix id"),
           ({"n_sequences": 1}, r"interpret.n_sequences: 1 is less than the minimum of 2")]
    for block, message in bad:
        config = _demo()
        config["interpret"] = block
        with pytest.raises(ConfigError, match=message):
            load(_write(tmp_path, config))


def test_no_workflow_script_shadows_a_module_that_a_dependency_imports():
    """Snakemake puts workflow/scripts/ first on sys.path, so a script named like a module replaces it
    for every import inside the job: coverage.py once did, and numba's optional ``import coverage``
    (memelite -> numba) then ran the script and failed. No script may share its name with a standard
    library module or with a top-level module that any installed package imports."""
    import re
    import site
    import sysconfig

    stems = sorted(p.stem for p in (REPO / "workflow" / "scripts").glob("*.py"))
    assert "interpret" in stems  # the glob sees the scripts
    clashes = {s for s in stems if s in sys.stdlib_module_names}
    pattern = re.compile(rb"^[ \t]*(?:import|from)[ \t]+(" + "|".join(stems).encode() + rb")\b(?![ \t]*\.)",
                         re.MULTILINE)
    roots = {Path(p) for p in site.getsitepackages()} | {Path(sysconfig.get_paths()["stdlib"])}
    for root in roots:
        for f in root.rglob("*.py"):
            try:
                clashes.update(m.decode() for m in pattern.findall(f.read_bytes()))
            except OSError:
                continue
    assert clashes == set(), f"workflow/scripts/ names that other code imports: {sorted(clashes)}"


def test_a_baseline_gets_only_the_settings_it_reads():
    """Raising max_epochs must not refit the scikit-learn baselines (Snakemake reruns a job whose
    params change): their settings hold only seed, k and neighbour_window."""
    from dnazoo.config import training_settings

    config = {"datasets": {"d": {"kind": "sequences", "window": 101}}, "models": ["deepbind"],
              "training": {"max_epochs": 50, "learning_rate": 0.1, "seed": 3},
              "model_overrides": {"kmer_baseline": {"k": 5}}}
    assert training_settings(config, "kmer_baseline", "d") == {"seed": 3, "k": 5}
    assert training_settings(config, "deepbind", "d")["max_epochs"] == 50


def test_a_column_typo_in_a_local_csv_fails_at_config_time(tmp_path):
    from dnazoo.config import ConfigError, check

    (tmp_path / "train.csv").write_text("seq,label\nACGT,1\n")
    ds = {"kind": "sequences", "window": 101, "negatives": {"method": "given"}, "split": {"method": "random"},
          "train": {"path": str(tmp_path / "train.csv"), "format": "csv"}}
    with pytest.raises(ConfigError, match=r"datasets.d.sequence_column: \['sequence'\] not in the header of .*train.csv "
                                          r"\(datasets.d.train.path\), which has \['seq', 'label'\]"):
        check({"datasets": {"d": dict(ds)}, "models": ["deepbind"]})
    check({"datasets": {"d": {**ds, "sequence_column": "seq"}}, "models": ["deepbind"]})


@pytest.mark.parametrize("tuning, message", [
    ({"parallel": 2, "storage": "sqlite"}, r"tuning.storage \(dataset simulated_demo\): sqlite with parallel: 2"),
    ({"models": ["kmer_baseline"]}, r"tuning.models\[0\] \(dataset simulated_demo\): 'kmer_baseline' is not a Keras"),
    ({"space": {"momentum": {"low": 0.1, "high": 0.9}}}, r"tuning \(deepbind\): tuning.space.momentum: not a tunable"),
])
def test_tuning_errors_name_the_key(tuning, message):
    from dnazoo.config import tuning_plan

    c = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    c["tuning"] = tuning
    with pytest.raises(ConfigError, match=message):
        check(c)
    c["tuning"] = {"trials": 5, "parallel": 3}
    check(c)
    tuned, settings = tuning_plan(c, "simulated_demo")
    assert "deepbind" in tuned and "kmer_baseline" not in tuned
    assert settings == {"trials": 5, "seed": 0, "parallel": 3, "storage": "journal", "max_epochs": None, "space": {}}
    c["datasets"]["simulated_demo"]["tuning"] = {"enabled": False}
    assert tuning_plan(c, "simulated_demo") == ([], {})
