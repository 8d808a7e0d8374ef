"""Every matplotlib figure of dnazoo: functions of tables and arrays, no computation of their own."""

from __future__ import annotations

import os
from pathlib import Path


def save_figure(fig, stem: str | os.PathLike) -> list[Path]:
    """Write a matplotlib figure as ``stem.png`` (150 dpi) and ``stem.pdf``, each atomically (a
    ``.png`` or ``.pdf`` ending of ``stem`` is dropped first; other dots are kept); the PDF carries
    no creation date, so a rerun gives the same bytes."""
    from dnazoo.io import atomic_path

    stem = Path(stem)
    if stem.suffix in (".png", ".pdf"):
        stem = stem.with_suffix("")
    out = []
    for ext in ("png", "pdf"):
        dest = stem.parent / f"{stem.name}.{ext}"  # a stem may hold dots: deepbind.top_ism
        with atomic_path(dest, suffix=f".{ext}") as tmp:
            fig.savefig(tmp, dpi=150, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None)
        out.append(dest)
    return out


#: The banner every figure of simulated data carries, so that no one takes it for a biological result.
SIMULATED_BANNER = "SIMULATED DATA (not a biological result)"


def simulated_banner(fig, y: float = 1.02) -> None:
    """Write :data:`SIMULATED_BANNER` above a figure (red, bold; ``y`` in figure coordinates)."""
    fig.text(0.5, y, SIMULATED_BANNER, ha="center", va="bottom", color="tab:red", fontweight="bold", fontsize=11,
             transform=fig.transFigure)

