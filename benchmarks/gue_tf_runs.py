"""Run ``config/gue_tf.yaml`` (GUE human TF tasks tf0–tf4, DNABERT-2's benchmark) with its URLs
served from the local copy in ``../shared/data/tfbs/gue_tf_human`` over loopback HTTP (gunzipped as
upstream serves them, md5 checks on), then write the table of the closing note: per task and model
the test MCC at 0.5 and at the threshold that maximises validation MCC, AUROC with its bootstrap
CI, the paired-bootstrap AUROC difference against the best baseline (the k-mer logistic
regression), and DNABERT-2's published MCC (Zhou et al., ICLR 2024, Table "TF prediction
(human)": 71.99, 76.06, 66.52, 58.54, 77.43 for tf0–tf4). Usage (2 CPU cores: about an hour for
``residualbind``, ``deepbind`` and the baselines)::

    .venv/bin/python benchmarks/gue_tf_runs.py --workdir /tmp/gue_tf --out benchmarks/results/gue_tf_table.tsv

``--models`` / ``--tasks`` / ``--seeds`` / ``--set training.max_epochs=12`` restrict or change the
config's run. With internet access, ``snakemake --configfile config/gue_tf.yaml`` fetches the same
files itself; this script exists because the project's machines have no internet.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from encode_interpret import run_config, serve, set_key  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GUE = "https://github.com/wds-seu/DeepGene/raw/486343e5212361d6cd7ed03c624f430ed3d5f02e/data/GUE/tf/"
#: DNABERT-2's test MCC x 100 on GUE "TF prediction (human)" 0-4 (Zhou et al., ICLR 2024, Table 3).
DNABERT2_MCC = {0: 71.99, 1: 76.06, 2: 66.52, 3: 58.54, 4: 77.43}


def table(results: Path, tasks: list[int]) -> pd.DataFrame:
    """The GUE table from a finished run's ``summary.tsv`` and ``baseline_comparison.tsv`` files."""
    summary = pd.read_csv(results / "summary.tsv", sep="\t")
    rows = []
    for _, r in summary.iterrows():
        base, _, replicate = str(r["dataset"]).partition(".")
        t = int(base.removeprefix("gue_tf"))
        if t not in tasks:
            continue
        comparison = results / r["dataset"] / "baseline_comparison.tsv"
        cmp = pd.read_csv(comparison, sep="\t").set_index("model") if comparison.exists() else pd.DataFrame()
        lo, hi = json.loads(r["auroc_ci"]) if isinstance(r.get("auroc_ci"), str) else (float("nan"),) * 2
        row = {"task": f"tf{t}", "replicate": replicate or "seed0", "model": r["model"], "n_test": int(r["n"]),
               "mcc_at_0.5": round(r["mcc"], 4), "mcc_val_threshold": round(r["mcc_val_threshold"], 4),
               "val_threshold": round(r["val_threshold"], 4), "auroc": round(r["auroc"], 4),
               "auroc_ci_low": round(lo, 4), "auroc_ci_high": round(hi, 4)}
        if r["model"] in cmp.index:
            c = cmp.loc[r["model"]]
            row.update({"vs_baseline": c["baseline"], "auroc_difference": round(c["difference"], 4),
                        "difference_ci_low": round(c["ci_low"], 4), "difference_ci_high": round(c["ci_high"], 4),
                        "p_value": round(c["p_value"], 4)})
        row["dnabert2_mcc"] = DNABERT2_MCC[t] / 100
        # DNABERT-2's MCC takes the argmax of its two logits, i.e. threshold 0.5
        row["reaches_dnabert2_at_0.5"] = bool(row["mcc_at_0.5"] >= row["dnabert2_mcc"])
        row["reaches_dnabert2_at_dev_threshold"] = bool(row["mcc_val_threshold"] >= row["dnabert2_mcc"])
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["task", "model", "replicate"]).reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data")) / "tfbs" / "gue_tf_human")
    ap.add_argument("--tasks", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    ap.add_argument("--models", nargs="*", help="instead of the config's models")
    ap.add_argument("--seeds", type=int, nargs="*", help="training seeds (replicate datasets)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--table-only", action="store_true", help="only (re)write the table of a finished run")
    args = ap.parse_args()
    if args.table_only:
        return write(table(args.workdir / "results", args.tasks), args.out)
    if not args.data.is_dir():
        sys.exit(f"{args.data}: no local copy of the GUE TF files")
    config = yaml.safe_load((REPO / "config" / "gue_tf.yaml").read_text())
    config["datasets"] = {f"gue_tf{t}": config["datasets"][f"gue_tf{t}"] for t in args.tasks}
    if args.models:
        config["models"] = args.models
    if args.seeds:
        config["seeds"] = args.seeds
    for assignment in args.set:
        set_key(config, assignment)
    www = args.workdir / "www"
    for t in args.tasks:  # served as the upstream repository serves them: plain CSV
        (www / str(t)).mkdir(parents=True, exist_ok=True)
        for part in ("train", "dev", "test"):
            (www / str(t) / f"{part}.csv").write_bytes(gzip.decompress((args.data / f"tf{t}" / f"{part}.csv.gz").read_bytes()))
    with serve(www) as base:
        run_config(config, GUE, base, args.workdir, args.cores,
                   ["results/summary.tsv"] + [f"results/{d}/baseline_comparison.tsv" for d in _datasets(args)])
    write(table(args.workdir / "results", args.tasks), args.out)


def write(out: pd.DataFrame, dest: Path | None) -> None:
    print(out.to_string(index=False))
    if dest:
        from dnazoo.io import write_table

        write_table(out, dest)


def _datasets(args) -> list[str]:
    names = [f"gue_tf{t}" for t in args.tasks]
    return [f"{n}.seed{s}" for n in names for s in args.seeds] if args.seeds else names


if __name__ == "__main__":
    main()
