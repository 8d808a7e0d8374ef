"""Variant effects: a trained model's scores on the REF and ALT sequence of each variant.

Functions of (model, genome, variants table), as in Selene's ``variant_effect_prediction``, Kipoi's
veff and gReLU's ``predict_variant_effects``, so they work for any model of the zoo and for its
baselines, in or outside Snakemake.

Effects, per variant and target (:func:`effect_table`):

* ``ref_score``, ``alt_score``: the task's scores (:meth:`dnazoo.tasks.Task.scores`): P(1) for binary and
  multilabel targets, the prediction for regression, counts summed over the window's bins for
  profile tracks;
* ``diff`` = alt_score − ref_score, ``abs_diff`` = |diff|;
* ``logit_diff`` = logit(alt_score) − logit(ref_score) (natural log-odds, probabilities clipped to
  [1e-7, 1 − 1e-7]; DeepSEA's and Basenji's "log-odds" effect) for binary and multilabel tasks,
  empty otherwise;
* profile tasks add ``max_abs_bin_diff``: the largest |alt − ref| over the bins of the window.

With ``average_strands`` (the default for Keras models) every score is the mean over the sequence
and its reverse complement (DeepSEA, Zhou & Troyanskaya 2015).

Windows (:mod:`dnazoo.data.variants`): a single-sequence model scores a window centred on the
variant; a pair model (chromatin interactions) scores every pair whose anchor window holds the
variant, with the ALT allele in that anchor and the partner anchor fixed; a sequences dataset
without a genome takes variants as (``id``, 0-based ``pos``, ``ref``, ``alt``) on its own sequences,
as tangermeme's substitution inputs.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd

from dnazoo.data.encoding import encode_codes
from dnazoo.data.variants import GenomeCodes, alt_window, centred_windows, ref_window

log = logging.getLogger(__name__)

EPS = 1e-7
EFFECT_COLUMNS = ("ref_score", "alt_score", "diff", "abs_diff", "logit_diff")


def predict_codes(name: str, model, inputs: dict, task, distance: np.ndarray | None = None,
                  average_strands: bool = False, batch_size: int = 256) -> np.ndarray:
    """The task's scores of a trained model (Keras or a fitted baseline) on base codes.

    Args:
        name: the model's registry name (baselines are scored through their features).
        model: the loaded model (:func:`dnazoo.training.load_trained`).
        inputs: ``{input name: (n, L) uint8 codes}`` (``sequence``, or ``anchor1`` and ``anchor2``).
        task: the dataset's :class:`dnazoo.tasks.Task`.
        distance: ``(n,)`` bp between anchor midpoints, for pair models that take it.
        average_strands: mean over both strands (Keras models only; a baseline's k-mer and GC
            features count both strands alike).

    Returns:
        :meth:`dnazoo.tasks.Task.scores` of the rows, float64.
    """
    from dnazoo import models
    from dnazoo.training import predict

    names = list(inputs)
    if models.get(name).framework == "sklearn":
        from dnazoo.models import baselines

        data = {"inputs": [inputs[k] for k in names], "input_names": names,
                "labels": np.zeros(len(inputs[names[0]])), "distance": distance}
        return np.asarray(baselines.predict(model, data), dtype=np.float64)
    arrays = dict(inputs)
    wanted = [i.name for i in model.inputs]
    if "log10_distance" in wanted:
        if distance is None:
            raise ValueError(f"{name} takes anchor distances: give distance")
        arrays["log10_distance"] = np.log10(np.asarray(distance, dtype=np.float64) + 1.0).astype(
            np.float32).reshape(-1, 1)
    arrays = {k: arrays[k] for k in wanted}
    return np.asarray(predict(model, arrays, batch_size, task, average_strands), dtype=np.float64)


def unique_rows(inputs: dict, distance: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Rows that are identical across every input (and ``distance``), found by their bytes.

    Args:
        inputs: ``{input name: (n, L) uint8 codes}``.
        distance: ``(n,)`` bp, or None.

    Returns:
        ``(first, inverse)``: ``(u,)`` int64 the first row of each distinct row, in order of first
        appearance, and ``(n,)`` int64 the index into ``first`` of every row, so that
        ``x[first][inverse]`` rebuilds any per-row ``x``.
    """
    n = len(next(iter(inputs.values())))
    parts = [np.ascontiguousarray(inputs[k]).reshape(n, -1).view(np.uint8) for k in sorted(inputs)]
    if distance is not None:
        parts.append(np.ascontiguousarray(np.asarray(distance, dtype=np.float64).reshape(n, 1)).view(np.uint8))
    rows = np.ascontiguousarray(np.concatenate(parts, axis=1))
    keys = rows.view(np.dtype((np.void, rows.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # first appearance order
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order].astype(np.int64), rank[inverse.ravel()].astype(np.int64)


def predict_unique_codes(name: str, model, inputs: dict, task, distance: np.ndarray | None = None,
                         average_strands: bool = False, batch_size: int = 256) -> np.ndarray:
    """:func:`predict_codes` that runs the model once per distinct row: the REF inputs of a pair
    model repeat for every variant of the same pair (both anchors of a pair hold the genome's
    sequence whichever anchor the variant sits in), so a set of dense variants predicts each pair's
    REF once. Same arguments and result as :func:`predict_codes`."""
    n = len(next(iter(inputs.values())))
    if n == 0:
        return predict_codes(name, model, inputs, task, distance, average_strands, batch_size)
    first, inverse = unique_rows(inputs, distance)
    if len(first) == n:
        return predict_codes(name, model, inputs, task, distance, average_strands, batch_size)
    scores = predict_codes(name, model, {k: v[first] for k, v in inputs.items()}, task,
                           None if distance is None else np.asarray(distance)[first], average_strands, batch_size)
    return scores[inverse]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


def effect_table(ref: np.ndarray, alt: np.ndarray, task) -> pd.DataFrame:
    """Long table of effects, one row per (row of ``ref``, target).

    Args:
        ref, alt: :meth:`dnazoo.tasks.Task.scores` of the REF and ALT sequences: ``(n,)`` binary,
            ``(n, k)`` multilabel or regression, ``(n, bins, tracks)`` profile.
        task: the :class:`dnazoo.tasks.Task`.

    Returns:
        Columns ``row`` (index into ``ref``), ``target`` and the module docstring's effects.
    """
    ref, alt = np.asarray(ref, dtype=np.float64), np.asarray(alt, dtype=np.float64)
    n = len(ref)
    extra = {}
    if task.name == "profile":
        extra["max_abs_bin_diff"] = np.abs(alt - ref).max(axis=1)  # (n, tracks)
        ref, alt = ref.sum(axis=1), alt.sum(axis=1)
    ref2, alt2 = ref.reshape(n, -1), alt.reshape(n, -1)
    k = ref2.shape[1]
    targets = list(task.targets)[:k] if len(task.targets) >= k else [f"output{j}" for j in range(k)]
    diff = alt2 - ref2
    out = {"row": np.repeat(np.arange(n), k), "target": np.tile(np.asarray(targets, dtype=object), n),
           "ref_score": ref2.ravel(), "alt_score": alt2.ravel(), "diff": diff.ravel(), "abs_diff": np.abs(diff).ravel()}
    if task.name in ("binary", "multilabel"):
        out["logit_diff"] = (_logit(alt2) - _logit(ref2)).ravel()
    else:
        out["logit_diff"] = np.full(n * k, np.nan)
    for key, v in extra.items():
        out[key] = v.reshape(n * k)
    return pd.DataFrame(out)


def _attach(effects: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    left = rows.reset_index(drop=True).iloc[effects["row"].to_numpy()].reset_index(drop=True)
    return pd.concat([left, effects.drop(columns="row").reset_index(drop=True)], axis=1)


def score_centred(name: str, model, genome: GenomeCodes, variants: pd.DataFrame, task, length: int,
                  average_strands: bool = False, batch_size: int = 256, input_name: str = "sequence") -> pd.DataFrame:
    """Effects of variants on a single-sequence model, in windows of ``length`` bp centred on each.

    Args:
        variants: ``chrom`` (the genome's names), ``pos`` (0-based REF start), ``ref``, ``alt``
            and any other columns, which are kept (:func:`dnazoo.data.variants.read_vcf`'s table).
        genome: :class:`dnazoo.data.variants.GenomeCodes` of the FASTA.

    Returns:
        ``variants``' columns, ``window_start`` (0-based), ``window_n`` (N bases in the REF
        window), ``status`` (``scored`` or ``window_off_chromosome``, whose effects are empty),
        then ``target`` and the effects (:func:`effect_table`).
    """
    w = centred_windows(variants, genome, length)
    rows = variants.reset_index(drop=True).assign(window_start=w["wstart"], window_n=w["window_n"],
                                                  status=np.where(w["ok"], "scored", "window_off_chromosome"))
    ok = np.flatnonzero(w["ok"])
    key = input_name
    ref = predict_codes(name, model, {key: w["ref"][ok]}, task, None, average_strands, batch_size)
    alt = predict_codes(name, model, {key: w["alt"][ok]}, task, None, average_strands, batch_size)
    scored = _attach(effect_table(ref, alt, task), rows.iloc[ok])
    off = rows[~w["ok"]]
    return pd.concat([scored, off], ignore_index=True) if len(off) else scored


def pair_hits(variants: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    """Every (variant, pair, anchor) whose anchor window holds the variant's whole REF allele.

    Args:
        variants: ``chrom``, ``pos``, ``ref`` (as :func:`score_centred`).
        windows: the pairs' windows (``results/<dataset>/split.tsv.gz``): ``pair_id``,
            ``chrom1``, ``wstart1``, ``wend1``, ``chrom2``, ``wstart2``, ``wend2``, ``distance``
            and optionally ``split``.

    Returns:
        Columns ``vrow`` (row of ``variants``), ``prow`` (row of ``windows``) and ``anchor`` (1 or 2).
    """
    hits = []
    vpos = variants["pos"].to_numpy(np.int64)
    vend = vpos + variants["ref"].str.len().to_numpy(np.int64)
    for anchor in (1, 2):
        c, s, e = windows[f"chrom{anchor}"], windows[f"wstart{anchor}"].to_numpy(np.int64), \
            windows[f"wend{anchor}"].to_numpy(np.int64)
        for chrom, vidx in variants.groupby("chrom").indices.items():
            pidx = np.flatnonzero((c == chrom).to_numpy())
            if not len(pidx):
                continue
            order = pidx[np.argsort(s[pidx], kind="stable")]
            starts = s[order]
            width = int((e[pidx] - s[pidx]).max())
            for v in vidx:
                lo = np.searchsorted(starts, vpos[v] - width + 1, side="left")
                hi = np.searchsorted(starts, vpos[v], side="right")
                for p in order[lo:hi]:
                    if s[p] <= vpos[v] and vend[v] <= e[p]:
                        hits.append((v, p, anchor))
    return pd.DataFrame(hits, columns=["vrow", "prow", "anchor"]).sort_values(["vrow", "prow", "anchor"],
                                                                              ignore_index=True)


def pair_windows(genome: GenomeCodes, variants: pd.DataFrame, windows: pd.DataFrame,
                 hits: pd.DataFrame) -> tuple[dict, dict, np.ndarray]:
    """REF and ALT inputs of a pair model for each (variant, pair, anchor) of ``hits``
    (:func:`pair_hits`): the anchor that holds the variant gets the REF or ALT allele (re-filled from
    the genome to keep the window's length), the partner anchor stays as in the genome.

    Returns:
        ``(ref, alt, wstart)``: ``{"anchor1": (n, L1) uint8, "anchor2": (n, L2) uint8}`` twice, and
        ``(n,)`` int64 the 0-based start of the window that holds the variant.
    """
    n = len(hits)
    lengths = [int((windows[f"wend{a}"] - windows[f"wstart{a}"]).iloc[0]) for a in (1, 2)]
    arrays = {f"anchor{a}": np.empty((n, lengths[a - 1]), dtype=np.uint8) for a in (1, 2)}
    alt_arrays = {k: v.copy() for k, v in arrays.items()}
    wstart = np.zeros(n, dtype=np.int64)
    for i, (v, p, a) in enumerate(zip(hits["vrow"], hits["prow"], hits["anchor"])):
        var, pair = variants.iloc[v], windows.iloc[p]
        for b in (1, 2):
            g = genome.codes(pair[f"chrom{b}"])
            s, L = int(pair[f"wstart{b}"]), lengths[b - 1]
            if b == a:
                arrays[f"anchor{b}"][i] = ref_window(g, s, L, int(var["pos"]), var["ref"])
                alt_arrays[f"anchor{b}"][i] = alt_window(g, s, L, int(var["pos"]), var["ref"], var["alt"])
                wstart[i] = s
            else:
                arrays[f"anchor{b}"][i] = alt_arrays[f"anchor{b}"][i] = g[s:s + L]
    return arrays, alt_arrays, wstart


def score_pairs(name: str, model, genome: GenomeCodes, variants: pd.DataFrame, windows: pd.DataFrame, task,
                average_strands: bool = False, batch_size: int = 256) -> pd.DataFrame:
    """Effects of variants on a pair (chromatin interaction) model: every pair whose anchor window
    holds the variant is scored with the ALT allele in that anchor (re-filled from the genome to
    keep the window's length) and the partner anchor fixed.

    Returns:
        ``variants``' columns, ``pair_id``, ``anchor`` (1 or 2), ``split`` (when ``windows`` has
        it), ``window_start``, ``window_n``, ``status`` (``scored``; ``no_pair`` for a variant in no
        anchor window, with empty effects), then ``target`` and the effects.
    """
    hits = pair_hits(variants, windows)
    rows_v = variants.reset_index(drop=True)
    n = len(hits)
    if n:
        arrays, alt_arrays, wstart = pair_windows(genome, rows_v, windows, hits)
        window_n = np.array([int((arrays[f"anchor{a}"][i] == 4).sum()) for i, a in enumerate(hits["anchor"])],
                            dtype=np.int64)
        dist = windows["distance"].to_numpy()[hits["prow"].to_numpy()] if "distance" in windows else None
        ref = predict_unique_codes(name, model, arrays, task, dist, average_strands, batch_size)
        alt = predict_codes(name, model, alt_arrays, task, dist, average_strands, batch_size)
        keep = [c for c in ("pair_id", "split") if c in windows]
        rows = pd.concat([rows_v.iloc[hits["vrow"].to_numpy()].reset_index(drop=True),
                          windows[keep].iloc[hits["prow"].to_numpy()].reset_index(drop=True)], axis=1)
        rows = rows.assign(anchor=hits["anchor"].to_numpy(), window_start=wstart, window_n=window_n, status="scored")
        scored = _attach(effect_table(ref, alt, task), rows)
    else:
        scored = pd.DataFrame()
    missing = np.setdiff1d(np.arange(len(rows_v)), hits["vrow"].to_numpy())
    none = rows_v.iloc[missing].assign(status="no_pair")
    return pd.concat([scored, none], ignore_index=True) if len(none) else scored


def score_sequence_variants(name: str, model, codes: np.ndarray, ids: np.ndarray, variants: pd.DataFrame, task,
                            average_strands: bool = False, batch_size: int = 256) -> pd.DataFrame:
    """Effects of substitutions on a sequences dataset's own sequences (no genome needed).

    Args:
        codes: ``(n, L)`` uint8 base codes of the sequences; ``ids``: ``(n,)`` their ids.
        variants: ``id``, ``pos`` (0-based index into the sequence), ``ref`` and ``alt`` (same
            length: substitutions, as tangermeme's substitution inputs).

    Returns:
        ``variants``' columns, ``ref_match`` (``match`` or ``mismatch`` against the sequence),
        then ``target`` and the effects.

    Raises:
        ValueError: an unknown ``id``, a ``pos`` outside the sequence, or REF and ALT of unequal
            length, naming the table's row.
    """
    rows = variants.reset_index(drop=True)
    ref_codes, alt_codes, match = substituted(codes, ids, rows)
    rows = rows.assign(ref_match=match)
    ref_s = predict_codes(name, model, {"sequence": ref_codes}, task, None, average_strands, batch_size)
    alt_s = predict_codes(name, model, {"sequence": alt_codes}, task, None, average_strands, batch_size)
    return _attach(effect_table(ref_s, alt_s, task), rows)


def substituted(codes: np.ndarray, ids, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """REF and ALT sequences of substitutions on a dataset's own sequences.

    Args:
        codes: ``(n, L)`` uint8; ``ids``: ``(n,)``; ``rows``: ``id``, ``pos`` (0-based), ``ref``, ``alt``.

    Returns:
        ``(ref, alt, ref_match)``: ``(k, L)`` uint8 twice (REF written as given) and ``(k,)``
        ``match`` / ``mismatch`` against the sequence.

    Raises:
        ValueError: as :func:`score_sequence_variants`.
    """
    index = {str(k): i for i, k in enumerate(np.asarray(ids).astype(str))}
    L = codes.shape[1]
    rows = rows.reset_index(drop=True)
    seq_i = np.empty(len(rows), dtype=np.int64)
    for r, (vid, pos, ref, alt) in enumerate(zip(rows["id"], rows["pos"], rows["ref"], rows["alt"])):
        if str(vid) not in index:
            raise ValueError(f"variants row {r}: id {vid!r} is not a sequence of the dataset")
        if len(ref) != len(alt):
            raise ValueError(f"variants row {r}: REF {ref!r} and ALT {alt!r} differ in length (substitutions only)")
        if not 0 <= int(pos) <= L - len(ref):
            raise ValueError(f"variants row {r}: pos {pos} is outside the {L}-bp sequence")
        seq_i[r] = index[str(vid)]
    ref_codes = np.asarray(codes)[seq_i].copy()
    alt_codes = ref_codes.copy()
    match = np.empty(len(rows), dtype=object)
    for r, (pos, ref, alt) in enumerate(zip(rows["pos"], rows["ref"], rows["alt"])):
        p = int(pos)
        match[r] = "match" if (ref_codes[r, p:p + len(ref)] == encode_codes(ref)).all() else "mismatch"
        ref_codes[r, p:p + len(ref)] = encode_codes(ref)
        alt_codes[r, p:p + len(alt)] = encode_codes(alt)
    return ref_codes, alt_codes, match


def score_variants(model, fasta: "str | os.PathLike | GenomeCodes", variants: pd.DataFrame, *, name: str | None = None,
                   spec: dict | None = None, windows: pd.DataFrame | None = None,
                   average_strands: bool | None = None, batch_size: int = 256) -> pd.DataFrame:
    """Variant effects of one trained model on a genome: the Python API of rule ``variant_effects``.

    Args:
        model: a ``model.keras`` / ``model.joblib`` path of the workflow layout, or a loaded model
            (then give ``name`` and ``spec``).
        fasta: the indexed FASTA the variants refer to, or an open
            :class:`dnazoo.data.variants.GenomeCodes` of it (kept open, so a caller that scores a
            VCF chunk by chunk reads each chromosome once).
        variants: ``chrom``, ``pos`` (0-based REF start), ``ref``, ``alt``; e.g. a chunk of
            :func:`dnazoo.data.variants.read_vcf`. Chromosome names must be the FASTA's.
        name: the registry name (default: the model file's folder name).
        spec: the training dataset's ``spec.json`` (default: the one beside a workflow model).
        windows: for a pair model, the pairs' windows (``results/<dataset>/split.tsv.gz``).
        average_strands: default True for Keras models.

    Returns:
        :func:`score_centred` or :func:`score_pairs` output, with ``ref_match``
        (:func:`dnazoo.data.variants.check_ref`).

    Example::

        from dnazoo.interpret.variants import score_variants
        table = score_variants("results/USF2/models/deepbind/model.keras", "hg19.fa",
                               pd.DataFrame({"chrom": ["chr1"], "pos": [1_000_000], "ref": ["A"], "alt": ["G"]}))
    """
    import json
    from pathlib import Path

    from dnazoo import models
    from dnazoo.data.variants import check_ref
    from dnazoo.tasks import from_spec
    from dnazoo.training import load_trained

    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        name = name or path.parent.name
        if spec is None:
            spec_path = path.parent.parent.parent / "encoded" / "spec.json"
            spec = json.loads(spec_path.read_text()) if spec_path.exists() else None
        model = load_trained(name, path)
    if name is None or spec is None:
        raise ValueError("give name and spec with a loaded model")
    if average_strands is None:
        average_strands = models.get(name).framework == "keras"
    task = from_spec(spec)
    genome = fasta if isinstance(fasta, GenomeCodes) else GenomeCodes(fasta)
    try:
        variants = variants.reset_index(drop=True)
        if "ref_match" not in variants:
            variants = variants.assign(ref_match=check_ref(variants, genome))
        if spec.get("kind") == "pairs":
            if windows is None:
                raise ValueError("a pair model needs the pairs' windows (results/<dataset>/split.tsv.gz)")
            return score_pairs(name, model, genome, variants, windows, task, average_strands, batch_size)
        first = spec["inputs"][0]
        return score_centred(name, model, genome, variants, task, int(first["shape"][0]), average_strands,
                             batch_size, first["name"])
    finally:
        if genome is not fasta:
            genome.close()


BASES = "ACGT"


def best_motif_scores(codes: np.ndarray, ppm: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    """The best log-odds score of a motif over every offset and both strands of each sequence, the
    score FIMO thresholds (log2 of the PPM plus ``eps`` against a uniform background, as memelite).

    Args:
        codes: ``(n, L)`` uint8 base codes (N scores 0 at every column).
        ppm: ``(width, 4)`` probabilities, columns A, C, G, T.

    Returns:
        ``(n,)`` float64 bits; ``-inf`` where the sequence is shorter than the motif.
    """
    from dnazoo.data.encoding import onehot, reverse_complement_codes

    lo = np.log2(np.asarray(ppm, dtype=np.float64) + eps) - np.log2(0.25)  # (w, 4)
    w = len(lo)
    codes = np.asarray(codes)
    if codes.shape[1] < w:
        return np.full(len(codes), -np.inf)
    best = np.full(len(codes), -np.inf)
    for strand in (codes, reverse_complement_codes(codes)):
        x = onehot(strand).astype(np.float64)  # (n, L, 4)
        per_base = np.einsum("nlb,wb->nlw", x, lo)  # score of base l at motif column w
        windows = np.lib.stride_tricks.sliding_window_view(per_base, w, axis=1)  # (n, L-w+1, w, w)
        scores = np.trace(windows, axis1=2, axis2=3)  # column j of the motif at offset o + j
        best = np.maximum(best, scores.max(axis=1))
    return best


def motif_break_variants(codes: np.ndarray, ids, ppm: np.ndarray, *, motif: str = "motif",
                         threshold: float = 1e-4, near_threshold: float = 1e-3, away: int = 20,
                         seed: int = 0) -> pd.DataFrame:
    """In-silico SNVs that break a TF's motif, and SNVs well away from it, on a set of sequences
    (e.g. the test peaks of a ChIP-seq dataset): a benchmark of variant effects with no genome.

    FIMO (Grant et al., Bioinformatics 2011; memelite's implementation, both strands) finds the
    motif's hits. In every sequence with a hit at ``p < threshold`` one ``motif_break`` SNV goes to
    the best hit's most informative column (the highest information content, ties to the first),
    REF the sequence's base and ALT the base the motif likes least there (on the hit's strand); one
    ``away`` SNV goes to a position, drawn at random, at least ``away`` bp from every hit at
    ``p < near_threshold`` (the lenient scan, so weak sites are avoided too), ALT drawn at random
    from the three other bases. Sequences with no allowed position, or an N at the chosen one, get
    no ``away`` SNV.

    The PWM-score baseline comes with each SNV: ``pwm_ref`` and ``pwm_alt``, the best log-odds score
    of the motif over the REF and ALT sequence (:func:`best_motif_scores`), and ``pwm_abs_diff``
    = |pwm_alt − pwm_ref| (bits).

    Args:
        codes: ``(n, L)`` uint8 base codes; ``ids``: ``(n,)`` their ids.
        ppm: ``(width, 4)`` probabilities, columns A, C, G, T (e.g. a JASPAR matrix,
            :func:`dnazoo.data.jaspar.jaspar_motifs`).
        motif: the motif's name, written in the ``motif`` column.
        threshold, near_threshold: FIMO p-values of a hit and of a site the ``away`` SNVs avoid.
        away: the smallest distance (bp) from an ``away`` SNV to any lenient hit.
        seed: the ``away`` SNVs' positions and ALT bases.

    Returns:
        Columns ``id``, ``pos`` (0-based index into the sequence), ``ref``, ``alt``, ``class``
        (``motif_break`` or ``away``), ``motif``, ``hit_start`` (0-based), ``hit_strand``,
        ``hit_p``, ``pwm_ref``, ``pwm_alt``, ``pwm_abs_diff``; ``variant_id`` = ``id:pos:REF>ALT``.
        Sorted by sequence, then class.

    Raises:
        ValueError: ``near_threshold`` below ``threshold``, or ``away`` < 0.
    """
    from memelite import fimo

    from dnazoo.data.encoding import onehot
    from dnazoo.interpret.motifs import column_bits

    if near_threshold < threshold:
        raise ValueError(f"near_threshold ({near_threshold}) must be at least threshold ({threshold})")
    if away < 0:
        raise ValueError(f"away must be >= 0 bp, not {away}")
    codes = np.asarray(codes)
    ids = np.asarray(ids).astype(str)
    ppm = np.asarray(ppm, dtype=np.float64)
    width, L = len(ppm), codes.shape[1]
    x = np.ascontiguousarray(onehot(codes).transpose(0, 2, 1), dtype=np.float32)  # (n, 4, L)
    lenient = fimo({motif: ppm.T}, x, threshold=near_threshold)[0]
    lenient = lenient.assign(seq=lenient["sequence_name"].astype(int))
    col = int(np.argmax(column_bits(ppm)))
    rng = np.random.default_rng(seed)
    rows = []
    for s, hits in lenient.groupby("seq", sort=True):
        strong = hits[hits["p-value"] < threshold]
        if not len(strong):
            continue
        best = strong.sort_values(["p-value", "start"]).iloc[0]
        start, strand = int(best["start"]), str(best["strand"])
        if strand == "+":
            pos, alt = start + col, BASES[int(np.argmin(ppm[col]))]
        else:  # the reverse-complement motif: column col sits at width-1-col, complemented
            pos, alt = start + width - 1 - col, BASES[3 - int(np.argmin(ppm[col]))]
        ref_code = int(codes[s, pos])
        hit = {"hit_start": start, "hit_strand": strand, "hit_p": float(best["p-value"])}
        if ref_code < 4 and BASES[ref_code] != alt:
            rows.append({"seq": s, "pos": pos, "ref": BASES[ref_code], "alt": alt, "class": "motif_break", **hit})
        allowed = np.ones(L, dtype=bool)
        for a, b in zip(hits["start"].astype(int), hits["end"].astype(int)):
            allowed[max(0, a - away):min(L, b + away)] = False
        allowed &= codes[s] < 4
        candidates = np.flatnonzero(allowed)
        if len(candidates):
            p = int(rng.choice(candidates))
            ref = BASES[int(codes[s, p])]
            rows.append({"seq": s, "pos": p, "ref": ref, "alt": str(rng.choice([b for b in BASES if b != ref])),
                         "class": "away", **hit})
    cols = ["id", "pos", "ref", "alt", "class", "motif", "hit_start", "hit_strand", "hit_p",
            "pwm_ref", "pwm_alt", "pwm_abs_diff", "variant_id"]
    if not rows:
        return pd.DataFrame(columns=cols)
    table = pd.DataFrame(rows)
    seq_i = table["seq"].to_numpy()
    ref_codes = codes[seq_i].copy()
    alt_codes = ref_codes.copy()
    alt_codes[np.arange(len(table)), table["pos"].to_numpy()] = [BASES.index(a) for a in table["alt"]]
    table["pwm_ref"] = best_motif_scores(ref_codes, ppm)
    table["pwm_alt"] = best_motif_scores(alt_codes, ppm)
    table["pwm_abs_diff"] = (table["pwm_alt"] - table["pwm_ref"]).abs()
    table["id"] = ids[seq_i]
    table["motif"] = motif
    table["variant_id"] = table["id"] + ":" + table["pos"].astype(str) + ":" + table["ref"] + ">" + table["alt"]
    return table[cols].reset_index(drop=True)


def variant_ism(model, ref: dict, alt: dict, input_name, distance: np.ndarray | None = None,
                target: int = 0, batch_size: int = 1024) -> dict:
    """In-silico mutagenesis of the REF and ALT sequences of variants, as attributions of the
    observed bases: at every position, minus the mean change of the three substitutions
    (:func:`dnazoo.interpret.ism`, mean-centred as :func:`dnazoo.interpret.hypothetical_from_ism`,
    times the one-hot), on the input that holds the variant. Only that input is mutated: a pair
    model's other anchor stays as it is, so a row costs one ISM of one window per allele.

    Args:
        model: a trained Keras model of the zoo.
        ref, alt: ``{input name: (n, L) uint8 codes}``, the model's sequence inputs.
        input_name: the input whose attributions are returned (``sequence``, ``anchor1``...), one
            for every row or an ``(n,)`` array of names, one per row (a pair model's variants lie
            in either anchor).
        distance: ``(n,)`` bp between anchor midpoints, for pair models that take it.

    Returns:
        ``{"ref": (n, L, 4) float32, "alt": (n, L, 4) float32}``, score units of
        :func:`dnazoo.interpret.score_model` (the logit for binary tasks).

    Raises:
        ValueError: an input name the model does not have, or inputs that do not fit it.
    """
    from dnazoo.data.encoding import onehot
    from dnazoo.interpret import _check, _ism_input, _to_inputs, hypothetical_from_ism, score_model

    ex = score_model(model, target)
    channels = ex.channels or 4
    names = [i.name for i in model.inputs if i.name != "log10_distance"]
    n = len(np.asarray(ref[names[0]]))
    per_row = np.broadcast_to(np.asarray(input_name, dtype=object), (n,))
    unknown = sorted(set(per_row) - set(names))
    if unknown:
        raise ValueError(f"variant_ism: input {unknown[0]!r} is not one of the model's sequence inputs {names}")
    extra = []
    if "log10_distance" in [i.name for i in model.inputs]:
        extra = [np.log10(np.asarray(distance, dtype=np.float64) + 1.0).astype(np.float32).reshape(-1, 1)]
    out = {}
    for which, arrays in (("ref", ref), ("alt", alt)):
        onehots = [np.asarray(x, dtype=np.float32)
                   for x in _check([onehot(np.asarray(arrays[k]), channels) for k in names], ex)]
        own = np.array(arrays[names[0]], copy=True)  # (n, L) codes of the input each row explains
        scores = np.zeros((*own.shape, 4), dtype=np.float32)
        for name in dict.fromkeys(per_row):
            rows = np.flatnonzero(per_row == name)
            own[rows] = np.asarray(arrays[name])[rows]
            sub, sub_extra = [x[rows] for x in onehots], [e[rows] for e in extra]
            base = ex(_to_inputs(ex, sub, sub_extra), batch_size=batch_size)
            scores[rows] = _ism_input(ex, sub, sub_extra, names.index(name), base, batch_size)
        observed = onehot(own, 4).astype(np.float32)
        out[which] = hypothetical_from_ism(scores) * observed
    return out
