"""The one registry of input formats: every config ``format`` value (interaction tables, labelled
sequences and peaks, DeepCpG methylation profiles) with the reader that turns its files into the
canonical table of its kind (:mod:`dnazoo.data.readers`, :mod:`dnazoo.data.methylation`).

A reader raises :class:`dnazoo.data.readers.TableError` naming the user's file and the 1-based
line of the first bad row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from dnazoo.data.readers import (TableError, read_bed, read_bedpe, read_deepbind_seq, read_deepchromehic_rda,
                                 read_deepsea_mat, read_delimited, read_fasta_labels, read_label_matrix,
                                 read_label_names, read_targetfinder, read_targetfinder_predictions)

@dataclass(frozen=True)
class Reader:
    """One input format: the config's ``format`` value, the kind of dataset it feeds and its reader.

    Attributes:
        name: the ``format`` value (``bedpe``, ``csv``, ``methylation_profile`` ...).
        kind: ``pairs`` (interaction tables), ``sequences`` (labelled sequences or peaks) or
            ``methylation`` (DeepCpG profiles).
        read: ``read(path, options) -> pandas.DataFrame``, the canonical table of that kind.
            ``options``: ``source`` (the user's file name, for errors) and the dataset's reading
            keys (:func:`read_source`).
        description: one line for the documentation.
    """

    name: str
    kind: str
    read: Callable[[str | os.PathLike, dict], pd.DataFrame]
    description: str


def _sequences_from_peaks(path, options: dict) -> pd.DataFrame:
    """``bed``: a ``window``-bp positive centred on each peak of the genome ``fasta``."""
    from pyfaidx import Fasta

    from dnazoo.data.genome import peak_windows, read_chrom_sizes

    fasta, window = options.get("fasta"), options.get("window")
    if fasta is None or window is None:
        raise TableError(f"{options.get('source', path)}: a 'bed' source needs the dataset's genome and window")
    peaks, counts = peak_windows(read_bed(path), int(window), read_chrom_sizes(str(fasta) + ".fai"),
                                 source=options.get("source", str(path)),
                                 max_dropped_fraction=options.get("max_dropped_fraction", 0.5))
    with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
        seqs = [fa[c][int(a):int(b)] for c, a, b in zip(peaks["chrom"], peaks["wstart"], peaks["wend"])]
    return pd.DataFrame({"seq_id": peaks["name"].astype(str), "sequence": seqs, "label": np.int8(1),
                         "chrom": peaks["chrom"], "start": peaks["wstart"], "end": peaks["wend"]})


def _sequences_from_fasta(path, options: dict) -> pd.DataFrame:
    """``fasta``: one label for every record (``labels`` 0/1), a TSV of labels, or a label matrix
    (``label_file``, its columns named by ``label_names_path``)."""
    labels = options.get("labels", 1)
    if not isinstance(labels, dict):
        return read_fasta_labels(path, labels, source=options.get("source", ""))
    from pyfaidx import Fasta

    with Fasta(str(path), as_raw=True) as fa:
        n = len(fa.keys())
    matrix = read_label_matrix(options["label_file"], n, labels.get("format", "npz"), labels.get("key", "y"),
                               source=options.get("labels_source", ""))
    names = (read_label_names(options["label_names_path"], matrix.shape[1], options.get("label_names_source", ""))
             if options.get("label_names_path") else options.get("label_columns"))
    return read_fasta_labels(path, matrix, source=options.get("source", ""), label_names=names,
                             task=options.get("task", "binary"),
                             labels_source=options.get("labels_source") or str(options["label_file"]))


def _delimited(fmt: str) -> Callable[[str | os.PathLike, dict], pd.DataFrame]:
    """``csv`` / ``tsv``: the dataset's ``sequence_column``, ``label_columns`` and ``id_column``."""
    def read(path, options: dict) -> pd.DataFrame:
        return read_delimited(path, fmt, options.get("sequence_column", "sequence"), options.get("label_columns"),
                              options.get("task", "binary"), options.get("id_column"),
                              source=options.get("source", ""))

    return read


def _methylation_profile(path, options: dict) -> pd.DataFrame:
    from dnazoo.data.methylation import read_profile

    return read_profile(path)


READERS: dict[str, Reader] = {r.name: r for r in (
    Reader("bedpe", "pairs", lambda p, o: read_bedpe(p), "BEDPE anchor pairs with a label column"),
    Reader("targetfinder", "pairs", lambda p, o: read_targetfinder(p), "TargetFinder's enhancer-promoter pairs CSV"),
    Reader("targetfinder_predictions", "pairs", lambda p, o: read_targetfinder_predictions(p),
           "TargetFinder's predictions table"),
    Reader("deepchromehic_rda", "pairs", lambda p, o: read_deepchromehic_rda(p),
           "DeepChromeHiC's R data files (GRanges pairs)"),
    Reader("deepbind_seq", "sequences", lambda p, o: read_deepbind_seq(p, source=o.get("source", "")),
           "DeepBind's .seq files (FoldID, EventID, seq, Bound)"),
    Reader("fasta", "sequences", _sequences_from_fasta, "FASTA records with 0/1, a label TSV or a label matrix"),
    Reader("csv", "sequences", _delimited("csv"), "a table with a sequence column and label columns"),
    Reader("tsv", "sequences", _delimited("tsv"), "as csv, tab-separated"),
    Reader("deepsea_mat", "sequences", lambda p, o: read_deepsea_mat(p, source=o.get("source", ""),
                                                                      names_path=o.get("label_names_path")),
           "DeepSEA's train/valid/test .mat files (MATLAB v5 or HDF5)"),
    Reader("bed", "sequences", _sequences_from_peaks, "peaks (BED) on the dataset's genome: windows centred on them"),
    Reader("methylation_profile", "methylation", _methylation_profile,
           "DeepCpG profile: gzip TSV chromo, pos (1-based), value in [0, 1]"),
)}


def formats(kind: str) -> tuple[str, ...]:
    """The :data:`READERS` formats of one kind (``pairs``, ``sequences``, ``methylation``)."""
    return tuple(n for n, r in READERS.items() if r.kind == kind)


def read_source(fmt: str, path: str | os.PathLike, options: dict | None = None) -> pd.DataFrame:
    """Read one input file of format ``fmt`` with its :data:`READERS` entry.

    Raises:
        ValueError: an unknown format, listing the known ones.
        TableError: a bad row, naming the file and line; an empty file; a byte that is not UTF-8,
            naming the file, line and byte.
    """
    try:
        reader = READERS[fmt]
    except KeyError:
        raise ValueError(f"unknown input format {fmt!r}; known: {sorted(READERS)}") from None
    return _named_errors(reader.read, path, options or {})


def _named_errors(read: Callable, path, options: dict) -> pd.DataFrame:
    """``read(path, options)`` with pandas' and Python's unnamed file errors turned into
    :class:`TableError` naming ``path``."""
    try:
        return read(path, options)
    except pd.errors.EmptyDataError:
        raise TableError(f"{path}: the file is empty (no header line and no rows)") from None
    except UnicodeDecodeError:
        raise TableError(_not_utf8(path)) from None


def _not_utf8(path) -> str:
    """Where the first byte that is not UTF-8 lies in ``path`` (gzip read through): ``file:line``."""
    from dnazoo.io import open_maybe_gzip

    with open_maybe_gzip(path, "rb") as fh:
        data = fh.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return (f"{path}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
                "save the file as UTF-8")
    return f"{path}: not UTF-8 text; save the file as UTF-8"


def read_pairs(path: str | os.PathLike, fmt: str) -> pd.DataFrame:
    """Read an interaction table of format ``fmt`` (a ``pairs`` entry of :data:`READERS`) into the canonical table.

    Raises:
        ValueError: a format that is not a pairs format.
    """
    if fmt not in formats("pairs"):
        raise ValueError(f"unknown pair table format {fmt!r}; expected one of {formats('pairs')}")
    return _named_errors(READERS[fmt].read, path, {})


#: The interaction-table formats (``table.format`` of a pairs dataset).
PAIR_FORMATS = formats("pairs")
#: The labelled-sequence formats (``train.format`` ...; ``bed`` needs the dataset's genome).
SEQUENCE_FORMATS = formats("sequences")
