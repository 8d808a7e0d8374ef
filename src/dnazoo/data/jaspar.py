"""JASPAR CORE vertebrate motifs, offline from pyjaspar: the one reader behind DanQ-JASPAR's
filter start (:func:`dnazoo.models.zoo.classic.jaspar_init`) and motif matching
(:mod:`dnazoo.interpret`)."""

from __future__ import annotations

import numpy as np

#: The JASPAR release motifs are matched against (the newest pyjaspar ships; config ``interpret.jaspar``).
JASPAR_RELEASE = "JASPAR2026"


def jaspar_motifs(release: str = JASPAR_RELEASE, max_width: int | None = None) -> dict[str, dict]:
    """JASPAR CORE vertebrate motifs (latest version of each) from pyjaspar, which ships the
    database offline (Rauluseviciute et al., Nucleic Acids Res 2024).

    Args:
        release: e.g. ``JASPAR2026`` (matching) or ``JASPAR2016`` (DanQ-JASPAR's).
        max_width: leave out motifs wider than this many bp (None: keep all).

    Returns:
        ``{matrix_id: {"name": str, "family": str, "ppm": (width, 4) float64}}`` sorted by matrix
        ID, columns A, C, G, T (``family``: the TF structural family(ies), joined with ``; ``).

    Raises:
        ValueError: a release pyjaspar does not ship.
    """
    from pyjaspar import jaspardb

    db = jaspardb(release=release)
    out = {}
    for m in sorted(db.fetch_motifs(collection="CORE", tax_group=["vertebrates"]), key=lambda m: m.matrix_id):
        counts = np.array([m.counts[b] for b in "ACGT"], dtype=np.float64).T
        if max_width is not None and len(counts) > max_width:
            continue
        family = "; ".join(m.tf_family) if isinstance(m.tf_family, (list, tuple)) else str(m.tf_family or "")
        out[m.matrix_id] = {"name": m.name, "family": family, "ppm": counts / counts.sum(axis=1, keepdims=True)}
    return out


def motif_for(name: str, motifs: dict[str, dict], key: str = "motif") -> tuple[str, dict]:
    """One JASPAR matrix by matrix ID (``MA0526.5``) or TF name (case-insensitive, e.g. ``USF2``;
    where the release has several matrices of that name, the widest, ties to the lowest ID).

    Args:
        motifs: :func:`jaspar_motifs`' output.
        key: the config key ``name`` came from, for the error.

    Returns:
        ``(matrix_id, entry)``.

    Raises:
        ValueError: no matrix has that ID or name, naming ``key``.
    """
    if name in motifs:
        return name, motifs[name]
    same = [k for k, v in motifs.items() if v["name"].upper() == name.upper()]
    if not same:
        raise ValueError(f"{key}: {name!r} is neither a matrix ID nor a TF name of JASPAR CORE vertebrates; "
                         "give the TF's matrix ID (e.g. MA0526.5)")
    best = min(same, key=lambda k: (-len(motifs[k]["ppm"]), k))
    return best, motifs[best]
