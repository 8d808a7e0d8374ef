# Glue: config validation, wildcard constraints, input functions. Rules call these.
import sys
from pathlib import Path

from snakemake.utils import validate

import os
import re

_SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, _SRC)  # run from a checkout without install too
# Jobs (local, conda environments, SLURM with --export=ALL) import dnazoo from this checkout.
# (set, not read: no envvars: assertion needed)
os.environ.update(PYTHONPATH=os.pathsep.join(p for p in (_SRC, os.environ.get("PYTHONPATH")) if p))
from dnazoo import config as dz_config  # noqa: E402
from dnazoo import models as dz_models  # noqa: E402

dz_config.schema_errors(config, "config")  # one line per error, with the nearest known key
validate(config, str(dz_config.SCHEMA), set_default=True)
dz_config.check(config)

DATASETS = config["datasets"]
# The offline mirror (config `mirror:` and $DNAZOO_MIRROR): jobs inherit it, dnazoo.io.fetch uses it;
# a mirror folder that does not exist fails here, naming it.
from dnazoo.io import use_mirror  # noqa: E402

use_mirror(config.get("mirror"))
# The most threads a job asks for: the CPUs this process may use. Snakemake caps a job's threads at
# --cores, but `--cores 8` on a 2-core machine would still run 8 threads per job.
MAX_THREADS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
# A multi-threaded rule asks for at most half of them (at least 1), so that two branches of the DAG
# run side by side: on 2 cores the demo runs 1.35x as fast with one thread per job as with two
# (perf/results/demo_dag_threads_cpu.json); its Keras jobs barely use a second thread, while the dna2vec
# branch overlaps the deepbind branch. `--set-threads RULE=N` overrides a rule.
JOB_THREADS = max(1, MAX_THREADS // 2)
# Jobs inherit this: TensorFlow's C++ info lines stay out of the logs and the console.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


wildcard_constraints:
    dataset="[A-Za-z0-9_.-]+",
    model="[A-Za-z0-9_.-]+",
    genome="[A-Za-z0-9_.-]+",
    part="table|train|test|validation|train_labels|test_labels|validation_labels|label_names|regions|track_[A-Za-z0-9_.-]+",


KERAS_MODELS = [m for m, s in dz_models.REGISTRY.items() if s.framework == "keras"]
#: the names of the config's ensembles (rule ensemble writes their model folders)
ENSEMBLES = sorted(config.get("ensembles") or {})
SKLEARN_MODELS = [m for m, s in dz_models.REGISTRY.items() if s.framework == "sklearn"]


def dataset(wildcards):
    return DATASETS[wildcards.dataset]


def is_simulated(name):
    return "simulate" in DATASETS[name]


def base_name(name):
    """The dataset a cv-fold / seed replicate was made from (itself otherwise)."""
    return DATASETS[name].get("replicate_of", name)


def is_profile(name):
    return DATASETS[name].get("task") == "profile"


def is_coverage(name):
    """Targets from coverage tracks: the profile task, or regression on tracks (dnazoo.config.coverage_task)."""
    return dz_config.coverage_task(DATASETS[name])


# Simulation parameters by the name the simulated genome is made under (replicates share one).
SIMULATIONS = {base_name(n): ds["simulate"] for n, ds in DATASETS.items() if "simulate" in ds and not is_coverage(n)}
PROFILE_SIMULATIONS = {base_name(n): ds["simulate"] for n, ds in DATASETS.items() if "simulate" in ds and is_coverage(n)}
PROFILE_WINDOWS = {base_name(n): dz_config.windows(ds)[0] for n, ds in DATASETS.items()
                   if "simulate" in ds and is_coverage(n)}
from dnazoo.data.simulate import PROFILE_MOTIFS  # noqa: E402

PROFILE_TRACKS = list(PROFILE_MOTIFS)


def profile_tracks(name):
    """Track names of a profile dataset: its ``tracks`` keys, or the simulator's."""
    ds = DATASETS[name]
    return list(ds["tracks"]) if "tracks" in ds else PROFILE_TRACKS


def get_coverage_inputs(wildcards):
    name = wildcards.dataset
    ds = DATASETS[name]
    if "simulate" in ds:
        folder = f"resources/simulated_profile/{base_name(name)}"
        files = {"fasta": f"{folder}/genome.fa", "fai": f"{folder}/genome.fa.fai", "regions": f"{folder}/regions.bed"}
        files.update({f"track_{t}": f"{folder}/tracks/{t}.bw" for t in PROFILE_TRACKS})
        return files
    files = {"fasta": genome_fasta(ds["genome"]), "fai": genome_fasta(ds["genome"]) + ".fai"}
    if "regions" in ds:
        files["regions"] = f"resources/tables/{name}/regions.raw"
    files.update({f"track_{t}": f"resources/tables/{name}/track_{t}.raw" for t in ds["tracks"]})
    return files
# Groups of datasets compared protocol by protocol (results/protocols/<group>.*).
GROUPS = {}
for _name, _ds in DATASETS.items():
    if "group" in _ds:
        GROUPS.setdefault(_ds["group"], []).append(_name)


def model_file(ds, model):
    ext = "keras" if dz_models.get(model).framework == "keras" else "joblib"
    return f"results/{ds}/models/{model}/model.{ext}"


def get_genome_fasta(wildcards):
    ds = dataset(wildcards)
    if "simulate" in ds:
        return f"resources/simulated/{base_name(wildcards.dataset)}/genome.fa"
    return f"resources/genomes/{ds['genome']}.fa"


def get_genome_fai(wildcards):
    return get_genome_fasta(wildcards) + ".fai"


def genome_fasta(genome):
    """FASTA of a genome name: a configured genome, or simulated_<dataset> for a simulated dataset."""
    if genome.startswith("simulated_") and genome[len("simulated_"):] in SIMULATIONS:
        return f"resources/simulated/{genome[len('simulated_'):]}/genome.fa"
    return f"resources/genomes/{genome}.fa"


def get_embedding_input(wildcards):
    if dataset(wildcards)["embedding"] == "dna2vec":
        return f"results/dna2vec/{dz_config.genome_of(config, wildcards.dataset)}/kmer_matrix.npy"
    return []


def get_train_inputs(wildcards):
    """The encoded dataset, the dataset's k-mer matrix for a dna2vec-initialised model, and the
    trained parents of a model built on others (DeepCpG Joint: ``parent_dna``, ``parent_cpg``)."""
    inputs = {"encoded": f"results/{wildcards.dataset}/encoded"}
    if dz_models.get(wildcards.model).embedding == "dna2vec":
        inputs["embedding"] = f"results/{wildcards.dataset}/embedding/kmer_matrix.npy"
    parents = dataset(wildcards).get("joint_parents", {}).get(wildcards.model, {})
    for role in dz_models.get(wildcards.model).parents:
        if role not in parents:
            raise ValueError(f"dataset {wildcards.dataset}: model {wildcards.model} needs a trained {role} model; "
                             "list it under joint_models")
        inputs[f"parent_{role}"] = model_file(wildcards.dataset, parents[role])
    if wildcards.model in dz_config.tuning_plan(config, wildcards.dataset)[0]:
        inputs["best_params"] = f"results/{wildcards.dataset}/tuning/{wildcards.model}/best_params.json"
    return inputs


def get_tune_worker_inputs(wildcards):
    """A tuning worker reads what training reads, but no tuned parameters."""
    inputs = get_train_inputs(wildcards)
    inputs.pop("best_params", None)
    return inputs


def tuning_settings(wildcards):
    return dz_config.tuning_plan(config, wildcards.dataset)[1]


def tuning_workers(wildcards):
    n = int(tuning_settings(wildcards).get("parallel", 1))
    return [f"results/{wildcards.dataset}/tuning/{wildcards.model}/worker_{i}.json" for i in range(n)]


def get_raw_table(wildcards):
    if is_simulated(wildcards.dataset):
        return f"resources/simulated/{base_name(wildcards.dataset)}/pairs.bedpe"
    return f"resources/tables/{wildcards.dataset}/table.raw"


def get_table_format(wildcards):
    return "bedpe" if is_simulated(wildcards.dataset) else dataset(wildcards)["table"]["format"]


def get_sequence_files(wildcards):
    ds = dataset(wildcards)
    files = {"train": f"resources/tables/{wildcards.dataset}/train.raw"}
    if ds["train"]["format"] == "bed":  # peaks on a genome
        files["fasta"] = genome_fasta(ds["genome"])
        files["fai"] = genome_fasta(ds["genome"]) + ".fai"
    for part in ("validation", "test"):
        if part in ds:
            files[part] = f"resources/tables/{wildcards.dataset}/{part}.raw"
    for part in ("train", "validation", "test"):
        if isinstance((ds.get(part) or {}).get("labels"), dict):
            files[f"{part}_labels"] = f"resources/tables/{wildcards.dataset}/{part}_labels.raw"
    if "label_names" in ds:
        files["label_names"] = f"resources/tables/{wildcards.dataset}/label_names.raw"
    return files


def get_split_input(wildcards):
    if is_coverage(wildcards.dataset):
        return f"results/{wildcards.dataset}/regions.tsv.gz"
    if dataset(wildcards)["kind"] == "pairs":
        return f"results/{wildcards.dataset}/windows.tsv.gz"
    return f"results/{wildcards.dataset}/sequences.tsv.gz"


def get_encode_inputs(wildcards):
    inputs = {"table": get_split_input(wildcards), "split": f"results/{wildcards.dataset}/split.tsv.gz"}
    if dataset(wildcards)["kind"] == "pairs":
        inputs["fasta"] = get_genome_fasta(wildcards)
        inputs["fai"] = get_genome_fai(wildcards)
    if is_coverage(wildcards.dataset):
        inputs["coverage"] = f"results/{wildcards.dataset}/coverage.npy"
    return inputs


def task_params(name):
    """The task of a dataset for the encode rule: its name, or for coverage targets ``{name, targets, bins}``."""
    if is_profile(name):
        return {"name": "profile", "targets": profile_tracks(name), "bins": DATASETS[name]["bins"]}
    if is_coverage(name):  # regression on the window totals of the tracks
        return {"name": "regression", "targets": profile_tracks(name)}
    return task_of(name)


def get_source(wildcards):
    """The config source of a dataset file: ``table``, ``train``, ``validation``, ``test``,
    ``label_names``, or the ``labels`` source of a FASTA part (``<part>_labels``)."""
    part = wildcards.part
    if part.startswith("track_"):
        return dataset(wildcards)["tracks"][part[len("track_"):]]
    if part.endswith("_labels"):
        return dataset(wildcards)[part[: -len("_labels")]]["labels"]
    return dataset(wildcards)[part]


def source_copies(wildcards):
    """``{local copy under resources/: URL or path in the config}`` for a dataset's files and genome,
    so an error naming the copy also names the user's file."""
    ds = DATASETS.get(wildcards.dataset, {})
    copies = {}
    for part in ("table", "train", "validation", "test", "label_names", "regions"):
        if isinstance(ds.get(part), dict) and ("url" in ds[part] or "path" in ds[part]):
            copies[f"resources/tables/{wildcards.dataset}/{part}.raw"] = ds[part].get("url") or ds[part]["path"]
        labels = (ds.get(part) or {}).get("labels") if isinstance(ds.get(part), dict) else None
        if isinstance(labels, dict):
            copies[f"resources/tables/{wildcards.dataset}/{part}_labels.raw"] = labels.get("url") or labels.get("path")
    for track, src in (ds.get("tracks") or {}).items():
        copies[f"resources/tables/{wildcards.dataset}/track_{track}.raw"] = src.get("url") or src.get("path")
    genome = config.get("genomes", {}).get(ds.get("genome"))
    if genome:
        copies[genome_fasta(ds["genome"])] = genome.get("url") or genome.get("path") or " + ".join(genome["urls"])
    return copies


def local_source_path(source):
    """A source's local `path` as a job input (so Snakemake reruns when the file changes); [] for a URL."""
    return [source["path"]] if "path" in source else []


def task_of(name):
    return DATASETS[name].get("task", "binary")


def row_unit(name):
    """What a test row of a dataset is, for figure titles: pairs, windows (profile) or sequences."""
    if DATASETS[name]["kind"] == "pairs":
        return "pairs"
    return "windows" if is_coverage(name) else "sequences"


def dataset_figures(name):
    """The figure files of a dataset: ROC, PR and AUROC (binary) or the per-target ones."""
    figs = {"binary": ["roc", "pr", "auroc"], "profile": ["track_r", "tracks"]}.get(task_of(name), ["targets", "best_worst"])
    return expand("results/{dataset}/figures/{fig}.{ext}", dataset=name, fig=figs, ext=["png", "pdf"])


def gpu_if_keras(wildcards):
    """1 GPU for a Keras model's job, none for a scikit-learn baseline."""
    return int(dz_models.get(wildcards.model).framework == "keras")


def get_model_file(wildcards):
    return model_file(wildcards.dataset, wildcards.model)


def dataset_models(name):
    return dz_config.dataset_models(config, name)


def dataset_ensembles(name):
    return dz_config.dataset_ensembles(config, name)


def scored_models(name):
    """Every row of a dataset's tables: its trained models and its ensembles (rule ensemble)."""
    return dataset_models(name) + list(dataset_ensembles(name))


def ensemble_inputs(wildcards):
    members = dataset_ensembles(wildcards.dataset)[wildcards.model]["models"]
    out = {"encoded": f"results/{wildcards.dataset}/encoded"}
    for m in members:
        out[f"predictions_{m}"] = f"results/{wildcards.dataset}/models/{m}/predictions.tsv.gz"
        out[f"record_{m}"] = f"results/{wildcards.dataset}/models/{m}/run.json"
    return out


def figure_note(name):
    notes = []
    if DATASETS[name].get("simulated") or "simulate" in DATASETS[name]:
        notes.append("simulated data")
    notes.append(dz_config.protocol_label(config, name))
    return ", ".join(notes)


TRANSFER = config.get("transfer") or {}
TRANSFER_DATASETS = list(TRANSFER.get("datasets", []))
TRANSFER_MODELS = dz_config.transfer_models(config) if TRANSFER else []


def transfer_figures():
    stems = [f"heatmap_{m}" for m in TRANSFER_MODELS] + ["within_across"]
    return [f"results/transfer/figures/{s}.{ext}" for s in stems for ext in ("png", "pdf")]


def transfer_note():
    """The split (and data kind) of the transfer datasets, for figure titles."""
    names = TRANSFER_DATASETS or list(DATASETS)
    return "; ".join(sorted({figure_note(n) for n in names}))


INTERPRET_FILES = ["motifs.tsv", "filters.tsv", "filters.meme", "patterns.meme", "attributions.npz", "summary.json"]
INTERPRET_FIGURES = ["patterns", "attributions", "ism"]


def interpret_targets(name):
    models_, _, _ = dz_config.interpret_plan(config, name)
    return [f"results/{name}/interpret/{m}/{f}" for m in models_ for f in INTERPRET_FILES] + [
        f"results/{name}/interpret/{m}/{fig}.{ext}" for m in models_ for fig in INTERPRET_FIGURES
        for ext in ("png", "pdf")]


def compared_datasets():
    """Binary datasets with a baseline: those with a baseline_comparison.tsv."""
    return [n for n in DATASETS if task_of(n) == "binary"
            and any(dz_models.get(m).framework == "sklearn" for m in dataset_models(n))]


def read_sequence_datasets():
    """Datasets whose rows come from rule read_sequences (and so have an overlap.tsv)."""
    return [n for n, ds in DATASETS.items() if ds["kind"] == "sequences" and "train" in ds]


def interpret_runs(wildcards=None):
    """Every interpreted (dataset, model) with its files, for rule interpret_table."""
    runs = []
    for name, ds in DATASETS.items():
        models_, _, _ = dz_config.interpret_plan(config, name)
        tf = {**(config.get("interpret") or {}), **(ds.get("interpret") or {})}.get("tf")
        for m in models_:
            folder = f"results/{name}/interpret/{m}"
            runs.append({"dataset": name, "model": m, "tf": tf, "motifs": f"{folder}/motifs.tsv",
                         "summary": f"{folder}/summary.json", "metrics": f"results/{name}/models/{m}/metrics.json"})
    return runs


def interpret_table_inputs(wildcards):
    return {f"{r['dataset']}/{r['model']}/{k}": r[k] for r in interpret_runs() for k in ("motifs", "summary", "metrics")}


def all_targets():
    targets = ["results/summary.tsv", "results/suite/per_model.tsv", "results/leaderboard/ranks.tsv"] if DATASETS else []
    if interpret_runs():
        targets.append("results/interpret.tsv")
    if read_sequence_datasets():
        targets.append("results/overlap.tsv")
    targets += [f"results/protocols/{g}.{ext}" for g in GROUPS for ext in ("tsv", "png", "pdf")]
    if TRANSFER:
        targets += ["results/transfer/auc_pearson.tsv", *transfer_figures()]
    if config.get("original_results"):
        targets += ["results/comparison/original_vs_dnazoo.tsv"]
    for name, ds in DATASETS.items():
        if "embedding" in ds:
            targets.append(f"results/{name}/embedding/kmer_matrix.npy")
            if ds["embedding"] == "dna2vec":
                targets.append(f"results/dna2vec/{dz_config.genome_of(config, name)}/report.json")
        targets += dataset_figures(name)
        # every model's own files, so that a deleted model folder is rebuilt (summary.tsv alone would not
        # ask for them again: Snakemake leaves a missing intermediate file alone while its consumers are newer)
        for m in dataset_models(name):
            suffix = "keras" if dz_models.get(m).framework == "keras" else "joblib"
            targets += [f"results/{name}/models/{m}/model.{suffix}", f"results/{name}/models/{m}/metrics.json"]
        targets += [f"results/{name}/models/{e}/metrics.json" for e in dataset_ensembles(name)]
        targets += [f"results/{name}/figures/training/{m}.{ext}" for m in dataset_models(name)
                    if dz_models.get(m).framework == "keras" for ext in ("png", "pdf")]
        if task_of(name) != "binary":
            targets.append(f"results/{name}/per_target.tsv")
        if task_of(name) == "binary" and any(dz_models.get(m).framework == "sklearn" for m in dataset_models(name)):
            targets.append(f"results/{name}/baseline_comparison.tsv")
        targets += interpret_targets(name)
        targets += [f"results/{name}/tuning/{m}/best_params.json" for m in dz_config.tuning_plan(config, name)[0]]
    return targets + variant_targets()  # workflow/rules/variants.smk


# --- methylation datasets (workflow/rules/methylation.smk) -------------------------------------------
# A `methylation:` block becomes a dataset of kind methylation (dnazoo.config.methylation_dataset); its
# rules only read the profiles and build results/<name>/encoded, the core rules do the rest.
METHYLATION = config.get("methylation") or {}
METHYLATION_DATASETS = [n for n, ds in DATASETS.items() if ds["kind"] == "methylation"]
_METHYLATION_RE = "|".join(re.escape(n) for n in METHYLATION_DATASETS) or "(?!)"
#: the dataset wildcard of the methylation_dataset rule, and of the encode rule (every other dataset)
METHYLATION_WILDCARD = f"(?:{_METHYLATION_RE})"
ENCODE_WILDCARD = f"(?!(?:{_METHYLATION_RE})/)[A-Za-z0-9_.-]+"


def methylation_block(wildcards):
    """The ``methylation:`` block a methylation dataset (or its seed replicate) is built from."""
    return METHYLATION[DATASETS[wildcards.dataset]["methylation_of"]]


def methylation_source(wildcards):
    ds = METHYLATION[wildcards.dataset]
    return ds["profiles" if wildcards.group == "cells" else "bulk"][wildcards.name]


def methylation_cells(wildcards):
    """``{cell: local profile}`` of a methylation dataset (simulated: cell1 .. celln)."""
    base = DATASETS[wildcards.dataset]["methylation_of"]
    ds = METHYLATION[base]
    if "simulate" in ds:
        n = dz_config.methylation_params(ds).n_cells
        return {f"cell{j + 1}": f"resources/methylation/{base}/cells/cell{j + 1}.tsv.gz" for j in range(n)}
    return {c: f"resources/methylation/{base}/cells/{c}.profile.gz" for c in ds["profiles"]}


def methylation_bulk(wildcards):
    base = DATASETS[wildcards.dataset]["methylation_of"]
    ds = METHYLATION[base]
    if "simulate" in ds:
        return {"bulk": f"resources/methylation/{base}/bulk/bulk.tsv.gz"}
    return {b: f"resources/methylation/{base}/bulk/{b}.profile.gz" for b in ds.get("bulk") or {}}


def methylation_dataset_inputs(wildcards):
    base = DATASETS[wildcards.dataset]["methylation_of"]
    ds = METHYLATION[base]
    if "simulate" in ds:
        folder = f"resources/methylation/{base}"
        return {"cells": f"{folder}/cells", "bulk": f"{folder}/bulk/bulk.tsv.gz", "fasta": f"{folder}/genome.fa",
                "fai": f"{folder}/genome.fa.fai"}
    inputs = {f"cell_{c}": p for c, p in methylation_cells(wildcards).items()}
    inputs.update({f"bulk_{b}": p for b, p in methylation_bulk(wildcards).items()})
    if "genome" in ds:
        inputs["fasta"] = genome_fasta(ds["genome"])
        inputs["fai"] = genome_fasta(ds["genome"]) + ".fai"
    return inputs


def methylation_copies(wildcards):
    """``{local copy: the user's path or URL}`` of a methylation dataset's profiles (for error messages)."""
    ds = methylation_block(wildcards)
    if "simulate" in ds:
        return {}
    out = {p: ds["profiles"][c].get("url") or ds["profiles"][c]["path"] for c, p in methylation_cells(wildcards).items()}
    out.update({p: ds["bulk"][b].get("url") or ds["bulk"][b]["path"] for b, p in methylation_bulk(wildcards).items()})
    return out


# variant effects (workflow/rules/variants.smk)
VARIANTS = config.get("variants") or {}
VARIANT_PLAN = dz_config.variant_plan(config)


def variant_kind(vset):
    vs = VARIANTS[vset]
    return next(k for k in ("simulated", "source", "table", "insilico") if k in vs)


def variant_vcf(wildcards):
    vs = VARIANTS[wildcards.vset]
    if vs.get("simulated"):
        return f"resources/simulated/{vs['simulated']}/variants.vcf.gz"
    return f"resources/variants/{wildcards.vset}.vcf"


def variant_fasta(wildcards):
    vs = VARIANTS[wildcards.vset]
    return genome_fasta(f"simulated_{vs['simulated']}" if vs.get("simulated") else vs["genome"])


def variant_source_name(wildcards):
    vs = VARIANTS[wildcards.vset]
    kind = variant_kind(wildcards.vset)
    if kind == "simulated":
        return f"the simulated variants of {vs['simulated']}"
    if kind == "insilico":
        return f"the insilico variants of {wildcards.dataset} (results/{wildcards.dataset}/variants/{wildcards.vset}/variants.tsv)"
    return vs[kind].get("url") or vs[kind]["path"]


def sequence_variant_table(vset, dataset):
    if variant_kind(vset) == "insilico":
        return f"results/{dataset}/variants/{vset}/variants.tsv"
    return f"resources/variants/{vset}.tsv"


def get_variant_effect_inputs(wildcards):
    inputs = {"model": model_file(wildcards.dataset, wildcards.model), "encoded": f"results/{wildcards.dataset}/encoded"}
    if variant_kind(wildcards.vset) in ("table", "insilico"):
        inputs["variants"] = sequence_variant_table(wildcards.vset, wildcards.dataset)
        return inputs
    inputs.update(vcf=variant_vcf(wildcards), fasta=variant_fasta(wildcards))
    inputs["fai"] = inputs["fasta"] + ".fai"
    if DATASETS[wildcards.dataset]["kind"] == "pairs":
        inputs["windows"] = f"results/{wildcards.dataset}/split.tsv.gz"
    return inputs


def variant_runs(vset):
    return [{"dataset": d, "model": m, "table": f"results/{d}/variants/{vset}/{m}.tsv.gz"}
            for d, ms in VARIANT_PLAN[vset].items() for m in ms]


def variant_targets():
    tables = [f"results/variants/{v}/{f}" for v in VARIANT_PLAN
              for f in ("effects.tsv.gz", "agreement.tsv", "benchmark.tsv", "effects.png", "effects.pdf")]
    ism = [r["table"].replace(".tsv.gz", f".top_ism.{ext}") for v in VARIANT_PLAN for r in variant_runs(v)
           if r["model"] in KERAS_MODELS for ext in ("png", "pdf")]
    return tables + ism
