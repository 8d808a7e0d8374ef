"""The variant-effect stages (rules simulate_variants, insilico_variants, variant_effects,
variant_effects_ism, variant_table)."""

from __future__ import annotations

import gzip
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from dnazoo.io import atomic_path, read_table, write_table
from dnazoo.pipeline.common import configure_backend
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


def simulate_variants_stage(simulate: dict, window: int, seed: int, vcf_out, truth_out) -> None:
    """Rule ``simulate_variants``: the demo genome's benchmark variants
    (:func:`dnazoo.data.simulate.simulate_variants`) as a bgzipped VCF and their truth table."""
    from dnazoo.data.simulate import SimulationParams, simulate_variants, write_vcf

    genome, variants = simulate_variants(SimulationParams(**simulate), window=window, seed=seed)
    write_vcf(variants, {c: len(s) for c, s in genome.items()}, vcf_out, info=("class",))
    write_table(variants, truth_out)
    log.info("simulated %d variants: %s", len(variants), variants["class"].value_counts().to_dict())


def variant_effects_stage(model: str, model_path, encoded_dir, fasta, vcf, source: str, settings: dict,
                          out, counts_out, windows=None, threads: int = 1, ism_stem=None,
                          simulated: bool = False) -> dict:
    """Rules ``variant_effects`` and ``variant_effects_ism``: one model's effects on a variant set,
    read and scored ``chunk_size`` variants at a time (:func:`dnazoo.data.variants.read_vcf`,
    :func:`dnazoo.interpret.variants.score_variants`), written to ``out`` (gzipped TSV) atomically.

    Args:
        settings: the set's ``on_ref_mismatch``, ``indels``, ``average_strands``, ``chunk_size``.
        source: the VCF's name for messages (its URL or path).
        windows: a pairs dataset's ``split.tsv.gz``.
        ism_stem: for a Keras model, also ISM around the variants of largest |effect|, drawn as
            ``ism_stem.png`` / ``.pdf`` (:func:`top_variant_ism`), in the same process: one backend
            import and one model load for both outputs.
        simulated: the set is the demo simulator's (the figure names each variant's class).

    Returns:
        The counts written to ``counts_out`` (JSON): records, variants, skipped and flagged ones,
        rows scored, windows with N (the scoring's variants/s goes to the log only, so that a rerun
        writes the same file).
    """
    from dnazoo.data.dataset import read_spec
    from dnazoo.data.genome import read_chrom_sizes
    from dnazoo.data.variants import ReadCounts, apply_ref_policy, check_ref, GenomeCodes, read_vcf
    from dnazoo.interpret.variants import score_variants
    from dnazoo.training import load_trained

    keras_model = configure_backend(threads, model)  # a baseline scores without the backend
    spec = read_spec(encoded_dir)
    loaded = load_trained(model, model_path)
    average = bool(settings.get("average_strands", True)) and keras_model
    pair_windows = read_table(windows) if windows else None
    sizes = read_chrom_sizes(f"{fasta}.fai")
    counts = ReadCounts()
    stats = {"rows": 0, "scored": 0, "window_off_chromosome": 0, "no_pair": 0, "window_with_n": 0, "score_s": 0.0}
    genome = GenomeCodes(fasta)
    with atomic_path(out) as tmp:
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            header = True
            for chunk in read_vcf(vcf, sizes, source=source, chunk_size=int(settings.get("chunk_size", 50_000)),
                                  indels=settings.get("indels", "score"), counts=counts):
                chunk = chunk.assign(ref_match=check_ref(chunk, genome))
                chunk = apply_ref_policy(chunk, settings.get("on_ref_mismatch", "flag"), source, counts)
                t0 = time.perf_counter()
                table = score_variants(loaded, genome, chunk, name=model, spec=spec, windows=pair_windows,
                                       average_strands=average)
                stats["score_s"] += time.perf_counter() - t0
                stats["rows"] += len(table)
                for status, n in table.drop_duplicates(
                        [c for c in ("variant_id", "pair_id", "anchor") if c in table])["status"].value_counts().items():
                    stats[status] = stats.get(status, 0) + int(n)
                if "window_n" in table:
                    stats["window_with_n"] += int((table.drop_duplicates("variant_id")["window_n"].fillna(0) > 0).sum())
                gz.write(table.to_csv(sep="\t", index=False, header=header, float_format="%.6g").encode())
                header = False
    genome.close()
    score_s = stats.pop("score_s")
    result = {**counts.as_dict(), **stats, "average_strands": average}  # no seconds: a rerun writes the same bytes
    for what, n in (("REF alleles that do not match the genome", counts.ref_mismatch),
                    ("REF/ALT swapped (the genome has ALT)", counts.ref_swapped),
                    ("windows off a chromosome end (not scored, status window_off_chromosome)",
                     stats["window_off_chromosome"]),
                    ("variants in no pair's anchor window (status no_pair)", stats["no_pair"]),
                    ("windows holding N bases (window_n > 0)", stats["window_with_n"])):
        if n:
            log.warning("%s: %d %s", source, n, what)
    write_json(result, counts_out)
    log.info("%s on %s: %s; scored in %.1f s (%.0f variants/s)", model, source, result, score_s,
             counts.variants / score_s if score_s else float("nan"))
    if ism_stem is not None:
        top_variant_ism(model, loaded, encoded_dir, out, settings, ism_stem, fasta=fasta, windows=windows,
                        simulated=simulated)
    return result


