"""Run ``config/encode_tfbs.yaml`` (DeepBind's 12 ENCODE H1-hESC ChIP-seq sets, 101 bp, training
negatives by dinucleotide shuffling, the ``*_B`` files as test sets) with its URLs served from the
local copy in ``../shared/data/tfbs/deepbind_encode_h1hesc_deepRAM`` over loopback HTTP (md5 checks
on), then write two tables: per TF and model the test AUROC with its bootstrap CI, AUPRC, MCC at
0.5 and the paired-bootstrap AUROC difference against the k-mer baseline (``--out``), and per model
the mean and median AUROC over the TFs and on how many TFs the difference's CI lies above / below 0
(``--summary``). Usage (2 CPU cores; ``--set training.max_train_s=20`` caps each model's training
at the epoch that passes 20 s, which is what makes 12 TFs x 20 models fit in a CPU session)::

    .venv/bin/python benchmarks/encode_tfbs_runs.py --workdir /tmp/encode_tfbs \\
        --set training.max_train_s=20 --out benchmarks/results/encode_tfbs_table.tsv \\
        --summary benchmarks/results/encode_tfbs_summary.tsv

``--models`` / ``--tfs`` restrict the run; ``--table-only`` rewrites the tables of a finished run.
``--keep-rows TSV`` adds the rows of an earlier ``--out`` table for the (TF, model) pairs this
workdir did not run, so a grid can be completed in pieces without rerunning what is committed;
``--tfs`` then restricts both to those TFs (a summary over the TFs every model ran on). With
``--table-only`` and a workdir that holds no run, it re-summarises a committed table over ``--tfs``.
With internet access, ``snakemake --configfile config/encode_tfbs.yaml`` downloads the same files
itself; this script exists because the project's machines have no internet.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from encode_interpret import DEEPRAM, run_config, serve, set_key  # noqa: E402
from run_summary import train_record  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def table(results: Path, tfs: list[str] | None = None) -> pd.DataFrame:
    """Per (TF, model) rows from the ``metrics.json`` of every model in ``results``, ``baseline_comparison.tsv``,
    each model's ``run.json`` (epochs trained, best epoch) and the train job's Snakemake benchmark
    file (wall seconds of the whole job)."""
    metrics = sorted(results.glob("*/models/*/metrics.json"))  # every run into this workdir, not the last one's
    summary = pd.DataFrame([json.loads(m.read_text()) for m in metrics])
    rows = []
    for _, r in summary.iterrows():
        tf = str(r["dataset"])
        if tfs and tf not in tfs:
            continue
        comparison = results / tf / "baseline_comparison.tsv"
        cmp = pd.read_csv(comparison, sep="\t").set_index("model") if comparison.exists() else pd.DataFrame()
        lo, hi = r["auroc_ci"] if isinstance(r.get("auroc_ci"), list) else (float("nan"),) * 2
        row = {"tf": tf, "model": r["model"], "n_test": int(r["n"]), "auroc": round(r["auroc"], 4),
               "auroc_ci_low": round(lo, 4), "auroc_ci_high": round(hi, 4), "auprc": round(r["auprc"], 4),
               "mcc_at_0.5": round(r["mcc"], 4)}
        row.update(train_record(results.parent, tf, r["model"]))
        if r["model"] in cmp.index:
            c = cmp.loc[r["model"]]
            row.update({"vs_baseline": c["baseline"], "auroc_difference": round(c["difference"], 4),
                        "difference_ci_low": round(c["ci_low"], 4), "difference_ci_high": round(c["ci_high"], 4)})
        rows.append(row)
    if not rows:  # a workdir without runs (``--table-only --keep-rows`` re-summarises a committed table)
        return pd.DataFrame(columns=["tf", "model", "auroc"])
    return pd.DataFrame(rows).sort_values(["tf", "auroc"], ascending=[True, False]).reset_index(drop=True)


def keep_rows(rows: pd.DataFrame, earlier: pd.DataFrame) -> pd.DataFrame:
    """``rows`` plus the rows of ``earlier`` (a previous ``--out`` table) whose (TF, model) pair
    ``rows`` lacks; where both have a pair, ``rows`` (this workdir's run) wins."""
    have = set(zip(rows["tf"], rows["model"]))
    extra = earlier[[(t, m) not in have for t, m in zip(earlier["tf"], earlier["model"])]]
    out = pd.concat([rows, extra], ignore_index=True)
    return out.sort_values(["tf", "auroc"], ascending=[True, False]).reset_index(drop=True)


def per_model(rows: pd.DataFrame) -> pd.DataFrame:
    """Mean / median AUROC over the TFs per model, the k-mer baseline's mean over the same TFs, and
    the count of TFs whose paired AUROC difference against the k-mer baseline has its 95 % CI above
    0 (better) or below 0 (worse)."""
    out = []
    kmer = rows[rows["model"] == "kmer_baseline"].set_index("tf")["auroc"]
    for model, g in rows.groupby("model"):
        d = g.dropna(subset=["difference_ci_low"]) if "difference_ci_low" in g else g.iloc[:0]
        same = kmer.reindex(g["tf"]).dropna()
        out.append({"model": model, "n_tfs": len(g), "mean_auroc": round(g["auroc"].mean(), 4),
                    "kmer_mean_auroc_same_tfs": round(same.mean(), 4) if len(same) == len(g) else None,
                    "median_auroc": round(g["auroc"].median(), 4), "min_auroc": round(g["auroc"].min(), 4),
                    "better_than_kmer": int((d["difference_ci_low"] > 0).sum()) if len(d) else None,
                    "worse_than_kmer": int((d["difference_ci_high"] < 0).sum()) if len(d) else None,
                    "median_epochs": g["epochs"].median() if "epochs" in g else None})
    return pd.DataFrame(out).sort_values("mean_auroc", ascending=False).reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data")) / "tfbs" / "deepbind_encode_h1hesc_deepRAM")
    ap.add_argument("--tfs", nargs="*", help="a subset of the config's datasets")
    ap.add_argument("--models", nargs="*", help="instead of the config's models")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--summary", type=Path)
    ap.add_argument("--table-only", action="store_true", help="only (re)write the tables of a finished run")
    ap.add_argument("--keep-rows", type=Path, metavar="TSV",
                    help="an earlier --out table: keep its rows for the (TF, model) pairs this workdir lacks")
    args = ap.parse_args()
    if not args.table_only:
        if not args.data.is_dir():
            sys.exit(f"{args.data}: no local copy of the deepRAM ChIP-seq files")
        config = yaml.safe_load((REPO / "config" / "encode_tfbs.yaml").read_text())
        if args.tfs:
            config["datasets"] = {t: config["datasets"][t] for t in args.tfs}
        if args.models:
            config["models"] = args.models
        for assignment in args.set:
            set_key(config, assignment)
        args.workdir.mkdir(parents=True, exist_ok=True)
        with serve(args.data) as base:
            run_config(config, DEEPRAM, base, args.workdir, args.cores,
                       ["results/summary.tsv"] + [f"results/{d}/baseline_comparison.tsv" for d in config["datasets"]])
    rows = table(args.workdir / "results", args.tfs)
    if args.keep_rows:
        rows = keep_rows(rows, pd.read_csv(args.keep_rows, sep="\t"))
        if args.tfs:  # with --table-only, --tfs restricts the tables (e.g. to TFs every model ran on)
            rows = rows[rows["tf"].isin(args.tfs)].reset_index(drop=True)
    models = per_model(rows)
    print(rows.to_string(index=False))
    print(models.to_string(index=False))
    from dnazoo.io import write_table

    if args.out:
        write_table(rows, args.out)
    if args.summary:
        write_table(models, args.summary)


if __name__ == "__main__":
    main()
