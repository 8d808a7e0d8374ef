"""Benchmark dna2vec: training words/s by worker count and corpus mode, corpus generation speed,
and the k-mer similarity statistics of the trained 6-mer matrix next to the pretrained human
dna2vec matrix (EPIVAN's copy in ../shared/data/dna2vec_pretrained_epivan/).

All measurements are taken in one run on the same genome slice. Usage::

    .venv/bin/python perf/dna2vec_throughput.py --genome yeast.fa --max-bp 2000000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from dnazoo.data.dna2vec import Dna2vecParams, kmer_matrix, kmer_sentences, similarity_statistics, train_dna2vec

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
    cores = os.cpu_count() or 1
    worker_counts = sorted({1, 2, cores})
    base = Dna2vecParams(max_bp=args.max_bp, epochs=args.epochs)
    gen = [corpus_generation_rate(args.genome, base) for _ in range(args.repeats)]
    print(f"corpus generation: median {statistics.median(gen):,.0f} k-mers/s")
    results = {}
    last = None
    with tempfile.TemporaryDirectory() as tmp:
        for workers in worker_counts:
            for mode in ("iterable", "corpus_file"):
                rates = []
                for _ in range(args.repeats):
                    p = Dna2vecParams(**{**base.__dict__, "mode": mode})
                    wv, report = train_dna2vec(args.genome, p, workers, Path(tmp) / "corpus.txt")
                    rates.append(report["words_per_second"])
                    last = wv
                results[(workers, mode)] = statistics.median(rates)
                print(f"train {mode:11s} workers={workers}: median {results[(workers, mode)]:,.0f} words/s")
    for workers in worker_counts:
        ratio = results[(workers, "corpus_file")] / results[(workers, "iterable")]
        print(f"corpus_file / iterable at {workers} workers: {ratio:.2f}")
    trained, _ = kmer_matrix(last, 6)
    stats = similarity_statistics(trained)
    print("trained 6-mer matrix:", json.dumps(stats))
    pre = SHARED / "dna2vec_pretrained_epivan" / "embedding_matrix_6mer_100d.npy"
    pre_stats = similarity_statistics(np.load(pre)) if pre.exists() else None
    if pre_stats:
        print("pretrained human dna2vec (EPIVAN):", json.dumps(pre_stats))
    if args.out:
        out = {"command": f"perf/dna2vec_throughput.py --genome {Path(args.genome).name} --max-bp {args.max_bp} "
                          f"--repeats {args.repeats} --epochs {args.epochs}",
               "cpus": cores, "corpus_kmers_per_second_median": round(statistics.median(gen)),
               "train_words_per_second_median": {f"{mode}_workers{w}": round(v) for (w, mode), v in results.items()},
               "trained_6mer_similarity": stats, "pretrained_epivan_similarity": pre_stats}
        args.out.write_text(json.dumps(out, indent=2, sort_keys=True, default=float) + "\n")


if __name__ == "__main__":
    main()