def insilico_variants_stage(encoded_dir, dataset: str, vset: str, settings: dict, out) -> pd.DataFrame:
    """Rule ``insilico_variants``: SNVs that break the dataset's JASPAR motif in its positive
    sequences of ``settings["split"]``, and SNVs away from it
    (:func:`dnazoo.interpret.variants.motif_break_variants`), written to ``out`` (TSV).

    Args:
        settings: the set's config: ``split`` and ``insilico`` (``motifs``, ``threshold``,
            ``near_threshold``, ``away``, ``jaspar``) and ``seed``.

    Raises:
        ValueError: the dataset's motif is not in the JASPAR release, naming the config key.
    """
    from dnazoo.data.dataset import load_split
    from dnazoo.data.jaspar import jaspar_motifs, motif_for
    from dnazoo.interpret.variants import motif_break_variants

    opts = settings.get("insilico") or {}
    split = settings.get("split", "test")
    given = (opts.get("motifs") or {}).get(dataset)
    key = f"variants.{vset}.insilico.motifs.{dataset}" if given else f"variants.{vset}.insilico.motifs (default: {dataset})"
    matrix, motif = motif_for(given or dataset, jaspar_motifs(opts.get("jaspar", "JASPAR2026")), key)
    data = load_split(encoded_dir, split)
    positive = np.asarray(data["labels"]).reshape(len(data["labels"]), -1)[:, 0] == 1
    codes = np.asarray(data["inputs"][data["input_names"].index("sequence")])[positive]
    table = motif_break_variants(codes, np.asarray(data["ids"])[positive], motif["ppm"],
                                 motif=f"{matrix} {motif['name']}", threshold=float(opts.get("threshold", 1e-4)),
                                 near_threshold=float(opts.get("near_threshold", 1e-3)),
                                 away=int(opts.get("away", 20)), seed=int(settings.get("seed", 0)))
    write_table(table, out)
    log.info("%s: %s (%s) in %d positive %s sequences: %s", dataset, matrix, motif["name"], int(positive.sum()),
             split, table["class"].value_counts().to_dict())
    if not len(table):
        log.warning("%s: no FIMO hit of %s at p < %g: no variants", dataset, matrix, opts.get("threshold", 1e-4))
    return table


