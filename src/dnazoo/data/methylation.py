"""Single-cell CpG methylation imputation data, after DeepCpG's ``dcpg_data.py``
(Angermueller et al., Genome Biol 18:67, 2017; ``cangermueller/deepcpg``; cangermueller/deepcpg).

Inputs are DeepCpG profiles: gzip (or plain) TSV, no header, ``chromo pos value`` with ``pos`` the
**1-based** position of the C of the CpG and ``value`` the methylation level in [0, 1] (single
cells are binary; bulk profiles are fractions). Internally sites keep that 1-based ``pos``; a DNA
window of ``L`` bp centred on a site covers the 0-based half-open interval
``[pos - 1 - L // 2, pos - 1 - L // 2 + L)``.

For every CpG covered in at least one cell, :func:`build_examples` gives

* ``labels`` ``(n, n_cells)`` int8: 1 methylated, 0 unmethylated, −1 (``MISSING_LABEL``) where the
  cell has no read: a multilabel task with one label per cell, missing labels masked;
* ``cpg_state`` / ``cpg_dist`` ``(n, n_cells, 2 · k)`` float32: for each cell the ``k`` nearest
  observed CpGs on each side of the site (the site itself excluded), in position order; states
  0/1, 0.5 where no neighbour exists; distances in bp, clipped at ``max_dist`` (25 kb) and divided
  by it, 1.0 where no neighbour exists (DeepCpG ``KnnCpgFeatureExtractor``, ``cpg_wlen`` 50);
* optionally ``dna`` ``(n, L)`` uint8 base codes (A, C, G, T, N = 0..4), N outside the chromosome.

Baselines (:func:`baseline_scores`): the cell's training-set mean rate, the mean of the cell's
observed neighbours within a window, and the bulk level at the site.
"""

from __future__ import annotations

import gzip
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.io import GZIP_MAGIC
from dnazoo.data.dataset import MISSING_LABEL

log = logging.getLogger(__name__)

#: DeepCpG's defaults: 25 + 25 neighbours, distances clipped at 25 kb.
CPG_WLEN = 50
MAX_DIST = 25_000
#: DeepCpG's chromosome split (kipoi models): train 1, 3, 5, 7, 9, 11; test 2, 4, 6, 8, 10, 12;
#: validation the rest.
DEEPCPG_SPLIT = {"train": ["1", "3", "5", "7", "9", "11"], "test": ["2", "4", "6", "8", "10", "12"]}
BASELINES = ("cell_mean", "neighbour_mean", "bulk")


class ProfileError(ValueError):
    """A methylation profile that cannot be read: the message names the file and the line."""


