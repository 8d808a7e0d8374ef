"""Reference genome access (pyfaidx), anchor windows and sequence extraction to base codes.

Coordinates are 0-based half-open in bp throughout (BED convention).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.data.encoding import N_CODE, encode_codes
from dnazoo.io import npy_rows

#: Rows encoded and written per block by the ``.npy`` writers (bounded memory).
BLOCK_ROWS = 4096

log = logging.getLogger(__name__)


class WindowError(ValueError):
    """A window off a chromosome end or on a chromosome absent from the genome (``strict: true``)."""


def index_fasta(path: str | os.PathLike) -> dict[str, int]:
    """Build (or reuse) the pyfaidx ``.fai`` index of a plain FASTA; return ``{chrom: length in bp}``.

    Raises:
        ValueError: naming the file when pyfaidx cannot index it (not FASTA, ragged lines, ...).
    """
    from pyfaidx import Fasta, FastaIndexingError

    try:
        with Fasta(str(path), as_raw=True) as fa:
            return {name: len(fa[name]) for name in fa.keys()}
    except (FastaIndexingError, ValueError) as err:
        raise ValueError(f"{path}: cannot index FASTA: {err}") from None


def read_chrom_sizes(fai: str | os.PathLike) -> dict[str, int]:
    """``{chrom: length}`` from a ``.fai`` index or a UCSC ``chrom.sizes`` file (first two columns)."""
    df = pd.read_csv(fai, sep="\t", header=None, usecols=[0, 1], dtype={0: str, 1: np.int64})
    return dict(zip(df[0], df[1]))


def recentre(start: np.ndarray, end: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Re-centre intervals to windows of ``length`` bp, as DeepChromeHiC ``data/process.r`` does.

    The centre is computed on 1-based closed coordinates, ``c = round((start + 1 + end) / 2)``
    with round-half-to-even (R's and NumPy's rounding); the window is
    ``[c - 1 - length // 2, c - 1 - length // 2 + length)``. For ``length = 10001`` this is the
    original ``[mid - 5000, mid + 5000]`` (1-based closed).

    Args:
        start, end: ``(n,)`` int64 0-based half-open anchor coordinates.
        length: window length in bp (> 0).

    Returns:
        ``(wstart, wend)``, ``(n,)`` int64 each; ``wend - wstart == length``. May run off a
        chromosome end: see :func:`window_status`.
    """
    if length <= 0:
        raise ValueError(f"window length must be positive, got {length}")
    centre = np.round((np.asarray(start, dtype=np.int64) + 1 + np.asarray(end, dtype=np.int64)) / 2).astype(np.int64)
    wstart = centre - 1 - length // 2
    return wstart, wstart + length


def window_status(chrom: pd.Series, wstart: np.ndarray, wend: np.ndarray, sizes: dict[str, int]) -> np.ndarray:
    """Per window: ``"ok"``, ``"chromosome_absent"`` or ``"off_chromosome_end"`` (object array)."""
    size = chrom.map(sizes)
    status = np.full(len(chrom), "ok", dtype=object)
    absent = size.isna().to_numpy()
    status[absent] = "chromosome_absent"
    off = ~absent & ((wstart < 0) | (wend > size.fillna(0).to_numpy()))
    status[off] = "off_chromosome_end"
    return status


#: Default of the dataset key ``max_dropped_fraction``: above it, dropping windows is an error.
MAX_DROPPED_FRACTION = 0.5


