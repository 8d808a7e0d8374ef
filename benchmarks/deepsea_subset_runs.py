"""Run ``config/deepsea.yaml`` (DeepSEA, DanQ, Basset on its centre 600 bp, the GC baseline) on a
bundle archive written from the real DeepSEA subset in ``../shared/data/tfbs/deepsea_subset_packt_ch06``
(train.mat as HDF5 from the first 9,000 training windows, valid.mat from the last 1,000, test.mat
from the 1,000 test windows, MATLAB v5; 690 TF ChIP-seq labels), served over loopback HTTP as
DeepSEA's server would serve the real bundle. The subset is 2 Mb of hg19 chr1: a smoke test of the
reader and of the three models, not DeepSEA's benchmark. Writes the summary (mean and median test
AUROC over the labels with both classes) as TSV. Usage (2 CPU cores)::

    .venv/bin/python benchmarks/deepsea_subset_runs.py --workdir /tmp/deepsea_subset \\
        --set training.max_epochs=4 --out benchmarks/results/deepsea_subset_summary.tsv
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from encode_interpret import run_config, serve, set_key  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BUNDLE = "http://deepsea.princeton.edu/media/code/"


def subset(folder: Path, part: str):
    from pyfaidx import Fasta

    with tempfile.TemporaryDirectory() as tmp:
        fa = Path(tmp) / f"{part}.fa"
        fa.write_bytes(gzip.decompress((folder / f"{part}_sequences.fa.gz").read_bytes()))
        with Fasta(str(fa), as_raw=True) as f:
            seqs = [f[k][:] for k in f.keys()]
    return seqs, np.load(folder / f"{part}_labels_tf690.npz")["y"]


def write_bundle(folder: Path, www: Path) -> None:
    from dnazoo.data.readers import write_deepsea_mat

    seqs, y = subset(folder, "train")
    test_seqs, test_y = subset(folder, "test")
    mats = www / "mats"
    write_deepsea_mat(mats / "train.mat", "train", seqs[:9000], y[:9000], hdf5=True)
    write_deepsea_mat(mats / "valid.mat", "valid", seqs[9000:], y[9000:], hdf5=False)
    write_deepsea_mat(mats / "test.mat", "test", test_seqs, test_y, hdf5=False)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for part in ("train", "valid", "test"):
            tar.add(mats / f"{part}.mat", arcname=f"deepsea_train/{part}.mat")
    (www / "deepsea_train_bundle.v0.9.tar.gz").write_bytes(buf.getvalue())
    (www / "predictor_names.txt").write_bytes((folder / "tf690_feature_names.txt").read_bytes())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get(
        "DNAZOO_SHARED_DATA", REPO.parent / "shared" / "data")) / "tfbs" / "deepsea_subset_packt_ch06")
    ap.add_argument("--models", nargs="*", help="instead of the config's models")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="config override")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--table-only", action="store_true", help="only (re)write the summary of a finished run")
    args = ap.parse_args()
    if args.table_only:
        return write_summary(args.workdir / "results", args.out)
    if not args.data.is_dir():
        sys.exit(f"{args.data}: no local copy of the DeepSEA subset")
    config = yaml.safe_load((REPO / "config" / "deepsea.yaml").read_text())
    ds = config["datasets"].pop("deepsea")
    config["datasets"]["deepsea_subset"] = ds
    if args.models:
        config["models"] = args.models
    for assignment in args.set:
        set_key(config, assignment)
    www = args.workdir / "www"
    www.mkdir(parents=True, exist_ok=True)
    write_bundle(args.data, www)
    with serve(www) as base:
        ds["label_names"]["url"] = base + "predictor_names.txt"
        run_config(config, BUNDLE, base, args.workdir, args.cores, ["results/summary.tsv"])
    write_summary(args.workdir / "results", args.out)


def write_summary(results: Path, dest: Path | None) -> None:
    """The run's summary (AUROC / AUPRC over labels) with each model's epochs and best epoch."""
    import json

    summary = pd.read_csv(results / "summary.tsv", sep="\t")
    cols = ["dataset", "model", "n", "n_labels", "n_labels_scored", "mean_auroc", "median_auroc", "mean_auprc",
            "median_auprc"]
    out = summary[cols].round(4)
    for key in ("epochs", "best_epoch"):
        out[key] = [json.loads(f.read_text())["result"].get(key) if (f := results / d / "models" / m / "run.json").exists()
                    else None for d, m in zip(out["dataset"], out["model"])]
    print(out.to_string(index=False))
    if dest:
        from dnazoo.io import write_table

        write_table(out, dest)


if __name__ == "__main__":
    main()
