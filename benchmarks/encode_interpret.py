"""Run ``config/encode_interpret.yaml`` (DeepBind's ENCODE H1-hESC ChIP-seq sets for USF1, SRF,
YY1 and ZNF143; train, evaluate, rule ``interpret``) with its URLs served from a local copy of the
deepRAM files over loopback HTTP (md5 checks stay on), then write the match table of
``benchmarks/interpret_table.py``. Usage (2 CPU cores: about 30 min for both models)::

    .venv/bin/python benchmarks/encode_interpret.py --workdir /tmp/encode_interpret \\
        --out benchmarks/results/encode_interpret.tsv

With internet access, ``snakemake --configfile config/encode_interpret.yaml`` downloads the same
files itself; this script exists because the project's machines have no internet.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEEPRAM = "https://github.com/MedChaabane/deepRAM/raw/87014f400d9bdeb96f04f7ae977071188deaebeb/datasets/ChIP-seq/"


@contextlib.contextmanager
def serve(directory: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def set_key(config: dict, assignment: str) -> None:
    """``a.b.c=value`` (value parsed as YAML) into the config."""
    key, value = assignment.split("=", 1)
    *path, last = key.split(".")
    node = config
    for k in path:
        node = node.setdefault(k, {})
    node[last] = yaml.safe_load(value)


def run_config(config: dict, prefix: str, base: str, workdir: Path, cores: int, targets: list[str] = ()) -> None:
    """Write ``config`` with the URL ``prefix`` replaced by the loopback ``base`` to
    ``workdir/config.yaml`` and run Snakemake on it (``gpu=1``; the loopback port differs per run,
    so reruns follow changed files only: ``--rerun-triggers mtime``)."""
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False).replace(prefix, base))
    subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory", str(workdir),
                    "--configfile", str(cfg), "--cores", str(cores), "--resources", "gpu=1",
                    "--rerun-triggers", "mtime", *(["--", *targets] if targets else [])], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data")) / "tfbs" / "deepbind_encode_h1hesc_deepRAM")
    ap.add_argument("--models", nargs="*", help="a subset of the config's models")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: no local copy of the deepRAM ChIP-seq files")
    config = yaml.safe_load((REPO / "config" / "encode_interpret.yaml").read_text())
    if args.models:
        config["models"] = args.models
    args.workdir.mkdir(parents=True, exist_ok=True)
    with serve(args.data) as base:
        run_config(config, DEEPRAM, base, args.workdir, args.cores)
    cmd = [sys.executable, str(REPO / "benchmarks" / "interpret_table.py"), "--results", str(args.workdir / "results")]
    if args.out:
        cmd += ["--out", str(args.out.resolve())]
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
