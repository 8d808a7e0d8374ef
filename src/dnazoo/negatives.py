"""Negative examples for ``kind: sequences`` datasets.

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
