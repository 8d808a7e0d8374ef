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
config's run. ``--ensemble P1 P2 ... --tasks T`` averages the test probabilities of several runs of
one task (their ``predictions.tsv.gz``, e.g. seed replicates) and scores the mean at 0.5. With internet access, ``snakemake --configfile config/gue_tf.yaml`` fetches the same
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
        predictions = results / r["dataset"] / "models" / r["model"] / "predictions.tsv.gz"
        if predictions.exists():
            row.update(oracle_mcc(pd.read_csv(predictions, sep="\t")))
        row["dnabert2_mcc"] = DNABERT2_MCC[t] / 100
        # DNABERT-2's MCC takes the argmax of its two logits, i.e. threshold 0.5
        row["reaches_dnabert2_at_0.5"] = bool(row["mcc_at_0.5"] >= row["dnabert2_mcc"])
        row["reaches_dnabert2_at_dev_threshold"] = bool(row["mcc_val_threshold"] >= row["dnabert2_mcc"])
        rows.append(row)
    return pd.DataFrame(rows).sort_values(["task", "model", "replicate"]).reset_index(drop=True)


def oracle_mcc(predictions: pd.DataFrame) -> dict:
    """The best test MCC over every threshold, chosen on the test rows themselves
    (``mcc_oracle_threshold``, ``oracle_threshold``): an upper bound on what any threshold could
    give, not a score. Where it is below DNABERT-2's MCC, the model's ranking (not its calibration)
    falls short. ``predictions``: a ``predictions.tsv.gz`` table (label, score)."""
    import numpy as np
    from sklearn.metrics import matthews_corrcoef

    y, score = predictions["label"].to_numpy(), predictions["score"].to_numpy()
    best = max((matthews_corrcoef(y, score >= q), q) for q in np.unique(score))
    return {"mcc_oracle_threshold": round(float(best[0]), 4), "oracle_threshold": round(float(best[1]), 4)}


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
    ap.add_argument("--ensemble", type=Path, nargs="+", metavar="PREDICTIONS",
                    help="instead of a run: the seed ensemble of these predictions.tsv.gz files of one task "
                         "(--tasks gives the task for DNABERT-2's MCC)")
    args = ap.parse_args()
    if args.ensemble:
        return write(seed_ensemble(args.ensemble, DNABERT2_MCC[args.tasks[0]] / 100), args.out)
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


def seed_ensemble(predictions: list[Path], dnabert2_mcc: float) -> pd.DataFrame:
    """Each run's test MCC at 0.5, AUROC and share of rows called positive at 0.5, and those of the
    mean of their test probabilities (one row per run, then ``ensemble``). The runs must score the same test rows with the same
    labels (their ``predictions.tsv.gz``: id, label, score). Threshold 0.5 is fixed in advance, so
    nothing is tuned on the test rows.

    Raises:
        ValueError: runs of different datasets (the folder above ``models``, less ``.seed<s>``),
        or whose ids or labels differ.
    """
    from dnazoo.tasks.metrics import binary_metrics

    # results/<dataset>[.seed<s>]/models/<model>/predictions.tsv.gz: one dataset, whatever the seed
    # (test ids are row numbers, so ids and labels alone do not tell two tasks apart)
    datasets = {Path(p).resolve().parents[2].name.split(".")[0] for p in predictions}
    if len(datasets) != 1:
        raise ValueError(f"an ensemble takes runs of one dataset, got {sorted(datasets)}")
    runs = [pd.read_csv(p, sep="\t").sort_values("id").reset_index(drop=True) for p in predictions]
    for p, r in zip(predictions[1:], runs[1:]):
        if not (r["id"].equals(runs[0]["id"]) and r["label"].equals(runs[0]["label"])):
            raise ValueError(f"{p}: other test rows or labels than {predictions[0]}")
    label = runs[0]["label"].to_numpy()
    scores = [(f"{Path(p).resolve().parents[2].name}/{Path(p).resolve().parent.name}", r["score"].to_numpy())
              for p, r in zip(predictions, runs)]
    scores.append(("ensemble", sum(s for _, s in scores) / len(scores)))
    rows = []
    for name, score in scores:
        m = binary_metrics(label, score)  # MCC at threshold 0.5, as every table of this script
        rows.append({"run": name, "n_test": m["n"], "mcc_at_0.5": round(m["mcc"], 4), "auroc": round(m["auroc"], 4),
                     "called_positive_at_0.5": round(float((score >= 0.5).mean()), 4),
                     "positive": round(float(label.mean()), 4),
                     "dnabert2_mcc": dnabert2_mcc, "reaches_dnabert2_at_0.5": bool(m["mcc"] >= dnabert2_mcc)})
    return pd.DataFrame(rows)


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
