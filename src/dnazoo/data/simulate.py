"""The embedded demo: a simulated genome and BEDPE with a planted chromatin-loop grammar.

Grammar (summarised in docs/quickstart.md):

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

from dnazoo.io import atomic_path

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

    def check(self) -> None:
        """Reject parameters that cannot hold ``n_pairs`` pairs, before any job runs.

        Raises:
            ValueError: an odd or too small ``n_pairs``; more pairs than fit (each pair takes two
                free ``bin_size`` bins, and at most 60 % of a genome's bins are used); a
                ``max_distance`` longer than a chromosome's usable part.
        """
        if self.n_pairs < 2 or self.n_pairs % 2:
            raise ValueError(f"n_pairs must be an even number >= 2, got {self.n_pairs}")
        first_bin = -(-self.telomere_n // self.bin_size)
        usable = self.chrom_length // self.bin_size - first_bin
        if self.max_distance < self.min_distance:
            raise ValueError(f"max_distance {self.max_distance} is below min_distance {self.min_distance}")
        if usable <= 0 or round(self.max_distance / self.bin_size) >= usable:
            raise ValueError(f"max_distance {self.max_distance} bp does not fit a chromosome of {self.chrom_length} "
                             f"bp with {self.telomere_n} bp of telomere N; raise chrom_length or lower max_distance")
        fit = int(0.6 * self.n_chromosomes * usable) // 2
        if self.n_pairs > fit:
            raise ValueError(f"n_pairs {self.n_pairs} do not fit {self.n_chromosomes} chromosomes of "
                             f"{self.chrom_length} bp (at most {fit} pairs with bin_size {self.bin_size}); "
                             "raise chrom_length or n_chromosomes, or lower n_pairs")


def _sample_motif(rng: np.random.Generator, fidelity: float) -> np.ndarray:
    cons = np.frombuffer(MOTIF.encode(), dtype=np.uint8)
    keep = rng.random(len(cons)) < fidelity
    other = _BASES[rng.integers(0, 4, len(cons))]
    return np.where(keep, cons, other).astype(np.uint8)


def _revcomp(seq: np.ndarray) -> np.ndarray:
    return np.array([_COMP[int(b)] for b in seq[::-1]], dtype=np.uint8)


def simulate(params: SimulationParams, sites: list | None = None) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Simulate the demo genome and pair table.

    Args:
        params: the simulation's parameters.
        sites: when given, one dict per planted motif is appended: ``pair_id``, ``anchor`` (1 or 2),
            ``chrom``, ``start`` (0-based), ``strand``, ``grammar``, ``label`` (the draws, and so the
            genome and pairs, are the same with or without it).

    Returns:
        ``(genome, pairs)``: ``{chrom: (chrom_length,) uint8 ASCII letters}`` and a table with
        the canonical pair columns (0-based half-open, bp) plus ``grammar`` (``convergent`` or
        the decoy name). Half the pairs are positive (``n_pairs // 2`` of each class).

    Raises:
        ValueError: parameters that cannot hold ``n_pairs`` non-overlapping anchor pairs.
    """
    p = params
    try:
        p.check()
    except ValueError as err:
        raise ValueError(f"simulate.{err}") from None
    rng = np.random.default_rng(p.seed)
    probs = np.array([(1 - p.gc) / 2, p.gc / 2, p.gc / 2, (1 - p.gc) / 2])
    chroms = [f"simchr{i + 1}" for i in range(p.n_chromosomes)]
    genome = {c: _BASES[rng.choice(4, size=p.chrom_length, p=probs)] for c in chroms}
    for c in chroms:
        genome[c][: p.telomere_n] = ord("N")
    first_bin = -(-p.telomere_n // p.bin_size)
    n_bins = p.chrom_length // p.bin_size
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
                    if sites is not None:
                        sites.append({"pair_id": f"sim{len(rows) + 1:06d}", "anchor": len(coords) // 2,
                                      "chrom": c, "start": s, "strand": strand, "grammar": grammar, "label": label})
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


#: Motifs of the profile mode, one per coverage track: the demo's CTCF-like core and the RE1
#: (NRSF/REST) consensus (Johnson et al., Science 2007).
PROFILE_MOTIFS = {"ctcf": MOTIF, "rest": "TTCAGCACCATGGACAGCGCC"}


@dataclass(frozen=True)
class ProfileParams:
    """Parameters of :func:`simulate_profile` (config ``simulate:`` of a ``task: profile`` dataset);
    lengths in bp.

    Attributes:
        window: the tiled window length (the dataset's ``window``).
        sites_per_window: mean number of planted sites per window and track (Poisson).
        peak_width: standard deviation of a site's Gaussian coverage peak.
        amplitude: expected reads per bp at a peak's summit.
        background: expected reads per bp everywhere.
        resolution: the bigWig's interval length (coverage is constant within it).
    """

    seed: int = 1
    n_chromosomes: int = 3
    chrom_length: int = 1_000_000
    gc: float = 0.42
    telomere_n: int = 10_000
    window: int = 1000
    sites_per_window: float = 0.5
    peak_width: float = 20.0
    amplitude: float = 2.0
    background: float = 0.05
    motif_fidelity: float = 0.9
    resolution: int = 10

    def check(self) -> None:
        """Reject a window that does not fit a chromosome, or a resolution that does not divide it.

        Raises:
            ValueError: naming the keys.
        """
        if self.window % self.resolution or self.chrom_length % self.resolution:
            raise ValueError(f"resolution {self.resolution} must divide window {self.window} and chrom_length")
        if self.window > self.chrom_length - self.telomere_n:
            raise ValueError(f"window {self.window} bp does not fit a chromosome of {self.chrom_length} bp")


def simulate_profile(params: ProfileParams) -> tuple[dict[str, np.ndarray], pd.DataFrame, dict[str, dict]]:
    """Simulate a genome with coverage tracks whose peaks sit on planted motifs (the ``profile``
    task's embedded default).

    Grammar: the genome is i.i.d. with GC ``gc``; it is tiled into ``window``-bp windows after the
    ``telomere_n`` N bases. In each window, for each track of :data:`PROFILE_MOTIFS`, a
    Poisson(``sites_per_window``) number of motif instances (sampled from a PWM with
    ``motif_fidelity`` on the consensus, either strand) is planted at uniform positions at least
    one motif length from the window's edges. A track's expected coverage per bp is
    ``background`` plus, per site of its motif, a Gaussian peak of height ``amplitude`` and
    standard deviation ``peak_width`` centred on the site; the counts are Poisson draws of the
    expected coverage summed over each ``resolution``-bp interval, stored per bp (count / resolution).

    Returns:
        ``(genome, regions, tracks)``: ``{chrom: uint8 ASCII letters}``; the tiled windows
        (``chrom, start, end, name``; 0-based half-open) with the number of sites per track
        (``n_<track>``); ``{track: {chrom: (chrom_length // resolution,) float32 per-bp values}}``.

    Raises:
        ValueError: a window that does not fit a chromosome, or a resolution that does not divide it.
    """
    p = params
    try:
        p.check()
    except ValueError as err:
        raise ValueError(f"simulate.{err}") from None
    rng = np.random.default_rng(p.seed)
    probs = np.array([(1 - p.gc) / 2, p.gc / 2, p.gc / 2, (1 - p.gc) / 2])
    chroms = [f"simchr{i + 1}" for i in range(p.n_chromosomes)]
    genome = {c: _BASES[rng.choice(4, size=p.chrom_length, p=probs)] for c in chroms}
    first = -(-p.telomere_n // p.window) * p.window
    rows = []
    expected = {t: {c: np.full(p.chrom_length, p.background, dtype=np.float64) for c in chroms} for t in PROFILE_MOTIFS}
    pos = np.arange(-int(4 * p.peak_width), int(4 * p.peak_width) + 1)
    peak = p.amplitude * np.exp(-0.5 * (pos / p.peak_width) ** 2)
    for c in chroms:
        genome[c][: p.telomere_n] = ord("N")
        for start in range(first, p.chrom_length - p.window + 1, p.window):
            row = {"chrom": c, "start": start, "end": start + p.window, "name": f"{c}:{start}-{start + p.window}"}
            for track, cons in PROFILE_MOTIFS.items():
                n = int(rng.poisson(p.sites_per_window))
                row[f"n_{track}"] = n
                for _ in range(n):
                    motif = np.frombuffer(cons.encode(), dtype=np.uint8)
                    keep = rng.random(len(motif)) < p.motif_fidelity
                    motif = np.where(keep, motif, _BASES[rng.integers(0, 4, len(motif))]).astype(np.uint8)
                    if rng.random() < 0.5:
                        motif = _revcomp(motif)
                    s = start + int(rng.integers(len(motif), p.window - 2 * len(motif)))
                    genome[c][s: s + len(motif)] = motif
                    centre = s + len(motif) // 2
                    lo, hi = max(0, centre + pos[0]), min(p.chrom_length, centre + pos[-1] + 1)
                    expected[track][c][lo:hi] += peak[lo - (centre + pos[0]): hi - (centre + pos[0])]
            rows.append(row)
    tracks = {}
    for track in PROFILE_MOTIFS:
        tracks[track] = {}
        for c in chroms:
            lam = expected[track][c].reshape(-1, p.resolution).sum(axis=1)
            tracks[track][c] = (rng.poisson(lam) / p.resolution).astype(np.float32)
    return genome, pd.DataFrame(rows), tracks


def write_bigwig(values: dict[str, np.ndarray], sizes: dict[str, int], resolution: int, dest: str | os.PathLike) -> None:
    """Write per-interval values (``{chrom: (length // resolution,)}``, constant per bp within an
    interval) as a bigWig with pybigtools, atomically; zero intervals are left out."""
    import pybigtools

    def entries():
        for chrom in sizes:
            v = values[chrom]
            for i in np.flatnonzero(v):
                yield chrom, int(i * resolution), int((i + 1) * resolution), float(v[i])

    with atomic_path(dest, suffix=".bw") as tmp:
        pybigtools.open(str(tmp), "w").write(dict(sizes), entries())


#: The methylation demo's planted motif (no CpG in it): an AP-1-like site (TGA[C/G]TCA, Angel
#: et al., Cell 1987) whose bound neighbourhood stays unmethylated.
METHYLATION_MOTIF = "ATGACTCATC"


@dataclass(frozen=True)
class MethylationParams:
    """Parameters of :func:`simulate_methylation` (``methylation.<dataset>.simulate``); lengths in bp.

    Attributes:
        n_chromosomes, chrom_length: the genome (FASTA names ``chr1 …``; the profiles use Ensembl
            names ``1 …``, so the chromosome harmonisation runs on the default).
        cpg_keep: fraction of the i.i.d. sequence's CpGs kept outside islands (the rest mutated to
            TpG or CpA, as deamination depletes CpGs in real genomes).
        n_islands, island_length, island_gc: CpG-island-like dense regions per chromosome (no
            depletion); their CpGs are unmethylated.
        n_motifs, motif_radius: planted :data:`METHYLATION_MOTIF` instances per chromosome; CpGs
            within ``motif_radius`` bp of one are unmethylated.
        n_cells, coverage: cells, and the probability that a cell has a read at a CpG.
        domain_length, domain_fraction: each cell has its own hypomethylated domains (segments of
            mean length ``domain_length``, a fraction ``domain_fraction`` of the genome) that the DNA
            does not show but the cell's neighbouring CpGs do.
        p_methylated, p_domain, p_unmethylated: methylation probabilities of an ordinary CpG, one in
            a domain, and one in an island or near a motif.
        bulk_reads: reads per CpG of the simulated bulk profile (the population mean, no domains).
    """

    seed: int = 1
    n_chromosomes: int = 4
    chrom_length: int = 300_000
    gc: float = 0.42
    cpg_keep: float = 0.25
    n_islands: int = 10
    island_length: int = 800
    island_gc: float = 0.65
    n_motifs: int = 250
    motif_radius: int = 100
    n_cells: int = 3
    coverage: float = 0.4
    domain_length: int = 20_000
    domain_fraction: float = 0.3
    p_methylated: float = 0.9
    p_domain: float = 0.15
    p_unmethylated: float = 0.05
    bulk_reads: int = 20

    def check(self) -> None:
        """Raises ValueError (naming the key) for parameters that leave no room or no signal."""
        if self.n_islands * self.island_length > 0.5 * self.chrom_length:
            raise ValueError("n_islands x island_length must stay below half of chrom_length")
        for key in ("cpg_keep", "coverage", "domain_fraction", "p_methylated", "p_domain", "p_unmethylated"):
            if not 0 <= getattr(self, key) <= 1:
                raise ValueError(f"simulate.{key} must lie in [0, 1], got {getattr(self, key)}")
        if self.n_cells < 1:
            raise ValueError("simulate.n_cells must be at least 1")


def simulate_methylation(params: MethylationParams) -> tuple[dict[str, np.ndarray], dict[str, pd.DataFrame],
                                                             pd.DataFrame, pd.DataFrame]:
    """Simulate a genome and single-cell methylation that depends on the DNA (the methylation
    task's embedded default).

    Grammar: CpGs in CpG-island-like regions and within ``motif_radius`` bp of a planted motif are
    unmethylated (``p_unmethylated``), so a DNA model can learn them; every other CpG is methylated
    (``p_methylated``) except in the cell's own hypomethylated domains (``p_domain``), which only
    the cell's neighbouring CpGs reveal. The DNA and CpG models each see one half; a Joint model
    can use both.

    Returns:
        ``(genome, cells, bulk, truth)``: ``{"chr1": (chrom_length,) uint8 ASCII}``; ``{cell:
        profile}`` and a bulk profile, DataFrames ``chromo`` (Ensembl names ``1 …``), ``pos``
        (1-based C), ``value``; ``truth`` per CpG: ``chromo, pos, island, motif`` (bool) and
        ``p`` (population methylation probability without domains).
    """
    params.check()
    rng = np.random.default_rng(params.seed)
    genome, rows = {}, []
    cells = {f"cell{j + 1}": [] for j in range(params.n_cells)}
    bulk = []
    L = params.chrom_length
    motif = np.frombuffer(METHYLATION_MOTIF.encode(), dtype=np.uint8)
    for c in range(1, params.n_chromosomes + 1):
        p = np.array([(1 - params.gc) / 2, params.gc / 2, params.gc / 2, (1 - params.gc) / 2])
        seq = _BASES[rng.choice(4, L, p=p)].copy()
        island = np.zeros(L, dtype=bool)
        starts = rng.choice(L // params.island_length, params.n_islands, replace=False) * params.island_length
        pi = np.array([(1 - params.island_gc) / 2, params.island_gc / 2, params.island_gc / 2,
                       (1 - params.island_gc) / 2])
        for s in starts:
            seq[s:s + params.island_length] = _BASES[rng.choice(4, params.island_length, p=pi)]
            island[s:s + params.island_length] = True
        # deplete CpGs outside islands: CG -> TG or CA
        cg = np.flatnonzero((seq[:-1] == ord("C")) & (seq[1:] == ord("G")) & ~island[:-1] & ~island[1:])
        drop = cg[rng.random(len(cg)) >= params.cpg_keep]
        to_tg = rng.random(len(drop)) < 0.5
        seq[drop[to_tg]] = ord("T")
        seq[drop[~to_tg] + 1] = ord("A")
        near_motif = np.zeros(L, dtype=bool)
        for m in rng.integers(params.motif_radius, L - params.motif_radius - len(motif), params.n_motifs):
            if island[m:m + len(motif)].any():
                continue
            seq[m:m + len(motif)] = motif if rng.random() < 0.5 else _revcomp(motif)
            near_motif[max(0, m - params.motif_radius):m + len(motif) + params.motif_radius] = True
        genome[f"chr{c}"] = seq
        pos0 = np.flatnonzero((seq[:-1] == ord("C")) & (seq[1:] == ord("G")))
        isl, mot = island[pos0], near_motif[pos0] & ~island[pos0]
        p_site = np.where(isl | mot, params.p_unmethylated, params.p_methylated)
        rows.append(pd.DataFrame({"chromo": str(c), "pos": pos0 + 1, "island": isl, "motif": mot, "p": p_site}))
        p_bulk = np.where(isl | mot, params.p_unmethylated,
                          params.domain_fraction * params.p_domain + (1 - params.domain_fraction) * params.p_methylated)
        bulk.append(pd.DataFrame({"chromo": str(c), "pos": pos0 + 1,
                                  "value": rng.binomial(params.bulk_reads, p_bulk) / params.bulk_reads}))
        for name in cells:
            # the cell's hypomethylated domains: alternating segments with exponential lengths
            n_seg = max(2, int(3 * L / params.domain_length))
            edges = np.cumsum(rng.exponential(params.domain_length, n_seg)).astype(np.int64)
            seg = np.searchsorted(edges, pos0)
            in_domain = rng.random(n_seg + 1)[seg] < params.domain_fraction
            p_cell = np.where(isl | mot, params.p_unmethylated, np.where(in_domain, params.p_domain, params.p_methylated))
            seen = rng.random(len(pos0)) < params.coverage
            cells[name].append(pd.DataFrame({"chromo": str(c), "pos": pos0[seen] + 1,
                                             "value": (rng.random(seen.sum()) < p_cell[seen]).astype(np.float32)}))
    cells = {k: pd.concat(v, ignore_index=True) for k, v in cells.items()}
    return genome, cells, pd.concat(bulk, ignore_index=True), pd.concat(rows, ignore_index=True)


def write_profile(profile: pd.DataFrame, dest: str | os.PathLike) -> None:
    """Write a DeepCpG profile (``chromo pos value``, gzip TSV, no header) atomically and
    byte-reproducibly (gzip mtime 0, no file name in the header)."""
    import gzip

    body = profile[["chromo", "pos", "value"]].to_csv(sep="\t", header=False, index=False, float_format="%.6g")
    with atomic_path(dest) as tmp, open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="",
                                                                          mtime=0) as gz:
        gz.write(body.encode())


# --------------------------------------------------------------------------------------------
# variants of the demo genome
# --------------------------------------------------------------------------------------------

def simulate_variants(params: SimulationParams, window: int = 500, seed: int = 0,
                      min_motif_distance: int = 20) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """SNVs of the demo genome with known effect: the truth of the variant-effect benchmark.

    For every motif planted in an interacting (convergent) pair, where the grammar makes it matter:

    * one ``motif_break`` SNV at a position of the planted instance that carries the consensus base
      (every position of the simulated PWM has the same information, ``motif_fidelity`` on the
      consensus), changed to another base drawn uniformly;
    * one ``random`` SNV at a uniform position of the same anchor's ``window``-bp window (re-centred
      as rule ``windows`` does), at least ``min_motif_distance`` bp from either end of any planted
      motif, changed to another base.

    Args:
        params: the demo's :class:`SimulationParams` (the genome is simulated again, identically).
        window: the dataset's anchor window in bp.
        seed: the variants' own seed (the genome keeps ``params.seed``).

    Returns:
        ``(genome, variants)``: the genome as :func:`simulate` returns it, and a table sorted by
        position with ``chrom``, ``pos`` (0-based), ``ref``, ``alt``, ``id``, ``class``
        (``motif_break`` or ``random``), ``pair_id`` and ``anchor``.
    """
    from dnazoo.data.genome import recentre

    sites: list = []
    genome, pairs = simulate(params, sites)
    rng = np.random.default_rng(seed)
    cons = np.frombuffer(MOTIF.encode(), dtype=np.uint8)
    by_anchor: dict[tuple, list] = {}
    for s in sites:
        by_anchor.setdefault((s["pair_id"], s["anchor"]), []).append(s["start"])
    pair_rows = pairs.set_index("name")
    rows = []
    for s in sites:
        if s["grammar"] != "convergent":
            continue
        c, start = s["chrom"], s["start"]
        oriented = cons if s["strand"] == "+" else _revcomp(cons)
        seq = genome[c][start:start + len(cons)]
        at = np.flatnonzero(seq == oriented)
        if not len(at):
            continue
        j = int(at[rng.integers(len(at))])
        ref = chr(seq[j])
        alt = "ACGT".replace(ref, "")[rng.integers(3)]
        rows.append((c, start + j, ref, alt, "motif_break", s["pair_id"], s["anchor"]))
        pr = pair_rows.loc[s["pair_id"]]
        a = s["anchor"]
        wstart, _ = recentre(np.array([pr[f"start{a}"]]), np.array([pr[f"end{a}"]]), window)
        wstart = int(wstart[0])
        blocked = np.zeros(window, dtype=bool)
        for m in by_anchor[(s["pair_id"], a)]:
            lo, hi = m - min_motif_distance - wstart, m + len(cons) + min_motif_distance - wstart
            blocked[max(lo, 0):max(hi, 0)] = True
        free = np.flatnonzero(~blocked)
        p = wstart + int(free[rng.integers(len(free))])
        ref = chr(genome[c][p])
        alt = "ACGT".replace(ref, "")[rng.integers(3)]
        rows.append((c, p, ref, alt, "random", s["pair_id"], a))
    out = pd.DataFrame(rows, columns=["chrom", "pos", "ref", "alt", "class", "pair_id", "anchor"])
    out = out.sort_values(["chrom", "pos"], kind="stable", ignore_index=True)
    out.insert(4, "id", [f"{k}_{i + 1:05d}" for i, k in enumerate(out["class"])])
    return genome, out


def write_vcf(variants: pd.DataFrame, sizes: dict[str, int], dest: str | os.PathLike, info: tuple[str, ...] = ()) -> None:
    """Write variants (``chrom``, 0-based ``pos``, ``id``, ``ref``, ``alt``) as a bgzipped VCF 4.2,
    atomically, with cyvcf2 (htslib); ``info`` names string columns written as INFO fields."""
    import cyvcf2

    header = ["##fileformat=VCFv4.2", *(f"##contig=<ID={c},length={n}>" for c, n in sizes.items()),
              *(f'##INFO=<ID={k.upper()},Number=1,Type=String,Description="{k}">' for k in info),
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    with atomic_path(dest) as tmp:
        w = cyvcf2.Writer.from_string(str(tmp), "\n".join(header) + "\n", mode="wz")
        for r in variants.to_dict("records"):
            fields = ";".join(f"{k.upper()}={r[k]}" for k in info) or "."
            w.write_record(w.variant_from_string(
                f"{r['chrom']}\t{r['pos'] + 1}\t{r['id']}\t{r['ref']}\t{r['alt']}\t.\tPASS\t{fields}"))
        w.close()
