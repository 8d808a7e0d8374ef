"""Calibrated motif matching: a query PWM (a first-layer filter, a TF-MoDISco pattern) against a
motif database (JASPAR CORE vertebrates), with p-values that say "nothing" for queries that carry
no motif.

Tomtom (Gupta et al., Genome Biol 2007), as memelite implements it
(https://github.com/jmschrei/memesuite-lite), scores a query against a target at its best offset
and strand and converts that one score to a p-value. Used as is, with Benjamini–Hochberg over the
database, it is far from calibrated against JASPAR CORE vertebrates: random, flat and GC-rich
queries match long targets (the extended CTCF matrices) at q far below 0.05, because the best of
many offsets is scored as if one comparison had been made, and because memelite's background is
built from the database's own columns. :func:`tomtom_matches` therefore

1. trims each query to its informative core (:func:`informative_core`): the span from the first
   to the last column holding at least ``min_column_bits`` of information; a core narrower than
   ``min_columns`` or holding less than ``min_bits`` in all is reported as "no informative motif"
   and gets no match;
2. corrects each (query, target) p-value for the offsets and strands Tomtom tried (Šidák:
   ``1 - (1 - p) ** n`` with ``n = 2 (w_query + w_target - 1)``);
3. calibrates the best match against an empirical null: ``n_shuffles`` column-shuffled copies of
   the core, matched the same way. Their best corrected p-values are fitted with a Beta
   distribution, whose CDF at the query's own best corrected p-value is the reported ``p_value``
   (the permutation scheme of FastQTL, Ongen et al., Bioinformatics 2016: a Beta fitted to the
   permutations' minimum p-values extends a few hundred permutations to small p-values);
4. reports q-values by Benjamini–Hochberg over the queries of one call (the filters of a model,
   the patterns of one input): each row is one test, "does this query match a known motif?".

:func:`null_rates` measures the calibration on queries that carry no motif.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

#: Why a query gets no match.
NO_MOTIF = "no informative motif"

NULL_KINDS = ("random", "flat", "gc_rich", "shuffled_jaspar")


def column_bits(ppm: np.ndarray) -> np.ndarray:
    """Information content of each column of a ``(width, 4)`` probability matrix against a uniform
    background: ``(width,)`` float64, bits in [0, 2]. Rows are renormalised; zeros are clipped to
    1e-12."""
    p = np.clip(np.asarray(ppm, dtype=np.float64), 1e-12, None)
    p = p / p.sum(axis=1, keepdims=True)
    return 2.0 + (p * np.log2(p)).sum(axis=1)


def informative_core(ppm: np.ndarray, min_column_bits: float = 0.5) -> tuple[int, int, float]:
    """The span from the first to the last column of ``ppm`` with at least ``min_column_bits``
    bits (inner columns are kept whatever their information, as modisco-lite's trimming keeps
    them).

    Returns:
        ``(start, end, bits)``: 0-based half-open column span and the information it holds (bits);
        ``(0, 0, 0.0)`` when no column is informative.
    """
    bits = column_bits(ppm)
    keep = np.flatnonzero(bits >= min_column_bits)
    if not len(keep):
        return 0, 0, 0.0
    start, end = int(keep[0]), int(keep[-1]) + 1
    return start, end, float(bits[start:end].sum())


def _sidak(p: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``1 - (1 - p) ** n`` computed stably; NaN p (no score) → 1."""
    p = np.clip(np.nan_to_num(np.asarray(p, dtype=np.float64), nan=1.0), 0.0, 1.0 - 1e-16)
    return -np.expm1(n * np.log1p(-p))


def _null_cdf(observed: np.ndarray, null: np.ndarray) -> np.ndarray:
    """P(best null p ≤ observed) from a Beta fitted to the null's best p-values (MLE, support
    [0, 1]); the add-one empirical estimate where the fit fails or the null has too few distinct
    values."""
    from scipy import stats

    observed = np.asarray(observed, dtype=np.float64)
    empirical = (1.0 + (null[None, :] <= observed[:, None]).sum(axis=1)) / (len(null) + 1.0)
    x = np.clip(null, 1e-300, 1.0 - 1e-12)
    if len(np.unique(x)) < 10:
        return empirical
    try:
        a, b, _, _ = stats.beta.fit(x, floc=0.0, fscale=1.0)
    except Exception:  # noqa: BLE001  (scipy raises FitError or RuntimeWarning-turned errors)
        return empirical
    if not (np.isfinite(a) and np.isfinite(b) and a > 0 and b > 0):
        return empirical
    return stats.beta.cdf(observed, a, b)


