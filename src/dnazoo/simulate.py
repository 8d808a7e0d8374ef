"""The embedded demo: a simulated genome and BEDPE with a planted chromatin-loop grammar.

Grammar (documented in the README, "Simulated demo dataset"):

* The genome is i.i.d. sequence with GC content ``gc`` on ``n_chromosomes`` chromosomes named
  ``simchr1 …`` of ``chrom_length`` bp each; the first ``telomere_n`` bp of every chromosome are
  ``N`` (so N handling is exercised; no anchor is placed there).
* Every anchor is an interval of 200–1,000 bp; anchor 1 is always upstream of anchor 2 on the
  same chromosome. Anchors never overlap.
* One motif, the 19-bp CTCF-like core ``CCACCAGGGGGCGCTGGCC`` (after the JASPAR MA0139.1
  consensus), is planted as an instance sampled from a PWM that puts
  ``motif_fidelity`` on the consensus base at each position (the rest spread evenly), within
  ``plant_radius`` bp of the anchor midpoint.
* **Interacting pairs (label 1)** carry the motif in *convergent* orientation: forward strand in
  anchor 1, reverse strand in anchor 2 — the orientation rule of CTCF-mediated loops
  (de Wit et al., Mol Cell 2015).
* **Non-interacting pairs (label 0)** carry decoys, one of four with equal probability: tandem
  forward (+,+), tandem reverse (−,−), divergent (−,+), or a single motif (+ in anchor 1 only, or
  − in anchor 2 only). Every negative holds at least one motif, so motif presence alone does not
  separate the classes; only the orientation pair does.
* Distances are **matched**: each negative takes the distance of its positive partner (both
  log-uniform in ``[min_distance, max_distance]``, binned to the anchor grid), so the
  ``distance_baseline`` is expected at AUROC ≈ 0.5.

Everything is a deterministic function of ``seed``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .io import atomic_path

MOTIF = "CCACCAGGGGGCGCTGGCC"
DECOYS = ("tandem_forward", "tandem_reverse", "divergent", "single")
_BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
_COMP = {ord("A"): ord("T"), ord("C"): ord("G"), ord("G"): ord("C"), ord("T"): ord("A")}


@dataclass(frozen=True)
class SimulationParams:
    """Parameters of :func:`simulate` (config key ``simulate:``); lengths in bp."""

    seed: int = 1
    n_chromosomes: int = 6
    chrom_length: int = 2_000_000
    n_pairs: int = 2400
    gc: float = 0.42
    telomere_n: int = 10_000
    bin_size: int = 1_200
    min_distance: int = 5_000
    max_distance: int = 500_000
    plant_radius: int = 150
    motif_fidelity: float = 0.85


def _sample_motif(rng: np.random.Generator, fidelity: float) -> np.ndarray:
    cons = np.frombuffer(MOTIF.encode(), dtype=np.uint8)
    keep = rng.random(len(cons)) < fidelity
    other = _BASES[rng.integers(0, 4, len(cons))]
    return np.where(keep, cons, other).astype(np.uint8)


def _revcomp(seq: np.ndarray) -> np.ndarray:
    return np.array([_COMP[int(b)] for b in seq[::-1]], dtype=np.uint8)


def simulate(params: SimulationParams) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Simulate the demo genome and pair table.

    Returns:
        ``(genome, pairs)``: ``{chrom: (chrom_length,) uint8 ASCII letters}`` and a table with
        the canonical pair columns (0-based half-open, bp) plus ``grammar`` (``convergent`` or
        the decoy name). Half the pairs are positive (``n_pairs // 2`` of each class).

    Raises:
        ValueError: parameters that cannot hold ``n_pairs`` non-overlapping anchor pairs.
    """
    p = params
    rng = np.random.default_rng(p.seed)
    if p.n_pairs < 2 or p.n_pairs % 2:
        raise ValueError(f"simulate.n_pairs must be an even number >= 2, got {p.n_pairs}")
    probs = np.array([(1 - p.gc) / 2, p.gc / 2, p.gc / 2, (1 - p.gc) / 2])
    chroms = [f"simchr{i + 1}" for i in range(p.n_chromosomes)]
    genome = {c: _BASES[rng.choice(4, size=p.chrom_length, p=probs)] for c in chroms}
    for c in chroms:
        genome[c][: p.telomere_n] = ord("N")
    first_bin = -(-p.telomere_n // p.bin_size)
    n_bins = p.chrom_length // p.bin_size
    if 2 * p.n_pairs > 0.6 * p.n_chromosomes * (n_bins - first_bin):
        raise ValueError("simulate: too many pairs for the genome; raise chrom_length or n_chromosomes")
    used = {c: np.zeros(n_bins, dtype=bool) for c in chroms}
    log_lo, log_hi = np.log10(p.min_distance), np.log10(p.max_distance)

    def place(dist_bins: int) -> tuple[str, int, int]:
        for _ in range(10_000):
            c = chroms[rng.integers(len(chroms))]
            b1 = int(rng.integers(first_bin, n_bins - dist_bins))
            b2 = b1 + dist_bins
            if not used[c][b1] and not used[c][b2]:
                used[c][b1] = used[c][b2] = True
                return c, b1, b2
        raise ValueError("simulate: could not place an anchor pair; the genome is too crowded")

    rows = []
    for i in range(p.n_pairs // 2):
        dist_bins = max(1, int(round(10 ** rng.uniform(log_lo, log_hi) / p.bin_size)))
        for label in (1, 0):
            c, b1, b2 = place(dist_bins)
            grammar = "convergent" if label else DECOYS[rng.integers(len(DECOYS))]
            strands = {"convergent": ("+", "-"), "tandem_forward": ("+", "+"),
                       "tandem_reverse": ("-", "-"), "divergent": ("-", "+")}.get(grammar)
            if grammar == "single":
                strands = ("+", None) if rng.random() < 0.5 else (None, "-")
            coords = []
            for b, strand in zip((b1, b2), strands):
                width = int(rng.integers(200, 1001))
                mid = b * p.bin_size + p.bin_size // 2
                start = mid - width // 2
                coords += [start, start + width]
                if strand is not None:
                    motif = _sample_motif(rng, p.motif_fidelity)
                    if strand == "-":
                        motif = _revcomp(motif)
                    centre = mid + int(rng.integers(-p.plant_radius, p.plant_radius + 1))
                    s = centre - len(motif) // 2
                    genome[c][s : s + len(motif)] = motif
            rows.append({"chrom1": c, "start1": coords[0], "end1": coords[1],
                         "chrom2": c, "start2": coords[2], "end2": coords[3],
                         "name": f"sim{len(rows) + 1:06d}", "label": label, "grammar": grammar})
    pairs = pd.DataFrame(rows)
    return genome, pairs


def write_fasta(genome: dict[str, np.ndarray], dest: str | os.PathLike, width: int = 60) -> None:
    """Write ``{chrom: uint8 ASCII letters}`` as FASTA with ``width``-bp lines, atomically."""
    with atomic_path(dest) as tmp, open(tmp, "wb") as fh:
        for chrom, seq in genome.items():
            fh.write(f">{chrom} simulated by dnazoo\n".encode())
            n_full = len(seq) // width
            body = np.empty((n_full, width + 1), dtype=np.uint8)
            body[:, :width] = seq[: n_full * width].reshape(n_full, width)
            body[:, width] = ord("\n")
            fh.write(body.tobytes())
            if len(seq) % width:
                fh.write(seq[n_full * width :].tobytes() + b"\n")


def write_bedpe(pairs: pd.DataFrame, dest: str | os.PathLike) -> None:
    """Write the simulated pairs as a BEDPE with a header line (``#chrom1 … name label grammar``)."""
    cols = ["chrom1", "start1", "end1", "chrom2", "start2", "end2", "name", "label", "grammar"]
    with atomic_path(dest) as tmp:
        with open(tmp, "w") as fh:
            fh.write("#" + "\t".join(cols) + "\n")
            pairs[cols].to_csv(fh, sep="\t", header=False, index=False)
