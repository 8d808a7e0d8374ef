"""Shortcut baselines fitted with scikit-learn: what a model must beat before its sequence features mean anything.

* ``distance_baseline`` (pairs): logistic regression on ``log10(distance + 1)`` (bp between anchor
  midpoints). On DeepChromeHiC's tables it reaches AUROC ≈ 0.8 without any sequence.
* ``gc_baseline`` (pairs, sequences): logistic regression on the GC fraction of each window
  (one feature per input; N is left out of the denominator).
* ``kmer_baseline`` (pairs, sequences): logistic regression (L2, standardised features) on the
  k-mer frequencies of each window (``4**k`` features per input, k-mers with N skipped; k from the
  training setting ``k``, default 4) — the classic "bag of k-mers" control for sequence models.

Every task (:mod:`dnazoo.tasks`) is served on the same features: a binary task fits one logistic
regression; a multilabel task one per label, each on the rows where that label is observed (a
label with one class in training predicts its training prevalence); regression fits ridge
regression per target on its non-NaN rows; profile one multi-output ridge regression over every
(bin, track) count (predictions clipped at 0).

DeepCpG's methylation baselines (Angermueller et al., Genome Biol 18:67, 2017), multilabel with
one target per cell, on a methylation dataset (:mod:`dnazoo.data.methylation`):

* ``cell_mean``: each cell's methylation rate on the training sites (:func:`cell_mean`);
* ``neighbour_mean``: the mean state of the cell's observed neighbouring CpGs within
  ``neighbour_window`` bp (training setting, default 3,000; :func:`neighbour_mean`), the cell's
  rate where none is that close;
* ``bulk_level``: the mean level of the dataset's bulk profiles at the site, the same score for
  every cell (the profiles' levels are read with the dataset,
  :func:`dnazoo.data.methylation.bulk_level`).

Features are computed from the memory-mapped uint8 base codes in chunks of rows, so a dataset is
never loaded whole. A fitted baseline is saved with joblib as ``{"name", "k", "task", "estimator"}``
(``estimator``: one scikit-learn pipeline, or a list with one per target).
"""

from __future__ import annotations

import os

import numpy as np

from dnazoo.data.encoding import gc_fraction, kmer_frequencies  # noqa: E402
from dnazoo.data.methylation import MAX_DIST  # noqa: E402

BASELINES = ("distance_baseline", "gc_baseline", "kmer_baseline")
METHYLATION_BASELINES = ("cell_mean", "neighbour_mean", "bulk_level")
_CHUNK = 512


def features(name: str, data: dict, k: int = 4) -> np.ndarray:
    """The feature matrix of baseline ``name`` for one split (``dnazoo.training.load_split`` output).

    Returns:
        ``(n, f)`` float array: 1 column (distance), 1 per input (GC) or ``4**k`` per input (k-mers).

    Raises:
        ValueError: an unknown baseline, or the distance baseline on data without distances.
    """
    if name == "distance_baseline":
        if data["distance"] is None:
            raise ValueError("distance_baseline needs anchor distances (a pairs dataset)")
        return np.log10(np.asarray(data["distance"], dtype=np.float64) + 1.0).reshape(-1, 1)
    if name not in BASELINES:
        raise ValueError(f"unknown baseline {name!r}; known: {BASELINES}")
    fn = gc_fraction if name == "gc_baseline" else (lambda c: kmer_frequencies(c, k))
    cols = []
    for arr in data["inputs"]:
        parts = [fn(np.asarray(arr[i:i + _CHUNK])) for i in range(0, len(arr), _CHUNK)]
        f = np.concatenate(parts) if parts else np.zeros((0, 4 ** k if name == "kmer_baseline" else 1))
        cols.append(f.reshape(len(arr), -1))
    return np.hstack(cols)


def fit(name: str, train: dict, k: int = 4, seed: int = 0, neighbour_window: int = 3000) -> dict:
    """Fit baseline ``name`` on the training split (``dnazoo.data.dataset.load_split`` output); the task
    comes from the split's spec (binary when absent).

    Returns:
        ``{"name", "k", "task", "estimator"}``; a methylation baseline
        ``{"name", "k": None, "task": "multilabel", "rate": (n_cells,) float64, "window", "max_dist"}``.

    Raises:
        ValueError: a methylation baseline on another kind of dataset, or ``bulk_level`` on a
            dataset without bulk profiles.
    """
    if name in METHYLATION_BASELINES:
        spec = train.get("spec") or {}
        if spec.get("kind") != "methylation":
            raise ValueError(f"{name} is a methylation baseline; this dataset is {spec.get('kind')!r}")
        if name == "bulk_level" and not spec.get("bulk"):
            raise ValueError("bulk_level needs a methylation dataset with bulk profiles (bulk:)")
        return {"name": name, "k": None, "task": "multilabel", "rate": cell_mean(train["labels"]),
                "window": int(neighbour_window), "max_dist": int(spec.get("max_dist", MAX_DIST))}
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    task = _task(train)
    x = features(name, train, k)
    y = np.asarray(train["labels"])
    if task == "binary":
        clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed))
        return {"name": name, "k": k, "task": task, "estimator": clf.fit(x, y)}
    shape = y.shape[1:]
    y = y.reshape(len(y), -1).astype(np.float64)
    if task == "profile":  # one multi-output ridge regression over every (bin, track)
        est = make_pipeline(StandardScaler(), Ridge(alpha=1.0)).fit(x, y)
        return {"name": name, "k": k, "task": task, "estimator": est, "target_shape": shape}
    estimators = []
    for j in range(y.shape[1]):
        t = y[:, j]
        obs = (t >= 0) if task == "multilabel" else ~np.isnan(t)
        if task == "multilabel":
            classes = np.unique(t[obs])
            est = (make_pipeline(StandardScaler(), LogisticRegression(max_iter=500, random_state=seed))
                   if len(classes) == 2 else DummyClassifier(strategy="prior"))
            if len(classes) == 0:
                est, obs, t = DummyClassifier(strategy="constant", constant=0), np.ones(len(t), bool), np.zeros(len(t))
        else:
            est = make_pipeline(StandardScaler(), Ridge(alpha=1.0))
        estimators.append(est.fit(x[obs], t[obs].astype(int) if task == "multilabel" else t[obs]))
    return {"name": name, "k": k, "task": task, "estimator": estimators}


