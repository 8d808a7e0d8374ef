"""Copy a finished run's test summary into ``benchmarks/results/``: ``results/summary.tsv`` with
each model's epochs and best epoch (from its ``run.json``) and the wall seconds of its train job
(Snakemake's benchmark file), and optionally every model's ``per_target.tsv`` (regression and
profile tasks) in one long table. Usage, after ``snakemake --configfile config/demo_regression.yaml
--directory /tmp/demo_regression ...``::

    .venv/bin/python benchmarks/run_summary.py --workdir /tmp/demo_regression \\
        --out benchmarks/results/demo_regression_summary.tsv \\
        --per-target benchmarks/results/demo_regression_per_target.tsv
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd


def train_record(workdir: Path, dataset: str, model: str) -> dict:
    """``epochs`` and ``best_epoch`` from a model's ``run.json`` and ``train_job_s``, the wall
    seconds of its train job (Snakemake's benchmark file); None where a file is missing."""
    run = workdir / "results" / dataset / "models" / model / "run.json"
    result = json.loads(run.read_text()).get("result", {}) if run.exists() else {}
    timing = workdir / "benchmarks" / "out" / dataset / f"train_{model}.tsv"
    seconds = round(float(pd.read_csv(timing, sep="\t")["s"].iloc[0]), 1) if timing.exists() else None
    return {"epochs": result.get("epochs"), "best_epoch": result.get("best_epoch"), "train_job_s": seconds}


def summary(workdir: Path) -> pd.DataFrame:
    """``summary.tsv`` of ``workdir/results`` plus ``epochs``, ``best_epoch`` and ``train_job_s``."""
    df = pd.read_csv(workdir / "results" / "summary.tsv", sep="\t")
    extra = pd.DataFrame([train_record(workdir, str(ds), m) for ds, m in zip(df["dataset"], df["model"])],
                         columns=["epochs", "best_epoch", "train_job_s"])
    return pd.concat([df, extra], axis=1)


def per_target(workdir: Path) -> pd.DataFrame:
    """Every model's ``per_target.tsv`` under ``workdir/results``, with its dataset."""
    parts = [pd.read_csv(f, sep="\t").assign(dataset=f.parents[2].name)
             for f in sorted((workdir / "results").glob("*/models/*/per_target.tsv"))]
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True, help="the run's --directory")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-target", type=Path)
    args = ap.parse_args()
    from dnazoo.io import write_table

    table = summary(args.workdir)
    print(table.to_string(index=False))
    write_table(table, args.out)
    if args.per_target:
        long = per_target(args.workdir)
        print(long.to_string(index=False))
        write_table(long, args.per_target)


if __name__ == "__main__":
    main()
