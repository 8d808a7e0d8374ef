"""Every matplotlib figure of dnazoo: functions of tables and arrays, no computation of their own."""

from __future__ import annotations

import os
from pathlib import Path


def save_figure(fig, stem: str | os.PathLike) -> list[Path]:
    """Write a matplotlib figure as ``stem.png`` (150 dpi) and ``stem.pdf``, each atomically;
    the PDF carries no creation date, so a rerun gives the same bytes."""
    from dnazoo.io import atomic_path

    out = []
    for ext in ("png", "pdf"):
        dest = Path(stem).with_suffix(f".{ext}")
        with atomic_path(dest, suffix=f".{ext}") as tmp:
            fig.savefig(tmp, dpi=150, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None)
        out.append(dest)
    return out
