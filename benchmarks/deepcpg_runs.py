"""Run the two DeepCpG configs and keep their per-cell tables: ``config/demo_deepcpg.yaml`` (the
simulated default: DNA, CpG and Joint models) and ``config/deepcpg.yaml`` (DeepCpG's real test
profiles, served from ``../shared/data/deepcpg/cpg_profiles`` over loopback HTTP with the md5
checks on; CpG models). Usage (2 CPU cores: about 3 + 8 min)::

    .venv/bin/python benchmarks/deepcpg_runs.py --workdir /tmp/deepcpg --out benchmarks/results

writes ``deepcpg_simulated_per_cell.tsv``, ``deepcpg_simulated_summary.tsv``,
``deepcpg_simulated_dna_filters.tsv`` (the DNA model's first-layer filters matched to JASPAR),
``deepcpg_real_per_cell.tsv`` and ``deepcpg_real_summary.tsv`` to ``--out``. With internet access,
``snakemake --configfile config/deepcpg.yaml`` downloads the same files from GitHub itself.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from encode_interpret import serve

REPO = Path(__file__).resolve().parents[1]


def run(config: dict, workdir: Path, cores: int, targets: tuple[str, ...] = ()) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False))
    subprocess.run([sys.executable, "-m", "snakemake", *targets, "-s", str(REPO / "Snakefile"), "--directory", str(workdir),
                    "--configfile", str(cfg), "--cores", str(cores), "--resources", "gpu=1",
                    "--rerun-triggers", "mtime"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data")) / "deepcpg" / "cpg_profiles")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    run(yaml.safe_load((REPO / "config" / "demo_deepcpg.yaml").read_text()), args.workdir / "simulated", args.cores)
    res = args.workdir / "simulated" / "results" / "methylation" / "simulated_methylation"
    for f in ("per_cell", "summary"):
        shutil.copyfile(res / f"{f}.tsv", args.out / f"deepcpg_simulated_{f}.tsv")
    shutil.copyfile(res / "models" / "deepcpg_dna_CnnL2h128" / "filters.tsv", args.out / "deepcpg_simulated_dna_filters.tsv")
    if not args.data.is_dir():
        sys.exit(f"{args.data}: no local copy of DeepCpG's profiles; the real run is skipped")
    config = yaml.safe_load((REPO / "config" / "deepcpg.yaml").read_text())
    del config["methylation"]["deepcpg_serum_dna"]  # needs mm10 from Ensembl (no internet here)
    with serve(args.data) as base:
        for ds in config["methylation"].values():
            for group in ("profiles", "bulk"):
                for src in ds[group].values():
                    src["url"] = base + src["url"].rsplit("/", 1)[1]
        run(config, args.workdir / "real", args.cores)
    res = args.workdir / "real" / "results" / "methylation" / "deepcpg_serum"
    for f in ("per_cell", "summary"):
        shutil.copyfile(res / f"{f}.tsv", args.out / f"deepcpg_real_{f}.tsv")


if __name__ == "__main__":
    main()
