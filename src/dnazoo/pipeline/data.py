"""The data stages: fetch and simulate inputs, read tables, windows, split, encode, dna2vec (rules simulate, download, tables, windows, split, encode, embeddings)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo import config as cfg
from dnazoo.io import fetch, read_table, save_npy, write_table
from dnazoo.data.dataset import PARTS
from dnazoo.data.splits import drop_duplicate_sequences, sequence_overlap
from dnazoo.pipeline.common import source_location
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


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
    """Coverage targets of the ``profile`` task (:func:`dnazoo.data.genome.window_coverage`): writes
    ``out_table`` (``seq_id, chrom, start, end, sequence, row``; 0-based half-open) and
    ``out_coverage`` (``(n, bins, tracks)`` float32 counts, rows in table order).

    Raises:
        ConfigError: bins that do not divide the window.
    """
    from dnazoo.data.genome import window_coverage

    if window % bins:
        raise cfg.ConfigError(f"bins: {bins} bins do not divide the {window}-bp window")
    table, cov = window_coverage(fasta, regions, tracks, window, bins)
    write_table(table, out_table)
    save_npy(cov, out_coverage)
    return table


def read_pairs_stage(table: str | os.PathLike, fmt: str, out: str | os.PathLike) -> pd.DataFrame:
    """Interaction table → canonical pair table (``pairs.tsv.gz``). Distance matching of the
    negatives happens after the split (:func:`split_stage`)."""
    from dnazoo.data.sources import read_pairs

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
                         label_names_path=None, overlap_out=None, dataset: str = "") -> pd.DataFrame:
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
    gives the validation rows (``split: given`` then carves nothing out of train). With
    ``max_train_rows``, at most that many rows of the training file are kept (seeded by the
    dataset's ``split.seed``), before negatives are made. Sequences that
    occur more than once are reported; training rows whose sequence also occurs in validation or
    test are dropped, and ``overlap_out`` (``overlap.tsv``) counts them first
    (:func:`dnazoo.data.splits.sequence_overlap`, with a ``dataset`` column).

    Raises:
        ConfigError: a ``bed`` source without a genome/window, or ``gc_matched_background``
            without a ``bed`` source.
        TableError: a bad row, naming the file and line.
    """
    from dnazoo.data.negatives import add_shuffled_negatives
    from dnazoo.data.sources import read_source

    ds = ds or {}
    task = ds.get("task", "binary")
    label_files = label_files or {}
    method = negatives.get("method", "dinucleotide_shuffle")
    options = {"task": task, "sequence_column": ds.get("sequence_column", "sequence"),
               "label_columns": ds.get("label_columns"), "id_column": ds.get("id_column"),
               "label_names_path": label_names_path, "fasta": fasta, "window": window,
               "max_dropped_fraction": ds.get("max_dropped_fraction", 0.5)}
    if "label_names" in ds:
        options["label_names_source"] = str(source_location(ds["label_names"]))

    def read(src: dict, path, part: str) -> pd.DataFrame:
        labels = src.get("labels", 1)
        opts = {**options, "source": Path(source_location(src)).name, "labels": labels,
                "label_file": label_files.get(part)}
        if src["format"] == "bed":
            if fasta is None or window is None:
                raise cfg.ConfigError("train.format: 'bed' needs the dataset's genome and window")
            opts["source"] = str(source_location(src))
        if isinstance(labels, dict):
            opts["labels_source"] = str(source_location(labels))
        df = read_source(src["format"], path, opts)
        if src["format"] == "bed":
            log.info("%s: %d %d-bp windows on the peaks", path, len(df), window)
        return df

    tr = read(train, train_path, "train")
    tr["split"] = "train"
    cap = ds.get("max_train_rows")
    if cap and len(tr) > int(cap):
        n_read = len(tr)
        seed = int((ds.get("split") or {}).get("seed", 0))
        tr = tr.sample(n=int(cap), random_state=seed).sort_index().reset_index(drop=True)
        log.info("max_train_rows: kept %d of the %d rows of the training file (a seeded random subset)", len(tr), n_read)
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
    if overlap_out is not None:
        write_table(sequence_overlap(df).assign(dataset=dataset).pipe(
            lambda t: t[["dataset"] + [c for c in t if c != "dataset"]]), overlap_out)
    df = drop_duplicate_sequences(df, str(source_location(train)))
    if "label" in df:
        log.info("sequences: %s", df.groupby(["split", "label"]).size().to_dict())
    else:
        log.info("sequences: %s rows; %d target columns", df["split"].value_counts().to_dict(),
                 sum(c.startswith("label.") for c in df))
    write_table(df, out)
    return df


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
                              "datasets without coordinates (a 'bed' source has them) take 'given' (with validation or test "
                              "files) or 'random'")
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


def dna2vec_stage(fasta, params: dict, threads: int, vectors_out, matrix_out, report_out) -> dict:
    """Train dna2vec on a genome; write the vectors of every k-mer, the model-k matrix
    (DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py row order, row 0 = zeros, float32) and a report (coverage, loss per epoch, timing).

    The vectors are in word2vec's binary format, exact float32: read them with gensim's
    ``KeyedVectors.load_word2vec_format(path, binary=True)``. (The text format holds the same
    vectors in decimal, in about three times the bytes, and takes seconds to write: 8.0 s against
    0.42 s for the 87,360 k-mers of k 3 to 8, ``perf/results/job_costs_cpu.json``.)"""
    from dnazoo.data.dna2vec import Dna2vecParams, coverage_by_k, kmer_matrix, train_dna2vec
    from dnazoo.io import atomic_path

    p = Dna2vecParams(**params)
    wv, report = train_dna2vec(fasta, p, workers=threads, corpus_path=Path(str(vectors_out) + ".corpus.txt"))
    matrix, cov = kmer_matrix(wv, p.model_k)
    report["coverage_by_k"] = {str(k): v for k, v in coverage_by_k(wv, p.k_low, p.k_high).items()}
    report["model_k_coverage"] = cov
    log.info("dna2vec on %s: %s", fasta, {k: v for k, v in report.items() if k != "params"})
    with atomic_path(vectors_out, suffix=".bin") as tmp:
        wv.save_word2vec_format(str(tmp), binary=True)
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


def overlap_stage(overlap_files: list, out) -> pd.DataFrame:
    """The datasets' ``overlap.tsv`` files (:func:`read_sequences_stage`) in one table."""
    frames = [read_table(f) for f in overlap_files]
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["dataset", "split", "rows"])
    write_table(df, out)
    return df
