"""The reproducibility record of a trained model (``run.json``), in the spirit of a model card.

It holds what is needed to say whether two runs computed the same thing: the dataset's resolved
config and the model's training settings, the seed, the versions of Python and of the packages
that shape the numbers, the dnazoo version and git commit, and the sha256 of every input file the
job read and every output it wrote.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

#: Distributions whose versions are recorded (those present).
PACKAGES = ("dnazoo", "numpy", "pandas", "scikit-learn", "keras", "tensorflow", "tensorflow-cpu", "jax",
            "torch", "pyfaidx", "gensim", "snakemake", "pybigtools", "scipy", "h5py")


def package_versions() -> dict[str, str]:
    """``{distribution: version}`` of :data:`PACKAGES` that are installed, plus ``python``."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit(folder: str | os.PathLike | None = None) -> str | None:
    """The commit of the dnazoo checkout (``<sha>`` or ``<sha>-dirty``), or None outside git."""
    folder = Path(folder or Path(__file__).resolve().parents[2])
    if not (folder / ".git").exists():
        return None
    try:
        sha = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if dirty else sha


def checksums(paths) -> dict[str, str]:
    """``{path: sha256}`` of files; a folder contributes every file under it (sorted)."""
    from dnazoo.io import file_digest

    out = {}
    for p in paths:
        p = Path(p)
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            out[str(f)] = file_digest(f, "sha256")
    return out


def run_record(dataset: str, model: str, dataset_config: dict, settings: dict, inputs, outputs) -> dict:
    """The ``run.json`` content of one trained model.

    Args:
        dataset, model: the names in the config.
        dataset_config: the dataset's resolved config block.
        settings: the model's merged training settings (they include ``seed``).
        inputs: files or folders the job read (or their ``{path: sha256}``, from :func:`checksums`);
            outputs: files it wrote (hashed with sha256).

    Returns:
        ``{"dataset", "model", "seed", "dataset_config", "settings", "packages", "dnazoo_commit",
        "platform", "inputs": {path: sha256}, "outputs": {path: sha256}}``.
    """
    from dnazoo import __version__

    return {"dataset": dataset, "model": model, "seed": settings.get("seed"),
            "dataset_config": dataset_config, "settings": settings,
            "dnazoo_version": __version__, "dnazoo_commit": git_commit(), "packages": package_versions(),
            "platform": f"{platform.system()} {platform.machine()}",
            "inputs": dict(inputs) if isinstance(inputs, dict) else checksums(inputs), "outputs": checksums(outputs)}