def tomtom_matches(queries: dict[str, np.ndarray], targets: dict[str, dict], also: tuple[str, ...] = (),
                   n_shuffles: int = 200, seed: int = 0, min_column_bits: float = 0.5, min_columns: int = 4,
                   min_bits: float = 4.0, calibrate: bool = True) -> pd.DataFrame:
    """Each query's best target by Tomtom, calibrated as the module docstring describes.

    Args:
        queries: ``{name: (width, 4) probabilities}`` (A, C, G, T).
        targets: ``{id: {"name": str, "family": str, "ppm": (width, 4)}}`` (e.g.
            :func:`dnazoo.data.jaspar.jaspar_motifs`).
        also: target ids reported in their own columns (``p_value[id]``, ``q_value[id]``,
            ``strand[id]``): an expected JASPAR motif, or a simulator's planted motif added to the
            database as ``planted:<name>``; ``planted:`` targets are never the best match. Their
            p-value is the same null's CDF at the query's corrected p-value against that target
            (conservative: the null is the best over the whole database).
        n_shuffles: column-shuffled copies of each query's core for the null.
        seed: seeds the shuffles, so a table is reproducible.
        min_column_bits, min_columns, min_bits: the informative-core thresholds.
        calibrate: False gives memelite's p-values at the best offset with Benjamini–Hochberg over
            the database, untrimmed (not calibrated; kept to measure what the calibration changes).

    Returns:
        one row per query: ``query, match_id, match_name, match_family, p_value, q_value, strand``
        (``+``: the query as given matches the target; ``-``: its reverse complement does),
        ``offset`` (memelite's offset of the core against the target), ``core_start, core_end``
        (0-based half-open columns of the query that were matched), ``core_bits``, ``note``
        (:data:`NO_MOTIF` for a query without an informative core: its match columns are empty
        and its p- and q-values NaN), then the ``also`` columns.
    """
    from memelite import tomtom
    from scipy.stats import false_discovery_control

    cols = ["query", "match_id", "match_name", "match_family", "p_value", "q_value", "strand", "offset",
            "core_start", "core_end", "core_bits", "note"]
    cols += [f"{k}[{a}]" for a in also for k in ("p_value", "q_value", "strand")]
    if not queries:
        return pd.DataFrame(columns=cols)
    ids = list(targets)
    missing = [a for a in also if a not in targets]
    if missing:
        raise KeyError(f"also names targets that are not in the database: {missing}")
    widths = np.array([len(targets[i]["ppm"]) for i in ids], dtype=np.float64)
    ts = [np.ascontiguousarray(np.asarray(targets[i]["ppm"], dtype=np.float64).T) for i in ids]
    eligible = np.array([not i.startswith("planted:") for i in ids])
    rng = np.random.default_rng(seed)
    k = n_shuffles if calibrate else 0

    rows, cores, batch = {}, {}, []
    for name, q in queries.items():
        q = np.asarray(q, dtype=np.float64)
        start, end, bits = informative_core(q, min_column_bits) if calibrate else (0, len(q), float(column_bits(q).sum()))
        row = {"query": name, "core_start": start, "core_end": end, "core_bits": round(bits, 3), "note": ""}
        if calibrate and (end - start < min_columns or bits < min_bits):
            row["note"] = NO_MOTIF
        else:
            core = q[start:end]
            cores[name] = len(batch)
            batch.append(core)
            batch.extend(core[rng.permutation(len(core))] for _ in range(k))
        rows[name] = row
    if batch:
        p, _scores, offsets, _overlaps, strands = tomtom([np.ascontiguousarray(c.T) for c in batch], ts, n_jobs=1)
        p = np.asarray(p, dtype=np.float64)
    for name, i in cores.items():
        row = rows[name]
        if calibrate:
            n_offsets = 2.0 * (len(batch[i]) + widths - 1.0)
            block = _sidak(p[i:i + k + 1], n_offsets[None, :])
            observed = block[0]
            null = np.where(eligible[None, :], block[1:], np.inf).min(axis=1)
            best = int(np.argmin(np.where(eligible, observed, np.inf)))
            picked = [best] + [ids.index(a) for a in also]
            calibrated = _null_cdf(observed[picked], null)
        else:
            observed = np.clip(np.nan_to_num(p[i], nan=1.0), 0.0, 1.0)
            best = int(np.argmin(np.where(eligible, observed, np.inf)))
            picked = [best] + [ids.index(a) for a in also]
            calibrated = false_discovery_control(observed)[picked]  # q over the database
        row.update(match_id=ids[best], match_name=targets[ids[best]]["name"],
                   match_family=targets[ids[best]].get("family", ""), p_value=float(calibrated[0]),
                   strand="-" if int(strands[i, best]) else "+", offset=int(offsets[i, best]))
        for a, j, v in zip(also, picked[1:], calibrated[1:]):
            row[f"p_value[{a}]"] = float(v)
            row[f"strand[{a}]"] = "-" if int(strands[i, j]) else "+"
    table = pd.DataFrame(list(rows.values()), columns=cols)
    if calibrate:
        for p_col, q_col in [("p_value", "q_value")] + [(f"p_value[{a}]", f"q_value[{a}]") for a in also]:
            tested = table[p_col].notna()
            if tested.any():
                table.loc[tested, q_col] = false_discovery_control(table.loc[tested, p_col].to_numpy(np.float64))
    else:
        table["q_value"] = table["p_value"]
        for a in also:
            table[f"q_value[{a}]"] = table[f"p_value[{a}]"]
    return table


