"""Benchmark dna2vec: training words/s by worker count and corpus mode, corpus generation speed,
and the k-mer similarity statistics of the trained 6-mer matrix next to the pretrained human
dna2vec matrix (EPIVAN's copy in ../shared/data/dna2vec_pretrained_epivan/).

All measurements are taken in one run on the same genome slice; each repeat alternates the worker
counts and corpus modes, and the ratio of 2 workers to 1 is taken per repeat (median and range).
From the words per bp of the slice and the measured rate, the JSON also gives the training time
that follows for hg19 (the sum of chr1-22, X and Y in ``../shared/data/hg19/hg19.chrom.sizes``;
Ns included, so an upper bound) at ``--epochs`` passes. Usage::

    .venv/bin/python perf/dna2vec_throughput.py --genome ../shared/data/genomes/hg38_chr2_1-2333275/chr2_1-2333275.fa.gz \
        --max-bp 2000000 --repeats 3 --out perf/results/dna2vec_throughput_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dnazoo.data.dna2vec import (
    Dna2vecParams,
    kmer_matrix,
    kmer_sentences,
    similarity_statistics,
    train_dna2vec,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def corpus_generation_rate(fasta: str, params: Dna2vecParams) -> float:
    """k-mers per second of fragmenting the slice into sentences (Python side only)."""
    t0 = time.perf_counter()
    words = sum(len(s) for s in kmer_sentences(fasta, params))
    return words / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--genome", required=True, help="plain FASTA")
    ap.add_argument("--max-bp", type=int, default=2_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    worker_counts = sorted({1, 2, cores})
    base = Dna2vecParams(max_bp=args.max_bp, epochs=args.epochs)
    genome = args.genome
    with tempfile.TemporaryDirectory() as tmp:
        if genome.endswith(".gz"):  # gensim's corpus and pyfaidx read a plain FASTA here
            import gzip
            import shutil

            plain = Path(tmp) / "genome.fa"
            with gzip.open(genome, "rb") as src, open(plain, "wb") as dst:
                shutil.copyfileobj(src, dst)
            genome = str(plain)
        gen = [corpus_generation_rate(genome, base) for _ in range(args.repeats)]
        print(f"corpus generation: median {statistics.median(gen):,.0f} k-mers/s")
        rates: dict = {(w, m): [] for w in worker_counts for m in ("iterable", "corpus_file")}
        words = bp = None
        last = None
        for _ in range(args.repeats):
            for (workers, mode), got in rates.items():
                p = Dna2vecParams(**{**base.__dict__, "mode": mode})
                wv, report = train_dna2vec(genome, p, workers, Path(tmp) / "corpus.txt")
                got.append(report["words_per_second"])
                words = report["corpus"]["words"]
                last = wv
        bp = sum(len(s) for s in kmer_fragments_bp(genome, base))
    results = {k: statistics.median(v) for k, v in rates.items()}
    for (workers, mode), v in results.items():
        print(f"train {mode:11s} workers={workers}: median {v:,.0f} words/s")
    scaling = {}
    for mode in ("iterable", "corpus_file"):
        r = [b / a for a, b in zip(rates[(1, mode)], rates[(2, mode)])]
        scaling[mode] = {"median": round(statistics.median(r), 2), "range": [round(min(r), 2), round(max(r), 2)]}
        print(f"{mode}: 2 workers / 1 worker {scaling[mode]}")
    trained, _ = kmer_matrix(last, 6)
    stats = similarity_statistics(trained)
    print("trained 6-mer matrix:", json.dumps(stats))
    pre = SHARED / "dna2vec_pretrained_epivan" / "embedding_matrix_6mer_100d.npy"
    pre_stats = similarity_statistics(np.load(pre)) if pre.exists() else None
    if pre_stats:
        print("pretrained human dna2vec (EPIVAN):", json.dumps(pre_stats))
    sizes = SHARED / "hg19" / "hg19.chrom.sizes"
    estimate = None
    if sizes.exists() and bp:
        import pandas as pd

        chroms = pd.read_csv(sizes, sep="\t", header=None, names=["chrom", "size"])
        hg19 = int(chroms[chroms["chrom"].str.fullmatch(r"chr([0-9]+|X|Y)")]["size"].sum())
        per_bp = words / bp
        estimate = {"hg19_bp": hg19, "words_per_bp": round(per_bp, 4), "epochs": args.epochs,
                    "hours": {f"{mode}_workers{w}": round(hg19 * per_bp * args.epochs / v / 3600, 1)
                              for (w, mode), v in results.items()}}
        print("hg19 estimate:", json.dumps(estimate))
    if args.out:
        import gensim

        out = {"command": "python " + " ".join(sys.argv),
               "machine": {"platform": platform.platform(), "cpus": cores, "python": platform.python_version()},
               "versions": {"gensim": gensim.__version__, "numpy": np.__version__},
               "slice_bp": bp, "slice_words": words, "repeats": args.repeats,
               "corpus_kmers_per_second_median": round(statistics.median(gen)),
               "train_words_per_second_median": {f"{mode}_workers{w}": round(v) for (w, mode), v in results.items()},
               "train_words_per_second_range": {f"{mode}_workers{w}": [round(min(v)), round(max(v))]
                                                for (w, mode), v in rates.items()},
               "speedup_2_workers_over_1": scaling, "hg19_estimate": estimate,
               "trained_6mer_similarity": stats, "pretrained_epivan_similarity": pre_stats}
        args.out.write_text(json.dumps(out, indent=2, sort_keys=True, default=float) + "\n")


def kmer_fragments_bp(fasta: str, params: Dna2vecParams):
    """The ACGT fragments of the slice that the corpus is cut from (their bp are the slice's size)."""
    from dnazoo.data.dna2vec import genome_fragments

    return genome_fragments(fasta, params)


if __name__ == "__main__":
    main()
