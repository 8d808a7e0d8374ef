"""Per-rule conda environments, `snakemake --lint`, and the workflow's static layout."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

import pytest
import yaml

from conftest import REPO

RULE_FILES = sorted((REPO / "workflow" / "rules").glob("*.smk"))
# conda package name -> the distribution the pip path (scripts/setup.sh) installs
PIP_NAME = {"snakemake-minimal": "snakemake", "matplotlib-base": "matplotlib", "pyyaml": "PyYAML"}


def _rules():
    """``(file, rule name, body)`` of every rule."""
    for path in RULE_FILES:
        text = path.read_text()
        for m in re.finditer(r"^rule (\w+):\n((?:[ \t]+.*\n|\n)*)", text, flags=re.M):
            yield path, m.group(1), m.group(2)


def test_every_rule_has_conda_log_and_benchmark():
    rules = list(_rules())
    assert len(rules) >= 20
    for path, name, body in rules:
        for directive in ("conda:", "log:", "benchmark:"):
            assert directive in body, f"{path.name}: rule {name} has no {directive}"


@pytest.mark.parametrize("env", sorted((REPO / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_conda_env_parses_and_pins_the_pip_major_versions(env):
    spec = yaml.safe_load(env.read_text())
    assert spec["channels"][0] == "conda-forge"
    pins = {}
    for dep in spec["dependencies"]:
        if isinstance(dep, dict):  # the pip: section
            pins.update(dict(d.split("==") for d in dep["pip"]))
        elif "=" in dep:
            name, version = dep.split("=", 1)
            pins[name] = version
    for name, version in pins.items():
        if name == "python":
            assert version.split(".")[:2] == [str(sys.version_info.major), str(sys.version_info.minor)]
            continue
        dist = PIP_NAME.get(name, name)
        try:
            installed = metadata.version(dist)
        except metadata.PackageNotFoundError:
            installed = metadata.version(f"{dist}-cpu")  # tensorflow-cpu on x86-64
        assert installed.split(".")[0] == version.split(".")[0], f"{env.name}: {name}={version}, pip has {installed}"


def test_every_conda_directive_names_an_existing_env():
    for path, name, body in _rules():
        m = re.search(r'conda:\s*\n\s*"([^"]+)"', body)
        assert m, f"rule {name}"
        assert (path.parent / m.group(1)).resolve().is_file(), f"{path.name}: rule {name}: {m.group(1)}"


def test_snakemake_lint_is_clean():
    for extra in ([], ["--configfile", str(REPO / "config" / "deepchromehic.yaml")]):
        proc = subprocess.run([sys.executable, "-m", "snakemake", "--lint", "-s", str(REPO / "Snakefile"), *extra],
                              capture_output=True, text=True, cwd=REPO)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Lints for" not in proc.stdout + proc.stderr


def test_setup_script_skips_an_install_that_is_up_to_date():
    """The README's first command reruns setup.sh; with pyproject.toml unchanged it installs
    nothing (CI has just run it, so its stamp is current)."""
    stamp = REPO / ".venv" / ".dnazoo-setup-stamp"
    if not stamp.exists():
        pytest.skip("no .venv made by scripts/setup.sh here")
    proc = subprocess.run(["bash", str(REPO / "scripts" / "setup.sh")], capture_output=True, text=True)
    assert proc.returncode == 0 and "up to date" in proc.stdout, proc.stdout + proc.stderr