def _task(data: dict) -> str:
    spec = data.get("spec")
    return spec["task"]["name"] if spec else "binary"


def predict(model: dict, data: dict) -> np.ndarray:
    """Scores of a fitted baseline on one split: binary ``(n,)`` float64 P(1); multilabel ``(n, k)``
    P(1) per label; regression ``(n, k)`` predictions."""
    task = model.get("task", "binary")
    n = len(data["labels"])
    if model["name"] in METHYLATION_BASELINES:
        return _predict_methylation(model, data, n)
    est = model["estimator"]
    if task == "binary":
        if n == 0:
            return np.zeros(0)
        return est.predict_proba(features(model["name"], data, model["k"]))[:, 1].astype(np.float64)
    if task == "profile":
        shape = tuple(model["target_shape"])
        if n == 0:
            return np.zeros((0, *shape))
        return np.maximum(est.predict(features(model["name"], data, model["k"])), 0).reshape(n, *shape)
    if n == 0:
        return np.zeros((0, len(est)))
    x = features(model["name"], data, model["k"])
    cols = []
    for e in est:
        if task == "multilabel":
            p = e.predict_proba(x)
            cols.append(p[:, list(e.classes_).index(1)] if 1 in e.classes_ else np.zeros(n))
        else:
            cols.append(e.predict(x))
    return np.stack(cols, axis=1).astype(np.float64)


def _predict_methylation(model: dict, data: dict, n: int) -> np.ndarray:
    """``(n, n_cells)`` float64 scores of a methylation baseline."""
    rate = np.asarray(model["rate"], dtype=np.float64)
    if model["name"] == "cell_mean":
        return np.tile(rate, (n, 1))
    if model["name"] == "bulk_level":
        level = np.asarray(data["bulk"], dtype=np.float64).mean(axis=1)
        return np.tile(level[:, None], (1, len(rate)))
    x = dict(zip(data["input_names"], data["inputs"]))
    out = [neighbour_mean(np.asarray(x["cpg_state"][i:i + _CHUNK]), np.asarray(x["cpg_dist"][i:i + _CHUNK]),
                          model["window"], model["max_dist"], rate) for i in range(0, n, _CHUNK)]
    return np.concatenate(out) if out else np.zeros((0, len(rate)))


def save(model: dict, dest: str | os.PathLike) -> None:
    """Write a fitted baseline with joblib, atomically."""
    import joblib

    from dnazoo.io import atomic_path

    with atomic_path(dest, suffix=".joblib") as tmp:
        joblib.dump(model, tmp)


def load(path: str | os.PathLike) -> dict:
    """Read a baseline written by :func:`save`."""
    import joblib

    return joblib.load(path)


def neighbour_mean(state: np.ndarray, dist: np.ndarray, window: int, max_dist: int = MAX_DIST,
                   fallback: np.ndarray | None = None) -> np.ndarray:
    """Mean state of each cell's observed neighbours within ``window`` bp of the site.

    Args:
        state, dist: ``(n, n_cells, wlen)`` from :func:`cell_neighbours`.
        window: bp; neighbours farther away (or absent) are ignored.
        fallback: ``(n_cells,)`` rates used where a cell has no neighbour in the window (default 0.5).

    Returns:
        ``(n, n_cells)`` float64 scores.
    """
    use = (dist * max_dist <= window) & (state != 0.5)
    total = np.where(use, state, 0.0).sum(axis=-1)
    count = use.sum(axis=-1)
    fb = np.full(state.shape[1], 0.5) if fallback is None else np.asarray(fallback, dtype=np.float64)
    return np.where(count > 0, total / np.maximum(count, 1), fb[None, :]).astype(np.float64)


def cell_mean(labels: np.ndarray) -> np.ndarray:
    """``(n_cells,)`` float64 methylation rate of each cell over its observed labels (0.5 if none)."""
    labels = np.asarray(labels, dtype=np.float64)
    obs = labels >= 0
    return np.where(obs.any(axis=0), np.where(obs, labels, 0).sum(axis=0) / np.maximum(obs.sum(axis=0), 1), 0.5)