def read_profile(path: str | os.PathLike) -> pd.DataFrame:
    """Read one DeepCpG profile.

    Args:
        path: gzip or plain TSV, no header, three columns ``chromo pos value``; ``pos`` 1-based
            (the C of the CpG), ``value`` in [0, 1]; positions strictly increasing within each
            chromosome, each chromosome in one block.

    Returns:
        DataFrame ``chromo`` (str), ``pos`` (int64, 1-based), ``value`` (float32).

    Raises:
        ProfileError: naming the file and the (1-based) line: a row without three fields, a
            position that is not a positive integer, a value that is not a number in [0, 1], an
            unsorted or duplicated position, a chromosome in two blocks, or an empty file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            gz = fh.read(2) == GZIP_MAGIC
        opener = gzip.open if gz else open
        with opener(path, "rt") as fh:
            df = pd.read_csv(fh, sep="\t", header=None, dtype=str, keep_default_na=False, on_bad_lines="error",
                             engine="c")
    except pd.errors.ParserError as err:
        raise ProfileError(f"{path}: not a 3-column TSV ({err})") from None
    except pd.errors.EmptyDataError:
        raise ProfileError(f"{path}: empty profile (expected rows 'chromo<TAB>pos<TAB>value')") from None
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise ProfileError(f"{path}: cannot read ({err})") from None
    if df.shape[1] != 3:
        raise ProfileError(f"{path}, line 1: expected 3 tab-separated fields 'chromo pos value', got {df.shape[1]}")
    df.columns = ["chromo", "pos", "value"]

    def fail(mask, what):
        line = int(np.flatnonzero(np.asarray(mask))[0])
        row = "\t".join(df.iloc[line].astype(str))
        raise ProfileError(f"{path}, line {line + 1}: {what}: {row!r}")

    empty = (df == "").any(axis=1)
    if empty.any():
        fail(empty, "a row with an empty field")
    pos = pd.to_numeric(df["pos"], errors="coerce")
    bad = pos.isna() | (pos < 1) | (pos != np.floor(pos))
    if bad.any():
        fail(bad, "the position is not a positive integer (1-based)")
    value = pd.to_numeric(df["value"], errors="coerce")
    bad = value.isna() | (value < 0) | (value > 1)
    if bad.any():
        fail(bad, "the methylation value is not a number in [0, 1]")
    chromo = df["chromo"].astype(str)
    pos = pos.astype(np.int64).to_numpy()
    same = chromo.to_numpy()[1:] == chromo.to_numpy()[:-1]
    step = np.diff(pos)
    dup = np.concatenate([[False], same & (step == 0)])
    if dup.any():
        fail(dup, "duplicated position")
    unsorted = np.concatenate([[False], same & (step < 0)])
    if unsorted.any():
        fail(unsorted, "unsorted position (positions must increase within a chromosome)")
    starts = chromo[np.concatenate([[True], ~same])]
    again = starts.duplicated()
    if again.any():
        first = int(starts.index[np.flatnonzero(again.to_numpy())[0]])
        raise ProfileError(f"{path}, line {first + 1}: chromosome {chromo.iloc[first]!r} appears in two blocks "
                           "(sort the profile by chromosome, then position)")
    return pd.DataFrame({"chromo": chromo.to_numpy(), "pos": pos, "value": value.to_numpy(np.float32)})


def harmonise_chromosomes(names, reference, source: str, reference_source: str = "the genome") -> dict[str, str]:
    """Map a profile's chromosome names onto the reference's (``18`` ↔ ``chr18``, ``MT`` ↔ ``chrM``).

    A name maps to itself when the reference has it, else to its other form (``chr`` added or
    removed) when that one is in the reference. Names without a match are left out (logged).

    Returns:
        ``{profile name: reference name}`` for the names that match.

    Raises:
        ValueError: when no name matches, naming both sets and ``source``.
    """
    ref = set(map(str, reference))
    out = {}
    for name in sorted(set(map(str, names))):
        if name in ref:
            out[name] = name
            continue
        alt = {"MT": "chrM", "chrM": "MT"}.get(name) or (name[3:] if name.startswith("chr") else f"chr{name}")
        if alt in ref:
            out[name] = alt
    left = sorted(set(map(str, names)) - set(out))
    if not out:
        raise ValueError(f"{source}: none of its chromosomes {_few(names)} is in {reference_source} "
                         f"({_few(ref)}), not even as chr18 <-> 18")
    if left:
        log.warning("%s: chromosomes %s are not in %s and are left out", source, _few(left), reference_source)
    return out


def _few(names, n: int = 6) -> str:
    names = sorted(set(map(str, names)), key=_chrom_key)
    return ", ".join(names[:n]) + (f", ... ({len(names)} in all)" if len(names) > n else "")


def _chrom_key(name: str):
    core = name[3:] if name.startswith("chr") else name
    return (0, int(core), "") if core.isdigit() else (1, 0, core)


def read_profiles(paths: dict[str, str | os.PathLike], reference=None,
                  reference_source: str = "the genome") -> dict[str, pd.DataFrame]:
    """Read profiles (``{cell or sample name: path}``) and, with ``reference`` (chromosome names),
    rename their chromosomes onto it (:func:`harmonise_chromosomes`) and keep only those.

    Raises:
        ProfileError, ValueError: as :func:`read_profile` and :func:`harmonise_chromosomes`.
    """
    out = {}
    for name, path in paths.items():
        df = read_profile(path)
        if reference is not None:
            mapping = harmonise_chromosomes(df["chromo"].unique(), reference, str(path), reference_source)
            df = df[df["chromo"].isin(list(mapping))].copy()
            df["chromo"] = df["chromo"].map(mapping)
        out[name] = df.reset_index(drop=True)
    return out


def sites_and_labels(cells: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """The union of the cells' CpG sites and each cell's binary state there.

    Values are rounded to 0/1 at 0.5 as ``dcpg_data.py`` does for single-cell profiles.

    Returns:
        ``(sites, labels)``: ``sites`` a DataFrame ``chromo, pos`` (1-based) sorted by chromosome
        (natural order) and position; ``labels`` ``(n_sites, n_cells)`` int8 in {0, 1, −1 missing},
        columns in the order of ``cells``.
    """
    keys = pd.concat([df[["chromo", "pos"]] for df in cells.values()]).drop_duplicates()
    order = sorted(keys["chromo"].unique(), key=_chrom_key)
    keys["chromo"] = pd.Categorical(keys["chromo"], categories=order, ordered=True)
    sites = keys.sort_values(["chromo", "pos"]).reset_index(drop=True)
    sites["chromo"] = sites["chromo"].astype(str)
    index = pd.MultiIndex.from_frame(sites)
    labels = np.full((len(sites), len(cells)), MISSING_LABEL, dtype=np.int8)
    for j, df in enumerate(cells.values()):
        rows = index.get_indexer(pd.MultiIndex.from_frame(df[["chromo", "pos"]]))
        labels[rows, j] = (df["value"].to_numpy() >= 0.5).astype(np.int8)
    return sites, labels


def neighbour_features(site_pos: np.ndarray, obs_pos: np.ndarray, obs_state: np.ndarray, wlen: int = CPG_WLEN,
                       max_dist: int = MAX_DIST) -> tuple[np.ndarray, np.ndarray]:
    """The ``wlen // 2`` nearest observed CpGs on each side of each site, on one chromosome.

    Args:
        site_pos: ``(n,)`` int64 positions (bp) of the target sites.
        obs_pos: ``(m,)`` int64 sorted positions of the cell's observed CpGs; a site that is itself
            observed is excluded from its own neighbours.
        obs_state: ``(m,)`` float states there.
        wlen: neighbours in all (even): ``wlen // 2`` left, then ``wlen // 2`` right, each side in
            position order (left: farthest first).
        max_dist: distances are clipped at this many bp and divided by it.

    Returns:
        ``(state, dist)`` each ``(n, wlen)`` float32; 0.5 and 1.0 where no neighbour exists.

    Raises:
        ValueError: an odd ``wlen`` or unsorted ``obs_pos``.
    """
    if wlen % 2:
        raise ValueError(f"cpg_wlen must be even (half on each side), got {wlen}")
    site_pos = np.asarray(site_pos, dtype=np.int64)
    obs_pos = np.asarray(obs_pos, dtype=np.int64)
    if len(obs_pos) > 1 and np.any(np.diff(obs_pos) <= 0):
        raise ValueError("observed CpG positions must be strictly increasing")
    k = wlen // 2
    n, m = len(site_pos), len(obs_pos)
    state = np.full((n, wlen), 0.5, dtype=np.float32)
    dist = np.ones((n, wlen), dtype=np.float32)
    if m == 0 or n == 0:
        return state, dist
    left_end = np.searchsorted(obs_pos, site_pos, side="left")  # obs[left_end - 1] < site
    right_start = np.searchsorted(obs_pos, site_pos, side="right")  # obs[right_start] > site
    idx = np.concatenate([left_end[:, None] + np.arange(-k, 0)[None, :],
                          right_start[:, None] + np.arange(0, k)[None, :]], axis=1)
    ok = (idx >= 0) & (idx < m)
    safe = np.clip(idx, 0, m - 1)
    d = np.abs(obs_pos[safe] - site_pos[:, None])
    state[ok] = np.asarray(obs_state, dtype=np.float32)[safe][ok]
    dist[ok] = (np.minimum(d, max_dist) / max_dist).astype(np.float32)[ok]
    return state, dist


def cell_neighbours(sites: pd.DataFrame, cells: dict[str, pd.DataFrame], wlen: int = CPG_WLEN,
                    max_dist: int = MAX_DIST) -> tuple[np.ndarray, np.ndarray]:
    """:func:`neighbour_features` for every cell, stacked: ``(state, dist)`` each
    ``(n_sites, n_cells, wlen)`` float32 (cells in the order of ``cells``)."""
    state = np.full((len(sites), len(cells), wlen), 0.5, dtype=np.float32)
    dist = np.ones((len(sites), len(cells), wlen), dtype=np.float32)
    for chrom, rows in sites.groupby("chromo", sort=False).indices.items():
        for j, df in enumerate(cells.values()):
            obs = df[df["chromo"] == chrom]
            s, d = neighbour_features(sites["pos"].to_numpy()[rows], obs["pos"].to_numpy(),
                                      (obs["value"].to_numpy() >= 0.5).astype(np.float32), wlen, max_dist)
            state[rows, j], dist[rows, j] = s, d
    return state, dist


def chromosome_split(sites: pd.DataFrame, split: dict, seed: int = 0) -> np.ndarray:
    """Assign each site to ``train``, ``val`` or ``test`` by chromosome.

    Args:
        split: ``{"train": [...], "test": [...], "val": [...] (optional)}`` chromosome names (either
            naming, ``18`` or ``chr18``); chromosomes in no list go to validation unless ``val`` is
            given, in which case they are left out. ``val_fraction`` (optional, in (0, 1)): instead
            draw that fraction of the training chromosomes' sites as validation (seeded), for data
            with too few chromosomes.

    Returns:
        ``(n,)`` object array of ``"train" / "val" / "test" / ""`` (left out).

    Raises:
        ValueError: a chromosome in two lists, or an empty training or test set, naming the key.
    """
    def norm(c):
        c = str(c)
        return c[3:] if c.startswith("chr") else c

    lists = {k: [norm(c) for c in split.get(k) or []] for k in ("train", "val", "test")}
    for a, b in (("train", "val"), ("train", "test"), ("val", "test")):
        both = set(lists[a]) & set(lists[b])
        if both:
            raise ValueError(f"split: chromosome(s) {sorted(both)} are in both split.{a} and split.{b}")
    chrom = sites["chromo"].map(norm).to_numpy()
    out = np.full(len(sites), "", dtype=object)
    out[np.isin(chrom, lists["train"])] = "train"
    out[np.isin(chrom, lists["test"])] = "test"
    if lists["val"]:
        out[np.isin(chrom, lists["val"])] = "val"
    elif not split.get("val_fraction"):
        out[out == ""] = "val"
    frac = split.get("val_fraction")
    if frac:
        if not 0 < float(frac) < 1:
            raise ValueError(f"split.val_fraction must lie in (0, 1), got {frac}")
        train = np.flatnonzero(out == "train")
        pick = np.random.default_rng(seed).choice(train, int(round(float(frac) * len(train))), replace=False)
        out[pick] = "val"
    for k in ("train", "test"):
        if not (out == k).any():
            raise ValueError(f"split.{k}: no CpG site lies on chromosomes {lists[k] or '(none given)'}; "
                             f"the sites are on {_few(sites['chromo'])}")
    return out


#: Below this share of sites with a C (or the G of a reverse-strand CpG) at their 1-based position,
#: a profile is refused as not matching the genome.
MIN_C_SHARE = 0.9


def check_sites_on_genome(fasta: str | os.PathLike, profiles: dict[str, pd.DataFrame],
                          paths: dict[str, str | os.PathLike], min_share: float = MIN_C_SHARE) -> dict[str, float]:
    """Check that each profile's sites are CpG cytosines of the genome.

    A site at 1-based ``pos`` must lie on its chromosome (``1 ≤ pos ≤ length``), and at least
    ``min_share`` of a profile's sites must hold a C (or the G of the reverse strand) there. A
    profile written 0-based puts its sites one base before the C; the error then says so.

    Args:
        fasta: indexed FASTA; profiles: ``{name: DataFrame chromo, pos}`` with chromosomes already
            named as in the FASTA (:func:`read_profiles` with a reference); paths: ``{name: file}``
            for the messages.

    Returns:
        ``{name: share of sites with a C or G}``.

    Raises:
        ProfileError: naming the file: sites past the end of their chromosome (with their count and
            the first one), or too few sites on a C or G (with the share one base to either side,
            and an off-by-one hint when that side fits).
    """
    from pyfaidx import Fasta

    shares = {}
    with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
        seqs = {}
        for name, df in profiles.items():
            if not len(df):
                continue
            hits = np.zeros((3, len(df)), dtype=bool)  # base at pos - 1, pos, pos + 1 (1-based) is C or G
            past, first_past = 0, None
            for chrom, rows in df.groupby("chromo", sort=False).indices.items():
                if chrom not in seqs:
                    seqs[chrom] = np.frombuffer(str(fa[chrom][:]).encode("ascii"), dtype=np.uint8)
                seq = seqs[chrom]
                pos = df["pos"].to_numpy(np.int64)[rows]
                out = pos > len(seq)
                if out.any():
                    past += int(out.sum())
                    first_past = first_past or f"{chrom}:{int(pos[out][0])} (length {len(seq):,} bp)"
                for k, shift in enumerate((-1, 0, 1)):
                    i = pos - 1 + shift
                    ok = (i >= 0) & (i < len(seq))
                    base = np.zeros(len(pos), dtype=np.uint8)
                    base[ok] = seq[i[ok]]
                    hits[k, rows] = (base == ord("C")) | (base == ord("G"))
            if past:
                raise ProfileError(f"{paths[name]}: {past} of {len(df)} sites lie past the end of their chromosome in "
                                   f"{fasta} (first: {first_past}); is the profile for another assembly?")
            before, at, after = hits.mean(axis=1)
            shares[name] = float(at)
            if at < min_share:
                hint = ""
                if after >= min_share:
                    hint = (f"; {after:.0%} have a C or G one base to the right: the positions look 0-based, and DeepCpG "
                            "profiles are 1-based (add 1 to pos)")
                elif before >= min_share:
                    hint = f"; {before:.0%} have a C or G one base to the left: the positions look shifted by +1"
                raise ProfileError(f"{paths[name]}: only {at:.0%} of {len(df)} sites have a C (or the G of the "
                                   f"reverse strand) at their 1-based position in {fasta} (at least {min_share:.0%} "
                                   f"expected){hint}")
    return shares


def dna_windows(fasta: str | os.PathLike, sites: pd.DataFrame, length: int) -> np.ndarray:
    """``(n, length)`` uint8 base codes of windows centred on the sites' C (N beyond the ends).

    The window of a site at 1-based ``pos`` is the 0-based half-open ``[pos - 1 - length // 2,
    pos - 1 - length // 2 + length)``, so the C sits at index ``length // 2``.

    Raises:
        KeyError: a chromosome the FASTA lacks (harmonise first).
    """
    from pyfaidx import Fasta

    from dnazoo.data.encoding import N_CODE, encode_codes

    out = np.full((len(sites), length), N_CODE, dtype=np.uint8)
    half = length // 2
    with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
        for chrom, rows in sites.groupby("chromo", sort=False).indices.items():
            seq = fa[chrom]
            size = len(seq)
            for r in rows:
                start = int(sites["pos"].iat[r]) - 1 - half
                lo, hi = max(start, 0), min(start + length, size)
                if hi > lo:
                    out[r, lo - start:hi - start] = encode_codes(seq[lo:hi])
    return out


# --- baselines ----------------------------------------------------------------------------------


def bulk_level(sites: pd.DataFrame, bulk: pd.DataFrame, fallback: float) -> np.ndarray:
    """``(n,)`` float64 bulk methylation level at each site (``fallback`` where the bulk profile has
    no value there)."""
    key = pd.MultiIndex.from_frame(sites[["chromo", "pos"]])
    idx = pd.MultiIndex.from_frame(bulk[["chromo", "pos"]]).get_indexer(key)
    vals = np.full(len(sites), float(fallback))
    hit = idx >= 0
    vals[hit] = bulk["value"].to_numpy(np.float64)[idx[hit]]
    return vals


# --- the dataset folder: the core's one layout (dnazoo.data.dataset) ----------------------------


def make_spec(cells: list[str], bulk: list[str], dna_window: int | None, cpg_wlen: int, max_dist: int,
              split: dict) -> dict:
    """The ``spec.json`` of a methylation dataset, in the layout of :mod:`dnazoo.data.dataset`.

    * ``kind`` ``methylation``; ``task`` multilabel with one target per cell;
    * ``inputs``: ``sequence`` ``(dna_window,)`` uint8 base codes (only with a genome), ``cpg_state``
      and ``cpg_dist`` ``(n_cells, cpg_wlen)`` float32;
    * ``targets``: ``labels`` ``(n_cells,)`` int8, −1 (:data:`MISSING_LABEL`) where a cell has no read;
    * ``extras``: ``chromo``, ``pos`` (1-based C) and, with bulk profiles, ``bulk`` ``(n_bulk,)``;
    * DeepCpG's settings: ``cells``, ``bulk``, ``dna_window`` (None without DNA), ``cpg_wlen``,
      ``max_dist`` (bp), ``split``.
    """
    inputs = ([{"name": "sequence", "shape": [int(dna_window)], "dtype": "uint8"}] if dna_window else []) + [
        {"name": "cpg_state", "shape": [len(cells), int(cpg_wlen)], "dtype": "float32"},
        {"name": "cpg_dist", "shape": [len(cells), int(cpg_wlen)], "dtype": "float32"}]
    return {"format": 1, "kind": "methylation",
            "task": {"name": "multilabel", "targets": list(cells), "bins": None},
            "inputs": inputs,
            "targets": {"name": "labels", "shape": [len(cells)], "dtype": "int8", "missing": MISSING_LABEL},
            "extras": ["chromo", "pos"] + (["bulk"] if bulk else []),
            "cells": list(cells), "bulk": list(bulk), "dna_window": int(dna_window) if dna_window else None,
            "cpg_wlen": int(cpg_wlen), "max_dist": int(max_dist), "split": split}


def build(cells: dict[str, str | os.PathLike], out: str | os.PathLike, split: dict,
          bulk: dict[str, str | os.PathLike] | None = None, fasta: str | os.PathLike | None = None,
          dna_window: int = 1001, cpg_wlen: int = CPG_WLEN, max_dist: int = MAX_DIST, seed: int = 0,
          sites_out: str | os.PathLike | None = None) -> dict:
    """Build a methylation dataset folder from DeepCpG profiles.

    Args:
        cells: ``{cell: profile path}`` single-cell profiles (targets and CpG neighbourhoods).
        out: the folder, in the layout of :mod:`dnazoo.data.dataset` (:func:`make_spec`): the arrays of
            each split and ``spec.json`` (each atomically; ``spec.json`` last, so a folder without
            it is incomplete).
        split: :func:`chromosome_split`'s ``split``.
        bulk: ``{name: profile path}`` bulk profiles (the ``bulk_<name>`` baselines), or None.
        fasta: indexed FASTA for the DNA windows, or None (CpG models only).
        dna_window: bp, odd so the C is central (DeepCpG: 1,001).
        sites_out: optional ``sites.tsv.gz`` with ``chromo, pos, split`` and each cell's label.

    Returns:
        The spec (also in ``spec.json``).

    Raises:
        ProfileError: bad profiles (file and line); with ``fasta``, sites past a chromosome's end or
            not on a CpG's C (:func:`check_sites_on_genome`).
        ValueError: chromosomes matching none of the genome's (both sets named), an empty split,
            an even ``dna_window``.
    """
    from dnazoo.data.dataset import SPLITS, write_spec, write_split
    from dnazoo.io import write_table

    if dna_window % 2 == 0:
        raise ValueError(f"dna_window must be odd (the C in the middle), got {dna_window}")
    reference = None
    if fasta is not None:
        from dnazoo.data.genome import index_fasta

        reference = list(index_fasta(fasta))
    profiles = read_profiles(cells, reference, f"the genome {fasta}")
    if fasta is not None:
        shares = check_sites_on_genome(fasta, profiles, cells)
        log.info("share of sites on a C or G of %s: %s", fasta, {k: round(v, 4) for k, v in shares.items()})
    sites, labels = sites_and_labels(profiles)
    which = chromosome_split(sites, split, seed)
    state, dist = cell_neighbours(sites, profiles, cpg_wlen, max_dist)
    bulk_profiles = read_profiles(bulk or {}, sites["chromo"].unique() if len(sites) else [],
                                  "the single-cell profiles' chromosomes")
    bulk_levels = np.stack([bulk_level(sites, b, float(b["value"].mean())) for b in bulk_profiles.values()],
                           axis=1).astype(np.float32) if bulk_profiles else None
    dna = dna_windows(fasta, sites, dna_window) if fasta is not None else None
    counts = {}
    for s in SPLITS:
        rows = np.flatnonzero(which == s)
        chromo, pos = sites["chromo"].to_numpy()[rows].astype(str), sites["pos"].to_numpy()[rows].astype(np.int64)
        inputs = {"cpg_state": state[rows], "cpg_dist": dist[rows]}
        if dna is not None:
            inputs = {"sequence": dna[rows], **inputs}
        extras = {"chromo": chromo, "pos": pos}
        if bulk_levels is not None:
            extras["bulk"] = bulk_levels[rows]
        write_split(out, s, inputs, labels[rows], np.char.add(np.char.add(chromo, ":"), pos.astype(str)),
                    extras=extras)
        counts[s] = {"sites": int(len(rows)), "observed": int((labels[rows] >= 0).sum()),
                     "methylated": int((labels[rows] == 1).sum())}
    if sites_out is not None:
        table = sites.assign(split=which)
        for j, c in enumerate(cells):
            table[f"label.{c}"] = labels[:, j]
        write_table(table, sites_out)
    spec = {**make_spec(list(cells), list(bulk_profiles), dna_window if dna is not None else None, cpg_wlen,
                        max_dist, split), "counts": counts}
    write_spec(out, spec, {s: c["sites"] for s, c in counts.items()})
    log.info("methylation dataset: %d sites, %d cells; %s", len(sites), len(cells), counts)
    return spec