def sequence_variant_effects_stage(model: str, model_path, encoded_dir, table, source: str, settings: dict,
                                   out, counts_out, threads: int = 1, ism_stem=None) -> dict:
    """Rules ``variant_effects`` and ``variant_effects_ism`` on a ``table`` or ``insilico`` set: one
    model's effects on substitutions in the dataset's own sequences of ``settings["split"]``
    (:func:`dnazoo.interpret.variants.score_sequence_variants`), written to ``out`` (gzipped TSV)
    atomically, with a ``variant_id`` (``id:pos:REF>ALT`` unless the table has one) and ``status``
    ``scored``; with ``ism_stem``, also ISM around the variants of largest |effect|
    (:func:`top_variant_ism`).

    Returns:
        The counts written to ``counts_out`` (JSON): variants, REF mismatches against the sequence,
        and per ``class`` where the table has one.

    Raises:
        ValueError: a table without the columns id, pos, ref, alt, or a row that names an unknown
            sequence, a position outside it or unequal REF and ALT, naming ``source`` and the row.
    """
    from dnazoo.data.dataset import load_split
    from dnazoo.interpret.variants import score_sequence_variants
    from dnazoo.tasks import from_spec
    from dnazoo.training import load_trained

    keras_model = configure_backend(threads, model)  # a baseline scores without the backend
    variants = read_table(table)
    missing = [c for c in ("id", "pos", "ref", "alt") if c not in variants]
    if missing:
        raise ValueError(f"{source}: no column {', '.join(missing)} (a variants table has id, pos (0-based), ref, alt)")
    variants = variants.assign(ref=variants["ref"].astype(str).str.upper(), alt=variants["alt"].astype(str).str.upper())
    data = load_split(encoded_dir, settings.get("split", "test"))
    codes = np.asarray(data["inputs"][data["input_names"].index("sequence")])
    average = bool(settings.get("average_strands", True)) and keras_model
    loaded = load_trained(model, model_path)
    try:
        scored = score_sequence_variants(model, loaded, codes, data["ids"], variants, from_spec(data["spec"]),
                                         average_strands=average)
    except ValueError as e:
        raise ValueError(f"{source}: {e}") from None
    if "variant_id" not in scored:
        scored.insert(0, "variant_id", scored["id"].astype(str) + ":" + scored["pos"].astype(str) + ":"
                      + scored["ref"] + ">" + scored["alt"])
    scored = scored.assign(status="scored")
    with atomic_path(out) as tmp:
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
            gz.write(scored.to_csv(sep="\t", index=False, float_format="%.6g").encode())
    per = scored.drop_duplicates("variant_id")
    result = {"variants": int(len(per)), "ref_mismatch": int((per["ref_match"] == "mismatch").sum()),
              "average_strands": average}
    if "class" in per:
        result["classes"] = {str(k): int(v) for k, v in per["class"].value_counts().sort_index().items()}
    if result["ref_mismatch"]:
        log.warning("%s: %d REF alleles that do not match the sequence (ref_match mismatch; scored with the REF given)",
                    source, result["ref_mismatch"])
    write_json(result, counts_out)
    log.info("%s on %s: %s", model, source, result)
    if ism_stem is not None:
        top_variant_ism(model, loaded, encoded_dir, out, settings, ism_stem, variants_table=table)
    return result


def top_variant_ism(model: str, loaded, encoded_dir, effects, settings: dict, stem, fasta=None,
                    windows=None, variants_table=None, n_top: int = 3, flank: int = 20,
                    simulated: bool = False) -> pd.DataFrame:
    """ISM around the ``n_top`` variants of largest |effect| (first target; a variant's largest over
    its pairs) of one loaded Keras model, REF and ALT logos over ``centre ± flank`` bp
    (:func:`dnazoo.interpret.variants.variant_ism`, :func:`dnazoo.plots.variants.plot_top_variants`)
    as ``stem.png`` / ``stem.pdf``; part of rule ``variant_effects_ism``.

    Args:
        loaded: the model, as :func:`dnazoo.training.load_trained` returns it (backend configured).
        effects: the model's ``variant_effects`` table (gzipped TSV).
        fasta, windows: a VCF set's genome and, for a pairs dataset, its ``split.tsv.gz``.
        variants_table: instead, a table or insilico set's substitutions (sequences of
            ``settings["split"]``).

    Returns:
        The top variants' rows of ``effects``.
    """
    from dnazoo.data.dataset import read_spec
    from dnazoo.data.variants import GenomeCodes, centred_windows
    from dnazoo.interpret.variants import pair_windows, substituted, variant_ism
    from dnazoo.plots.variants import plot_top_variants

    table = read_table(effects)
    table = table[table["status"] == "scored"]
    table = table[table["target"] == table["target"].iloc[0]] if len(table) else table
    top = table.sort_values(["abs_diff", "variant_id"], ascending=[False, True]).drop_duplicates("variant_id")
    top = top.head(n_top).reset_index(drop=True)
    spec = read_spec(encoded_dir)
    distance = None
    if variants_table is not None:
        from dnazoo.data.dataset import load_split

        data = load_split(encoded_dir, settings.get("split", "test"))
        codes = np.asarray(data["inputs"][data["input_names"].index("sequence")])
        ref, alt, _ = substituted(codes, data["ids"], top)
        ref, alt, input_name, centre = {"sequence": ref}, {"sequence": alt}, "sequence", top["pos"].to_numpy()
    else:
        genome = GenomeCodes(fasta)
        try:
            if spec.get("kind") == "pairs":
                pairs = read_table(windows)
                prow = pd.Series(np.arange(len(pairs)), index=pairs["pair_id"])[top["pair_id"]].to_numpy()
                hits = pd.DataFrame({"vrow": np.arange(len(top)), "prow": prow, "anchor": top["anchor"].astype(int)})
                ref, alt, wstart = pair_windows(genome, top, pairs, hits)
                distance = pairs["distance"].to_numpy()[prow] if "distance" in pairs else None
                input_name = "anchor" + top["anchor"].astype(int).astype(str).to_numpy()  # the anchor that holds it
            else:
                first = spec["inputs"][0]
                w = centred_windows(top, genome, int(first["shape"][0]))
                ref, alt, input_name, wstart = {first["name"]: w["ref"]}, {first["name"]: w["alt"]}, first["name"], w["wstart"]
        finally:
            genome.close()
        centre = top["pos"].to_numpy(np.int64) - wstart
    attributions = variant_ism(loaded, ref, alt, input_name, distance)
    plot_top_variants(top, attributions, centre, stem,
                      f"{model}: ISM around the {len(top)} variants of largest |effect|", flank, simulated)
    log.info("%s: ISM around %s", model, ", ".join(top["variant_id"]))
    return top


