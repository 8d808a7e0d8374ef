"""Train / validation / test splits. Every row gets a split and the reason it went there.

* ``chromosome`` (default for pairs): pairs on the validation chromosomes go to ``val``, on the
  test chromosomes to ``test``, the rest to ``train``. A pair whose two anchors lie on
  chromosomes of different splits is dropped (``split = "dropped"``) so no sequence of a held-out
  chromosome is trained on.
* ``random``: seeded and stratified by label (scikit-learn ``train_test_split``), as the original
  DeepChromeHiC and DeepBind protocols split at random; the same anchor may then occur in
  training and test (see the README's caveats).
* ``anchor``: no anchor occurs in two of train/val/test. Anchors are the windows (``wstart``/
  ``wend`` when present, else ``start``/``end``); overlapping windows on a chromosome count as the
  same anchor. Pairs sharing anchors form connected components, and whole components are dealt to
  test, val and train in a seeded random order until each reaches its fraction (a component that
  would overshoot its split by more than half goes to train). A component with more than half of
  all pairs (promoter hubs can join most of a table) is split at the anchor level instead: each of
  its anchor clusters goes to a split at random, with the fractions still missing, and a pair
  whose anchors landed in different splits is dropped and counted (``split = "dropped"``).
* ``cv``: k-fold cross-validation by chromosome groups. The chromosomes are dealt to ``folds``
  groups, largest pair count first, each to the group holding the fewest pairs so far (ties: the
  lower group number); fold ``fold`` is the test set, fold ``fold + 1`` (mod k) the validation set,
  the rest train. Pairs straddling groups are dropped, as in ``chromosome``. Over the k folds every
  kept pair is tested exactly once.
* ``given``: a ``split`` column already present (e.g. DeepBind's separate test file) is kept and
  a seeded, stratified validation fraction is carved out of ``train``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

SPLITS = ("train", "val", "test")
#: The split methods of a dataset's ``split.method`` (:func:`assign_split`).
METHODS = ("chromosome", "random", "anchor", "cv", "given")


class SplitError(ValueError):
    """A split that cannot be made (an empty split, an unknown method or chromosome list)."""


def _stratified_holdout(index: pd.Index, labels: pd.Series, frac: float, seed: int) -> pd.Index:
    from sklearn.model_selection import train_test_split  # here: importing scikit-learn costs a job ~1 s

    if frac <= 0 or len(index) == 0:
        return index[:0]
    strat = labels.loc[index] if labels.loc[index].value_counts().min() >= 2 else None
    _, held = train_test_split(index, test_size=frac, random_state=seed, stratify=strat)
    return pd.Index(held)


def _natural(name: str):
    """Sort key: chr2 before chr10."""
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def check_both_classes(df: pd.DataFrame, dataset: str = "") -> None:
    """Raise SplitError when train, validation or test holds one class only (binary ``label``):
    training would run every epoch and fail afterwards on an undefined AUROC.

    Raises:
        SplitError: naming the dataset, the split and its counts.
    """
    kept = df[df["split"].isin(SPLITS)]
    for s in SPLITS:
        counts = kept.loc[kept["split"] == s, "label"].value_counts().to_dict()
        if len(counts) < 2:
            raise SplitError(f"dataset {dataset or '?'}: the {s} split holds one class only "
                             f"(label counts {counts or 'none'}); change the split or the data")


def labels_lacking_classes(df: pd.DataFrame, columns: list[str]) -> dict[str, list[str]]:
    """Multilabel: for each split, the label columns without both classes among its observed rows."""
    out = {}
    for s in SPLITS:
        part = df.loc[df["split"] == s, columns]
        lacking = [c for c in columns if part[c][part[c] >= 0].nunique() < 2]
        if lacking:
            out[s] = lacking
    return out


def chromosome_split(df: pd.DataFrame, val_chroms: list[str], test_chroms: list[str]) -> pd.DataFrame:
    """Assign splits by chromosome (see module docstring).

    Args:
        df: table with ``chrom1``, ``chrom2`` (pairs) or ``chrom`` (single windows).
        val_chroms, test_chroms: disjoint chromosome name lists.

    Returns:
        ``df`` with added ``split`` and ``split_reason`` columns.

    Raises:
        SplitError: the lists overlap, or name a chromosome no row lies on (listing the data's
            chromosomes and the nearest name).
    """
    overlap = set(val_chroms) & set(test_chroms)
    if overlap:
        raise SplitError(f"split.val_chromosomes and split.test_chromosomes share {sorted(overlap)}")
    cols = ["chrom1", "chrom2"] if "chrom1" in df else ["chrom"]
    present = set().union(*(set(df[c].astype(str)) for c in cols)) if len(df) else set()
    for key, chroms in (("val_chromosomes", val_chroms), ("test_chromosomes", test_chroms)):
        absent = [c for c in chroms if c not in present]
        if absent:
            import difflib

            def nearest(c):
                other = c[3:] if c.startswith("chr") else "chr" + c  # the other naming convention
                return [other] if other in present else difflib.get_close_matches(c, sorted(present), n=1)

            hints = [f"{c!r} (did you mean {m[0]!r}?)" if (m := nearest(c)) else repr(c) for c in absent]
            raise SplitError(f"split.{key}: no row lies on {', '.join(hints)}; the data's chromosomes are "
                             f"{sorted(present, key=_natural)}")
    which = {c: "val" for c in val_chroms} | {c: "test" for c in test_chroms}
    return _split_by_chromosome(df, which, "train", lambda c: f"{c} in {which.get(c, 'train')} chromosomes",
                                "anchors on chromosomes of different splits")


def _split_by_chromosome(df: pd.DataFrame, role: dict, default: str, describe, straddle_reason: str) -> pd.DataFrame:
    """``df`` with ``split`` = ``role`` of its (first anchor's) chromosome (``default`` when absent),
    ``split_reason`` = ``describe(chromosome)``; pairs whose anchors get different roles are dropped."""
    cols = ["chrom1", "chrom2"] if "chrom1" in df else ["chrom"]
    parts = [df[c].astype(str).map(role).fillna(default) for c in cols]
    split = parts[0].copy()
    reason = df[cols[0]].astype(str).map(describe)
    if len(parts) == 2:
        straddle = parts[0] != parts[1]
        split[straddle] = "dropped"
        reason[straddle] = straddle_reason
    out = df.copy()
    out["split"], out["split_reason"] = split.to_numpy(), reason.to_numpy()
    return out


def chromosome_folds(df: pd.DataFrame, folds: int) -> dict[str, int]:
    """Deal the chromosomes of ``df`` to ``folds`` groups balanced by pair count (module docstring).

    Args:
        df: table with ``chrom1`` (pairs) or ``chrom`` (windows); a pair counts for its first anchor.
        folds: number of groups k (>= 3: one test, one validation and at least one training group).

    Returns:
        ``{chromosome: fold index 0..k-1}``; deterministic (ties broken by chromosome name).

    Raises:
        SplitError: k < 3, or fewer chromosomes than folds.
    """
    col = "chrom1" if "chrom1" in df else "chrom"
    counts = df[col].value_counts()
    if folds < 3:
        raise SplitError(f"split.folds: cv needs at least 3 folds (test, validation, train), got {folds}")
    if len(counts) < folds:
        raise SplitError(f"split.folds: {folds} folds need at least {folds} chromosomes; the table has "
                         f"{len(counts)}: {sorted(counts.index)}")
    order = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    load = [0] * folds
    out = {}
    for chrom, n in order:
        g = min(range(folds), key=lambda i: (load[i], i))
        out[str(chrom)] = g
        load[g] += int(n)
    return out


def cv_split(df: pd.DataFrame, folds: int, fold: int) -> pd.DataFrame:
    """Fold ``fold`` of a k-fold chromosome-group cross-validation (module docstring, ``cv``).

    Returns:
        ``df`` with ``split``, ``split_reason`` (naming the chromosome's fold) and ``cv_fold`` (the
        fold of the first anchor's chromosome).

    Raises:
        SplitError: as :func:`chromosome_folds`, or ``fold`` outside 0..k-1.
    """
    if not 0 <= fold < folds:
        raise SplitError(f"split.fold: must be in 0..{folds - 1} for {folds} folds, got {fold}")
    groups = chromosome_folds(df, folds)
    val_fold = (fold + 1) % folds
    role = {c: "test" if g == fold else "val" if g == val_fold else "train" for c, g in groups.items()}
    out = _split_by_chromosome(df, role, "dropped",
                               lambda c: f"cv fold {fold} of 0..{folds - 1}: {c} in group {groups.get(c, -1)} "
                                         f"({role.get(c, 'absent')})",
                               "anchors on chromosomes of different cv groups")
    out["cv_fold"] = df["chrom1" if "chrom1" in df else "chrom"].astype(str).map(groups).fillna(-1).astype(int).to_numpy()
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


def anchor_clusters(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Cluster id of each pair's two anchors: windows overlapping on the same chromosome (0-based
    half-open; touching windows do not overlap) share a cluster.

    Returns:
        ``(cluster1, cluster2)``: ``(n,)`` int64 each.
    """
    n = len(df)
    cols = ("wstart", "wend") if "wstart1" in df else ("start", "end")
    chrom = np.concatenate([df["chrom1"].astype(str).to_numpy(), df["chrom2"].astype(str).to_numpy()])
    start = np.concatenate([df[f"{cols[0]}1"].to_numpy(), df[f"{cols[0]}2"].to_numpy()]).astype(np.int64)
    end = np.concatenate([df[f"{cols[1]}1"].to_numpy(), df[f"{cols[1]}2"].to_numpy()]).astype(np.int64)
    order = np.lexsort((start, chrom))
    cluster = np.empty(2 * n, dtype=np.int64)
    cid, cur_chrom, cur_end = -1, None, -1
    for i in order:
        if chrom[i] != cur_chrom or start[i] >= cur_end:
            cid += 1
            cur_chrom, cur_end = chrom[i], end[i]
        else:
            cur_end = max(cur_end, end[i])
        cluster[i] = cid
    return cluster[:n], cluster[n:]


def anchor_split(df: pd.DataFrame, val_fraction: float, test_fraction: float, seed: int) -> pd.DataFrame:
    """Leak-free split by anchors (see module docstring): no anchor in two of train/val/test.

    Returns:
        ``df`` with ``split`` (train/val/test/dropped) and ``split_reason``.

    Raises:
        SplitError: fractions outside [0, 1) or summing to 1 or more.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise SplitError(f"split fractions val={val_fraction}, test={test_fraction} must be in [0, 1) and sum below 1")
    c1, c2 = anchor_clusters(df)
    n_clusters = int(max(c1.max(initial=-1), c2.max(initial=-1)) + 1)
    graph = coo_matrix((np.ones(len(df)), (c1, c2)), shape=(n_clusters, n_clusters))
    _, component = connected_components(graph, directed=False)
    pair_comp = component[c1]
    sizes = np.bincount(pair_comp, minlength=component.max() + 1)
    n = len(df)
    target = {"test": test_fraction * n, "val": val_fraction * n}
    rng = np.random.default_rng(seed)
    assign = np.full(len(sizes), "train", dtype=object)
    filled = {"test": 0, "val": 0}
    giant = sizes > 0.5 * n  # a hub component: dealt anchor by anchor below
    for comp in rng.permutation(np.flatnonzero((sizes > 0) & ~giant)):
        for s in ("test", "val"):
            if filled[s] < target[s] and filled[s] + sizes[comp] <= target[s] * 1.5:
                assign[comp] = s
                filled[s] += sizes[comp]
                break
    split = assign[pair_comp].astype(object)
    reason = np.array([f"anchor component of {sizes[c]} pairs" for c in pair_comp], dtype=object)
    in_giant = giant[pair_comp]
    if in_giant.any():
        # anchor-level assignment inside the hub component, with the fractions still missing
        left = in_giant.sum()
        q_test = min(max(target["test"] - filled["test"], 0) / left, 1.0)
        q_val = min(max(target["val"] - filled["val"], 0) / left, 1.0 - q_test)
        draw = rng.random(n_clusters)
        cl_split = np.where(draw < q_test, "test", np.where(draw < q_test + q_val, "val", "train")).astype(object)
        s1, s2 = cl_split[c1], cl_split[c2]
        same = s1 == s2
        split[in_giant & same] = s1[in_giant & same]
        split[in_giant & ~same] = "dropped"
        reason[in_giant] = "anchor clusters of a large component dealt at random"
        reason[in_giant & ~same] = "anchors in different splits (large component)"
    out = df.copy()
    out["split"], out["split_reason"] = split, reason
    return out


def shared_anchors(df: pd.DataFrame) -> dict[str, int]:
    """Number of anchor clusters (overlapping windows) that occur in more than one of train, val
    and test, and the pairs of each split that touch such an anchor (``dropped`` rows ignored).

    Returns:
        ``{"shared_anchors": k, "train": n, "val": n, "test": n}``.
    """
    keep = df[df["split"].isin(SPLITS)].reset_index(drop=True)
    c1, c2 = anchor_clusters(keep)
    long = pd.DataFrame({"cluster": np.concatenate([c1, c2]), "split": np.concatenate([keep["split"]] * 2)})
    per_cluster = long.groupby("cluster")["split"].nunique()
    shared = set(per_cluster.index[per_cluster > 1])
    touches = pd.Series(np.isin(c1, list(shared)) | np.isin(c2, list(shared)))
    return {"shared_anchors": len(shared),
            **{s: int(touches[keep["split"] == s].sum()) for s in SPLITS}}


def given_split(df: pd.DataFrame, val_fraction: float, seed: int) -> pd.DataFrame:
    """Keep ``df['split']`` (``train``/``val``/``test``); without validation rows, move a stratified
    ``val_fraction`` of train to val."""
    out = df.copy()
    out["split_reason"] = "given by the input files"
    if (out["split"] == "val").any():  # a validation file was given: keep it
        return out
    train = out.index[out["split"] == "train"]
    val = _stratified_holdout(train, out["label"], val_fraction, seed)
    out.loc[val, "split"] = "val"
    out.loc[val, "split_reason"] = f"random validation fraction of the training file (seed {seed})"
    return out


def assign_split(df: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Dispatch on ``spec['method']`` (``chromosome``, ``random``, ``anchor``, ``cv`` or ``given``;
    config ``split:``; ``cv`` reads ``folds`` and ``fold``).

    Raises:
        SplitError: an unknown method, or a split of train/val/test left empty.
    """
    method = spec.get("method", "chromosome")
    seed = int(spec.get("seed", 0))
    if method == "chromosome":
        out = chromosome_split(df, spec.get("val_chromosomes", []), spec.get("test_chromosomes", []))
    elif method == "random":
        out = random_split(df, spec.get("val_fraction", 0.1), spec.get("test_fraction", 0.1), seed)
    elif method == "anchor":
        if "chrom1" not in df:
            raise SplitError("split.method 'anchor' needs anchor pairs (a pairs dataset)")
        out = anchor_split(df, spec.get("val_fraction", 0.1), spec.get("test_fraction", 0.1), seed)
    elif method == "cv":
        out = cv_split(df, int(spec.get("folds", 5)), int(spec.get("fold", 0)))
    elif method == "given":
        out = given_split(df, spec.get("val_fraction", 0.1), seed)
    else:
        raise SplitError(f"split.method: unknown method {method!r} ({', '.join(METHODS)})")
    counts = out["split"].value_counts()
    empty = [s for s in SPLITS if counts.get(s, 0) == 0]
    if empty:
        raise SplitError(f"split.method {method!r} leaves {empty} empty (counts: {counts.to_dict()})")
    return out


def sequence_overlap(df: pd.DataFrame) -> pd.DataFrame:
    """How many validation and test rows share their sequence with a training row, before
    :func:`drop_duplicate_sequences` drops those training rows: one row per held-out split with
    ``split``, ``rows``, ``in_train`` (rows whose sequence is also a training sequence),
    ``in_train_positive`` (of those, rows labelled 1; binary tables only), ``same_label_as_train``
    (of those, rows whose label equals the first training row's with that sequence; binary only)
    and ``train_rows_with_such_a_sequence``.

    Args:
        df: a sequence table with ``sequence`` and ``split`` columns (``label`` optional).
    """
    cols = ["split", "rows", "in_train", "in_train_positive", "same_label_as_train", "train_rows_with_such_a_sequence"]
    if "split" not in df or df.empty:
        return pd.DataFrame(columns=cols)
    train = df[df["split"] == "train"]
    first = train.drop_duplicates("sequence").set_index("sequence")
    rows = []
    for part in ("val", "test"):
        held = df[df["split"] == part]
        shared = held[held["sequence"].isin(first.index)]
        row = {"split": part, "rows": len(held), "in_train": len(shared), "in_train_positive": None,
               "same_label_as_train": None,
               "train_rows_with_such_a_sequence": int(train["sequence"].isin(set(shared["sequence"])).sum())}
        if "label" in df:
            row["in_train_positive"] = int((shared["label"] == 1).sum())
            row["same_label_as_train"] = int((shared["sequence"].map(first["label"]) == shared["label"]).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


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
