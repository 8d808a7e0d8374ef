"""The DeepCpG methylation stages (rule group methylation): simulate, build the dataset, train, evaluate, filter motifs."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from dnazoo.io import write_table
from dnazoo.pipeline.common import configure_backend
from dnazoo.training import write_json

log = logging.getLogger("dnazoo")


def methylation_simulate_stage(params, fasta_out, cell_outs: dict, bulk_out, truth_out) -> None:
    """The simulated methylation default (:func:`dnazoo.data.simulate.simulate_methylation`): the genome
    (FASTA, indexed), one profile per cell, a bulk profile and the truth per CpG (island, motif, p)."""
    from dnazoo.data.genome import index_fasta
    from dnazoo.io import write_table
    from dnazoo.data.simulate import simulate_methylation, write_fasta, write_profile

    genome, cells, bulk, truth = simulate_methylation(params)
    write_fasta(genome, fasta_out)
    index_fasta(fasta_out)
    for cell, dest in cell_outs.items():
        write_profile(cells[cell], dest)
    write_profile(bulk, bulk_out)
    write_table(truth, truth_out)
    log.info("simulated %d CpGs on %d chromosomes; %s", len(truth), len(genome),
             {c: len(v) for c, v in cells.items()})


def methylation_dataset_stage(ds: dict, cells: dict, bulk: dict, fasta, out_dir, sites_out) -> dict:
    """Build ``results/methylation/<name>/data`` (:func:`dnazoo.data.methylation.build`) from the config
    block ``ds`` and the local profile copies."""
    from dnazoo.data.methylation import build

    return build(cells, out_dir, ds["split"], bulk or None, fasta, int(ds["dna_window"]), int(ds["cpg_wlen"]),
                 int(ds["max_dist"]), int(ds.get("training", {}).get("seed", 0)), sites_out)


def methylation_train_stage(model: str, data_dir, settings: dict, model_out, history_out, record_out, threads: int,
                            dataset: str, ds: dict, dna_model=None, cpg_model=None, checkpoint=None) -> dict:
    """Train one DeepCpG model (:func:`dnazoo.training.methylation.train`; resumed from ``checkpoint``
    when a killed run left one) and write its ``run.json``."""
    from dnazoo.training.methylation import train
    from dnazoo.record import run_record

    configure_backend(threads)
    result = train(model, data_dir, settings, model_out, history_out, dna_model, cpg_model, checkpoint)
    if dna_model:
        result.update(dna_model=str(dna_model), cpg_model=str(cpg_model))
    inputs = [data_dir] + [p for p in (dna_model, cpg_model) if p]
    write_json({**run_record(dataset, model, ds, settings, inputs, [model_out, history_out]), "result": result},
               record_out)
    return result


def methylation_evaluate_stage(spec_dir, models_: dict, threads: int, ds: dict, per_cell_out, summary_out,
                               predictions_dir, figure_stem, label: str = "", replicates: int = 1000,
                               rows_out=None, dataset: str = "") -> None:
    """Per-cell test metrics of every model and baseline (:func:`dnazoo.training.methylation.per_cell_metrics`)
    in ``per_cell.tsv``, their means over cells in ``summary.tsv``, the prediction tables, and a
    per-cell AUROC figure (PNG and PDF). ``rows_out``: the rows of ``results/summary.tsv``, one per
    model and baseline, with the multilabel task's test metrics over the cells
    (:meth:`dnazoo.tasks.Task.metrics`: ``mean_auroc`` ... ; ``auroc`` = ``mean_auroc``), as JSON."""
    from dnazoo.plots.methylation import plot_per_cell_auroc
    from dnazoo.io import write_table
    from dnazoo.data.dataset import load_split, read_spec
    from dnazoo.training.methylation import baseline_tables, per_cell_metrics, predict

    if models_:
        configure_backend(threads)
    spec = read_spec(spec_dir)
    preds = {m: predict(m, path, spec_dir) for m, path in models_.items()}
    preds.update(baseline_tables(spec, load_split(spec_dir, "train"), load_split(spec_dir, "test"),
                                 int(ds["neighbour_window"])))
    Path(predictions_dir).mkdir(parents=True, exist_ok=True)
    for m, p in preds.items():
        write_table(p, Path(predictions_dir) / f"{m}.tsv.gz")
    table = per_cell_metrics(preds, spec["cells"], replicates)
    write_table(table, per_cell_out)
    summary = table.groupby("model", sort=False)[["auroc", "auprc", "accuracy", "f1", "mcc"]].mean().reset_index()
    write_table(summary, summary_out)
    plot_per_cell_auroc(table, list(preds), spec["cells"], spec["split"].get("test", []), label, figure_stem)
    if rows_out is not None:
        from dnazoo.tasks import from_spec

        task = from_spec(spec)
        rows = []
        for m, p in preds.items():
            labels = p[[f"label.{c}" for c in spec["cells"]]].to_numpy()
            scores = p[[f"score.{c}" for c in spec["cells"]]].to_numpy()
            metrics, _ = task.metrics(labels, scores)
            rows.append({"dataset": dataset, "model": m, "split": "test", "task": task.name, "kind": "methylation",
                         **metrics})
        write_json({"rows": rows}, rows_out)


def methylation_filters_stage(model_path, data_dir, tsv_out, meme_out, threads: int = 1, planted: str | None = None,
                              n_windows: int = 2000, jaspar: str | None = None) -> None:
    """The first-layer filters of a DeepCpG DNA model as motifs, as DeepCpG's
    ``dcpg_filter_motifs.py`` does: activation-weighted PWMs over the test windows
    (:func:`dnazoo.interpret.filter_pwms`), written as MEME, each matched by Tomtom (memelite) to
    JASPAR (pyjaspar, offline) and, for the simulated default, to the planted motif ``planted``
    (a consensus; column ``q_value[planted:motif]``).

    Writes ``filters.tsv`` (one row per filter with at least 10 sites: ``filter, n_sites,
    match_id, match_name, match_family, q_value, strand`` ...) and ``filters.meme``.
    """
    from dnazoo.data.encoding import onehot
    from dnazoo.interpret import JASPAR_RELEASE, filter_motifs, jaspar_motifs, pwm_from_consensus, write_meme
    from dnazoo.data.dataset import arrays_of, load_split
    from dnazoo.training import load_keras_model

    configure_backend(threads)
    model = load_keras_model(model_path)
    dna = np.asarray(arrays_of(load_split(data_dir, "test"))["sequence"][:n_windows])
    targets = dict(jaspar_motifs(jaspar or JASPAR_RELEASE))  # a copy: the JASPAR set may be cached
    also = ()
    if planted:
        targets["planted:motif"] = {"name": "planted motif", "family": "simulated",
                                    "ppm": pwm_from_consensus(planted, 0.97)}
        also = ("planted:motif",)
    table, keep = filter_motifs(model, [onehot(dna).astype(np.float32)], targets, also, prefix_tower=False)
    write_table(table, tsv_out)
    write_meme(keep, meme_out)
    best = table.sort_values("q_value").head(3)
    log.info("%d filters with >= 10 sites; best JASPAR matches: %s", len(keep),
             best[["filter", "match_name", "q_value"]].to_dict("records"))