def _per_variant(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (variant, target): the largest |effect| over the pairs and anchors that hold it."""
    scored = table[table["status"] == "scored"]
    keys = ["variant_id", "target"]
    idx = scored.groupby(keys)["abs_diff"].idxmax()
    return scored.loc[idx].reset_index(drop=True)


def benchmark_table(effects: dict[tuple[str, str], pd.DataFrame], truth: pd.DataFrame | None = None,
                    seed: int = 0, n_null: int = 200) -> pd.DataFrame:
    """AUROC of |effect| separating ``motif_break`` variants from the others (``random`` in the
    simulator's set, ``away`` in an insilico set), per (dataset, model), on every variant and on
    those of test pairs, with how far chance goes at that size; plus a null row per model. Where the
    tables carry the PWM-score baseline (insilico sets: ``pwm_abs_diff``), it gets its rows too, as
    model ``pwm_score``.

    Columns beside the AUROC:

    * ``p_value``: the one-sided Mann–Whitney U test (scipy) that |effect| is larger for
      ``motif_break`` than for the others (the AUROC is U / (n_positive · n_negative));
    * ``chance_low``, ``chance_high``: the 2.5 and 97.5 percentiles of the AUROC over ``n_null``
      random permutations of the classes, the range chance alone gives at these sizes;
    * the null row (comparison ``null: <others> vs <others>``): the other variants split at random
      into two halves, ``n_null`` times; ``auroc`` is the mean over the splits (a calibrated score
      gets 0.5) and ``chance_low``/``chance_high`` their percentiles.

    Args:
        effects: ``{(dataset, model): variant_effects table}``; a ``class`` column gives each
            variant's class, else ``truth`` does.
        truth: the simulator's truth (``id``, ``class``), matched on the tables' ``id``.
        seed: the permutations and splits (the same for every model).

    Returns:
        Columns ``dataset, model, variants, comparison, n_positive, n_negative, auroc, p_value,
        chance_low, chance_high``.
    """
    from scipy.stats import mannwhitneyu
    from sklearn.metrics import roc_auc_score

    cls = dict(zip(truth["id"], truth["class"])) if truth is not None else {}

    def auroc(pos, score):
        return float(roc_auc_score(pos, score)) if len(np.unique(pos)) == 2 else np.nan

    def spread(values):
        values = [v for v in values if v == v]
        return (round(float(np.percentile(values, 2.5)), 4), round(float(np.percentile(values, 97.5)), 4)) \
            if values else (np.nan, np.nan)

    def rows_of(dataset, model, v, score):
        neg = "/".join(sorted(set(v["cls"].dropna()) - {"motif_break"})) or "others"
        subsets = {"all": v}
        if "split" in v:
            subsets["test"] = v[v["split"] == "test"]
        out = []
        for name, sub in subsets.items():
            pos = (sub["cls"] == "motif_break").to_numpy()
            x = sub[score].to_numpy(dtype=np.float64)
            ok = len(np.unique(pos)) == 2
            rng = np.random.default_rng(seed)
            low, high = spread([auroc(rng.permutation(pos), x) for _ in range(n_null)] if ok else [])
            out.append({"dataset": dataset, "model": model, "variants": name, "comparison": f"motif_break vs {neg}",
                        "n_positive": int(pos.sum()), "n_negative": int((~pos).sum()),
                        "auroc": round(auroc(pos, x), 4) if ok else np.nan,
                        "p_value": float(f"{mannwhitneyu(x[pos], x[~pos], alternative='greater').pvalue:.4g}")
                        if ok else np.nan,
                        "chance_low": low, "chance_high": high})
        rnd = v[v["cls"] != "motif_break"][score].to_numpy(dtype=np.float64)
        rng = np.random.default_rng(seed)
        halves = [rng.random(len(rnd)) < 0.5 for _ in range(n_null)]
        nulls = [auroc(h, rnd) for h in halves if 0 < h.sum() < len(h)]
        low, high = spread(nulls)
        out.append({"dataset": dataset, "model": model, "variants": "all", "comparison": f"null: {neg} vs {neg}",
                    "n_positive": int(len(rnd) // 2), "n_negative": int(len(rnd) - len(rnd) // 2),
                    "auroc": round(float(np.mean(nulls)), 4) if nulls else np.nan, "p_value": np.nan,
                    "chance_low": low, "chance_high": high})
        return out

    rows, baselines = [], {}
    for (dataset, model), table in effects.items():
        v = _per_variant(table)
        v = v.assign(cls=v["class"] if "class" in v else v["id"].map(cls))
        rows += rows_of(dataset, model, v, "abs_diff")
        if "pwm_abs_diff" in v and dataset not in baselines:
            baselines[dataset] = rows_of(dataset, "pwm_score", v, "pwm_abs_diff")
    for dataset in sorted(baselines):
        rows += baselines[dataset]
    return pd.DataFrame(rows, columns=["dataset", "model", "variants", "comparison", "n_positive", "n_negative",
                                       "auroc", "p_value", "chance_low", "chance_high"])


def agreement_table(effects: dict[tuple[str, str], pd.DataFrame]) -> pd.DataFrame:
    """Spearman correlation of the effects (``diff``) of every two models of a dataset, per target,
    over the variants both scored (one value per variant: the largest |effect| over its pairs).

    Returns:
        Columns ``dataset, target, model_a, model_b, n, spearman_rho``.
    """
    from scipy.stats import spearmanr

    rows = []
    datasets = sorted({d for d, _ in effects})
    for d in datasets:
        per = {m: _per_variant(t).set_index(["variant_id", "target"])["diff"] for (dd, m), t in effects.items()
               if dd == d}
        names = list(per)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                joined = pd.concat([per[a].rename("a"), per[b].rename("b")], axis=1, join="inner")
                for target, sub in joined.groupby(level="target"):
                    varied = sub["a"].nunique() > 1 and sub["b"].nunique() > 1
                    rho = spearmanr(sub["a"], sub["b"]).statistic if varied and len(sub) > 2 else np.nan
                    rows.append({"dataset": d, "target": target, "model_a": a, "model_b": b, "n": len(sub),
                                 "spearman_rho": round(float(rho), 4) if rho == rho else np.nan})
    return pd.DataFrame(rows, columns=["dataset", "target", "model_a", "model_b", "n", "spearman_rho"])


def variant_table_stage(runs: list[dict], out_dir, truth=None, seed: int = 0) -> None:
    """Rule ``variant_table``: one variant set across datasets and models.

    Writes ``out_dir``/``effects.tsv.gz`` (one row per variant, target and model: the largest
    |effect| over the pairs that hold it), ``agreement.tsv`` (:func:`agreement_table`),
    ``benchmark.tsv`` (:func:`benchmark_table`; simulated sets only, else an empty table) and the
    figure ``effects.png``/``.pdf`` (distribution of |effect| per model).

    Args:
        runs: ``[{"dataset", "model", "table"}]`` with the per-model ``variant_effects`` tables.
        truth: the simulator's truth table (simulated sets).
    """
    from dnazoo.plots.variants import plot_effects

    out_dir = Path(out_dir)
    effects = {(r["dataset"], r["model"]): read_table(r["table"]) for r in runs}
    combined = pd.concat([_per_variant(t).assign(dataset=d, model=m) for (d, m), t in effects.items()],
                         ignore_index=True)
    first = ["dataset", "model", "variant_id", "target"]
    combined = combined[first + [c for c in combined if c not in first]]
    write_table(combined, out_dir / "effects.tsv.gz")
    write_table(agreement_table(effects), out_dir / "agreement.tsv")
    labelled = truth or all("class" in t for t in effects.values())
    bench = benchmark_table(effects, read_table(truth) if truth else None, seed) if labelled else pd.DataFrame(
        columns=["dataset", "model", "variants", "comparison", "n_positive", "n_negative", "auroc", "p_value",
                 "chance_low", "chance_high"])
    write_table(bench, out_dir / "benchmark.tsv")
    cls = dict(zip(*read_table(truth)[["id", "class"]].T.values)) if truth else None
    plot_effects(combined, out_dir / "effects", classes=cls)
    log.info("variant set %s: %d models; benchmark:\n%s", out_dir.name, len(effects),
             bench.to_string(index=False) if len(bench) else "(not simulated)")
