"""Benchmark: three fixed costs of the demo's jobs, each against the way it was done before, the
two sides alternated in each of ``--repeats`` rounds:

* ``import``: a data job's start, ``import dnazoo.pipeline.data`` in a fresh interpreter, against
  the same plus ``import sklearn.model_selection`` (what the module imported at the top before
  scikit-learn moved into the random split that uses it);
* ``vectors``: dna2vec's vectors written in word2vec's binary format against its text format
  (gensim ``save_word2vec_format``), for all 87,360 k-mers of k 3 to 8 (1 Mbp of human chr2
  already gives 76,621 of them) with random vectors of 100 float32: the size, not the values,
  sets the time;
* ``ref_rows``: rows a pair model scores for the demo's variant set (``--demo-dir``: a run folder
  of the demo, with ``results/simulated_demo/split.tsv.gz`` and the simulated VCF): REF inputs
  once per distinct pair (:func:`dnazoo.interpret.variants.unique_rows`) plus ALT once per row,
  against REF and ALT once per row. A count, not a timing: the model's time is proportional to it.

Reported: median and range of each side's seconds and of the per-round ratios (before / now), the
machine and the versions. Usage::

    .venv/bin/python perf/job_costs.py --demo-dir <demo run folder> --out perf/results/job_costs_cpu.json
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

import numpy as np


def cpu_name() -> str:
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "range": [round(min(values), 3), round(max(values), 3)]}


def time_import(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - t0


def vocabulary(k_low: int = 3, k_high: int = 8) -> list[str]:
    return ["".join(p) for k in range(k_low, k_high + 1) for p in product("ACGT", repeat=k)]


def ref_rows(demo_dir: Path) -> dict:
    import pandas as pd

    from dnazoo.data.genome import read_chrom_sizes
    from dnazoo.data.variants import GenomeCodes, read_vcf
    from dnazoo.interpret.variants import pair_hits, pair_windows, unique_rows

    fasta = demo_dir / "resources" / "simulated" / "simulated_demo" / "genome.fa"
    windows = pd.read_csv(demo_dir / "results" / "simulated_demo" / "split.tsv.gz", sep="\t")
    vcf = demo_dir / "resources" / "simulated" / "simulated_demo" / "variants.vcf.gz"
    variants = pd.concat(list(read_vcf(vcf, read_chrom_sizes(f"{fasta}.fai")))).reset_index(drop=True)
    hits = pair_hits(variants, windows)
    genome = GenomeCodes(fasta)
    ref, _, _ = pair_windows(genome, variants, windows, hits)
    genome.close()
    first, _ = unique_rows(ref, windows["distance"].to_numpy()[hits["prow"].to_numpy()])
    rows, distinct = len(hits), len(first)
    return {"variants": len(variants), "rows": rows, "distinct_ref": distinct,
            "model_rows_before": 2 * rows, "model_rows_now": distinct + rows,
            "ratio_before_over_now": round(2 * rows / (distinct + rows), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--demo-dir", type=Path, help="a demo run folder (for ref_rows; skipped without it)")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()

    sides = {"import": {"now": "import dnazoo.pipeline.data",
                        "before": "import dnazoo.pipeline.data, sklearn.model_selection"}}
    seconds: dict = {"import": {"now": [], "before": []}, "vectors": {"now": [], "before": []}}
    time_import("import dnazoo.pipeline.data, sklearn.model_selection")  # warm the page cache and .pyc files
    from gensim.models import KeyedVectors

    words = vocabulary()
    kv = KeyedVectors(vector_size=100)
    kv.add_vectors(words, np.random.default_rng(0).normal(size=(len(words), 100)).astype(np.float32))
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.repeats):
            order = ("now", "before") if r % 2 == 0 else ("before", "now")
            for side in order:
                seconds["import"][side].append(time_import(sides["import"][side]))
            for side in order:
                t0 = time.perf_counter()
                kv.save_word2vec_format(str(Path(tmp) / f"v.{side}"), binary=side == "now")
                seconds["vectors"][side].append(time.perf_counter() - t0)
            print(f"round {r + 1}: " + ", ".join(f"{m} {s} {seconds[m][s][-1]:.2f} s" for m in seconds
                                                 for s in ("now", "before")), flush=True)
        sizes = {s: (Path(tmp) / f"v.{s}").stat().st_size for s in ("now", "before")}
    report = {
        "command": "python perf/job_costs.py " + " ".join(sys.argv[1:]),
        "machine": {"cpu": cpu_name(), "cpus": __import__("os").cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "versions": {m: __import__(m).__version__ for m in ("numpy", "gensim", "sklearn", "pandas")},
        "repeats": a.repeats,
        "import": {"now": "import dnazoo.pipeline.data (scikit-learn imported by the random split only)",
                   "before": "the same plus import sklearn.model_selection, as the module did at the top",
                   "seconds": {s: summary(v) for s, v in seconds["import"].items()},
                   "ratio_before_over_now": summary([b / n for b, n in zip(seconds["import"]["before"],
                                                                           seconds["import"]["now"])])},
        "vectors": {"kmers": len(words), "vector_size": 100, "now": "word2vec binary", "before": "word2vec text",
                    "bytes": sizes, "seconds": {s: summary(v) for s, v in seconds["vectors"].items()},
                    "ratio_before_over_now": summary([b / n for b, n in zip(seconds["vectors"]["before"],
                                                                            seconds["vectors"]["now"])])},
    }
    if a.demo_dir:
        report["ref_rows"] = ref_rows(a.demo_dir)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: report[k] for k in ("import", "vectors", "ref_rows") if k in report}, indent=1))


if __name__ == "__main__":
    main()