def other_naming(chroms, sizes: dict[str, int]) -> str:
    """A hint when ``chroms`` would match the genome under the other naming (``chr1`` vs ``1``),
    e.g. ``" (the genome names them chr1, chr2, ...: the table uses the other naming)"``; else ``""``."""
    chroms = sorted(set(chroms))
    flipped = [c[3:] if c.startswith("chr") else f"chr{c}" for c in chroms]
    hits = [f for f in flipped if f in sizes]
    if chroms and len(hits) >= max(1, len(chroms) // 2):
        return (f"; the genome has {', '.join(hits[:3])}{', ...' if len(hits) > 3 else ''}: the table and the "
                "genome name chromosomes differently (chr1 vs 1), rename one of them")
    return ""


def check_dropped(counts: dict[str, int], absent: pd.Series, sizes: dict[str, int], source: str,
                  max_dropped_fraction: float = MAX_DROPPED_FRACTION, what: str = "pairs") -> None:
    """Warn about dropped windows, naming the absent chromosomes; fail when too many went.

    Args:
        counts: ``{"input", "kept", "chromosome_absent", "off_chromosome_end"}``.
        absent: the chromosome names (one per dropped anchor) that the genome lacks.
        sizes: ``{chrom: bp}`` of the genome.
        source: the table's file, for the messages.
        max_dropped_fraction: largest allowed fraction of dropped ``what``.

    Raises:
        WindowError: nothing kept, or more than ``max_dropped_fraction`` dropped, naming the
            absent chromosomes and, where it applies, the other chromosome naming.
    """
    dropped = counts["input"] - counts["kept"]
    if not dropped:
        return
    names = sorted(set(absent))
    absent_txt = (f"{counts['chromosome_absent']} on chromosomes absent from the genome "
                  f"({', '.join(names[:10])}{', ...' if len(names) > 10 else ''})") if names else ""
    off_txt = f"{counts['off_chromosome_end']} off a chromosome end" if counts["off_chromosome_end"] else ""
    detail = "; ".join(t for t in (absent_txt, off_txt) if t)
    message = (f"{source}: dropped {dropped} of {counts['input']} {what} ({100 * dropped / counts['input']:.1f}%): "
               f"{detail}{other_naming(names, sizes)}")
    if counts["kept"] == 0 or dropped / counts["input"] > max_dropped_fraction:
        limit = "nothing is left" if counts["kept"] == 0 else f"more than max_dropped_fraction {max_dropped_fraction}"
        raise WindowError(f"{message} ({limit})")
    log.warning(message)


def peak_windows(peaks: pd.DataFrame, window: int, sizes: dict[str, int], source: str = "peaks",
                 max_dropped_fraction: float = MAX_DROPPED_FRACTION) -> tuple[pd.DataFrame, dict]:
    """Centre a ``window``-bp window on every peak (:func:`recentre`, 0-based half-open) and keep
    those inside the genome (:func:`window_status`); dropped peaks are logged as a warning.

    Returns:
        ``(windows, counts)``: the kept peaks with ``wstart``/``wend``, and ``{"input", "kept",
        "chromosome_absent", "off_chromosome_end"}``.

    Raises:
        WindowError: nothing kept, or more than ``max_dropped_fraction`` dropped
            (:func:`check_dropped`).
    """
    wstart, wend = recentre(peaks["start"].to_numpy(), peaks["end"].to_numpy(), window)
    status = window_status(peaks["chrom"], wstart, wend, sizes)
    out = peaks.assign(wstart=wstart, wend=wend)[status == "ok"].reset_index(drop=True)
    counts = {"input": len(peaks), "kept": len(out),
              **{k: int((status == k).sum()) for k in ("chromosome_absent", "off_chromosome_end")}}
    check_dropped(counts, peaks["chrom"][status == "chromosome_absent"], sizes, source, max_dropped_fraction, "peaks")
    return out, counts


def pair_windows(
    pairs: pd.DataFrame, sizes: dict[str, int], lengths: tuple[int, int], strict: bool = False,
    source: str = "pairs", max_dropped_fraction: float = MAX_DROPPED_FRACTION,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Re-centre both anchors of every pair and drop pairs that do not fit the genome.

    Args:
        pairs: canonical pair table (:mod:`dnazoo.data.readers`).
        sizes: ``{chrom: length in bp}`` of the genome.
        lengths: window length of anchor 1 and anchor 2 in bp.
        strict: raise instead of dropping.
        source: name used in error messages (the table's file).
        max_dropped_fraction: above this fraction of dropped pairs, raise (:func:`check_dropped`);
            dropped pairs are logged as a warning naming the absent chromosomes.

    Returns:
        ``(windows, counts)``: the kept pairs with added ``wstart1 wend1 wstart2 wend2`` columns,
        and ``{"input": n, "kept": k, "chromosome_absent": a, "off_chromosome_end": o}``
        (a pair counts once, under the first failing anchor's reason).

    Raises:
        WindowError: with ``strict=True``, naming the first offending pair and chromosome; or
            nothing kept / too many dropped (:func:`check_dropped`).
    """
    out = pairs.copy()
    reason = np.full(len(out), "ok", dtype=object)
    absent = []
    for a, length in zip(("1", "2"), lengths):
        ws, we = recentre(out[f"start{a}"].to_numpy(), out[f"end{a}"].to_numpy(), length)
        out[f"wstart{a}"], out[f"wend{a}"] = ws, we
        st = window_status(out[f"chrom{a}"], ws, we, sizes)
        absent.append(out[f"chrom{a}"][st == "chromosome_absent"])
        reason = np.where(reason == "ok", st, reason)
    counts = {"input": int(len(out)), "kept": int((reason == "ok").sum()),
              "chromosome_absent": int((reason == "chromosome_absent").sum()),
              "off_chromosome_end": int((reason == "off_chromosome_end").sum())}
    if strict and counts["kept"] < counts["input"]:
        i = int(np.flatnonzero(reason != "ok")[0])
        row = out.iloc[i]
        raise WindowError(
            f"{source}: pair {row['pair_id']} ({row['chrom1']}:{row['start1']}-{row['end1']} / "
            f"{row['chrom2']}:{row['start2']}-{row['end2']}): {reason[i].replace('_', ' ')} "
            f"for windows of {lengths} bp (strict: true)"
        )
    check_dropped(counts, pd.concat(absent), sizes, source, max_dropped_fraction)
    return out[reason == "ok"].reset_index(drop=True), counts


def extract_codes(
    fasta: str | os.PathLike, chrom: pd.Series, wstart: np.ndarray, wend: np.ndarray,
    dest: str | os.PathLike, length: int | None = None, read_ahead: bool = True,
) -> None:
    """Write the base codes of windows to a ``.npy`` file, atomically, without holding them all in memory.

    Each chromosome is read once (pysam's ``FastaFile``, htslib: twice pyfaidx's speed on a whole
    chromosome, ``perf/encoding_speed.py``) and encoded with a byte lookup table; the windows are
    sliced from it in NumPy. A reader thread reads the next chromosome while the windows of this
    one are gathered and written. Windows grouped by chromosome (a sorted table) are written in one
    pass; otherwise they are written grouped and then reordered into a second file (twice the disk
    for a moment). Peak memory: this chromosome's codes (1 byte per bp) and the next one's sequence
    and codes (2 bytes per bp), e.g. 0.75 GB for hg19's chr1 and chr2, plus one block of rows.

    Args:
        fasta: indexed plain FASTA.
        chrom, wstart, wend: ``(n,)`` windows of equal length ``L`` (0-based half-open, bp).
        dest: output ``.npy``; ``(n, L)`` uint8 codes (A, C, G, T, N = 0..4; N kept as N),
            memory-mappable with ``np.load(dest, mmap_mode='r')``.
        length: ``L`` when there are no windows (default 0).
        read_ahead: read the next chromosome in a thread while writing this one (False: one
            chromosome in memory at a time, slower).

    Raises:
        ValueError: windows of unequal length, or a window outside its chromosome, naming it.
        KeyError: a chromosome absent from the FASTA.
        OSError: errno ENOSPC, naming ``dest``, when the disk is full (nothing is left behind).
    """
    import pysam

    from dnazoo.data.encoding import _TABLE

    wstart, wend = np.asarray(wstart, dtype=np.int64), np.asarray(wend, dtype=np.int64)
    lengths = np.unique(wend - wstart)
    if len(lengths) > 1:
        raise ValueError(f"windows of unequal length {lengths.tolist()} cannot share one array")
    L = int(lengths[0]) if len(lengths) else int(length or 0)
    chrom = np.asarray(chrom).astype(str)
    n = len(chrom)
    # runs of one chromosome, in the order given
    breaks = np.flatnonzero(chrom[1:] != chrom[:-1]) + 1 if n else np.zeros(0, dtype=np.int64)
    grouped = len(breaks) + (n > 0) == len(np.unique(chrom))
    order = np.arange(n) if grouped else np.argsort(chrom, kind="stable")

    def write_grouped(write, fa) -> None:
        from concurrent.futures import ThreadPoolExecutor

        c_sorted = chrom[order]
        starts = np.r_[0, np.flatnonzero(c_sorted[1:] != c_sorted[:-1]) + 1] if n else []
        ends = np.r_[starts[1:], n] if n else []
        names = [c_sorted[lo] for lo in starts]
        for name in names:
            if name not in fa.references:
                raise KeyError(f"{name} not in {fasta}")

        def read(name: str) -> np.ndarray:  # the reader thread; htslib reads without the GIL
            return np.frombuffer(fa.fetch(name).encode("ascii").translate(_TABLE), dtype=np.uint8)  # read-only

        # read ahead: the next chromosome is read while this one's windows are gathered and written
        with ThreadPoolExecutor(max_workers=1) as reader:
            ahead = None
            for i, (lo, hi) in enumerate(zip(starts, ends)):
                name = names[i]
                codes = ahead.result() if ahead is not None else read(name)
                ahead = reader.submit(read, names[i + 1]) if read_ahead and i + 1 < len(names) else None
                write_chromosome(write, name, codes, order[lo:hi])  # an error waits for the read ahead
                del codes

    def write_chromosome(write, name: str, codes: np.ndarray, rows: np.ndarray) -> None:
        bad = np.flatnonzero((wstart[rows] < 0) | (wend[rows] > len(codes)))
        if len(bad):
            r = rows[bad[0]]
            raise ValueError(f"window {name}:{wstart[r]}-{wend[r]} runs off {name} ({len(codes)} bp)")
        view = np.lib.stride_tricks.sliding_window_view(codes, L) if L else np.zeros((len(codes) + 1, 0), np.uint8)
        for first in range(0, len(rows), BLOCK_ROWS):
            write(view[wstart[rows[first:first + BLOCK_ROWS]]])  # copies the rows, no index array

    with pysam.FastaFile(str(fasta)) as fa:
        if grouped:
            with npy_rows(dest, (n, L), np.uint8) as write:
                write_grouped(write, fa)
            return
        tmp = Path(dest).with_name(f".{Path(dest).name}.grouped.npy")
        try:
            with npy_rows(tmp, (n, L), np.uint8) as write:
                write_grouped(write, fa)
            staged = np.load(tmp, mmap_mode="r")
            where = np.empty(n, dtype=np.int64)
            where[order] = np.arange(n)  # row i of the output is row where[i] of the grouped file
            with npy_rows(dest, (n, L), np.uint8) as write:
                for first in range(0, n, BLOCK_ROWS):
                    write(staged[where[first:first + BLOCK_ROWS]])
            del staged
        finally:
            tmp.unlink(missing_ok=True)


def fit_length(codes: np.ndarray, length: int) -> np.ndarray:
    """Centre-crop or symmetrically N-pad ``(L,)`` codes to ``(length,)`` uint8 (extra bp go right)."""
    L = len(codes)
    if L >= length:
        off = (L - length) // 2
        return codes[off : off + length]
    out = np.full(length, N_CODE, dtype=np.uint8)
    off = (length - L) // 2
    out[off : off + L] = codes
    return out


def write_sequence_codes(sequences: pd.Series, length: int, dest: str | os.PathLike) -> None:
    """Encode strings to a ``(n, length)`` uint8 ``.npy`` (centre-cropped / N-padded), atomically;
    the log counts the sequences cropped and padded."""
    seqs = list(sequences)
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    cropped, padded = int((lengths > length).sum()), int((lengths < length).sum())
    if cropped or padded:
        log.warning("%s: %d of %d sequences longer than the %d-bp window were centre-cropped and %d shorter were "
                    "N-padded (lengths %d-%d bp)", dest, cropped, len(seqs), length, padded,
                    int(lengths.min()), int(lengths.max()))
    with npy_rows(dest, (len(seqs), length), np.uint8) as write:
        for first in range(0, len(seqs), BLOCK_ROWS):
            write(np.stack([fit_length(encode_codes(s), length) for s in seqs[first:first + BLOCK_ROWS]])
                  .reshape(-1, length))


def window_coverage(fasta, regions, tracks: dict, window: int, bins: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Coverage targets of the ``profile`` task: for every window, its sequence and the counts of
    every track summed in ``bins`` equal bins.

    Args:
        fasta: the indexed genome.
        regions: a BED of regions, each re-centred to a ``window``-bp window (a region of exactly
            ``window`` bp is kept as it is; those off a chromosome are dropped and counted), or
            None to tile the genome with windows.
        tracks: ``{track name: bigWig path}`` (read with pybigtools; uncovered bases count 0).
        window, bins: window length in bp, and bins per window (must divide it).

    Returns:
        ``(table, coverage)``: ``seq_id, chrom, start, end, sequence, row`` (0-based half-open) and
        the ``(n, bins, tracks)`` float32 counts, rows in table order.

    Raises:
        ValueError: bins that do not divide the window, or a bigWig that lacks a
            chromosome of the windows (naming the file and the chromosomes).
    """
    import pybigtools
    from pyfaidx import Fasta

    from dnazoo.data.readers import read_bed

    if window % bins:
        raise ValueError(f"bins: {bins} bins do not divide the {window}-bp window")
    sizes = read_chrom_sizes(str(fasta) + ".fai")
    if regions:
        bed = read_bed(regions)
        peaks, counts = peak_windows(bed, int(window), sizes, source=str(regions))
        exact = (peaks["end"] - peaks["start"]) == window  # already a window: kept as it is, not re-centred
        peaks.loc[exact, "wstart"], peaks.loc[exact, "wend"] = peaks.loc[exact, "start"], peaks.loc[exact, "end"]
        log.info("%s: %d-bp windows on the regions: %s", regions, window, counts)
        table = pd.DataFrame({"seq_id": peaks["name"].astype(str), "chrom": peaks["chrom"],
                              "start": peaks["wstart"], "end": peaks["wend"]})
    else:
        rows = [(f"{c}:{s}-{s + window}", c, s, s + window) for c, n in sizes.items() for s in range(0, n - window + 1, window)]
        table = pd.DataFrame(rows, columns=["seq_id", "chrom", "start", "end"])
    with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
        table["sequence"] = [fa[c][int(a):int(b)] for c, a, b in zip(table["chrom"], table["start"], table["end"])]
    if not regions:  # tiling: leave out windows that are all N (telomeres, gaps)
        table = table[~table["sequence"].str.fullmatch("N+")].reset_index(drop=True)
    cov = np.zeros((len(table), bins, len(tracks)), dtype=np.float32)
    for j, (name, path) in enumerate(tracks.items()):
        # opened as a file object: pybigtools then reads the type from the file's magic number, not
        # from its name (the workflow's local copies are named <track>.raw)
        with open(path, "rb") as fh:
            try:
                bw = pybigtools.open(fh)
            except (ValueError, OSError, pybigtools.BBIReadError) as err:
                raise ValueError(f"{path} (track {name!r}): not a readable bigWig file ({err})") from None
            have = set(bw.chroms()) if hasattr(bw, "chroms") else None
            missing = sorted(set(table["chrom"]) - have) if have is not None else []
            if missing:
                raise ValueError(f"{path} (track {name!r}): no chromosome(s) {missing[:5]}; it has {sorted(have)[:10]}")
            for i, (c, a, b) in enumerate(zip(table["chrom"], table["start"], table["end"])):
                # exact: the sum of the base-pair values, not the zoom levels' approximation
                cov[i, :, j] = bw.values(c, int(a), int(b), bins=bins, summary="sum", exact=True, fillna=0)
    table["row"] = np.arange(len(table))
    log.info("coverage: %d windows x %d bins x %d tracks; total counts per track %s", len(table), bins, len(tracks),
             dict(zip(tracks, np.round(cov.sum(axis=(0, 1)), 1).tolist())))
    return table, cov
