"""Negative examples.

Pairs (``negatives.method: distance_matched``): :func:`distance_matched` resamples the negatives so
that their anchor distances follow the positives' (binned on log distance), so the distance
shortcut disappears; see issue "An honest benchmark".

Sequences (``kind: sequences``):

``dinucleotide_shuffle``: the DeepBind protocol (Alipanahi et al., Nat Biotechnol 2015): each
positive is shuffled preserving its exact dinucleotide counts (the Altschul-Erickson / uShuffle
algorithm, Jiang et al., BMC Bioinformatics 2008, through the ``ushuffle`` package).
"""

from __future__ import annotations

import pandas as pd


def dinucleotide_shuffle(sequences: list[str], seed: int, per_sequence: int = 1) -> list[str]:
    """Dinucleotide-preserving shuffles of DNA strings.

    Args:
        sequences: DNA strings (upper case).
        seed: seed of uShuffle's generator (the output is a deterministic function of it).
        per_sequence: shuffles drawn per input sequence.

    Returns:
        ``len(sequences) * per_sequence`` strings, each with the same length and dinucleotide
        counts as its source, in order (all shuffles of sequence 0 first).
    """
    import ushuffle

    ushuffle.set_seed(int(seed))
    out = []
    for s in sequences:
        raw = s.encode("ascii")
        out.extend(ushuffle.shuffle(raw, 2).decode("ascii") for _ in range(per_sequence))
    return out


def add_shuffled_negatives(table: pd.DataFrame, seed: int, per_positive: int = 1) -> pd.DataFrame:
    """Append dinucleotide-shuffled negatives of every positive of a canonical sequence table.

    The negatives get ``seq_id = <positive id>_shuf<i>``, ``label = 0`` and the positive's
    ``source`` and ``split`` (when present), so a shuffle never crosses a split.
    """
    pos = table[table["label"] == 1]
    shuffled = dinucleotide_shuffle(pos["sequence"].tolist(), seed, per_positive)
    reps = pos.loc[pos.index.repeat(per_positive)].copy()
    reps["sequence"] = shuffled
    reps["label"] = 0
    reps["seq_id"] = [f"{sid}_shuf{i % per_positive}" for i, sid in enumerate(reps["seq_id"])]
    return pd.concat([table, reps], ignore_index=True)


