"""Train / validation / test splits. Every row gets a split and the reason it went there.

* ``chromosome`` (default for pairs): pairs on the validation chromosomes go to ``val``, on the
  test chromosomes to ``test``, the rest to ``train``. A pair whose two anchors lie on
  chromosomes of different splits is dropped (``split = "dropped"``) so no sequence of a held-out
  chromosome is trained on.
* ``random``: seeded and stratified by label (scikit-learn ``train_test_split``), as the original
  DeepChromeHiC and DeepBind protocols split at random; the same anchor may then occur in
  training and test (see the README's caveats).
* ``given``: a ``split`` column already present (e.g. DeepBind's separate test file) is kept and
  a seeded, stratified validation fraction is carved out of ``train``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

SPLITS = ("train", "val", "test")


class SplitError(ValueError):
    """A split that cannot be made (an empty split, an unknown method or chromosome list)."""


def _stratified_holdout(index: pd.Index, labels: pd.Series, frac: float, seed: int) -> pd.Index:
    if frac <= 0 or len(index) == 0:
        return index[:0]
    strat = labels.loc[index] if labels.loc[index].value_counts().min() >= 2 else None
    _, held = train_test_split(index, test_size=frac, random_state=seed, stratify=strat)
    return pd.Index(held)


def chromosome_split(df: pd.DataFrame, val_chroms: list[str], test_chroms: list[str]) -> pd.DataFrame:
    """Assign splits by chromosome (see module docstring).

    Args:
        df: table with ``chrom1``, ``chrom2`` (pairs) or ``chrom`` (single windows).
        val_chroms, test_chroms: disjoint chromosome name lists.

    Returns:
        ``df`` with added ``split`` and ``split_reason`` columns.

    Raises:
        SplitError: the lists overlap.
    """
    overlap = set(val_chroms) & set(test_chroms)
    if overlap:
        raise SplitError(f"split.val_chromosomes and split.test_chromosomes share {sorted(overlap)}")
    which = {c: "val" for c in val_chroms} | {c: "test" for c in test_chroms}
    cols = ["chrom1", "chrom2"] if "chrom1" in df else ["chrom"]
    parts = [df[c].map(which).fillna("train") for c in cols]
    split = parts[0].copy()
    reason = df[cols[0]].map(lambda c: f"{c} in {which.get(c, 'train')} chromosomes")
    if len(parts) == 2:
        straddle = parts[0] != parts[1]
        split[straddle] = "dropped"
        reason[straddle] = "anchors on chromosomes of different splits"
    out = df.copy()
    out["split"], out["split_reason"] = split.to_numpy(), reason.to_numpy()
    return out


def random_split(df: pd.DataFrame, val_fraction: float, test_fraction: float, seed: int) -> pd.DataFrame:
    """Seeded split stratified by ``label``: ``test_fraction`` to test, ``val_fraction`` to val.

    Raises:
        SplitError: fractions outside [0, 1) or summing to 1 or more.
    """
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise SplitError(f"split fractions val={val_fraction}, test={test_fraction} must be in [0, 1) and sum below 1")
    out = df.copy()
    out["split"], out["split_reason"] = "train", f"random (seed {seed})"
    idx = out.index
    test = _stratified_holdout(idx, out["label"], test_fraction, seed)
    rest = idx.difference(test)
    val = _stratified_holdout(rest, out["label"], val_fraction / (1 - test_fraction) if test_fraction < 1 else 0, seed + 1)
    out.loc[test, "split"] = "test"
    out.loc[val, "split"] = "val"
    return out


def given_split(df: pd.DataFrame, val_fraction: float, seed: int) -> pd.DataFrame:
    """Keep ``df['split']`` (``train``/``test``) and move a stratified ``val_fraction`` of train to val."""
    out = df.copy()
    out["split_reason"] = "given by the input files"
    train = out.index[out["split"] == "train"]
    val = _stratified_holdout(train, out["label"], val_fraction, seed)
    out.loc[val, "split"] = "val"
    out.loc[val, "split_reason"] = f"random validation fraction of the training file (seed {seed})"
    return out


def assign_split(df: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Dispatch on ``spec['method']`` (``chromosome``, ``random`` or ``given``; config ``split:``).

    Raises:
        SplitError: an unknown method, or a split of train/val/test left empty.
    """
    method = spec.get("method", "chromosome")
    seed = int(spec.get("seed", 0))
    if method == "chromosome":
        out = chromosome_split(df, spec.get("val_chromosomes", []), spec.get("test_chromosomes", []))
    elif method == "random":
        out = random_split(df, spec.get("val_fraction", 0.1), spec.get("test_fraction", 0.1), seed)
    elif method == "given":
        out = given_split(df, spec.get("val_fraction", 0.1), seed)
    else:
        raise SplitError(f"split.method: unknown method {method!r} (chromosome, random, given)")
    counts = out["split"].value_counts()
    empty = [s for s in SPLITS if counts.get(s, 0) == 0]
    if empty:
        raise SplitError(f"split.method {method!r} leaves {empty} empty (counts: {counts.to_dict()})")
    return out
