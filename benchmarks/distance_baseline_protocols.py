"""Distance-baseline test AUROC of every DeepChromeHiC and TargetFinder table under each protocol.

Protocols (split × negatives): ``random`` (the originals'), ``chromosome`` (val chr7, test chr8 +
chr9, as ``config/deepchromehic.yaml``), ``anchor`` (no shared anchor between splits; windows of
10,001 bp / 3,000 + 2,000 bp as the configs), each with the negatives as given and
distance-matched within each split as the workflow does (50 log-distance bins, new pairs from the
split's anchors; ``dnazoo.data.negatives.distance_matched_within_splits``). The baseline is the
workflow's own (``dnazoo.models.baselines``: logistic regression on log10 distance). Reads the real
tables from ``../shared/data``; no sequence is needed.

    .venv/bin/python benchmarks/distance_baseline_protocols.py > distance_protocols.md
    .venv/bin/python benchmarks/distance_baseline_protocols.py --figure GM.po docs/gm_po_protocols

``--figure NAME STEM`` draws that table's six protocols as the workflow's protocol figure
(``dnazoo.plots.evaluation.plot_protocols``; 95 % bootstrap CIs of the test AUROC, 1,000 replicates).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import roc_auc_score

from dnazoo.models import baselines
from dnazoo.data.negatives import distance_matched_within_splits
from dnazoo.data.splits import SplitError, assign_split
from dnazoo.data.readers import read_pairs

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
SPLITS = {"random": {"method": "random", "seed": 0},
          "chromosome": {"method": "chromosome", "val_chromosomes": ["chr7"], "test_chromosomes": ["chr8", "chr9"]},
          "anchor": {"method": "anchor", "seed": 0}}


def with_windows(df: pd.DataFrame, w1: int, w2: int) -> pd.DataFrame:
    out = df.copy()
    for a, w in (("1", w1), ("2", w2)):
        mid = (out[f"start{a}"] + out[f"end{a}"]) // 2
        out[f"wstart{a}"], out[f"wend{a}"] = mid - w // 2, mid - w // 2 + w
    return out


def test_scores(df: pd.DataFrame, split: dict, matched: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Test labels and distance-baseline scores under one protocol (None when the split fails)."""
    try:
        sp = assign_split(df, split)
    except SplitError:
        return None
    if matched:
        sp, _ = distance_matched_within_splits(sp, bins=50, seed=0, new_pairs=True)
    data = {s: {"inputs": [], "labels": g["label"].to_numpy(), "distance": g["distance"].to_numpy()}
            for s, g in sp.groupby("split")}
    model = baselines.fit("distance_baseline", data["train"])
    te = data["test"]
    return te["labels"], baselines.predict(model, te)


def auroc(df: pd.DataFrame, split: dict, matched: bool) -> tuple[float, int]:
    got = test_scores(df, split, matched)
    if got is None:
        return float("nan"), 0
    return roc_auc_score(*got), len(got[0])


def figure(name: str, stem: str) -> None:
    """The protocol figure of one DeepChromeHiC table (distance baseline, bootstrap CIs)."""
    from dnazoo.tasks.metrics import binary_metrics, bootstrap_ci
    from dnazoo.plots.evaluation import plot_protocols
    from dnazoo.evaluation import protocol_summary

    df = with_windows(read_pairs(SHARED / "deepchromehic" / "rda" / f"{name}.train.rda", "deepchromehic_rda"),
                      10001, 10001)
    records, protocols = [], {}
    for neg, matched in (("as_given", False), ("distance_matched", True)):
        for sname, spec in SPLITS.items():
            key = f"{name}.{sname}.{neg}"
            protocols[key] = f"{sname} split, negatives {neg}"
            labels, scores = test_scores(df, spec, matched)
            records.append({"dataset": key, "model": "distance_baseline", **binary_metrics(labels, scores),
                            **bootstrap_ci(labels, scores, 1000, 0.95, 0)})
    summary = protocol_summary(records, protocols)
    print(summary[["protocol", "auroc_mean", "auroc_ci_low", "auroc_ci_high"]].round(3).to_string(index=False))
    plot_protocols(summary, name, stem, ("distance_baseline",), "real table, no sequence model")


def main() -> None:
    if not SHARED.exists():
        sys.exit(f"real data not available: {SHARED}")
    tables = []
    cfg = yaml.safe_load((REPO / "config" / "deepchromehic.yaml").read_text())
    for name in cfg["datasets"]:
        tables.append((name, read_pairs(SHARED / "deepchromehic" / "rda" / f"{name}.train.rda", "deepchromehic_rda"),
                       10001, 10001))
    for path in sorted((SHARED / "targetfinder").glob("*.ep.csv.gz")):
        tables.append((path.name.split(".")[0], read_pairs(path, "targetfinder"), 3000, 2000))
    rows = []
    for name, df, w1, w2 in tables:
        df = with_windows(df, w1, w2)
        row = {"dataset": name, "pairs": len(df)}
        for neg, matched in (("as given", False), ("distance-matched", True)):
            for sname, spec in SPLITS.items():
                auc, n = auroc(df, spec, matched)
                row[f"{sname} / {neg}"] = auc
        rows.append(row)
        print(name, {k: round(v, 3) for k, v in row.items() if isinstance(v, float)}, file=sys.stderr)
    out = pd.DataFrame(rows)
    cols = list(out.columns)
    print("| " + " | ".join(cols) + " |")
    print("|" + " --- |" * len(cols))
    for _, r in out.iterrows():
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r) + " |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--figure":
        figure(sys.argv[2], sys.argv[3])
    else:
        main()
