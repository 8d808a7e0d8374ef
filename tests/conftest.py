"""Shared fixtures: the real-data folder, a loopback HTTP server, tiny genomes."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data"))


def needs_shared(*parts: str) -> Path:
    """Path under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def http_root(tmp_path_factory):
    """Serve a folder on 127.0.0.1 (a free port); yields ``(folder, base_url)``.

    Only loopback: the server binds 127.0.0.1 and stops at teardown.
    """
    root = tmp_path_factory.mktemp("www")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def serve_directory(directory: Path):
    """Context manager: serve an existing folder on loopback; yields the base URL."""
    import contextlib

    @contextlib.contextmanager
    def _cm():
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()

    return _cm()


def write_fasta(path: Path, seqs: dict[str, str], width: int = 60) -> Path:
    """Write a small FASTA with fixed-width lines."""
    with open(path, "w") as fh:
        for name, s in seqs.items():
            fh.write(f">{name}\n")
            for i in range(0, len(s), width):
                fh.write(s[i:i + width] + "\n")
    return path


def random_dna(n: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    return "".join(np.array(list("ACGT"))[rng.integers(0, 4, n)])


FOLDER_MARKERS = {"unit": "unit", "models": "models", "workflow": "workflow", "realdata": "realdata"}


def pytest_collection_modifyitems(config, items):
    """Mark every test by its folder (``unit``, ``models``, ``workflow``, ``realdata``) and mark
    ``realdata`` every test that reads ``../shared/data`` (it calls :func:`needs_shared`), then run
    the end-to-end Snakemake tests (marker ``workflow``, minutes each) first: with ``pytest -n 2``
    (one test handed out at a time, ``--maxschedchunk=1`` in pyproject.toml) the short tests then
    fill the gaps and both workers finish together."""
    import inspect

    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in FOLDER_MARKERS:
            item.add_marker(FOLDER_MARKERS[folder])
        fn = getattr(item, "function", None)
        if fn is not None and item.get_closest_marker("realdata") is None:
            try:
                if "needs_shared(" in inspect.getsource(fn):
                    item.add_marker("realdata")
            except (OSError, TypeError):
                pass
    items.sort(key=lambda item: item.get_closest_marker("workflow") is None)


def deepsea_subset(folder: Path, part: str, n: int | None = None):
    """The first ``n`` windows (all with None) of the real DeepSEA subset's ``part`` (train/test):
    ``(sequences, (n, 690) uint8 labels)``."""
    import gzip

    from pyfaidx import Fasta

    fa_path = Path(tempfile.mkdtemp()) / f"{part}.fa"
    fa_path.write_bytes(gzip.decompress((folder / f"{part}_sequences.fa.gz").read_bytes()))
    with Fasta(str(fa_path), as_raw=True) as fa:
        seqs = [fa[k][:] for k in list(fa.keys())[:n]]
    shutil.rmtree(fa_path.parent)
    return seqs, np.load(folder / f"{part}_labels_tf690.npz")["y"][:n]


from dnazoo.data.readers import write_deepsea_mat  # noqa: E402,F401  (the tests' writer of DeepSEA .mat files)
