"""How many GUE TF dev / test sequences also occur in the task's ``train.csv``, with which labels:
the rows ``read_sequences`` drops from training (a training sequence that is also a validation or
test sequence would let early stopping and the dev threshold reward memorisation). Reads the local
copy in ``../shared/data/tfbs/gue_tf_human``. Usage::

    .venv/bin/python benchmarks/gue_overlap.py --out benchmarks/results/gue_tf_overlap.tsv
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def overlap(data: Path, tasks: list[int]) -> pd.DataFrame:
    """One row per task and split (dev, test): rows, rows whose sequence is in train.csv, how many of
    those are positives, and how many carry the same label as in train.csv."""
    rows = []
    for t in tasks:
        train = pd.read_csv(data / f"tf{t}" / "train.csv.gz")
        label = train.drop_duplicates("sequence").set_index("sequence")["label"]
        for part in ("dev", "test"):
            d = pd.read_csv(data / f"tf{t}" / f"{part}.csv.gz")
            shared = d[d["sequence"].isin(label.index)]
            rows.append({"task": f"tf{t}", "split": part, "rows": len(d), "in_train": len(shared),
                         "in_train_positive": int(shared["label"].sum()),
                         "same_label_as_train": int((shared["sequence"].map(label) == shared["label"]).sum()),
                         "train_rows_with_such_a_sequence": int(train["sequence"].isin(set(shared["sequence"])).sum())})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data")) / "tfbs" / "gue_tf_human")
    ap.add_argument("--tasks", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    from dnazoo.io import write_table

    table = overlap(args.data, args.tasks)
    print(table.to_string(index=False))
    write_table(table, args.out)


if __name__ == "__main__":
    main()
