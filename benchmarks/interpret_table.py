"""The ENCODE interpretation table: for every ``results/<TF>/interpret/<model>/`` of a run of
``config/encode_interpret.yaml``, the top TF-MoDISco pattern (positive metacluster, most seqlets)
with its best JASPAR match, q-value, and whether that match is the TF's own motif, its family's
(:func:`dnazoo.interpret.tf_match`) or another; the model's test AUROC; the ISM / gradient × input
agreement. Usage (in the run's working directory)::

    python benchmarks/interpret_table.py --out benchmarks/results/encode_interpret.tsv
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=Path("results"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    from dnazoo import interpret

    jaspar = None
    rows = []
    for folder in sorted(args.results.glob("*/interpret/*")):
        tf, model = folder.parts[-3], folder.parts[-1]
        summary = json.loads((folder / "summary.json").read_text())
        jaspar = jaspar or interpret.jaspar_motifs(summary["jaspar"])
        motifs = pd.read_csv(folder / "motifs.tsv", sep="\t")
        metrics = json.loads((args.results / tf / "models" / model / "metrics.json").read_text())
        pos = motifs[motifs["pattern"].str.startswith("pos_")]
        row = {"tf": tf, "model": model, "test_auroc": round(metrics["auroc"], 4),
               "n_sequences": summary["n_sequences"], "n_patterns": len(motifs)}
        if len(pos):
            top = pos.iloc[0]
            row.update(top_pattern=top["pattern"], n_seqlets=int(top["n_seqlets"]), match_id=top["match_id"],
                       match_name=top["match_name"], q_value=float(top["q_value"]),
                       relation=interpret.tf_match(tf, top["match_id"], jaspar),
                       passes=bool(top["q_value"] < 0.05
                                   and interpret.tf_match(tf, top["match_id"], jaspar) in ("own", "family")))
            own = pos[[interpret.tf_match(tf, m, jaspar) in ("own", "family") for m in pos["match_id"]]]
            row["best_own_or_family_pattern"] = (f"{own.iloc[0]['pattern']} ({own.iloc[0]['match_name']}, "
                                                 f"q = {own.iloc[0]['q_value']:.2g})") if len(own) else ""
        agreement = summary["agreement_pearson_r"].get("sequence", {})
        row["ism_vs_gradient_x_input_r"] = round(agreement.get("ism_vs_gradient_x_input", float("nan")), 3)
        rows.append(row)
    table = pd.DataFrame(rows)
    print(table.to_string())
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, sep="\t", index=False)


if __name__ == "__main__":
    main()