def null_queries(targets: dict[str, dict], n: int = 50, seed: int = 0,
                 widths: tuple[int, ...] = (8, 12, 16, 20)) -> dict[str, dict[str, np.ndarray]]:
    """Queries that carry no motif, by kind (:data:`NULL_KINDS`), ``n`` of each:

    * ``random``: Dirichlet(1, 1, 1, 1) columns, widths cycling through ``widths``;
    * ``flat``: Dirichlet(50 × uniform) columns (about 0.02 bits each), 12 columns;
    * ``gc_rich``: Dirichlet(60 × (0.15, 0.35, 0.35, 0.15)) columns, 12 columns;
    * ``shuffled_jaspar``: a random database matrix with its columns permuted.

    Returns:
        ``{kind: {name: (width, 4) float64}}``.
    """
    rng = np.random.default_rng(seed)
    ids = [i for i in targets if not i.startswith("planted:")]
    out = {kind: {} for kind in NULL_KINDS}
    for j in range(n):
        out["random"][f"random_{j}"] = rng.dirichlet(np.ones(4), size=widths[j % len(widths)])
        out["flat"][f"flat_{j}"] = rng.dirichlet(np.full(4, 50.0), size=12)
        out["gc_rich"][f"gc_rich_{j}"] = rng.dirichlet(60 * np.array([0.15, 0.35, 0.35, 0.15]), size=12)
        m = np.asarray(targets[ids[int(rng.integers(len(ids)))]]["ppm"], dtype=np.float64)
        out["shuffled_jaspar"][f"shuffled_jaspar_{j}"] = m[rng.permutation(len(m))]
    return out


def null_rates(targets: dict[str, dict], n: int = 50, seed: int = 0, n_shuffles: int = 200,
               alpha: float = 0.05) -> pd.DataFrame:
    """How often queries without a motif (:func:`null_queries`) get a match, calibrated and not.

    Each kind is one call of :func:`tomtom_matches` (so q-values are over that kind's ``n``
    queries).

    Returns:
        one row per (kind, calibrated): ``kind, calibrated, n, no_motif`` (queries without an
        informative core), ``p_below`` (share with p < ``alpha``; for the uncalibrated method, the
        best match's q over the database, which is what it reported), ``q_below`` (share with
        q < ``alpha``) and ``top_match`` (the most frequent match name among q < ``alpha``).
    """
    rows = []
    for kind, queries in null_queries(targets, n, seed).items():
        for calibrate in (False, True):
            t = tomtom_matches(queries, targets, n_shuffles=n_shuffles, seed=seed, calibrate=calibrate)
            hits = t[t["q_value"] < alpha]
            rows.append({"kind": kind, "calibrated": calibrate, "n": len(t),
                         "no_motif": int((t["note"] == NO_MOTIF).sum()),
                         "p_below": float((t["p_value"] < alpha).mean()),
                         "q_below": float((t["q_value"] < alpha).mean()),
                         "top_match": hits["match_name"].mode().iloc[0] if len(hits) else ""})
    return pd.DataFrame(rows)
