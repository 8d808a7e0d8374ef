"""Benchmark: variant scoring at scale: peak memory on a 1-million-record VCF, and variants/s per model.

Part 1 (``--records``): a random genome (``--chromosomes`` x ``--chrom-mb`` Mbp) and a sorted VCF of
SNVs on it are written to a temporary folder; the VCF is then read in chunks, REF-checked and
scored exactly as rule ``variant_effects`` does (:func:`dnazoo.data.variants.read_vcf`,
:func:`dnazoo.data.variants.check_ref`, :func:`dnazoo.interpret.variants.score_centred`) with a
fitted GC baseline, so the figure is the pipeline's memory and not a network's. This runs in a
fresh child process, whose peak resident memory (``ru_maxrss``) is reported, beside the peak of the
same process after imports only (``--records 0``).

Part 2 (``--models``): variants/s of untrained models of the zoo at their reference window, REF and
ALT windows both scored, with strand averaging (4 forward passes per variant), median of
``--repeats`` runs over ``--per-model`` variants. Usage::

    .venv/bin/python perf/variant_scale.py --records 1000000 --out perf/results/variant_scale_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

MODELS = {"deepbind": 101, "residualbind": 200, "dilated_cnn": 1000, "danq": 1000, "basset": 600,
          "deepsea": 1000}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_inputs(folder: Path, chromosomes: int, chrom_mb: float, records: int, seed: int = 0) -> tuple[Path, Path]:
    from pyfaidx import Faidx

    rng = np.random.default_rng(seed)
    size = int(chrom_mb * 1e6)
    fa = folder / "genome.fa"
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    seqs = {}
    with open(fa, "wb") as fh:
        for c in range(chromosomes):
            seq = letters[rng.integers(0, 4, size)]
            seqs[f"chr{c + 1}"] = seq
            fh.write(f">chr{c + 1}\n".encode())
            for i in range(0, size, 60):
                fh.write(seq[i:i + 60].tobytes() + b"\n")
    Faidx(str(fa)).close()
    vcf = folder / "variants.vcf"
    per = records // chromosomes
    with open(vcf, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c, (name, seq) in enumerate(seqs.items()):
            pos = np.sort(rng.choice(np.arange(1000, size - 1000), per, replace=False))
            ref = seq[pos]
            alt = letters[(np.searchsorted(letters, ref) + rng.integers(1, 4, per)) % 4]
            lines = [f"{name}\t{p + 1}\t.\t{chr(r)}\t{chr(a)}\t.\t.\t.\n" for p, r, a in zip(pos, ref, alt)]
            fh.write("".join(lines))
    return fa, vcf


def memory_run(fa: Path, vcf: Path, chunk_size: int) -> dict:
    from dnazoo.data.genome import read_chrom_sizes
    from dnazoo.data.variants import GenomeCodes, ReadCounts, check_ref, read_vcf
    from dnazoo.interpret.variants import score_centred
    from dnazoo.models import baselines
    from dnazoo.tasks import Task

    rng = np.random.default_rng(0)
    train = {"inputs": [rng.integers(0, 4, (200, 101)).astype(np.uint8)], "input_names": ["sequence"],
             "labels": rng.integers(0, 2, 200).astype(np.int8), "distance": None, "spec": None}
    model = baselines.fit("gc_baseline", train)
    sizes = read_chrom_sizes(f"{fa}.fai")
    genome = GenomeCodes(fa)
    counts = ReadCounts()
    before = peak_rss_mib()
    t0 = time.perf_counter()
    rows = 0
    for chunk in read_vcf(vcf, sizes, chunk_size=chunk_size, counts=counts):
        chunk = chunk.assign(ref_match=check_ref(chunk, genome))
        rows += len(score_centred("gc_baseline", model, genome, chunk, Task(), 101))
    wall = time.perf_counter() - t0
    return {"records": counts.records, "rows_scored": rows, "chunk_size": chunk_size, "wall_s": round(wall, 1),
            "records_per_s": round(counts.records / wall), "peak_rss_mib_before": round(before),
            "peak_rss_mib_after": round(peak_rss_mib())}


def speed_run(fa: Path, vcf: Path, names: list[str], per_model: int, repeats: int) -> dict:
    from dnazoo import models
    from dnazoo.data.genome import read_chrom_sizes
    from dnazoo.data.variants import GenomeCodes, read_vcf
    from dnazoo.interpret.variants import score_centred
    from dnazoo.tasks import Task

    sizes = read_chrom_sizes(f"{fa}.fai")
    chunk = next(read_vcf(vcf, sizes, chunk_size=per_model))
    genome = GenomeCodes(fa)
    out = {}
    for name in names:
        length = MODELS[name]
        model = models.build(name, (length,), "sequences", task=Task())
        score_centred(name, model, genome, chunk.iloc[:64], Task(), length, True)  # compile
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            score_centred(name, model, genome, chunk, Task(), length, True)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        out[name] = {"window_bp": length, "variants": len(chunk), "median_s": round(med, 2),
                     "range_s": [round(min(times), 2), round(max(times), 2)],
                     "variants_per_s": round(len(chunk) / med, 1)}
        print(name, out[name], file=sys.stderr)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--chromosomes", type=int, default=4)
    ap.add_argument("--chrom-mb", type=float, default=25.0)
    ap.add_argument("--chunk-size", type=int, default=50_000)
    ap.add_argument("--models", nargs="*", default=list(MODELS))
    ap.add_argument("--per-model", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    ap.add_argument("--child", nargs=2, metavar=("FASTA", "VCF"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(memory_run(Path(args.child[0]), Path(args.child[1]), args.chunk_size)))
        return
    import subprocess

    import keras

    with tempfile.TemporaryDirectory() as tmp:
        fa, vcf = write_inputs(Path(tmp), args.chromosomes, args.chrom_mb, args.records)
        result = {"command": " ".join(["perf/variant_scale.py", *sys.argv[1:]]),
                  "machine": {"platform": platform.platform(), "cpus": len(os.sched_getaffinity(0)),
                              "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
                  "versions": {"python": platform.python_version(), "keras": keras.__version__,
                               "backend": keras.backend.backend(), "numpy": np.__version__, "pandas": pd.__version__},
                  "genome_bp": args.chromosomes * int(args.chrom_mb * 1e6),
                  "vcf_mib": round(vcf.stat().st_size / 2**20, 1)}
        child = [sys.executable, __file__, "--chunk-size", str(args.chunk_size), "--child", str(fa), str(vcf)]
        result["memory"] = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
        with open(vcf) as fh:
            (Path(tmp) / "one.vcf").write_text("".join(next(fh) for _ in range(3)))  # 2 header lines + 1 record
        empty = Path(tmp) / "one.vcf"
        base = json.loads(subprocess.run([*child[:-1], str(empty)], check=True, capture_output=True, text=True).stdout)
        result["memory"]["peak_rss_mib_one_record"] = base["peak_rss_mib_after"]
        print(result["memory"], file=sys.stderr)
        if args.models:
            result["variants_per_s"] = speed_run(fa, vcf, args.models, args.per_model, args.repeats)
    text = json.dumps(result, indent=2, sort_keys=True) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
