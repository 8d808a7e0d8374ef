"""The documentation: it builds with mkdocs --strict, covers every config and schema key, its model
table matches the registry, its examples validate, and README and docs read as documentation."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import REPO

DOCS = REPO / "docs"


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (tmp_path / "site" / "api" / "index.html").stat().st_size > 10_000


def test_readme_is_short_and_gives_the_two_commands():
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 150
    assert "bash scripts/setup.sh && .venv/bin/snakemake --cores 2 --resources gpu=1" in text
    tests = '.venv/bin/python -m pytest -q -ra -n 2 -m "not slow"'
    assert f"bash scripts/setup.sh && {tests}" in text
    assert tests in (REPO / ".ci" / "run").read_text()  # CI runs the README's command


def test_every_shipped_config_is_documented():
    page = (DOCS / "configuration.md").read_text()
    readme = (REPO / "README.md").read_text()
    for cfg in sorted((REPO / "config").glob("*.yaml")):
        assert f"`{cfg.name}`" in page, cfg.name
        assert cfg.name in readme, cfg.name


def _properties(node: dict, path: str = ""):
    for key, sub in (node.get("properties") or {}).items():
        yield f"{path}{key}", sub
        if isinstance(sub, dict):
            yield from _properties(sub, f"{path}{key}.")
            if isinstance(sub.get("additionalProperties"), dict):
                yield from _properties(sub["additionalProperties"], f"{path}{key}.*.")


def test_every_schema_key_is_on_the_configuration_page():
    from dnazoo.config import SCHEMA

    schema = yaml.safe_load(SCHEMA.read_text())
    page = (DOCS / "configuration.md").read_text()
    missing = sorted({p.rsplit(".", 1)[-1] for p, _ in _properties(schema)} - set(re.findall(r"`([a-z0-9_]+)[`:]", page)))
    assert not missing, f"schema keys not on docs/configuration.md: {missing}"


def test_model_table_matches_the_registry():
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import model_table
    finally:
        sys.path.pop(0)
    want = [re.sub(r"\|[^|]*\|([^|]*\|[^|]*\|)$", "", row) for row in model_table.rows(with_params=False)]
    lines = [ln for ln in (DOCS / "models.md").read_text().splitlines() if ln.startswith("| `")]
    got = [re.sub(r"\|[^|]*\|([^|]*\|[^|]*\|)$", "", ln) for ln in lines]
    assert got == want[2:], "docs/models.md is stale: .venv/bin/python scripts/model_table.py > docs/models.md"


def test_bring_your_own_data_examples_validate(tmp_path):
    """Each YAML example of docs/own-data.md, with the top-level keys it leaves out, passes the
    schema and dnazoo.config.check."""
    from dnazoo.config import load

    text = (DOCS / "own-data.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(blocks) >= 5
    for i, block in enumerate(blocks):
        cfg = yaml.safe_load(block)
        cfg.setdefault("models", ["deepbind"])
        for ds in (cfg.get("datasets") or {}).values():
            if "genome" in ds:
                cfg.setdefault("genomes", {})[ds["genome"]] = {"path": "genome.fa"}
        for ds in (cfg.get("methylation") or {}).values():
            if "genome" in ds:
                cfg.setdefault("genomes", {})[ds["genome"]] = {"path": "genome.fa"}
        path = tmp_path / f"example{i}.yaml"
        path.write_text(yaml.safe_dump(cfg))
        load(path)


NOTEBOOK = re.compile(r"\b(lost|stop \d+|session|my (untested )?guess|in an earlier stop|we tried|I think|I ran)\b", re.I)


def test_readme_and_docs_are_not_a_lab_notebook():
    for page in [REPO / "README.md", *DOCS.rglob("*.md")]:
        hits = NOTEBOOK.findall(page.read_text())
        assert not hits, f"{page.relative_to(REPO)}: {hits}"


def test_every_committed_result_file_is_on_the_results_page():
    page = (DOCS / "results.md").read_text()
    for folder in ("published", "perf/results"):
        for f in sorted((REPO / folder).iterdir()):
            assert f"{folder}/{f.name}" in page, f.name
    for ref in re.findall(r"(?:published|perf/results)/[A-Za-z0-9_.-]+", page):
        assert (REPO / ref).exists(), ref


def test_every_experiment_config_names_its_command_and_validates():
    """config/experiments/*.yaml: each says how it is run, and with the config it changes (the one
    its command names first) it passes the schema and the cross-key checks."""
    import yaml
    from snakemake.utils import validate

    from dnazoo import config as cfg

    for path in sorted((REPO / "config" / "experiments").glob("*.yaml")):
        text = path.read_text()
        assert "snakemake" in text and f"config/experiments/{path.name}" in text, path.name
        files = re.search(r"--configfile ((?:config/\S+\.yaml ?)+)", text.replace("\\\n", " ")).group(1).split()
        merged = {}
        for f in files:
            merged = _merge(merged, yaml.safe_load((REPO / f).read_text()))
        cfg.schema_errors(merged, path.name)
        validate(merged, str(cfg.SCHEMA), set_default=True)
        cfg.check(merged)


def _merge(base: dict, over: dict) -> dict:
    """Snakemake's merge of --configfile files: nested mappings key by key, the later file winning."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def test_the_quickstart_lists_every_slow_test():
    """The tests left out of CI (marker ``slow``) are each named in the quickstart's table."""
    import re

    source = (REPO / "tests" / "workflow" / "test_workflow.py").read_text()
    slow = set(re.findall(r"@pytest\.mark\.slow\ndef (test_\w+)\(", source))
    assert len(slow) >= 7 and "marks=pytest.mark.slow" in source  # and one parametrisation
    table = set(re.findall(r"^\| `(test_\w+)", (DOCS / "quickstart.md").read_text(), flags=re.M))
    assert slow <= table and len(table) == len(slow) + 1, (slow, table)
