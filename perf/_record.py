"""The JSON record every perf script ends with: printed, and written to ``--out`` when given."""

from __future__ import annotations

import json
from pathlib import Path


def emit(result: dict, out: Path | None) -> dict:
    """Print ``result`` as indented JSON and, with ``out``, write it there too (a trailing newline).

    Returns:
        ``result``, unchanged.
    """
    text = json.dumps(result, indent=2)
    print(text)
    if out:
        Path(out).write_text(text + "\n")
    return result
