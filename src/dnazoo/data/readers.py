"""Readers that turn interaction tables and labelled sequence files into dnazoo's canonical tables
(the one registry of input formats, by config ``format``, is :data:`dnazoo.data.sources.READERS`).

Canonical pair table (one row per anchor pair, 0-based half-open coordinates, bp)::

    pair_id  chrom1 start1 end1  chrom2 start2 end2  label  distance

``label`` is 1 (interacting) or 0; ``distance`` is the number of bp between the two anchor
midpoints (``|(start1+end1)/2 - (start2+end2)/2|``, rounded down to an integer); it is the
only feature of the ``distance_baseline``.

Canonical sequence table (``kind: sequences``)::

    seq_id  sequence  label  source                       (binary task)
    seq_id  sequence  label.<t1> … label.<tk>  source     (multilabel / regression: one column per
                                                           target; multilabel -1 = missing,
                                                           regression NaN = missing)

Every reader raises :class:`TableError` naming the file and the 1-based line of the first bad
row (or the R object for ``.rda`` files).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.io import open_maybe_gzip

PAIR_COLUMNS = ["pair_id", "chrom1", "start1", "end1", "chrom2", "start2", "end2", "label", "distance"]
SEQUENCE_COLUMNS = ["seq_id", "sequence", "label", "source"]
#: The base of each one-hot channel in DeepSEA's ``.mat`` files (Zhou & Troyanskaya 2015).
DEEPSEA_CHANNELS = "AGCT"


class TableError(ValueError):
    """A table row or field that cannot be read; the message names the file and line."""


def _open_text(path: str | os.PathLike):
    return open_maybe_gzip(path, "rt")


def _line_numbers(n: int, first: int) -> np.ndarray:
    return np.arange(first, first + n)


def _check_int_columns(df: pd.DataFrame, columns: list[str], path, lines: np.ndarray) -> None:
    for col in columns:
        plain = df[col].astype(str).str.strip().str.fullmatch(r"\d+")  # not 1e5, 100.0 or -5
        values = pd.to_numeric(df[col].where(plain), errors="coerce")
        bad = ~plain | values.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise TableError(
                f"{path}:{lines[i]}: column '{col}' must be a plain non-negative integer, "
                f"got {df[col].iloc[i]!r}"
            )
        df[col] = values.astype(np.int64)


def _finish_pairs(df: pd.DataFrame, path, lines: np.ndarray) -> pd.DataFrame:
    """Validate coordinates and labels, compute distance, return the canonical column order."""
    _check_int_columns(df, ["start1", "end1", "start2", "end2"], path, lines)
    for a in ("1", "2"):
        bad = df[f"start{a}"] > df[f"end{a}"]
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise TableError(
                f"{path}:{lines[i]}: start{a} {df[f'start{a}'].iloc[i]} > end{a} "
                f"{df[f'end{a}'].iloc[i]} (0-based half-open coordinates need start <= end)"
            )
    labels = pd.to_numeric(df["label"], errors="coerce")
    bad = ~labels.isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TableError(f"{path}:{lines[i]}: label must be 0 or 1, got {df['label'].iloc[i]!r}")
    df["label"] = labels.astype(np.int8)
    for col in ("chrom1", "chrom2"):
        df[col] = df[col].astype(str)
    mid1 = (df["start1"] + df["end1"]) / 2
    mid2 = (df["start2"] + df["end2"]) / 2
    df["distance"] = np.floor(np.abs(mid1 - mid2)).astype(np.int64)
    if "pair_id" not in df or df["pair_id"].isna().any():
        df["pair_id"] = [f"pair{i:07d}" for i in range(len(df))]
    df["pair_id"] = df["pair_id"].astype(str)
    dup = df["pair_id"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise TableError(f"{path}:{lines[i]}: duplicate pair id {df['pair_id'].iloc[i]!r}")
    return df[PAIR_COLUMNS].reset_index(drop=True)


def read_bedpe(path: str | os.PathLike) -> pd.DataFrame:
    """Read a BEDPE file (0-based half-open, tab-separated, optionally gzipped).

    Layout: the six BEDPE coordinate columns ``chrom1 start1 end1 chrom2 start2 end2``; then
    either a header line (starting with ``#`` or ``chrom1``) that names a ``label`` column and
    optionally ``name``/``pair_id``, or, without a header, BEDPE's ``name`` (7th) and ``score``
    (8th) columns, the score holding the 0/1 label. Lines starting with ``track``/``browser``
    and blank lines are skipped.

    Returns:
        The canonical pair table (see module docstring).

    Raises:
        TableError: too few columns, a non-integer coordinate, start > end, a label other
            than 0/1, or a duplicated name, with ``file:line``.
    """
    rows, line_numbers, header = [], [], None
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith(("track", "browser")):
                continue
            fields = line.split("\t")
            if header is None and not rows and (line.startswith("#") or fields[0] == "chrom1"):
                header = [f.lstrip("#").strip() for f in fields]
                continue
            if line.startswith("#"):
                continue
            need = len(header) if header else 8
            if len(fields) < need:
                raise TableError(f"{path}:{lineno}: expected {need} tab-separated columns, got {len(fields)}")
            rows.append(fields)
            line_numbers.append(lineno)
    if not rows:
        raise TableError(f"{path}: no data rows")
    if header:
        df = pd.DataFrame([r[: len(header)] for r in rows], columns=header)
        missing = {"chrom1", "start1", "end1", "chrom2", "start2", "end2", "label"} - set(df.columns)
        if missing:
            raise TableError(f"{path}:1: header lacks column(s) {sorted(missing)}")
        if "pair_id" not in df and "name" in df:
            df = df.rename(columns={"name": "pair_id"})
    else:
        df = pd.DataFrame([r[:8] for r in rows], columns=[*PAIR_COLUMNS[1:7], "pair_id", "label"])
    return _finish_pairs(df, path, np.asarray(line_numbers))


def read_targetfinder(path: str | os.PathLike) -> pd.DataFrame:
    """Read a TargetFinder enhancer-promoter pair CSV (``<CELL>.ep.csv[.gz]``, hg19, BED coordinates).

    Source: Whalen et al., Nat Genet 2016 (``shwhalen/targetfinder``). anchor 1 = enhancer,
    anchor 2 = promoter; ``pair_id`` = ``enhancer_name~promoter_name``.

    Raises:
        TableError: a missing column or a bad row, with ``file:line`` (line 1 = header).
    """
    df = pd.read_csv(path, dtype=str, compression="infer")
    need = ["enhancer_chrom", "enhancer_start", "enhancer_end", "enhancer_name",
            "promoter_chrom", "promoter_start", "promoter_end", "promoter_name", "label"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise TableError(f"{path}:1: missing column(s) {missing}")
    out = pd.DataFrame({
        "pair_id": df["enhancer_name"] + "~" + df["promoter_name"],
        "chrom1": df["enhancer_chrom"], "start1": df["enhancer_start"], "end1": df["enhancer_end"],
        "chrom2": df["promoter_chrom"], "start2": df["promoter_start"], "end2": df["promoter_end"],
        "label": df["label"],
    })
    return _finish_pairs(out, path, _line_numbers(len(out), 2))


def read_targetfinder_predictions(path: str | os.PathLike) -> pd.DataFrame:
    """Rebuild TargetFinder's enhancer-promoter pairs from the authors' per-pair prediction file
    (``paper/targetfinder/<CELL>/output-ep/predictions-gbm.csv`` of ``shwhalen/targetfinder``:
    ``enhancer_name,promoter_name,label,prediction``, one row per pair, the 10-fold CV predictions).

    The names encode the elements as ``<CELL>|chrN:start-end`` with BED coordinates (0-based
    start, end exclusive, hg19), as the repository's ``enhancers.bed``/``promoters.bed`` do; the
    prediction column is not used. anchor 1 = enhancer, anchor 2 = promoter; ``pair_id`` =
    ``enhancer_name~promoter_name``, as :func:`read_targetfinder` gives.

    Source: Whalen et al., Nat Genet 2016.

    Raises:
        TableError: a missing column or a name that is not ``<CELL>|chrom:start-end``, with
            ``file:line`` (line 1 = header).
    """
    df = pd.read_csv(path, dtype=str, compression="infer")
    missing = [c for c in ("enhancer_name", "promoter_name", "label") if c not in df.columns]
    if missing:
        raise TableError(f"{path}:1: missing column(s) {missing} (a TargetFinder predictions-*.csv has "
                         "enhancer_name, promoter_name, label, prediction)")
    lines = _line_numbers(len(df), 2)
    parts = {}
    for side in ("enhancer", "promoter"):
        m = df[f"{side}_name"].str.extract(r"^[^|]*\|([^:|]+):(\d+)-(\d+)$")
        bad = m[0].isna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise TableError(f"{path}:{lines[i]}: {side}_name {df[f'{side}_name'].iloc[i]!r} is not "
                             "<CELL>|chrom:start-end")
        parts[side] = m
    out = pd.DataFrame({
        "pair_id": df["enhancer_name"] + "~" + df["promoter_name"],
        "chrom1": parts["enhancer"][0], "start1": parts["enhancer"][1], "end1": parts["enhancer"][2],
        "chrom2": parts["promoter"][0], "start2": parts["promoter"][1], "end2": parts["promoter"][2],
        "label": df["label"],
    })
    return _finish_pairs(out, path, lines)


def _granges_to_frame(obj, path, name: str) -> pd.DataFrame:
    """Convert an ``rdata``-parsed GenomicRanges object to chrom/start/end (BED convention)."""
    try:
        rle = obj.seqnames
        chroms = np.repeat(np.asarray(rle.values.astype(str)), np.asarray(rle.lengths))
        start1 = np.asarray(obj.ranges.start, dtype=np.int64)  # 1-based GRanges start
        width = np.asarray(obj.ranges.width, dtype=np.int64)
    except AttributeError as err:
        raise TableError(f"{path}: R object '{name}' is not a GenomicRanges ({err})") from None
    if len(chroms) != len(start1):
        raise TableError(f"{path}: R object '{name}': {len(chroms)} seqnames for {len(start1)} ranges")
    return pd.DataFrame({"chrom": chroms, "start": start1 - 1, "end": start1 - 1 + width})


def read_deepchromehic_rda(path: str | os.PathLike) -> pd.DataFrame:
    """Read a DeepChromeHiC ``<TISSUE>.<po|pp>.train.rda`` file (``NaiveTom/DeepChromeHiC`` ``data/``).

    The file holds four GenomicRanges: ``anchor1.pos``, ``anchor2.pos``, ``anchor1.neg``,
    ``anchor2.neg``; row i of anchor1.X pairs with row i of anchor2.X. GRanges are 1-based
    closed; the output is 0-based half-open (``start = GRanges start - 1``). Positives first,
    then negatives, each in the original order; ``pair_id`` = ``pos000001`` / ``neg000001``.
    Parsed with the ``rdata`` package (no R needed).

    Raises:
        TableError: a missing object or anchor lists of unequal length.
    """
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns about unknown S4 classes; we read the slots
        objects = rdata.read_rda(str(path))
    parts = []
    for cls, label in (("pos", 1), ("neg", 0)):
        names = (f"anchor1.{cls}", f"anchor2.{cls}")
        for n in names:
            if n not in objects:
                raise TableError(f"{path}: R object '{n}' not found (has {sorted(objects)})")
        a1 = _granges_to_frame(objects[names[0]], path, names[0])
        a2 = _granges_to_frame(objects[names[1]], path, names[1])
        if len(a1) != len(a2):
            raise TableError(f"{path}: '{names[0]}' has {len(a1)} ranges but '{names[1]}' has {len(a2)}")
        parts.append(pd.DataFrame({
            "pair_id": [f"{cls}{i + 1:06d}" for i in range(len(a1))],
            "chrom1": a1["chrom"], "start1": a1["start"], "end1": a1["end"],
            "chrom2": a2["chrom"], "start2": a2["start"], "end2": a2["end"],
            "label": label,
        }))
    df = pd.concat(parts, ignore_index=True)
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            PAIR_COLUMNS, [str, str, np.int64, np.int64, str, np.int64, np.int64, np.int8, np.int64])})
    return _finish_pairs(df, path, _line_numbers(len(df), 1))


def read_bed(path: str | os.PathLike) -> pd.DataFrame:
    """Read the intervals of a BED file (peaks; 0-based half-open, tab-separated, optionally gzipped).

    Columns 1–3 are ``chrom start end``; a 4th column, when present, is the name. ``track``,
    ``browser``, ``#`` and blank lines are skipped.

    Returns:
        ``chrom`` (str), ``start``, ``end`` (int64, bp), ``name`` (str; ``chrom:start-end`` when the
        file has none or it is ``.``), in file order.

    Raises:
        TableError: fewer than 3 columns, a non-integer coordinate, start >= end, or no rows, with
            ``file:line``.
    """
    rows, line_numbers = [], []
    with _open_text(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith(("track", "browser", "#")):
                continue
            fields = line.split("\t")
            if len(fields) < 3:
                raise TableError(f"{path}:{lineno}: expected at least 3 tab-separated columns (chrom, start, end), "
                                 f"got {len(fields)}")
            rows.append(fields[:4] + [""] * (4 - len(fields[:4])))
            line_numbers.append(lineno)
    if not rows:
        raise TableError(f"{path}: no data rows")
    lines = np.asarray(line_numbers)
    df = pd.DataFrame(rows, columns=["chrom", "start", "end", "name"])
    _check_int_columns(df, ["start", "end"], path, lines)
    bad = df["start"] >= df["end"]
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TableError(f"{path}:{lines[i]}: start {df['start'].iloc[i]} must be below end {df['end'].iloc[i]}")
    unnamed = df["name"].isin(["", "."])
    df.loc[unnamed, "name"] = (df["chrom"] + ":" + df["start"].astype(str) + "-" + df["end"].astype(str))[unnamed]
    return df


def target_columns(targets) -> list[str]:
    """Column names of the targets in the canonical sequence table: ``["label"]`` for one binary
    target, else ``label.<target>`` each."""
    return ["label"] if list(targets) == ["label"] else [f"label.{t}" for t in targets]


#: The largest magnitude a float32 target can hold; larger values would become inf in training.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_target_matrix(values: np.ndarray, task: str, source: str, row_names: list | None = None,
                        columns: list | None = None) -> np.ndarray:
    """Check an ``(n, k)`` target matrix (a label matrix of a FASTA source) as the table readers
    check their columns, and convert it: binary takes 0/1; multilabel 0/1 with -1 or NaN = missing
    (int8, missing as -1); regression finite values within float32's range, NaN = missing (float32).

    Raises:
        TableError: the first value not allowed, naming ``source``, the row (0-based, with its
            record name from ``row_names``) and the column (from ``columns``).
    """
    raw = np.asarray(values, dtype=np.float64)
    if raw.ndim == 1:
        raw = raw[:, None]
    nan = np.isnan(raw)
    if task == "regression":
        bad, allowed = ~nan & ~(np.abs(raw) <= FLOAT32_MAX), f"a finite number within float32 (|x| <= {FLOAT32_MAX:.3g}; NaN = missing)"
    elif task == "multilabel":
        bad, allowed = ~nan & ~np.isin(raw, (0, 1, -1)), "0, 1 or -1/NaN (missing)"
    else:
        bad, allowed = ~np.isin(raw, (0, 1)), "0 or 1"
    if bad.any():
        i, j = (int(v[0]) for v in np.nonzero(bad))
        row = f"row {i}" + (f" (record {row_names[i]!r})" if row_names is not None else "")
        col = f"column {j}" + (f" ({columns[j]!r})" if columns is not None else "")
        raise TableError(f"{source}: {row}, {col} must be {allowed}, got {float(raw[i, j])!r}")
    if task == "regression":
        return raw.astype(np.float32)
    return np.where(nan, -1, raw).astype(np.int8)


def _check_targets(df: pd.DataFrame, columns: list[str], task: str, path, lines: np.ndarray) -> None:
    """Check and convert target columns in place: binary 0/1 (int8); multilabel 0/1 with -1, NaN or
    empty = missing (int8, -1); regression numbers with empty/NaN = missing (float32).

    Raises:
        TableError: a value that is not allowed, naming the file, line and column.
    """
    for col in columns:
        raw = df[col]
        values = pd.to_numeric(raw, errors="coerce")
        if task == "regression":
            bad = values.isna() & raw.notna() & ~raw.astype(str).str.strip().str.lower().isin(["", "nan", "na"])
            bad |= values.notna() & ~(values.abs() <= FLOAT32_MAX)  # inf, or a value float32 cannot hold
            allowed = f"a finite number within float32 (|x| <= {FLOAT32_MAX:.3g}; empty or NaN = missing)"
        elif task == "multilabel":
            values = values.fillna(-1)
            bad = ~values.isin([0, 1, -1]) | (values.eq(-1) & raw.notna() & ~raw.astype(str).str.strip().str.lower()
                                                  .isin(["", "nan", "na", "-1"]))
            allowed = "0, 1 or -1/empty/NaN (missing)"
        else:
            bad = ~values.isin([0, 1])
            allowed = "0 or 1"
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise TableError(f"{path}:{lines[i]}: column '{col}' must be {allowed}, got {raw.iloc[i]!r}")
        df[col] = values.astype(np.float32 if task == "regression" else np.int8)


def _check_sequences(df: pd.DataFrame, path, lines: np.ndarray) -> pd.DataFrame:
    bad_seq = ~df["sequence"].astype(str).str.fullmatch(r"[ACGTNacgtnRYKMSWBDHVryksmwbdhv]+")
    if bad_seq.any():
        i = int(np.flatnonzero(bad_seq.to_numpy())[0])
        raise TableError(f"{path}:{lines[i]}: sequence has non-IUPAC letters: {str(df['sequence'].iloc[i])[:40]!r}")
    labels = pd.to_numeric(df["label"], errors="coerce")
    bad = ~labels.isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise TableError(f"{path}:{lines[i]}: label must be 0 or 1, got {df['label'].iloc[i]!r}")
    df["label"] = labels.astype(np.int8)
    df["sequence"] = df["sequence"].str.upper()
    return df


def read_deepbind_seq(path: str | os.PathLike, source: str = "") -> pd.DataFrame:
    """Read a DeepBind ``.seq`` TSV (``FoldID EventID seq Bound``, optionally gzipped).

    Source: Alipanahi et al., Nat Biotechnol 2015, supplementary ENCODE data.

    Returns:
        The canonical sequence table with ``seq_id`` = EventID, ``label`` = Bound.

    Raises:
        TableError: a missing column, a bad letter or a label other than 0/1, with ``file:line``.
    """
    df = pd.read_csv(path, sep="\t", dtype=str, compression="infer")
    missing = [c for c in ("EventID", "seq", "Bound") if c not in df.columns]
    if missing:
        raise TableError(f"{path}:1: missing column(s) {missing} (DeepBind .seq needs FoldID, EventID, seq, Bound)")
    out = pd.DataFrame({"seq_id": df["EventID"], "sequence": df["seq"], "label": df["Bound"],
                        "source": source or Path(path).name})
    return _check_sequences(out, path, _line_numbers(len(out), 2))[SEQUENCE_COLUMNS]


def read_fasta_labels(path: str | os.PathLike, labels, source: str = "", label_names: list[str] | None = None,
                      task: str = "binary", labels_source: str = "") -> pd.DataFrame:
    """Read labelled sequences from a FASTA file, one record per sequence.

    Args:
        path: FASTA, plain (the download stage decompresses gzip); indexed with pyfaidx.
        labels: a TSV with columns ``seq_id`` and ``label``, a single 0/1 applied to all, or an
            ``(n, k)`` label matrix with one row per record in file order (multilabel/regression;
            columns named by ``label_names``, default ``label0…``; checked by
            :func:`check_target_matrix`, whose errors name ``labels_source``).

    Raises:
        TableError: a record without a label, a bad letter, or a label-matrix value the task does
            not take (:func:`check_target_matrix`).
    """
    from pyfaidx import Fasta, FastaIndexingError

    try:
        with Fasta(str(path), as_raw=True, sequence_always_upper=True) as fa:
            records = [(name, fa[name][:]) for name in fa.keys()]
    except FastaIndexingError as err:
        raise TableError(f"{path}: not a readable FASTA file ({err})") from None
    except ValueError as err:  # pyfaidx: 'Duplicate key "x"'
        raise TableError(f"{path}: {err}: every FASTA record needs its own name (the first word of its '>' "
                         "line)") from None
    df = pd.DataFrame(records, columns=["seq_id", "sequence"])
    if isinstance(labels, np.ndarray):  # a label matrix, rows in FASTA order (read_label_matrix)
        names = list(label_names) if label_names is not None else [f"label{j}" for j in range(labels.shape[1])]
        values = check_target_matrix(labels, task, labels_source or f"the label matrix of {source or path}",
                                     list(df["seq_id"]), names)
        targets = pd.DataFrame(values, columns=target_columns(names))
        df = pd.concat([df, targets], axis=1)
        df["source"] = source or Path(path).name
        bad_seq = ~df["sequence"].astype(str).str.fullmatch(r"[ACGTNacgtnRYKMSWBDHVryksmwbdhv]+")
        if bad_seq.any():
            i = int(np.flatnonzero(bad_seq.to_numpy())[0])
            raise TableError(f"{path}: record {df['seq_id'].iloc[i]!r} has non-IUPAC letters")
        return df
    if isinstance(labels, (int, np.integer)):
        df["label"] = int(labels)
    else:
        table = pd.read_csv(labels, sep="\t", dtype=str)
        missing_cols = [c for c in ("seq_id", "label") if c not in table.columns]
        if missing_cols:
            raise TableError(f"{labels}:1: a label TSV needs the columns seq_id and label; it lacks {missing_cols} "
                             f"(has {len(table.columns)} columns: {list(table.columns)[:5]}...). Several labels per "
                             "record: give a label matrix source (labels: {url, format: npz}) and task: multilabel")
        lab = table.set_index("seq_id")["label"]
        missing = ~df["seq_id"].isin(lab.index)
        if missing.any():
            raise TableError(f"{labels}: no label for FASTA record {df['seq_id'][missing].iloc[0]!r} of {path}")
        df["label"] = df["seq_id"].map(lab)
    df["source"] = source or Path(path).name
    return _check_sequences(df, path, _line_numbers(len(df), 1))[SEQUENCE_COLUMNS]


def read_delimited(path: str | os.PathLike, fmt: str = "csv", sequence_column: str = "sequence",
                   label_columns: list[str] | None = None, task: str = "binary", id_column: str | None = None,
                   source: str = "") -> pd.DataFrame:
    """Read labelled sequences from a CSV or TSV with a header (optionally gzipped), e.g. the GUE
    benchmark's ``sequence,label`` files (DNABERT-2, Zhou et al., ICLR 2024).

    Args:
        fmt: ``csv`` or ``tsv``.
        sequence_column: the column holding the DNA.
        label_columns: the target columns (default ``["label"]``); several for multilabel or
            regression tasks.
        task: ``binary``, ``multilabel`` or ``regression`` (which values a target may take).
        id_column: a column of sequence ids (default: ``<file stem>_<row>``).

    Returns:
        The canonical sequence table: ``seq_id, sequence``, one column per target
        (:func:`target_columns`), ``source``.

    Raises:
        TableError: a missing column, a non-IUPAC letter or a bad target value, with ``file:line``
            (line 1 = header).
    """
    label_columns = list(label_columns or ["label"])
    df = pd.read_csv(path, sep="," if fmt == "csv" else "\t", dtype=str, compression="infer", keep_default_na=False,
                     na_values=[""])
    need = [sequence_column, *label_columns] + ([id_column] if id_column else [])
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise TableError(f"{path}:1: missing column(s) {missing}; the header has {list(df.columns)[:20]}")
    lines = _line_numbers(len(df), 2)
    stem = Path(str(source or path)).name.split(".")[0]
    out = pd.DataFrame({"seq_id": df[id_column] if id_column else [f"{stem}_{i}" for i in range(len(df))],
                        "sequence": df[sequence_column].fillna("")})
    names = target_columns(label_columns if task != "binary" else ["label"])
    for col, name in zip(label_columns, names):
        out[name] = df[col]
    _check_targets(out, names, task, path, lines)
    bad_seq = ~out["sequence"].astype(str).str.fullmatch(r"[ACGTNacgtnRYKMSWBDHVryksmwbdhv]+")
    if bad_seq.any():
        i = int(np.flatnonzero(bad_seq.to_numpy())[0])
        raise TableError(f"{path}:{lines[i]}: column '{sequence_column}' has non-IUPAC letters: "
                         f"{str(out['sequence'].iloc[i])[:40]!r}")
    out["sequence"] = out["sequence"].str.upper()
    out["source"] = source or Path(path).name
    return out


def read_deepsea_mat(path: str | os.PathLike, source: str = "", label_names: list[str] | None = None,
                     names_path: str | os.PathLike | None = None, chunk: int = 100_000) -> pd.DataFrame:
    """Read one file of DeepSEA's training bundle (``deepsea_train_bundle.v0.9``; Zhou &
    Troyanskaya, Nat Methods 12:931, 2015): ``train.mat`` is MATLAB v7.3 (HDF5, read with h5py),
    ``valid.mat`` and ``test.mat`` are MATLAB v5 (read with :func:`scipy.io.loadmat`).

    Each holds ``<part>xdata``, the one-hot windows, and ``<part>data``, the 0/1 label matrix, for
    ``part`` in ``train``/``valid``/``test`` (found from the variable names). Stored shapes:
    HDF5 ``(L, 4, n)`` and ``(k, n)`` (MATLAB's column-major order seen from C); v5 ``(n, 4, L)``
    and ``(n, k)``. Channels are in DeepSEA's **A, G, C, T** order; a position with no channel set
    is read as N. Windows are 1,000 bp in the bundle (no coordinates are stored).

    Args:
        label_names: one name per label column (e.g. from :func:`read_label_names`), default
            ``label0…``; ``names_path``: a names file read with :func:`read_label_names` instead.
        chunk: windows decoded at a time (HDF5 slabs are read lazily with h5py, so memory is the
            output, about one byte per base and per label, plus one slab, not the real
            ``train.mat``'s whole 17.6 GB one-hot array and its per-position sums; not measured
            on the real file here).

    Returns:
        The canonical sequence table (multilabel): ``seq_id`` (``<part>_<row>``), ``sequence``
        (``n`` strings of L letters), one int8 column per label (:func:`target_columns`), ``source``.

    Raises:
        TableError: not a MATLAB file, no ``*xdata``/``*data`` pair, a one-hot array whose channel
            axis is not 4 long or whose positions have more than one channel set, a label matrix
            whose row count differs or with values other than 0/1, or a names count that differs.
    """
    import h5py
    import scipy.io

    name = source or str(path)
    seqs, ys = [], []
    if h5py.is_hdf5(path):
        try:
            fh = h5py.File(path, "r")
        except OSError as err:  # a truncated download
            raise TableError(f"{name}: a MATLAB v7.3 (HDF5) file that cannot be opened, truncated or corrupt "
                             f"({err}); fetch it again") from None
        with fh:
            keys = list(fh.keys())
            part = _deepsea_part(keys, name)
            xd, yd = fh[f"{part}xdata"], fh[f"{part}data"]
            if xd.ndim != 3 or yd.ndim != 2:
                raise TableError(f"{name}: {part}xdata must be 3-D and {part}data 2-D, got {xd.shape} and {yd.shape}")
            n = xd.shape[2]
            if yd.shape[1] != n:
                raise TableError(f"{name}: {yd.shape[1]} label rows for {n} one-hot windows")
            for a in range(0, max(n, 1), chunk):  # slabs of windows: the real train.mat is 17.6 GB
                x = np.transpose(np.asarray(xd[:, :, a:a + chunk]), (2, 0, 1))  # (L, 4, c) -> (c, L, 4)
                s_, y_ = _deepsea_windows(x, np.asarray(yd[:, a:a + chunk]).T, name, part, a)
                seqs.append(s_)
                ys.append(y_)
    else:
        try:
            mat = scipy.io.loadmat(path)
        except (ValueError, OSError, TypeError, scipy.io.matlab.MatReadError) as err:
            raise TableError(f"{name}: not a MATLAB v5 or v7.3 (HDF5) file ({err})") from None
        part = _deepsea_part([k for k in mat if not k.startswith("__")], name)
        x, y = np.asarray(mat[f"{part}xdata"]), np.asarray(mat[f"{part}data"])
        if x.ndim != 3 or y.ndim != 2:
            raise TableError(f"{name}: {part}xdata must be 3-D and {part}data 2-D, got {x.shape} and {y.shape}")
        if len(y) != len(x):
            raise TableError(f"{name}: {len(y)} label rows for {len(x)} one-hot windows")
        for a in range(0, max(len(x), 1), chunk):
            s_, y_ = _deepsea_windows(np.transpose(x[a:a + chunk], (0, 2, 1)), y[a:a + chunk], name, part, a)
            seqs.append(s_)
            ys.append(y_)
    seqs, y = np.concatenate(seqs), np.concatenate(ys)
    if names_path is not None:
        label_names = read_label_names(names_path, y.shape[1])
    names = list(label_names) if label_names is not None else [f"label{j}" for j in range(y.shape[1])]
    if len(names) != y.shape[1]:
        raise TableError(f"{name}: {len(names)} label names for {y.shape[1]} label columns")
    df = pd.DataFrame({"seq_id": [f"{part}_{i}" for i in range(len(seqs))], "sequence": seqs})
    df = pd.concat([df, pd.DataFrame(y, columns=target_columns(names))], axis=1)
    df["source"] = Path(name).name
    return df


def _deepsea_windows(x: np.ndarray, y: np.ndarray, name: str, part: str, offset: int):
    """One slab of DeepSEA windows: ``x`` ``(c, L, 4)`` one-hot (A, G, C, T), ``y`` ``(c, k)``
    labels, the slab's first window being number ``offset`` of the file. Returns ``(c,)`` strings
    and ``(c, k)`` int8 labels; raises TableError naming the window (file-wide number) and position."""
    if x.shape[2] != 4:
        raise TableError(f"{name}: {part}xdata has {x.shape[2]} channels on its base axis, not 4 (A, G, C, T)")
    per_position = x.sum(axis=2, dtype=np.int16)
    if (per_position > 1).any():
        i, j = (int(v) for v in np.argwhere(per_position > 1)[0])
        raise TableError(f"{name}: window {offset + i}, position {j}: more than one base set in the one-hot encoding")
    bad = ~np.isin(y, (0, 1))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise TableError(f"{name}: {part}data row {offset + i}, column {j}: label {y[i, j]!r} is not 0 or 1")
    letters = np.frombuffer((DEEPSEA_CHANNELS + "N").encode(), dtype="S1")
    index = np.where(per_position == 1, x.argmax(axis=2), 4)
    return letters[index].view(f"S{x.shape[1]}").ravel().astype(str), y.astype(np.int8)


def write_deepsea_mat(path: str | os.PathLike, part: str, sequences: list[str], labels, hdf5: bool) -> None:
    """Write windows in the layout of DeepSEA's bundle, which :func:`read_deepsea_mat` reads back:
    ``hdf5=True`` as MATLAB v7.3 / HDF5 (``train.mat``: ``<part>xdata`` ``(L, 4, n)``, ``<part>data``
    ``(k, n)``), else MATLAB v5 (``valid.mat``, ``test.mat``: ``(n, 4, L)`` and ``(n, k)``); uint8
    one-hot in A, G, C, T order, N (any other letter) all-zero. ``sequences``: n strings of one
    length L; ``labels``: ``(n, k)`` 0/1. Written atomically.

    Raises:
        ValueError: sequences of different lengths, or a label row count that differs.
    """
    import scipy.io

    from dnazoo.io import atomic_path

    if len({len(s) for s in sequences}) != 1 or len(labels) != len(sequences):
        raise ValueError("write_deepsea_mat: n sequences of one length and n label rows are needed")
    codes = np.frombuffer("".join(sequences).upper().encode(), dtype="S1").reshape(len(sequences), -1)
    x = np.stack([codes == b.encode() for b in DEEPSEA_CHANNELS], axis=1).astype(np.uint8)  # (n, 4, L)
    y = np.asarray(labels, dtype=np.uint8)
    with atomic_path(path, suffix=".mat") as tmp:
        if hdf5:
            import h5py

            with h5py.File(tmp, "w") as fh:
                fh[f"{part}xdata"] = np.transpose(x, (2, 1, 0))
                fh[f"{part}data"] = y.T
        else:
            scipy.io.savemat(tmp, {f"{part}xdata": x, f"{part}data": y})


def _deepsea_part(keys: list[str], name: str) -> str:
    parts = [k[:-5] for k in keys if k.endswith("xdata") and f"{k[:-5]}data" in keys]
    if len(parts) != 1:
        raise TableError(f"{name}: expected one '<part>xdata' / '<part>data' pair (DeepSEA .mat), found "
                         f"variables {sorted(keys)}")
    return parts[0]


def read_label_matrix(path: str | os.PathLike, n_rows: int, fmt: str = "npz", key: str = "y",
                      source: str = "") -> np.ndarray:
    """A label matrix whose row i belongs to record i of a FASTA file (DeepSEA's ``.mat`` targets, the
    DeepSEA subset's ``{train,test}_labels_tf690.npz``).

    Args:
        fmt: ``npz`` (array ``key``) or ``npy``.
        n_rows: the number of FASTA records it must match.

    Returns:
        ``(n, k)`` array as stored.

    Raises:
        TableError: a missing key, not 2-D, or a row count that differs from the FASTA's.
    """
    name = source or str(path)
    try:
        data = np.load(path, allow_pickle=False)
        y = data[key] if fmt == "npz" else data
    except KeyError:
        raise TableError(f"{name}: no array {key!r} in the .npz (has {list(np.load(path).files)})") from None
    except (OSError, ValueError) as err:
        raise TableError(f"{name}: not a readable .{fmt} label matrix ({err})") from None
    if y.ndim != 2:
        raise TableError(f"{name}: label matrix must be 2-D (rows = FASTA records), got shape {y.shape}")
    if len(y) != n_rows:
        raise TableError(f"{name}: {len(y)} label rows for {n_rows} FASTA records")
    return y


def read_label_names(path: str | os.PathLike, n: int, source: str = "") -> list[str]:
    """Target names, one per line (the last tab-separated field; a header line whose last field is
    ``name`` is skipped), e.g. ``tf690_feature_names.txt``.

    A name that repeats gets ``#2``, ``#3``, … from its second occurrence on (DeepSEA's feature names
    repeat across treatments and replicates).

    Raises:
        TableError: a count that differs from the label matrix's ``n`` columns.
    """
    with _open_text(path) as fh:
        names = [line.rstrip("\n\r").split("\t")[-1] for line in fh if line.strip()]
    if names and names[0] == "name":
        names = names[1:]
    if len(names) != n:
        raise TableError(f"{source or path}: {len(names)} names for {n} label columns")
    seen: dict[str, int] = {}
    unique = []
    for name in names:  # DeepSEA repeats names across treatments/replicates: A549_USF-1_EtOH_0.02pct twice
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return unique
