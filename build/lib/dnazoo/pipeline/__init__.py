"""One function per DAG stage; ``workflow/scripts/*.py`` only unpack ``snakemake`` objects and call these.

Each function takes plain paths and config dictionaries, so the stages are unit-tested without
Snakemake. All outputs are written atomically.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo import config as cfg
from dnazoo.io import fetch, read_table, save_npy, save_npz, write_table
from dnazoo.data.dataset import PARTS
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


def setup_logging(log_path: str | os.PathLike | None, copies: dict[str, str] | None = None) -> None:
    """Send the ``dnazoo`` loggers, Python warnings, everything the job prints (stdout and stderr:
    Keras progress, TensorFlow's banners) and an uncaught exception (with its traceback) to the
    rule's log file, so the console keeps to Snakemake's progress and a failed job's log says why
    it failed (also on a cluster, where stderr goes to the scheduler's own log). A failure also
    prints one line, ``dnazoo: <error> (log: <file>)``, to the job's original stderr.

    ``copies`` maps a local copy under ``resources/`` to the URL or path in the user's config it
    was fetched from; an error naming a local copy also names that source."""
    import sys

    logging.basicConfig(filename=str(log_path) if log_path else None, level=logging.INFO, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)
    console = sys.stderr
    if log_path:
        sys.stdout.flush()
        sys.stderr.flush()
        console = os.fdopen(os.dup(2), "w", buffering=1)
        target = open(log_path, "a", buffering=1)
        os.dup2(target.fileno(), 1)
        os.dup2(target.fileno(), 2)

    def log_uncaught(exc_type, exc, tb):
        import traceback

        message = str(exc) + name_sources(str(exc), copies or {})
        # dnazoo's own errors already say what went wrong: log their own traceback only, not the
        # chain of library exceptions below them (a failed download would be 8 tracebacks).
        own = exc_type.__module__.startswith("dnazoo")
        trace = "".join(traceback.format_exception(exc_type, exc, tb, chain=not own)).rstrip()
        log.error("job failed: %s: %s\n%s", exc_type.__name__, message, trace)
        console.write(f"dnazoo: {exc_type.__name__}: {message}" + (f" (log: {log_path})" if log_path else "") + "\n")
        console.flush()

    sys.excepthook = log_uncaught


def name_sources(message: str, copies: dict[str, str]) -> str:
    """`` [<copy> is the local copy of <source>]`` for every local copy named in ``message``."""
    named = [f"{copy} is the local copy of {src}" for copy, src in copies.items()
             if copy in message and src not in message]
    return f" [{'; '.join(named)}]" if named else ""


def source_location(source: dict) -> str:
    """The URL or path of a config source entry."""
    return source.get("url") or source["path"]


def fetch_source(source: dict, dest: str | os.PathLike, what: str = "") -> None:
    """Fetch a config source (``url`` or ``path``, optional ``md5``/``sha256``) to ``dest``, gunzipped;
    with ``member``, that file out of the tar archive the source names (:func:`dnazoo.io.fetch_member`).

    Raises:
        DownloadError / ChecksumError / FileNotFoundError: from :func:`dnazoo.io.fetch`, with
            ``what`` (e.g. ``dataset K562, table``) added to the message.
    """
    from dnazoo.io import ChecksumError, DownloadError

    from dnazoo.io import fetch_member

    loc = source_location(source)
    log.info("fetching %s%s -> %s", loc, f" (member {source['member']})" if source.get("member") else "", dest)
    try:
        checksums = {k: source.get(k) for k in ("md5", "sha256")}
        if source.get("member"):
            fetch_member(loc, source["member"], dest, checksums)
        else:
            fetch(loc, dest, checksums)
    except (DownloadError, ChecksumError, FileNotFoundError) as err:
        if not what:
            raise
        raise type(err)(f"{err} (for {what})") from err


def fetch_genome(source: dict, fasta: str | os.PathLike, what: str = "") -> dict[str, int]:
    """Fetch a genome FASTA and index it with pyfaidx; return ``{chrom: bp}``. A source with
    ``urls`` is fetched part by part, checked against Ensembl's ``checksums_file`` when given, and
    concatenated (:func:`dnazoo.io.fetch_parts`)."""
    from dnazoo.data.genome import index_fasta
    from dnazoo.io import ChecksumError, DownloadError, fetch_parts

    if "urls" in source:
        try:
            fetch_parts(list(source["urls"]), fasta, source.get("checksums_file"))
        except (DownloadError, ChecksumError, FileNotFoundError) as err:
            raise type(err)(f"{err} (for {what})" if what else str(err)) from err
    else:
        fetch_source(source, fasta, what)
    sizes = index_fasta(fasta)
    log.info("%s: %d sequences, %d bp", fasta, len(sizes), sum(sizes.values()))
    return sizes


def simulate_dataset(params: dict, fasta: str | os.PathLike, bedpe: str | os.PathLike) -> None:
    """Write the simulated demo genome (indexed) and BEDPE (see :mod:`dnazoo.data.simulate`)."""
    from dnazoo.data.genome import index_fasta
    from dnazoo.data.simulate import SimulationParams, simulate, write_bedpe, write_fasta

    genome, pairs = simulate(SimulationParams(**params))
    write_fasta(genome, fasta)
    index_fasta(fasta)
    write_bedpe(pairs, bedpe)
    log.info("simulated %d chromosomes (%d bp) and %d pairs (%d positive); grammar counts: %s",
             len(genome), sum(len(s) for s in genome.values()), len(pairs), int(pairs["label"].sum()),
             pairs["grammar"].value_counts().to_dict())


def simulate_profile_stage(params: dict, window: int, fasta, regions_out, track_outs: dict) -> None:
    """Write the profile demo (:func:`dnazoo.data.simulate.simulate_profile`): the genome (indexed), the
    tiled windows as BED and one bigWig per track (``track_outs``: ``{track: path}``)."""
    from dnazoo.data.genome import index_fasta
    from dnazoo.io import atomic_path
    from dnazoo.data.simulate import ProfileParams, simulate_profile, write_bigwig, write_fasta

    p = ProfileParams(**{**params, "window": int(window)})
    genome, regions, tracks = simulate_profile(p)
    write_fasta(genome, fasta)
    index_fasta(fasta)
    with atomic_path(regions_out, suffix=".bed") as tmp:
        regions[["chrom", "start", "end", "name"]].to_csv(tmp, sep="\t", header=False, index=False)
    sizes = {c: len(v) for c, v in genome.items()}
    for track, dest in track_outs.items():
        write_bigwig(tracks[track], sizes, p.resolution, dest)
    log.info("simulated %d chromosomes, %d windows of %d bp; sites per track: %s", len(genome), len(regions),
             p.window, {t: int(regions[f"n_{t}"].sum()) for t in tracks})


def coverage_stage(fasta, regions, tracks: dict, window: int, bins: int, out_table, out_coverage) -> pd.DataFrame:
    """Coverage targets of the ``profile`` task: for every window, its sequence and the counts of
    every track summed in ``bins`` equal bins.

    Args:
        fasta: the indexed genome.
        regions: a BED of regions, each re-centred to a ``window``-bp window (a region of exactly
            ``window`` bp is kept as it is; those off a chromosome are dropped and counted), or
            None to tile the genome with windows.
        tracks: ``{track name: bigWig path}`` (read with pybigtools; uncovered bases count 0).
        window, bins: window length in bp, and bins per window (must divide it).

    Writes ``out_table`` (``seq_id, chrom, start, end, sequence, row``; 0-based half-open) and
    ``out_coverage`` (``(n, bins, tracks)`` float32 counts, rows in table order).

    Raises:
        ConfigError: bins that do not divide the window. ValueError: a bigWig that lacks a
            chromosome of the windows (naming the file and the chromosomes).
    """
    import pybigtools
    from pyfaidx import Fasta

    from dnazoo.data.genome import peak_windows, read_chrom_sizes
    from dnazoo.data.readers import read_bed

    if window % bins:
        raise cfg.ConfigError(f"bins: {bins} bins do not divide the {window}-bp window")
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
        bw = pybigtools.open(str(path))
        have = set(bw.chroms()) if hasattr(bw, "chroms") else None
        missing = sorted(set(table["chrom"]) - have) if have is not None else []
        if missing:
            raise ValueError(f"{path} (track {name!r}): no chromosome(s) {missing[:5]}; it has {sorted(have)[:10]}")
        for i, (c, a, b) in enumerate(zip(table["chrom"], table["start"], table["end"])):
            cov[i, :, j] = bw.values(c, int(a), int(b), bins=bins, summary="sum", fillna=0)
    table["row"] = np.arange(len(table))
    log.info("coverage: %d windows x %d bins x %d tracks; total counts per track %s", len(table), bins, len(tracks),
             dict(zip(tracks, np.round(cov.sum(axis=(0, 1)), 1).tolist())))
    write_table(table, out_table)
    save_npy(cov, out_coverage)
    return table


def read_pairs_stage(table: str | os.PathLike, fmt: str, out: str | os.PathLike) -> pd.DataFrame:
    """Interaction table → canonical pair table (``pairs.tsv.gz``). Distance matching of the
    negatives happens after the split (:func:`split_stage`)."""
    from dnazoo.data.readers import read_pairs

    df = read_pairs(table, fmt)
    log.info("%s (%s): %d pairs, %d positive, %d negative", table, fmt, len(df), int(df["label"].sum()),
             int((df["label"] == 0).sum()))
    write_table(df, out)
    return df


def windows_stage(pairs: str | os.PathLike, fai: str | os.PathLike, lengths: tuple[int, int], strict: bool,
                  out: str | os.PathLike, report: str | os.PathLike, source: str = "",
                  max_dropped_fraction: float = 0.5) -> dict:
    """Re-centre anchors to windows, drop (or, strict, reject) pairs that do not fit the genome.

    Dropped pairs are a warning naming the absent chromosomes; above ``max_dropped_fraction``
    (or when nothing is left) a :class:`dnazoo.data.genome.WindowError` naming ``source`` (the user's
    table) and, where it applies, the other chromosome naming (``chr1`` vs ``1``)."""
    from dnazoo.data.genome import pair_windows, read_chrom_sizes

    sizes = read_chrom_sizes(fai)
    df, counts = pair_windows(read_table(pairs), sizes, lengths, strict, source=source or str(pairs),
                              max_dropped_fraction=max_dropped_fraction)
    log.info("windows of %s bp: %s", list(lengths), counts)
    write_table(df, out)
    write_json({"window_bp": list(lengths), **counts}, report)
    return counts


def read_sequences_stage(train: dict, test: dict | None, negatives: dict, train_path, test_path,
                         out: str | os.PathLike, fasta: str | os.PathLike | None = None,
                         window: int | None = None, validation: dict | None = None, validation_path=None,
                         ds: dict | None = None, label_files: dict | None = None,
                         label_names_path=None) -> pd.DataFrame:
    """Labelled sequence files → canonical sequence table with a ``split`` column (train/val/test).

    Training negatives are added by dinucleotide shuffling of the training positives when
    ``negatives.method`` is ``dinucleotide_shuffle``; test files are taken as given (DeepBind's
    test files already contain shuffled negatives). A ``bed`` training source is a peak set on the
    dataset's genome (``fasta``): each peak gives a ``window``-bp positive centred on it (with
    ``chrom``/``start``/``end``, so chromosome and cv splits apply), and ``negatives.method:
    gc_matched_background`` adds GC-matched genomic background windows
    (:func:`dnazoo.data.negatives.gc_matched_background`).

    ``csv``/``tsv`` sources take the dataset's ``sequence_column`` and ``label_columns``; a
    ``fasta`` source takes ``labels`` (0/1, a TSV, or a label-matrix source whose downloaded copy
    is ``label_files[part]``, columns named by the ``label_names`` file). A ``validation`` source
    gives the validation rows (``split: given`` then carves nothing out of train). Sequences that
    occur more than once are reported; training rows whose sequence also occurs in validation or
    test are dropped.

    Raises:
        ConfigError: a ``bed`` source without a genome/window, or ``gc_matched_background``
            without a ``bed`` source.
        TableError: a bad row, naming the file and line.
    """
    from dnazoo.data.negatives import add_shuffled_negatives
    from dnazoo.data.readers import (read_deepbind_seq, read_deepsea_mat, read_delimited, read_fasta_labels, read_label_matrix,
                         read_label_names)

    ds = ds or {}
    task = ds.get("task", "binary")
    label_files = label_files or {}
    names_cache: dict = {}

    def read(src: dict, path, part: str) -> pd.DataFrame:
        name = Path(source_location(src)).name
        if src["format"] == "deepbind_seq":
            return read_deepbind_seq(path, source=name)
        if src["format"] == "bed":
            return read_peaks(path, source_location(src))
        if src["format"] == "deepsea_mat":
            return read_deepsea_mat(path, source=name, names_path=label_names_path)
        if src["format"] in ("csv", "tsv"):
            return read_delimited(path, src["format"], ds.get("sequence_column", "sequence"),
                                  ds.get("label_columns"), task, ds.get("id_column"), source=name)
        labels = src.get("labels", 1)
        if isinstance(labels, dict):
            from pyfaidx import Fasta

            with Fasta(str(path), as_raw=True) as fa:
                n = len(fa.keys())
            matrix = read_label_matrix(label_files[part], n, labels.get("format", "npz"), labels.get("key", "y"),
                                       source=source_location(labels))
            if "names" not in names_cache:
                names_cache["names"] = (read_label_names(label_names_path, matrix.shape[1],
                                                         source_location(ds["label_names"]))
                                        if label_names_path else ds.get("label_columns"))
            return read_fasta_labels(path, matrix, source=name, label_names=names_cache["names"], task=task)
        return read_fasta_labels(path, labels, source=name)

    method = negatives.get("method", "dinucleotide_shuffle")

    def read_peaks(path, source: str = "peaks") -> pd.DataFrame:
        from pyfaidx import Fasta

        from dnazoo.data.genome import peak_windows, read_chrom_sizes
        from dnazoo.data.readers import read_bed

        if fasta is None or window is None:
            raise cfg.ConfigError("train.format: 'bed' needs the dataset's genome and window")
        peaks, counts = peak_windows(read_bed(path), int(window), read_chrom_sizes(str(fasta) + ".fai"),
                                     source=source, max_dropped_fraction=ds.get("max_dropped_fraction", 0.5))
        log.info("%s: %d-bp windows on the peaks: %s", path, window, counts)
        with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
            seqs = [fa[c][int(a):int(b)] for c, a, b in zip(peaks["chrom"], peaks["wstart"], peaks["wend"])]
        return pd.DataFrame({"seq_id": peaks["name"].astype(str), "sequence": seqs, "label": np.int8(1),
                             "chrom": peaks["chrom"], "start": peaks["wstart"], "end": peaks["wend"]})

    tr = read(train, train_path, "train")
    tr["split"] = "train"
    if method == "dinucleotide_shuffle" and task != "binary":
        raise cfg.ConfigError(f"negatives.method: 'dinucleotide_shuffle' makes binary negatives; a {task} "
                              "dataset takes 'given'")
    if method == "dinucleotide_shuffle":
        n_before = len(tr)
        tr = add_shuffled_negatives(tr, seed=negatives.get("seed", 0), per_positive=negatives.get("per_positive", 1))
        log.info("added %d dinucleotide-shuffled negatives to %d training sequences", len(tr) - n_before, n_before)
    elif method == "gc_matched_background":
        from dnazoo.data.negatives import gc_matched_background

        if train["format"] != "bed":
            raise cfg.ConfigError("negatives.method: 'gc_matched_background' needs a 'bed' training source")
        pos = tr.rename(columns={"start": "wstart", "end": "wend"})
        bg, report = gc_matched_background(fasta, pos, int(window), int(negatives.get("per_positive", 1)),
                                           int(negatives.get("bins", 50)), int(negatives.get("seed", 0)))
        log.info("GC-matched genomic background: %s", report)
        bg = bg.drop(columns="gc").assign(split="train")
        tr = pd.concat([tr, bg], ignore_index=True)
    parts = [tr]
    for src, path, split in ((validation, validation_path, "val"), (test, test_path, "test")):
        if src is not None:
            extra = read(src, path, "validation" if split == "val" else split)
            extra["split"] = split
            parts.append(extra)
    df = pd.concat(parts, ignore_index=True)
    dup = df["seq_id"].duplicated()
    if dup.any():
        df.loc[dup, "seq_id"] = df.loc[dup, "seq_id"] + "_" + df.loc[dup, "split"]
    df = drop_duplicate_sequences(df, str(source_location(train)))
    if "label" in df:
        log.info("sequences: %s", df.groupby(["split", "label"]).size().to_dict())
    else:
        log.info("sequences: %s rows; %d target columns", df["split"].value_counts().to_dict(),
                 sum(c.startswith("label.") for c in df))
    write_table(df, out)
    return df


def drop_duplicate_sequences(df: pd.DataFrame, source: str = "") -> pd.DataFrame:
    """Report sequences that occur more than once, and drop the training rows whose sequence also
    occurs in validation or test (it would leak the held-out answer into training).

    Returns:
        the table without those training rows (other duplicates are kept and counted in the log).
    """
    if "split" not in df or df.empty:
        return df
    seq = df["sequence"]
    n_dup = int(seq.duplicated(keep=False).sum())
    held = set(seq[df["split"].isin(["val", "test"])])
    leak = (df["split"] == "train") & seq.isin(held)
    if n_dup:
        log.warning("%s: %d rows share their sequence with another row (%d distinct sequences)", source, n_dup,
                    int(seq[seq.duplicated(keep=False)].nunique()))
    if leak.any():
        log.warning("%s: dropped %d training rows whose sequence also occurs in validation or test", source,
                    int(leak.sum()))
    return df[~leak].reset_index(drop=True)


def split_stage(table: str | os.PathLike, split_spec: dict, kind: str, out: str | os.PathLike,
                report: str | os.PathLike, negatives: dict | None = None, dataset: str = "") -> pd.DataFrame:
    """Assign train/val/test to every pair or sequence; write the split table and counts.

    Pairs with ``negatives.method: distance_matched`` are then resampled within each split
    (:func:`dnazoo.data.negatives.distance_matched_within_splits`); the split table of a pairs dataset
    carries the windows, so new negative pairs reach the encoding.

    Raises:
        SplitError: a binary dataset whose train, validation or test split holds one class only
            (before any training); multilabel labels without both classes in a split are logged.
    """
    from dnazoo.data.splits import assign_split

    df = read_table(table)
    multi = "label" not in df
    if multi:  # multilabel / regression: stratify on "any positive" (multilabel) for the random splits
        cols = [c for c in df if c.startswith("label.")]
        df["label"] = (df[cols].to_numpy(dtype=float) > 0).any(axis=1).astype(np.int8)
    if kind == "sequences" and "split" not in df:
        df["split"] = "train"
    if kind == "sequences" and split_spec.get("method") in ("chromosome", "cv") and "chrom" not in df:
        raise cfg.ConfigError(f"split.method: {split_spec['method']!r} needs genomic coordinates; sequences "
                              "datasets without coordinates (a 'bed' source has them) take 'given' or 'random'")
    if kind == "sequences" and split_spec.get("method") == "random":
        df = df.drop(columns=["split"])
    out_df = assign_split(df, split_spec)
    negatives = negatives or {}
    if kind == "pairs" and negatives.get("method", "as_given") == "distance_matched":
        from dnazoo.data.negatives import distance_matched_within_splits

        out_df, matched = distance_matched_within_splits(out_df, int(negatives.get("bins", 50)),
                                                         int(negatives.get("seed", 0)),
                                                         bool(negatives.get("new_pairs", False)), source=str(table))
        log.info("distance-matched negatives within each split: %s", matched)
    from dnazoo.data.splits import check_both_classes, labels_lacking_classes

    if not multi:
        check_both_classes(out_df, dataset or str(table))
    else:
        cols = [c for c in out_df if c.startswith("label.")]
        values = out_df[cols].to_numpy(dtype=float)
        if cols and set(np.unique(values[~np.isnan(values)])) <= {-1.0, 0.0, 1.0}:  # multilabel targets
            for s, labs in labels_lacking_classes(out_df, cols).items():
                log.warning("dataset %s: in the %s split %d label(s) lack one class and are not scored there: %s",
                            dataset or table, s, len(labs), [c[len("label."):] for c in labs[:20]])
    counts = out_df.groupby(["split", "label"]).size().unstack(fill_value=0)
    if multi:
        counts.columns = ["no positive label" if c == 0 else "any positive label" for c in counts.columns]
    log.info("split counts (rows: split, columns: label):\n%s", counts)
    id_col = "pair_id" if kind == "pairs" else "seq_id"
    keep = [id_col, "label", "split", "split_reason"] + (
        ["chrom1", "start1", "end1", "wstart1", "wend1", "chrom2", "start2", "end2", "wstart2", "wend2", "distance"]
        if kind == "pairs" else [])
    keep += [c for c in ("chrom", "cv_fold") if c in out_df and c not in keep]
    if multi:
        keep.remove("label")
    write_table(out_df[keep], out)
    write_json({s: {str(k): int(v) for k, v in row.items()} for s, row in counts.iterrows()}, report)
    return out_df


def encode_stage(kind: str, table: str | os.PathLike, split_table: str | os.PathLike,
                 lengths: tuple[int, ...], fasta: str | os.PathLike | None, out_dir: str | os.PathLike,
                 task=None, coverage=None) -> None:
    """Write the encoded dataset (:mod:`dnazoo.data.dataset`): base codes per split and input, targets,
    ids, distances (pairs) and ``spec.json`` (written last).

    Args:
        task: the dataset's :class:`dnazoo.tasks.Task`, ``{name, targets, bins}``, or its name
            (default binary): the targets are then the ``label`` column or the ``label.<target>``
            columns of ``table``.
        coverage: the ``(n, bins, tracks)`` counts of :func:`coverage_stage`, rows in ``table``'s
            ``row`` order: the profile task's targets, or for ``regression`` the targets
            ``log1p(counts summed over the window)``, ``(n, tracks)`` float32.

    Raises:
        ValueError: a target column of the task missing from the table.
    """
    from dnazoo.data.dataset import make_spec, write_spec
    from dnazoo.data.genome import extract_codes, write_sequence_codes
    from dnazoo.data.readers import target_columns
    from dnazoo.tasks import Task

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = read_table(table)
    if isinstance(task, dict):
        task = Task(task["name"], tuple(task["targets"]), task.get("bins"))
    if task is None or isinstance(task, str):
        name = task or "binary"
        targets = ("label",) if name == "binary" else tuple(c[len("label."):] for c in data if c.startswith("label."))
        task = Task(name, targets)
    cov = None
    if task.name == "profile" and coverage is None:
        raise ValueError("the profile task needs the coverage array (coverage_stage)")
    if coverage is not None:
        cov = np.load(coverage, mmap_mode="r")
    splits = read_table(split_table)
    id_col = "pair_id" if kind == "pairs" else "seq_id"
    data[id_col] = data[id_col].astype(str)
    splits[id_col] = splits[id_col].astype(str)
    if kind == "pairs" and "wstart1" in splits:  # the split table holds the windows (and new pairs)
        merged = splits
    else:
        merged = data.merge(splits[[id_col, "split"]], on=id_col, suffixes=("_input", ""))
    label_cols = [] if cov is not None else target_columns(task.targets) if task.name != "binary" else ["label"]
    missing = [c for c in label_cols if c not in merged]
    if missing:
        raise ValueError(f"{table}: no target column(s) {missing[:5]} for the {task.name} task")
    counts = {}
    for split in ("train", "val", "test"):
        part = merged[merged["split"] == split].reset_index(drop=True)
        if kind == "pairs":
            for a, anchor, length in zip(("1", "2"), PARTS["pairs"], lengths):
                extract_codes(fasta, part[f"chrom{a}"], part[f"wstart{a}"].to_numpy(),
                              part[f"wend{a}"].to_numpy(), out_dir / f"{split}.{anchor}.npy", length)
            save_npy(part["distance"].to_numpy(np.int64), out_dir / f"{split}.distance.npy")
        else:
            write_sequence_codes(part["sequence"], lengths[0], out_dir / f"{split}.sequence.npy")
        if cov is not None:
            counts_ = np.asarray(cov[part["row"].to_numpy()], dtype=np.float32)
            if task.name == "regression":  # (n, tracks): log1p of each track's total count in the window
                counts_ = np.log1p(counts_.sum(axis=1))
            save_npy(counts_, out_dir / f"{split}.labels.npy")
            save_npy(part[id_col].to_numpy().astype(str), out_dir / f"{split}.ids.npy")
            counts[split] = int(len(part))
            continue
        values = part[label_cols].to_numpy()
        if task.name == "binary":
            values = values[:, 0]
        if task.target_dtype == "int8":
            values = np.where(np.isnan(values.astype(float)), -1, values).astype(np.int8)
        save_npy(values.astype(task.target_dtype), out_dir / f"{split}.labels.npy")
        save_npy(part[id_col].to_numpy().astype(str), out_dir / f"{split}.ids.npy")
        counts[split] = int(len(part))
        log.info("%s: %d rows encoded", split, len(part))
    write_spec(out_dir, make_spec(kind, tuple(lengths), task), counts)


def kmer_stage(encoded_dir: str | os.PathLike, kind: str, out_dir: str | os.PathLike, k: int = 6) -> None:
    """6-mer token ids (DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py) of every encoded split/part, ``(n, L)`` uint16 each."""
    from dnazoo.data.encoding import kmer_tokens

    out_dir = Path(out_dir)
    for split in ("train", "val", "test"):
        for part in PARTS[kind]:
            codes = np.load(Path(encoded_dir) / f"{split}.{part}.npy", mmap_mode="r")
            tokens = np.zeros(codes.shape, dtype=np.uint16)
            for i0 in range(0, len(codes), 1024):
                tokens[i0:i0 + 1024] = kmer_tokens(np.asarray(codes[i0:i0 + 1024]), k=k)
            save_npy(tokens, out_dir / f"{split}.{part}.npy")


def dna2vec_stage(fasta, params: dict, threads: int, w2v_out, matrix_out, report_out) -> dict:
    """Train dna2vec on a genome; write the vectors (word2vec text format), the model-k matrix
    (DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py row order, row 0 = zeros, float32) and a report (coverage, loss per epoch, timing)."""
    from dnazoo.data.dna2vec import Dna2vecParams, coverage_by_k, kmer_matrix, train_dna2vec
    from dnazoo.io import atomic_path

    p = Dna2vecParams(**params)
    wv, report = train_dna2vec(fasta, p, workers=threads, corpus_path=Path(str(w2v_out) + ".corpus.txt"))
    matrix, cov = kmer_matrix(wv, p.model_k)
    report["coverage_by_k"] = {str(k): v for k, v in coverage_by_k(wv, p.k_low, p.k_high).items()}
    report["model_k_coverage"] = cov
    log.info("dna2vec on %s: %s", fasta, {k: v for k, v in report.items() if k != "params"})
    with atomic_path(w2v_out, suffix=".w2v") as tmp:
        wv.save_word2vec_format(str(tmp), binary=False)
    save_npy(matrix, matrix_out)
    write_json(report, report_out)
    return report


def embedding_stage(embedding: str, params: dict, dna2vec_matrix, out) -> None:
    """The dataset's k-mer embedding matrix: copied from dna2vec, seeded random, or a checked file."""
    from dnazoo.data.dna2vec import Dna2vecParams, check_embedding_matrix, random_matrix

    p = Dna2vecParams(**params)
    if embedding == "dna2vec":
        matrix = check_embedding_matrix(np.load(dna2vec_matrix), p.model_k, str(dna2vec_matrix))
    elif embedding == "random":
        matrix = random_matrix(p.model_k, p.vector_size, p.seed)
    else:
        matrix = check_embedding_matrix(np.load(embedding), p.model_k, embedding)
    log.info("embedding %s: matrix %s", embedding, matrix.shape)
    save_npy(matrix, out)


def configure_backend(threads: int) -> None:
    """Limit the backend to the rule's threads; TensorFlow allocates GPU memory on demand."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if os.environ["KERAS_BACKEND"] == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(2, threads)))
        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
        log.info("TensorFlow %s, GPUs visible: %d", tf.__version__, len(tf.config.list_physical_devices("GPU")))


def train_stage(model: str, encoded_dir, kind: str, lengths: tuple[int, ...], settings: dict,
                model_out, history_out, threads: int = 1, embedding=None, checkpoint=None,
                record_out=None, dataset: str = "", dataset_config: dict | None = None) -> dict:
    """Train one (dataset, model) combination; Keras or scikit-learn by the registry entry.

    ``embedding``: path of the dataset's ``(4097, d)`` k-mer matrix, loaded into the Embedding layers
    of the dna2vec-initialised models. ``checkpoint``: the per-epoch checkpoint a killed run
    resumes from (:func:`dnazoo.training.train_keras`). ``record_out``: ``run.json``, the
    reproducibility record (:func:`dnazoo.record.run_record`) of ``dataset``/``dataset_config``.
    """
    from dnazoo import models
    from dnazoo.record import run_record
    from dnazoo.training import train_baseline, train_keras

    if models.get(model).framework == "sklearn":
        result = train_baseline(model, encoded_dir, kind, settings, model_out, history_out)
    else:
        configure_backend(threads)
        matrix = np.load(embedding) if embedding else None
        result = train_keras(model, encoded_dir, kind, tuple(lengths), settings, model_out, history_out, matrix,
                             checkpoint=checkpoint)
    log.info("%s: %s", model, result)
    if record_out:
        record = run_record(dataset, model, dataset_config or {}, settings,
                            [encoded_dir] + ([embedding] if embedding else []), [model_out, history_out])
        write_json({**record, "result": result}, record_out)
    return result


def evaluation_settings(evaluation: dict | None) -> dict:
    """The config's ``evaluation`` block over its schema defaults (bootstrap 1,000, 95 %, seed 0)."""
    return {"bootstrap": 1000, "ci": 0.95, "seed": 0, **(evaluation or {})}


def evaluate_stage(model: str, model_path, encoded_dir, kind: str, metrics_out, predictions_out,
                   dataset: str = "", threads: int = 1, evaluation: dict | None = None,
                   per_target_out=None, settings: dict | None = None, examples_out=None) -> dict:
    """Test-split metrics of the dataset's task (:meth:`dnazoo.tasks.Task.metrics`) in
    ``metrics.json`` and per-row scores in ``predictions.tsv.gz``.

    Binary: bootstrap CIs of AUROC and AUPRC per the config's ``evaluation`` block, and MCC at the
    threshold that maximises validation MCC (``val_threshold``, ``mcc_val_threshold``;
    :func:`dnazoo.tasks.metrics.mcc_threshold`) beside ``mcc`` at 0.5. Other tasks:
    one row per target (label / track) in ``per_target_out`` (``per_target.tsv``). Profile: also
    ``control_mean_pearson_r`` (the predictions against the tracks of shuffled windows). Every
    task: the observed targets and the scores of the four test rows with the most observed signal
    (counts, positive labels) in ``examples_out`` (``.npz``: observed, predicted, ids, tracks).
    """
    from dnazoo import models
    from dnazoo.tasks.metrics import bootstrap_ci
    from dnazoo.training import predict_arrays, prediction_table, split_targets

    if models.get(model).framework == "keras":
        configure_backend(threads)
    from dnazoo.training import load_trained

    trained = load_trained(model, model_path)
    data, task, raw = predict_arrays(model, trained, encoded_dir, "test", kind, settings)
    pred = prediction_table(data, task, raw)
    if task.name == "profile":
        targets, scores = np.asarray(data["labels"]), raw
    else:
        targets, scores = split_targets(pred, task)
    summary, per_target = task.metrics(targets, scores)
    if task.name == "profile" and len(targets) > 2:
        # control: the same predictions against the observed tracks of other (shuffled) windows
        perm = np.random.default_rng(0).permutation(len(targets))
        summary["control_mean_pearson_r"] = task.metrics(targets[perm], scores)[0]["mean_pearson_r"]
    if examples_out is not None:  # the 4 test rows with the most observed signal (counts, positives)
        from dnazoo.io import save_npz

        obs = np.asarray(data["labels"], dtype=np.float64)
        top = np.argsort(-np.nan_to_num(obs.reshape(len(obs), -1)).clip(0).sum(axis=1), kind="stable")[:4]
        save_npz(examples_out, observed=obs[top], predicted=np.asarray(raw)[top], ids=np.asarray(data["ids"])[top],
                 tracks=np.asarray(task.targets))
    metrics = {"dataset": dataset, "model": model, "split": "test", "task": task.name, **summary}
    if task.name == "binary" and len(targets):
        # MCC at the threshold that maximises validation MCC (GUE reports MCC; 0.5 is arbitrary
        # for a model whose scores are not calibrated)
        from dnazoo.tasks.metrics import mcc_threshold
        from sklearn.metrics import matthews_corrcoef

        val_data, _, val_raw = predict_arrays(model, trained, encoded_dir, "val", kind, settings)
        val_pred = prediction_table(val_data, task, val_raw)
        threshold = mcc_threshold(val_pred["label"], val_pred["score"])
        metrics["val_threshold"] = threshold
        metrics["mcc_val_threshold"] = float(matthews_corrcoef(pred["label"].astype(int),
                                                               (pred["score"] >= threshold).astype(int)))
    ev = evaluation_settings(evaluation)
    if task.name == "binary" and ev["bootstrap"] and pred["label"].nunique() == 2:
        metrics.update(bootstrap_ci(pred["label"], pred["score"], ev["bootstrap"], ev["ci"], ev["seed"]))
    log.info("%s on %s: %s", model, dataset, metrics)
    write_table(pred, predictions_out)
    if per_target_out is not None:
        if per_target is None:
            per_target = pd.DataFrame([{"target": "label", **{k: metrics[k] for k in ("n", "auroc", "auprc")}}])
        write_table(per_target.assign(model=model), per_target_out)
    write_json(metrics, metrics_out)
    return metrics


def figures_stage(dataset: str, models_: list[str], metrics_files: list, prediction_files: list,
                  out_dir, note: str = "", per_target_files: list | None = None, task: str = "binary",
                  example_files: list | None = None, unit: str = "pairs") -> None:
    """The test-split figures of one dataset (PNG + PDF): ROC, PR and AUROC for a binary task
    (:func:`dnazoo.plots.evaluation.plot_dataset`); for multilabel and regression tasks the distribution of
    the per-target metric per model and its best and worst targets
    (:func:`dnazoo.plots.evaluation.plot_targets`); for the profile task Pearson r per track and observed
    against predicted tracks of test windows (:func:`dnazoo.plots.evaluation.plot_profiles`). ``unit``:
    what a test row is (pairs, sequences, windows), for the counts in the titles."""
    import json

    from dnazoo.plots.evaluation import plot_dataset, plot_targets

    metrics = {m: json.loads(Path(f).read_text()) for m, f in zip(models_, metrics_files)}
    if task == "binary":
        preds = {m: read_table(f) for m, f in zip(models_, prediction_files)}
        plot_dataset(dataset, preds, metrics, out_dir, note, unit)
        return
    per = {m: read_table(f) for m, f in zip(models_, per_target_files)}
    if task == "profile":
        from dnazoo.plots.evaluation import plot_profiles

        plot_profiles(dataset, per, {m: np.load(f) for m, f in zip(models_, example_files)}, metrics, out_dir, note,
                      unit)
        return
    n_rows = next((m.get("n") for m in metrics.values() if m.get("n")), None)
    plot_targets(dataset, per, "auroc" if task == "multilabel" else "pearson_r", out_dir, note, n_rows=n_rows,
                 unit=unit)


def training_figure_stage(dataset: str, model: str, history, out_png, note: str = "") -> None:
    """The training curves of one model (:func:`dnazoo.plots.evaluation.plot_training`), PNG + PDF."""
    from dnazoo.plots.evaluation import plot_training

    plot_training(read_table(history), model, dataset, Path(out_png).with_suffix(""), note)


def summary_stage(metrics_files: list, out) -> pd.DataFrame:
    """One row per (dataset, model) with all test metrics: ``summary.tsv``."""
    import json

    rows = [json.loads(Path(f).read_text()) for f in metrics_files]
    df = pd.DataFrame(rows)
    key = "auroc" if "auroc" in df else "mean_pearson_r"
    if "mean_pearson_r" in df and "auroc" in df:  # regression rows sort by their mean Pearson r
        df["_key"] = df["auroc"].fillna(df["mean_pearson_r"])
        key = "_key"
    df = df.sort_values(["dataset", key], ascending=[True, False]).drop(columns=["_key"], errors="ignore")
    write_table(df, out)
    return df


def transfer_stage(model: str, model_path, train_dataset: str, test_dirs: dict, out, threads: int = 1) -> pd.DataFrame:
    """Rows of the transfer matrix for one trained model: its test AUROC / Pearson r on every
    transfer dataset (:func:`dnazoo.evaluation.transfer.transfer_table`)."""
    from dnazoo import models
    from dnazoo.evaluation.transfer import transfer_table

    if models.get(model).framework == "keras":
        configure_backend(threads)
    df = transfer_table(model, model_path, train_dataset, test_dirs)
    log.info("%s trained on %s:\n%s", model, train_dataset, df.to_string(index=False))
    write_table(df, out)
    return df


def transfer_matrix_stage(tables: list, out_table, out_dir, note: str = "") -> pd.DataFrame:
    """The long transfer table (columns of ``auc+pearson.csv``) and its figures."""
    from dnazoo.plots.transfer import plot_transfer

    df = pd.concat([read_table(t) for t in tables], ignore_index=True)
    write_table(df, out_table)
    plot_transfer(df, out_dir, note)
    return df


def compare_original_stage(summary, original_csv, split_note: str, out_table, out_stem) -> pd.DataFrame:
    """dnazoo's within-dataset AUROC beside DeepChromeHiC's published ``auc+pearson.csv``."""
    from dnazoo.evaluation.transfer import compare_with_original, read_original_results
    from dnazoo.plots.transfer import plot_comparison_with_original

    table = compare_with_original(read_table(summary), read_original_results(original_csv))
    write_table(table, out_table)
    plot_comparison_with_original(table, split_note, out_stem)
    log.info("compared %d dataset/model pairs with the original", len(table))
    return table


def baseline_comparison_stage(models_: list[str], prediction_files: list, baselines: list[str], evaluation: dict,
                              out) -> pd.DataFrame:
    """Every model against the dataset's best baseline, paired bootstrap on the same test rows."""
    from dnazoo.evaluation import compare_with_baselines

    ev = evaluation_settings(evaluation)
    preds = {m: read_table(f) for m, f in zip(models_, prediction_files)}
    df = compare_with_baselines(preds, baselines, max(ev["bootstrap"], 100), ev["ci"], ev["seed"])
    log.info("models against the best baseline:\n%s", df.to_string(index=False))
    write_table(df, out)
    return df


def protocols_stage(group: str, metrics_files: list, protocols: dict, baselines: list[str], out_table, out_stem,
                    note: str = "") -> pd.DataFrame:
    """A group's protocol comparison: ``<group>.tsv`` (:func:`dnazoo.evaluation.protocol_summary`) and
    the one-panel-per-protocol figure (:func:`dnazoo.plots.evaluation.plot_protocols`)."""
    import json

    from dnazoo.plots.evaluation import plot_protocols

    from dnazoo.evaluation import protocol_summary

    summary = protocol_summary([json.loads(Path(f).read_text()) for f in metrics_files], dict(protocols))
    log.info("group %s:\n%s", group, summary.drop(columns=["aurocs", "datasets"]).to_string())
    write_table(summary, out_table)
    plot_protocols(summary, group, out_stem, tuple(baselines), note)
    return summary


def interpret_stage(model: str, model_path, encoded_dir, out_dir, settings: dict, dataset: str = "",
                    threads: int = 1, planted: dict | None = None, expected: tuple[str, ...] = (),
                    note: str = "") -> dict:
    """Explain one trained Keras model on a sample of its test sequences
    (:func:`dnazoo.interpret.interpret_model`) and write ``out_dir``:

    * ``attributions.npz``: ``ids``, ``index`` (test row), ``label``, ``score`` and per sequence
      input ``<input>.sequence`` ``(n, L)`` uint8 codes, ``.ism`` ``(n, L, 4)``, ``.deletion``
      ``(n, L)``, and for one-hot models ``.gradient_x_input`` and ``.integrated_gradients``
      ``(n, L, C)`` float32;
    * ``motifs.tsv``: one row per TF-MoDISco pattern: ``pattern, n_seqlets, match_id, match_name,
      q_value`` (best JASPAR CORE vertebrate match) and more; ``patterns.meme`` their PPMs;
    * ``filters.tsv``, ``filters.meme``: first-layer filters with ≥ 10 sites as PWMs, matched;
    * ``summary.json``: method agreement, timings, notes, planted-motif recovery (simulations);
    * ``patterns``, ``attributions``, ``ism`` figures (PNG + PDF).

    Args:
        settings: ``interpret`` config block (:class:`dnazoo.interpret.InterpretSettings`).
        planted: ``{name: {"consensus": str, "fidelity": float}}`` of a simulation.
        expected: JASPAR ids whose q-value every pattern reports (e.g. ``MA0139`` on the demo).

    Raises:
        ValueError: a scikit-learn baseline (nothing to interpret) or bad settings.
    """
    from dnazoo import interpret as it
    from dnazoo import models
    from dnazoo.data.dataset import load_split, model_inputs
    from dnazoo.training import load_trained
    from dnazoo.plots.interpret import plot_attributions, plot_ism, plot_patterns

    if models.get(model).framework != "keras":
        raise ValueError(f"{model} is a scikit-learn baseline: interpretation applies to Keras models")
    configure_backend(threads)
    s = it.InterpretSettings(**(settings or {}))
    s.check()
    net = load_trained(model, model_path)
    data = load_split(encoded_dir, "test")
    inputs = {k: np.asarray(v) for k, v in model_inputs(data, net).items()}
    pwms = {k: it.pwm_from_consensus(v["consensus"], float(v["fidelity"])) for k, v in (planted or {}).items()}
    res = it.interpret_model(net, inputs, data["labels"], data["ids"], s, pwms, tuple(expected))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_npz(out / "attributions.npz", **res["arrays"])
    write_table(res["motifs"], out / "motifs.tsv")
    write_table(res["filters"], out / "filters.tsv")
    it.write_meme(res["filter_pwms"], out / "filters.meme")
    it.write_meme({f"{k}.{p.name}" if len(res["patterns"]) > 1 else p.name: p.ppm
                   for k, found in res["patterns"].items() for p in found}, out / "patterns.meme")
    summary = {"dataset": dataset, **res["summary"]}
    simulated = "simulated" in note
    title = f"{model} on {dataset}: {summary['n_sequences']} test sequences" + (f" ({note})" if note else "")
    plot_patterns(res["motifs"], res["patterns"], res["targets"], out / "patterns", title, s.top_patterns, simulated)
    plot_attributions(res["arrays"], summary["inputs"], out / "attributions", title, simulated=simulated)
    plot_ism(res["arrays"], summary["inputs"], out / "ism", title, simulated=simulated)
    write_json(summary, out / "summary.json")
    log.info("interpretation of %s on %s: %s", model, dataset, json.dumps(summary, default=str))
    return summary


# --- DeepCpG methylation datasets (dnazoo.data.methylation, dnazoo.training.methylation) ------------------


def methylation_simulate_stage(params, fasta_out, cell_outs: dict, bulk_out, truth_out) -> None:
    """The simulated methylation default (:func:`dnazoo.data.simulate.simulate_methylation`): the genome
    (FASTA, indexed), one profile per cell, a bulk profile and the truth per CpG (island, motif, p)."""
    from dnazoo.data.genome import index_fasta
    from dnazoo.io import write_table
    from dnazoo.data.simulate import simulate_methylation, write_fasta, write_profile

    genome, cells, bulk, truth = simulate_methylation(params)
    write_fasta(genome, fasta_out)
    index_fasta(fasta_out)
    for cell, dest in cell_outs.items():
        write_profile(cells[cell], dest)
    write_profile(bulk, bulk_out)
    write_table(truth, truth_out)
    log.info("simulated %d CpGs on %d chromosomes; %s", len(truth), len(genome),
             {c: len(v) for c, v in cells.items()})


def methylation_dataset_stage(ds: dict, cells: dict, bulk: dict, fasta, out_dir, sites_out) -> dict:
    """Build ``results/methylation/<name>/data`` (:func:`dnazoo.data.methylation.build`) from the config
    block ``ds`` and the local profile copies."""
    from dnazoo.data.methylation import build

    return build(cells, out_dir, ds["split"], bulk or None, fasta, int(ds["dna_window"]), int(ds["cpg_wlen"]),
                 int(ds["max_dist"]), int(ds.get("training", {}).get("seed", 0)), sites_out)


def methylation_train_stage(model: str, data_dir, settings: dict, model_out, history_out, record_out, threads: int,
                            dataset: str, ds: dict, dna_model=None, cpg_model=None) -> dict:
    """Train one DeepCpG model (:func:`dnazoo.training.methylation.train`) and write its ``run.json``."""
    from dnazoo.training.methylation import train
    from dnazoo.record import run_record

    configure_backend(threads)
    result = train(model, data_dir, settings, model_out, history_out, dna_model, cpg_model)
    if dna_model:
        result.update(dna_model=str(dna_model), cpg_model=str(cpg_model))
    inputs = [data_dir] + [p for p in (dna_model, cpg_model) if p]
    write_json({**run_record(dataset, model, ds, settings, inputs, [model_out, history_out]), "result": result},
               record_out)
    return result


def methylation_evaluate_stage(spec_dir, models_: dict, threads: int, ds: dict, per_cell_out, summary_out,
                               predictions_dir, figure_stem, label: str = "", replicates: int = 1000) -> None:
    """Per-cell test metrics of every model and baseline (:func:`dnazoo.training.methylation.per_cell_metrics`)
    in ``per_cell.tsv``, their means over cells in ``summary.tsv``, the prediction tables, and a
    per-cell AUROC figure (PNG and PDF)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dnazoo.plots import save_figure
    from dnazoo.io import write_table
    from dnazoo.data.methylation import load_split, read_spec
    from dnazoo.training.methylation import baseline_tables, per_cell_metrics, predict

    if models_:
        configure_backend(threads)
    spec = read_spec(spec_dir)
    preds = {m: predict(m, path, spec_dir) for m, path in models_.items()}
    preds.update(baseline_tables(spec, load_split(spec_dir, "train"), load_split(spec_dir, "test"),
                                 int(ds["neighbour_window"])))
    Path(predictions_dir).mkdir(parents=True, exist_ok=True)
    for m, p in preds.items():
        write_table(p, Path(predictions_dir) / f"{m}.tsv.gz")
    table = per_cell_metrics(preds, spec["cells"], replicates)
    write_table(table, per_cell_out)
    summary = table.groupby("model", sort=False)[["auroc", "auprc", "accuracy", "f1", "mcc"]].mean().reset_index()
    write_table(summary, summary_out)
    fig, ax = plt.subplots(figsize=(max(5, 0.9 * len(preds) + 2), 3.6))
    width = 0.8 / len(spec["cells"])
    for j, cell in enumerate(spec["cells"]):
        sub = table[table["cell"] == cell].set_index("model").loc[list(preds)]
        x = np.arange(len(preds)) + j * width
        ax.bar(x, sub["auroc"], width, label=cell,
               yerr=[sub["auroc"] - sub["auroc_low"], sub["auroc_high"] - sub["auroc"]], capsize=2)
    ax.set_xticks(np.arange(len(preds)) + width * (len(spec["cells"]) - 1) / 2)
    ax.set_xticklabels(list(preds), rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("test AUROC (95 % bootstrap CI)")
    ax.set_ylim(0.4, 1.0)
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.legend(fontsize=6, title="cell", title_fontsize=6)
    ax.set_title(f"{label}: per-cell methylation AUROC, test chromosomes {', '.join(spec['split'].get('test', []))}",
                 fontsize=8)
    fig.tight_layout()
    save_figure(fig, figure_stem)
    plt.close(fig)


def methylation_filters_stage(model_path, data_dir, tsv_out, meme_out, threads: int = 1, planted: str | None = None,
                              n_windows: int = 2000, jaspar: str | None = None) -> None:
    """The first-layer filters of a DeepCpG DNA model as motifs, as DeepCpG's
    ``dcpg_filter_motifs.py`` does: activation-weighted PWMs over the test windows
    (:func:`dnazoo.interpret.filter_pwms`), written as MEME, each matched by Tomtom (memelite) to
    JASPAR (pyjaspar, offline) and, for the simulated default, to the planted motif ``planted``
    (a consensus; column ``q_value[planted:motif]``).

    Writes ``filters.tsv`` (one row per filter with at least 10 sites: ``filter, n_sites,
    match_id, match_name, match_family, q_value, strand`` ...) and ``filters.meme``.
    """
    from dnazoo.data.encoding import onehot
    from dnazoo.interpret import JASPAR_RELEASE, filter_motifs, jaspar_motifs, pwm_from_consensus, write_meme
    from dnazoo.data.methylation import load_split
    from dnazoo.training import load_keras_model

    configure_backend(threads)
    model = load_keras_model(model_path)
    dna = load_split(data_dir, "test")["dna"][:n_windows]
    targets = dict(jaspar_motifs(jaspar or JASPAR_RELEASE))  # a copy: the JASPAR set may be cached
    also = ()
    if planted:
        targets["planted:motif"] = {"name": "planted motif", "family": "simulated",
                                    "ppm": pwm_from_consensus(planted, 0.97)}
        also = ("planted:motif",)
    table, keep = filter_motifs(model, [onehot(dna).astype(np.float32)], targets, also, prefix_tower=False)
    write_table(table, tsv_out)
    write_meme(keep, meme_out)
    best = table.sort_values("q_value").head(3)
    log.info("%d filters with >= 10 sites; best JASPAR matches: %s", len(keep),
             best[["filter", "match_name", "q_value"]].to_dict("records"))