def distance_matched(pairs: pd.DataFrame, bins: int = 20, seed: int = 0, new_pairs: bool = False,
                     source: str = "pairs") -> tuple[pd.DataFrame, dict]:
    """Resample a pair table so that negatives and positives have the same distance distribution.

    Distances (bp between anchor midpoints, column ``distance``) are binned on ``log10(distance + 1)``
    into ``bins`` equal-width bins spanning the positives. In every bin the same number of positives
    and negatives is kept: ``k = min(positives, negatives available)``, both drawn at random
    (seeded). Negatives outside the positives' range are dropped. With ``new_pairs`` a bin short of
    negatives is topped up with new anchor pairs built from the table's own anchors (same
    chromosome, midpoint distance inside the bin, not a pair of the table), labelled 0 with
    ``pair_id`` ``matched_neg<i>``; otherwise the surplus positives of that bin are dropped.

    Args:
        pairs: canonical pair table (``dnazoo.tables``): ``pair_id chrom1 start1 end1 chrom2 start2
            end2 label distance``, 0-based half-open.

    Returns:
        ``(table, counts)``: the resampled table (original row order, new pairs appended) and
        ``{"positives_in", "negatives_in", "positives_kept", "negatives_kept", "negatives_new",
        "positives_dropped", "negatives_dropped"}``.

    Raises:
        ValueError: naming ``source`` when there are no positives or no negatives.
    """
    import numpy as np

    labels = pairs["label"].to_numpy()
    if labels.sum() == 0 or (labels == 0).sum() == 0:
        raise ValueError(f"{source}: distance matching needs positives and negatives "
                         f"({int(labels.sum())} positive, {int((labels == 0).sum())} negative)")
    rng = np.random.default_rng(seed)
    logd = np.log10(pairs["distance"].to_numpy(dtype=np.float64) + 1)
    pos = labels == 1
    edges = np.linspace(logd[pos].min(), logd[pos].max() + 1e-9, bins + 1)
    which = np.digitize(logd, edges) - 1  # -1 / bins = outside the positives' range
    keep = np.zeros(len(pairs), dtype=bool)
    new_rows = []
    anchors = _anchor_index(pairs) if new_pairs else None
    known = (set(zip(pairs["chrom1"], pairs["start1"], pairs["end1"], pairs["chrom2"], pairs["start2"], pairs["end2"]))
             if new_pairs else set())
    for b in range(bins):
        p_idx = np.flatnonzero(pos & (which == b))
        n_idx = np.flatnonzero(~pos & (which == b))
        extra = []
        if new_pairs and len(n_idx) < len(p_idx):
            extra = _new_pairs(anchors, known, 10 ** edges[b] - 1, 10 ** edges[b + 1] - 1, len(p_idx) - len(n_idx), rng)
        k = min(len(p_idx), len(n_idx) + len(extra))
        keep[rng.choice(p_idx, k, replace=False)] = True
        k_given = min(k, len(n_idx))
        keep[rng.choice(n_idx, k_given, replace=False)] = True
        new_rows += extra[:k - k_given]
    out = pairs[keep]
    if new_rows:
        new = pd.DataFrame(new_rows, columns=["chrom1", "start1", "end1", "chrom2", "start2", "end2"])
        new.insert(0, "pair_id", [f"matched_neg{i}" for i in range(len(new))])
        new["label"] = 0
        new["distance"] = ((new["start2"] + new["end2"]) // 2 - (new["start1"] + new["end1"]) // 2).abs()
        out = pd.concat([out, new[pairs.columns.intersection(new.columns)]], ignore_index=True)
    counts = {"positives_in": int(pos.sum()), "negatives_in": int((~pos).sum()),
              "positives_kept": int((keep & pos).sum()), "negatives_kept": int((out["label"] == 0).sum()),
              "negatives_new": len(new_rows)}
    counts["positives_dropped"] = counts["positives_in"] - counts["positives_kept"]
    counts["negatives_dropped"] = counts["negatives_in"] - int((keep & ~pos).sum())
    return out.reset_index(drop=True), counts


def _anchor_index(pairs: pd.DataFrame) -> dict:
    """``{chrom: (mids sorted, anchors (start, end) in the same order)}`` of the table's distinct anchors."""
    import numpy as np

    a = pd.concat([pairs[["chrom1", "start1", "end1"]].set_axis(["chrom", "start", "end"], axis=1),
                   pairs[["chrom2", "start2", "end2"]].set_axis(["chrom", "start", "end"], axis=1)]).drop_duplicates()
    a["mid"] = (a["start"] + a["end"]) // 2
    a = a.sort_values("mid")
    return {c: (g["mid"].to_numpy(), g[["start", "end"]].to_numpy(np.int64)) for c, g in a.groupby("chrom")}


def _new_pairs(anchors: dict, known: set, lo: float, hi: float, n: int, rng, tries: int = 20) -> list[tuple]:
    """Up to ``n`` new intra-chromosomal anchor pairs with midpoint distance in ``[lo, hi)`` bp."""
    import numpy as np

    chroms = list(anchors)
    weights = np.array([len(anchors[c][0]) for c in chroms], dtype=float)
    out, seen = [], set()
    for _ in range(n * tries):
        if len(out) >= n:
            break
        c = chroms[rng.choice(len(chroms), p=weights / weights.sum())]
        mids, coords = anchors[c]
        i = rng.integers(len(mids))
        j_lo, j_hi = np.searchsorted(mids, mids[i] + lo), np.searchsorted(mids, mids[i] + hi)
        if j_hi <= j_lo:
            continue
        j = rng.integers(j_lo, j_hi)
        row = (c, int(coords[i][0]), int(coords[i][1]), c, int(coords[j][0]), int(coords[j][1]))
        if row in known or row in seen:
            continue
        seen.add(row)
        out.append(row)
    return out
