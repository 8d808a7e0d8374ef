"""The config schema is package data, and its enums name exactly what the registries hold."""

from __future__ import annotations

import pytest

import os
import subprocess
import sys
from pathlib import Path

import yaml

from dnazoo import config, models, tasks, training
from dnazoo.data import readers, sources, splits
from dnazoo.models.names import FUSIONS
from dnazoo.models.names import DEEPCPG_CPG as CPG_ARCHITECTURES

REPO = Path(__file__).resolve().parents[2]


def _schema() -> dict:
    return yaml.safe_load(config.SCHEMA.read_text())


def _enums(node, path=()):
    """Every ``enum`` in the schema with the key path it sits under."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "enum":
                yield path, tuple(v)
            else:
                yield from _enums(v, path + (k,))
    elif isinstance(node, list):
        for v in node:
            yield from _enums(v, path)


def _enum_of(key: str) -> list[tuple]:
    return [e for p, e in _enums(_schema()) if p and p[-1] == key]


def test_the_schema_is_package_data():
    assert config.SCHEMA.is_file()
    assert "dnazoo" in config.SCHEMA.parts and "workflow" not in config.SCHEMA.parts


def test_fusion_enums_are_the_registry_fusions():
    found = _enum_of("fusion")
    assert len(found) >= 2
    for e in found:
        assert set(e) == set(FUSIONS)


def test_task_kind_and_split_enums_match_the_registries():
    assert any(set(e) == set(tasks.TASKS) for e in _enum_of("task"))
    assert any(set(e) == set(models.KINDS) for e in _enum_of("kind"))
    assert any(set(e) == set(splits.METHODS) for e in _enum_of("method"))
    assert any(set(e) == set(training.OPTIMIZERS) for e in _enum_of("optimizer"))
    assert any(set(e) == set(training.SCHEDULES) for e in _enum_of("schedule"))


def test_format_enums_match_the_readers():
    """Every format enum of the schema is a kind's formats in the one registry of readers."""
    formats = [set(e) for e in _enum_of("format")]
    assert set(sources.formats("pairs")) in formats
    assert set(sources.formats("sequences")) in formats  # training sources, peak BED included
    assert set(sources.formats("sequences")) - {"bed"} in formats  # validation / test: no peaks
    known = set(sources.READERS)
    assert all(f <= known for f in formats)
    assert {r.kind for r in sources.READERS.values()} == {"pairs", "sequences", "methylation"}


def test_every_reader_names_the_file_of_a_bad_row(tmp_path):
    bad = tmp_path / "user_table.csv"
    bad.write_text("sequence,label\nACGTNNACGT,1\nACGTXXACGT,0\n")
    with pytest.raises(readers.TableError, match=r"user_table.csv:3: column .sequence. has non-IUPAC"):
        sources.read_source("csv", bad, {"source": "user_table.csv"})
    with pytest.raises(ValueError, match="unknown input format 'xlsx'"):
        sources.read_source("xlsx", bad)


def test_cpg_model_enum_matches_the_deepcpg_architectures():
    items = [p for p, e in _enums(_schema()) if "cpg_models" in p]
    cpg = [e for p, e in _enums(_schema()) if "cpg_models" in p]
    assert items and set(cpg[0]) == {f"deepcpg_cpg_{a}" for a in CPG_ARCHITECTURES}


def test_an_installed_package_loads_a_config_outside_the_checkout(tmp_path):
    """Build a wheel (from a copy of the sources, so the checkout gets no build folder), install it
    into a folder of its own and validate the demo config from there."""
    import shutil

    source, wheel_dir, target = tmp_path / "source", tmp_path / "wheel", tmp_path / "site"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheel_dir), str(source)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("dnazoo-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import dnazoo, dnazoo.config as c; from pathlib import Path; "
            f"assert Path(dnazoo.__file__).is_relative_to({str(target)!r}), dnazoo.__file__; "
            f"cfg = c.load({str(REPO / 'config' / 'config.yaml')!r}); print(c.SCHEMA, sorted(cfg['datasets']))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert str(target) in out.stdout and "schemas/config.schema.yaml" in out.stdout


def test_given_validation_or_test_files_are_never_re_split():
    """A test file pooled and re-split by 'random' would train the model on test rows: refused,
    naming the keys; 'given' takes the files as they are."""
    from dnazoo.config import ConfigError, check

    ds = {"kind": "sequences", "window": 101, "negatives": {"method": "given"},
          "train": {"path": "train.csv", "format": "csv"}, "test": {"path": "test.csv", "format": "csv"},
          "validation": {"path": "dev.csv", "format": "csv"}}
    for split in ({"method": "random"}, {"method": "cv", "folds": 5}, None):
        config = {"datasets": {"tf": dict(ds)}, "models": ["deepbind"]}
        if split:
            config["split"] = split
        with pytest.raises(ConfigError, match=r"split.method( \(dataset tf\))?: '(random|cv|chromosome)' would pool "
                                              r"and re-split the rows of the given datasets.tf(.fold0)?.validation "
                                              r"and datasets.tf(.fold0)?.test file\(s\)"):
            check(config)
    check({"datasets": {"tf": dict(ds)}, "models": ["deepbind"], "split": {"method": "given"}})
