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
        lengths = [int((windows[f"wend{a}"] - windows[f"wstart{a}"]).iloc[0]) for a in (1, 2)]
        arrays = {f"anchor{a}": np.empty((n, lengths[a - 1]), dtype=np.uint8) for a in (1, 2)}
        alt_arrays = {k: v.copy() for k, v in arrays.items()}
        window_n = np.zeros(n, dtype=np.int64)
        wstart = np.zeros(n, dtype=np.int64)
        for i, (v, p, a) in enumerate(zip(hits["vrow"], hits["prow"], hits["anchor"])):
            var, pair = rows_v.iloc[v], windows.iloc[p]
            for b in (1, 2):
                g = genome.codes(pair[f"chrom{b}"])
                s, L = int(pair[f"wstart{b}"]), lengths[b - 1]
                if b == a:
                    arrays[f"anchor{b}"][i] = ref_window(g, s, L, int(var["pos"]), var["ref"])
                    alt_arrays[f"anchor{b}"][i] = alt_window(g, s, L, int(var["pos"]), var["ref"], var["alt"])
                    window_n[i] = int((arrays[f"anchor{b}"][i] == 4).sum())
                    wstart[i] = s
                else:
                    arrays[f"anchor{b}"][i] = alt_arrays[f"anchor{b}"][i] = g[s:s + L]
        dist = windows["distance"].to_numpy()[hits["prow"].to_numpy()] if "distance" in windows else None
        ref = predict_codes(name, model, arrays, task, dist, average_strands, batch_size)
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
    index = {str(k): i for i, k in enumerate(np.asarray(ids).astype(str))}
    L = codes.shape[1]
    rows = variants.reset_index(drop=True)
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
    rows = rows.assign(ref_match=match)
    ref_s = predict_codes(name, model, {"sequence": ref_codes}, task, None, average_strands, batch_size)
    alt_s = predict_codes(name, model, {"sequence": alt_codes}, task, None, average_strands, batch_size)
    return _attach(effect_table(ref_s, alt_s, task), rows)


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
