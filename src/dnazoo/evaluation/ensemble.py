"""Ensembles of trained models (rule ``ensemble``): the members' test predictions averaged row by
row, in probability space or in logit space, then evaluated like any model (Lakshminarayanan et
al., NeurIPS 2017, average probabilities; averaging logits is the geometric-mean alternative).

Members are models of the same dataset (different architectures, or one architecture under other
settings); their ``predictions.tsv.gz`` must hold the same test rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: How an ensemble averages its members' scores.
AVERAGES = ("probability", "logit")


def average_predictions(tables: dict[str, pd.DataFrame], average: str = "probability",
                        task: str = "binary") -> pd.DataFrame:
    """Average the ``score`` columns of members' prediction tables.

    Args:
        tables: ``{member: predictions table}`` (``id``, ``label`` or ``label.<t>``, ``score`` or
            ``score.<t>``; :func:`dnazoo.training.prediction_table`).
        average: ``probability`` (the mean score) or ``logit`` (the sigmoid of the mean
            log-odds; binary and multilabel only, scores clipped to [1e-7, 1 − 1e-7]).
        task: the dataset's task; regression and profile scores are averaged as they are.

    Returns:
        the first member's table with each score column replaced by the average.

    Raises:
        ValueError: fewer than 2 members, tables whose ids (row order included) differ, an unknown
            ``average``, or ``logit`` on a regression or profile task.
    """
    if len(tables) < 2:
        raise ValueError(f"an ensemble needs at least 2 members, got {list(tables)}")
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    if average == "logit" and task not in ("binary", "multilabel"):
        raise ValueError(f"average: logit needs probabilities (binary, multilabel), not a {task} task")
    names = list(tables)
    first = tables[names[0]]
    for m in names[1:]:
        if len(tables[m]) != len(first) or not (tables[m]["id"].astype(str).to_numpy()
                                                == first["id"].astype(str).to_numpy()).all():
            raise ValueError(f"ensemble members {names[0]} and {m} scored different test rows")
    score_cols = [c for c in first.columns if c == "score" or c.startswith("score.")]
    out = first.copy()
    for c in score_cols:
        stack = np.stack([tables[m][c].to_numpy(np.float64) for m in names])
        if average == "logit":
            p = np.clip(stack, 1e-7, 1 - 1e-7)
            out[c] = 1.0 / (1.0 + np.exp(-np.log(p / (1 - p)).mean(axis=0)))
        else:
            out[c] = stack.mean(axis=0)
    return out
