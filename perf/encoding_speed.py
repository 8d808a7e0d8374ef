"""Benchmark: windows → base codes (:func:`dnazoo.data.genome.extract_codes`) against a byte lookup
table on contiguous bytes, and against reading each window from the FASTA on its own.

A random genome (``--chromosomes`` × ``--chrom-mb`` Mbp, 60 bp per line) is written to a temporary
folder and indexed; ``--windows`` windows of ``--length`` bp are drawn on it (by default 1.4× the
genome's length in window bp, as DeepSEA's 4.4 M × 1 kbp windows on hg19's 3.1 Gbp). Sides, alternated in
each of ``--repeats`` rounds (page cache warm after the first read):

* ``extract_codes``: the pipeline's encoder, windows grouped by chromosome (a sorted table);
* ``extract_codes_unsorted``: the same windows in random order (written grouped, then reordered);
* ``extract_codes_no_read_ahead``: ``extract_codes(..., read_ahead=False)``, sorted windows, each
  chromosome read only after the previous one's windows are written;
* ``per_window``: the encoder before this change: one pyfaidx slice and one lookup per window;
* ``byte_table``: the ceiling: every chromosome already in memory as contiguous ASCII bytes, the
  windows gathered with NumPy and mapped through the 256-entry lookup table; no FASTA reading.

Every side writes the same ``(n, L)`` uint8 ``.npy`` with the same block writer. Reported: Mbp/s per
side (median and range), the ratio of each side's time to the byte table's (median and range of
the per-round ratios), the speed-up of the read-ahead (per-round time without it over time with
it), and the minutes a DeepSEA-scale set (4.4 M × 1,000 bp) takes at the median.
Usage::

    .venv/bin/python perf/encoding_speed.py --out perf/results/encoding_speed_cpu.json
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _record import emit  # perf/_record.py (this script's folder is on sys.path)

DEEPSEA_BP = 4.4e6 * 1000


def write_genome(folder: Path, chromosomes: int, chrom_mb: float, seed: int = 0) -> Path:
    from pyfaidx import Faidx

    rng = np.random.default_rng(seed)
    size = int(chrom_mb * 1e6)
    letters = np.frombuffer(b"ACGTacgtN", dtype=np.uint8)
    fa = folder / "genome.fa"
    with open(fa, "wb") as fh:
        for c in range(chromosomes):
            seq = letters[rng.choice(9, size, p=[0.2] * 4 + [0.04] * 4 + [0.04])]
            fh.write(f">chr{c + 1}\n".encode())
            body = seq[: size - size % 60].reshape(-1, 60)
            fh.write(np.hstack([body, np.full((len(body), 1), ord("\n"), dtype=np.uint8)]).tobytes())
            if size % 60:
                fh.write(seq[size - size % 60:].tobytes() + b"\n")
    Faidx(str(fa)).close()
    return fa


def per_window(fasta, chrom, wstart, wend, dest) -> None:
    from pyfaidx import Fasta

    from dnazoo.data.encoding import encode_codes
    from dnazoo.data.genome import BLOCK_ROWS
    from dnazoo.io import npy_rows

    L = int(wend[0] - wstart[0])
    rows = list(zip(chrom, wstart, wend))
    with npy_rows(dest, (len(rows), L), np.uint8) as write, Fasta(str(fasta), as_raw=True) as fa:
        for first in range(0, len(rows), BLOCK_ROWS):
            write(np.stack([encode_codes(fa[c][int(s):int(e)]) for c, s, e in rows[first:first + BLOCK_ROWS]]))


def byte_table(raw: dict, chrom, wstart, wend, dest) -> None:
    from dnazoo.data.encoding import _TABLE
    from dnazoo.data.genome import BLOCK_ROWS
    from dnazoo.io import npy_rows

    L = int(wend[0] - wstart[0])
    chrom = np.asarray(chrom)
    views = {c: np.lib.stride_tricks.sliding_window_view(b, L) for c, b in raw.items()}
    with npy_rows(dest, (len(chrom), L), np.uint8) as write:
        for first in range(0, len(chrom), BLOCK_ROWS):
            block = np.empty((min(BLOCK_ROWS, len(chrom) - first), L), dtype=np.uint8)
            cs, ss = chrom[first:first + BLOCK_ROWS], wstart[first:first + BLOCK_ROWS]
            for c in np.unique(cs):
                m = cs == c
                block[m] = np.frombuffer(views[c][ss[m]].tobytes().translate(_TABLE), np.uint8).reshape(-1, L)
            write(block)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chromosomes", type=int, default=6)
    ap.add_argument("--chrom-mb", type=float, default=25.0)
    ap.add_argument("--windows", type=int, default=210_000)  # 1.4x the genome, as 4.4 M x 1 kbp on hg19
    ap.add_argument("--length", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    from pyfaidx import Fasta

    from dnazoo.data.genome import extract_codes

    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fa = write_genome(tmp, args.chromosomes, args.chrom_mb)
        size = int(args.chrom_mb * 1e6)
        chrom = np.sort(rng.integers(1, args.chromosomes + 1, args.windows))
        chrom = np.array([f"chr{c}" for c in chrom])
        wstart = rng.integers(0, size - args.length, args.windows).astype(np.int64)
        wend = wstart + args.length
        shuffled = rng.permutation(args.windows)
        with Fasta(str(fa), as_raw=True) as f:
            raw = {c: np.frombuffer(f[c][:].encode(), dtype=np.uint8) for c in f.keys()}
        sides = {
            "extract_codes": lambda d: extract_codes(fa, pd.Series(chrom), wstart, wend, d),
            "extract_codes_unsorted": lambda d: extract_codes(fa, pd.Series(chrom[shuffled]), wstart[shuffled],
                                                              wend[shuffled], d),
            "extract_codes_no_read_ahead": lambda d: extract_codes(fa, pd.Series(chrom), wstart, wend, d,
                                                                   read_ahead=False),
            "per_window": lambda d: per_window(fa, chrom, wstart, wend, d),
            "byte_table": lambda d: byte_table(raw, chrom, wstart, wend, d),
        }
        seconds = {k: [] for k in sides}
        outputs = {}
        for r in range(args.repeats):
            for name, run in sides.items():
                dest = tmp / f"{name}.npy"
                t0 = time.perf_counter()
                run(dest)
                seconds[name].append(time.perf_counter() - t0)
                if r == 0:
                    outputs[name] = np.load(dest)
                dest.unlink()
        same = all((outputs[k] == outputs["byte_table"][shuffled] if k == "extract_codes_unsorted"
                    else outputs[k] == outputs["byte_table"]).all() for k in outputs)
    bp = args.windows * args.length
    result = {
        "command": "python " + " ".join([sys.argv[0]] + (argv if argv is not None else sys.argv[1:])),
        "machine": {"platform": platform.platform(), "cpus": len(os.sched_getaffinity(0)),
                    "python": platform.python_version(), "numpy": np.__version__,
                    "pyfaidx": __import__("pyfaidx").__version__, "pysam": __import__("pysam").__version__},
        "genome_mbp": args.chromosomes * args.chrom_mb, "windows": args.windows, "length_bp": args.length,
        "repeats": args.repeats, "outputs_identical": bool(same),
        "sides": {}, "deepsea_scale": {"windows": 4_400_000, "length_bp": 1000},
    }
    for name, s in seconds.items():
        ratios = [a / b for a, b in zip(s, seconds["byte_table"])]
        mbps = [bp / x / 1e6 for x in s]
        result["sides"][name] = {"seconds": [round(x, 3) for x in s], "median_mbp_per_s": round(statistics.median(mbps), 1),
                                 "range_mbp_per_s": [round(min(mbps), 1), round(max(mbps), 1)],
                                 "time_ratio_to_byte_table_median": round(statistics.median(ratios), 2),
                                 "time_ratio_to_byte_table_range": [round(min(ratios), 2), round(max(ratios), 2)]}
        result["deepsea_scale"][f"{name}_minutes"] = round(DEEPSEA_BP / (statistics.median(mbps) * 1e6) / 60, 1)
    gain = [a / b for a, b in zip(seconds["extract_codes_no_read_ahead"], seconds["extract_codes"])]
    result["read_ahead_speedup"] = {"median": round(statistics.median(gain), 2),
                                    "range": [round(min(gain), 2), round(max(gain), 2)]}
    return emit(result, args.out)


if __name__ == "__main__":
    main()
