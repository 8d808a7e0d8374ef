"""Compile the numba kernels of memelite (Tomtom, FIMO) and modisco-lite (TF-MoDISco) once, into
numba's on-disk cache, so that the first interpret or variant job does not (about 90 s for
Tomtom alone on 2 CPU cores, paid again by every job that starts before the cache exists).

Run by scripts/setup.sh after the install, Tomtom in one process and the rest in another; run it
again after upgrading either package:

    .venv/bin/python scripts/compile_kernels.py [tomtom] [fimo] [modisco]   # none named: all three

The cache sits where numba puts it: the package's ``__pycache__``, else ``NUMBA_CACHE_DIR`` or the
user's cache folder. The inputs are small synthetic ones; the kernels are compiled for the argument
types dnazoo's own calls use (:func:`dnazoo.interpret.tomtom_matches`,
:func:`dnazoo.interpret.run_modisco`, :func:`dnazoo.interpret.variants.motif_break_variants`).
"""
import sys
import time
import warnings

import numpy as np

CACGTG = [1, 0, 1, 2, 3, 2]  # base codes A=0, C=1, G=2, T=3
MOTIF = np.eye(4)[CACGTG] * 0.9 + 0.025  # (6, 4) probabilities, columns A, C, G, T


def tomtom(rng):
    from dnazoo.interpret import tomtom_matches

    targets = {f"T{i}": {"name": f"T{i}", "family": "random", "ppm": rng.dirichlet(np.ones(4), 8)}
               for i in range(30)}
    targets["E"] = {"name": "E-box", "family": "bHLH", "ppm": MOTIF}
    tomtom_matches({"q": MOTIF}, targets, also=("E",), n_shuffles=20)


def fimo(rng):
    from dnazoo.interpret.variants import motif_break_variants

    codes = rng.integers(0, 4, (40, 120)).astype(np.uint8)
    codes[:, 50:56] = CACGTG
    motif_break_variants(codes, np.arange(len(codes)), MOTIF)


def modisco(rng):
    from dnazoo.interpret import hypothetical_from_ism, run_modisco

    n, length = 300, 100
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, length))]
    ism = rng.normal(0, 0.02, (n, length, 4)).astype(np.float32)
    for i in range(n):
        p = rng.integers(10, length - 16)
        x[i, p:p + 6] = np.eye(4, dtype=np.float32)[CACGTG]
        ism[i, p:p + 6] -= x[i, p:p + 6] - 0.25  # mutating the motif lowers the score
    run_modisco(x, hypothetical_from_ism(ism), max_seqlets=200)


STEPS = {"tomtom": tomtom, "fimo": fimo, "modisco": modisco}

if __name__ == "__main__":
    names = sys.argv[1:] or list(STEPS)
    unknown = sorted(set(names) - set(STEPS))
    if unknown:
        sys.exit(f"compile_kernels.py: unknown step(s) {unknown}; known: {list(STEPS)}")
    seconds = {}
    for name in names:
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            STEPS[name](np.random.default_rng(0))
        seconds[name] = round(time.perf_counter() - t)
    print(f"numba kernels compiled and cached (seconds): {seconds}")
