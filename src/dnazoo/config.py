"""Configuration: schema validation and the cross-key checks a JSON schema cannot express.

The schema is package data, ``dnazoo/schemas/config.schema.yaml`` (:data:`SCHEMA`); :func:`load` validates a YAML file with
``jsonschema`` (the same check ``snakemake.utils.validate`` runs in the Snakefile) and then
:func:`check`. Every error names the offending key, e.g. ``datasets.GM.po.window``.
"""

from __future__ import annotations

import copy
import importlib.resources
import os
import re
from pathlib import Path

import yaml

from dnazoo import models

#: The config schema, package data of dnazoo (``dnazoo/schemas/config.schema.yaml``), so an installed
#: package validates configs outside a checkout.
SCHEMA = Path(str(importlib.resources.files("dnazoo").joinpath("schemas", "config.schema.yaml")))


class ConfigError(ValueError):
    """A configuration value that is wrong; the message starts with the key's path."""


def windows(ds: dict) -> tuple[int, ...]:
    """Window lengths in bp of a dataset: ``(L1, L2)`` for pairs, ``(L,)`` for sequences and for a
    methylation dataset with DNA windows, ``()`` for one without (CpG models only)."""
    w = ds["window"]
    if ds["kind"] == "methylation":
        return (int(w),) if w else ()
    if ds["kind"] == "sequences":
        if isinstance(w, list):
            raise ConfigError("window: a sequences dataset takes one window length")
        return (int(w),)
    return tuple(int(x) for x in w) if isinstance(w, list) else (int(w), int(w))


DEFAULT_BASELINES = ("distance_baseline", "gc_baseline", "kmer_baseline")


def dataset_models(config: dict, name: str) -> list[str]:
    """Model names trained on dataset ``name``: its own ``models`` or the top-level list, followed
    by the ``baselines`` (default distance, GC and k-mer) that take the dataset's kind and are not
    listed yet."""
    ds = config["datasets"][name]
    out = list(ds.get("models", config["models"]))
    for b in config.get("baselines", DEFAULT_BASELINES):
        if b not in out and b in models.REGISTRY and ds["kind"] in models.get(b).kinds \
                and ds.get("task", "binary") in models.get(b).tasks:
            out.append(b)
    return out


def dataset_ensembles(config: dict, name: str) -> dict[str, dict]:
    """The ensembles evaluated on dataset ``name``: ``{ensemble: {"models": [...], "average":
    "probability" | "logit"}}``, each of the config's ``ensembles`` whose ``datasets`` (default:
    every dataset) include ``name`` and whose members the dataset trains.

    Raises:
        ConfigError: an ensemble named like a registry model, with fewer than 2 members, a member
            the dataset does not train (when the ensemble lists the dataset), or ``logit`` on a
            regression or profile dataset.
    """
    ds = config["datasets"][name]
    trained = dataset_models(config, name)
    out = {}
    for ens, spec in (config.get("ensembles") or {}).items():
        if ens in models.REGISTRY:
            raise ConfigError(f"ensembles.{ens}: the name of a registry model; name the ensemble otherwise")
        members = list(spec.get("models") or [])
        if len(members) < 2:
            raise ConfigError(f"ensembles.{ens}.models: an ensemble needs at least 2 models, got {members}")
        listed = spec.get("datasets")
        base = ds.get("replicate_of", name)
        if listed is not None and name not in listed and base not in listed:
            continue
        missing = [m for m in members if m not in trained]
        if missing:
            if listed is None:
                continue  # every dataset by default: only those that train all members
            raise ConfigError(f"ensembles.{ens}.models: {missing} not trained on dataset {name} (it trains {trained})")
        average = spec.get("average", "probability")
        if average == "logit" and ds.get("task", "binary") not in ("binary", "multilabel"):
            raise ConfigError(f"ensembles.{ens}.average: logit needs probabilities; dataset {name} is "
                              f"{ds.get('task')}")
        out[ens] = {"models": members, "average": average}
    return out


def genome_of(config: dict, name: str) -> str | None:
    """Genome name of dataset ``name``: its ``genome`` key, ``simulated_<name>`` for a simulated
    dataset, None for a sequences dataset."""
    ds = config["datasets"][name]
    if "simulate" in ds:
        return f"simulated_{ds.get('replicate_of', name)}"
    return ds.get("genome")


def embedding_of(config: dict, name: str) -> str | None:
    """The ``embedding`` of dataset ``name`` (after :func:`check`): dna2vec, random, a path or None."""
    return config["datasets"][name].get("embedding")


def transfer_models(config: dict) -> list[str]:
    """Models of the ``transfer:`` block: its ``models`` or every model trained on all its datasets.

    Raises:
        ConfigError: ``transfer.datasets`` names an unknown or non-pairs dataset, the datasets'
            windows differ, or a listed model is not trained on every one of them.
    """
    block = config["transfer"]
    names = block["datasets"]
    for i, n in enumerate(names):
        if n not in config["datasets"]:
            raise ConfigError(f"transfer.datasets[{i}]: unknown dataset {n!r}")
        if config["datasets"][n]["kind"] != "pairs":
            raise ConfigError(f"transfer.datasets[{i}]: {n!r} is not a pairs dataset")
    ws = {n: windows(config["datasets"][n]) for n in names}
    if len(set(ws.values())) > 1:
        raise ConfigError(f"transfer.datasets: a model takes one window length; the datasets have {ws}")
    common = [m for m in dataset_models(config, names[0]) if all(m in dataset_models(config, n) for n in names)]
    chosen = block.get("models") or common
    for i, m in enumerate(chosen):
        if m not in common:
            raise ConfigError(f"transfer.models[{i}]: {m!r} is not trained on every transfer dataset")
    return list(chosen)


def split_spec(config: dict, name: str) -> dict:
    """The split of dataset ``name``: its own ``split`` or the top-level ``split``."""
    return dict(config["datasets"][name].get("split") or config.get("split") or {"method": "chromosome"})


def training_settings(config: dict, model: str, dataset: str | None = None) -> dict:
    """Registry defaults of ``model`` updated by ``training``, the dataset's ``fusion`` (for models
    that take it) and ``with_distance``, and ``model_overrides[model]``; a seed replicate of
    :func:`expand_replicates` (``dataset``) sets ``seed`` last.

    On a methylation dataset a Keras model trains as DeepCpG's ``dcpg_train.py`` does
    (:data:`METHYLATION_TRAINING`: early stopping on the validation loss, per-cell class weights),
    then the top-level ``training``, then the dataset's ``training`` (its ``dropout`` becomes
    ``model_params.dropout``). A baseline gets only the keys it reads (:data:`BASELINE_SETTINGS`),
    so a change of the Keras models' settings (``max_epochs``) does not refit it."""
    spec = models.get(model)
    out = {"seed": 0, **spec.defaults}
    ds = config["datasets"].get(dataset, {}) if dataset is not None else {}
    methylation = ds.get("kind") == "methylation"
    if methylation and spec.framework == "keras":
        out.update(METHYLATION_TRAINING)
    out.update({k: v for k, v in (config.get("training", {}) or {}).items() if k != "fusion" or v in spec.fusions})
    if methylation:
        out.update(ds.get("training") or {})
        if spec.framework == "keras" and "dropout" in out:
            out["model_params"] = {**(out.get("model_params") or {}), "dropout": float(out.pop("dropout"))}
        if spec.framework == "sklearn":
            out["neighbour_window"] = int(ds.get("neighbour_window", out.get("neighbour_window", 3000)))
    if ds.get("kind") == "pairs" and ds.get("fusion") in spec.fusions:
        out["fusion"] = ds["fusion"]
    if ds.get("with_distance") and spec.framework == "keras":
        out["with_distance"] = True
    out.update((config.get("model_overrides", {}) or {}).get(model, {}))
    if "training_seed" in ds:
        out["seed"] = int(ds["training_seed"])
    if spec.framework == "sklearn":
        out = {k: v for k, v in out.items() if k in BASELINE_SETTINGS}
    return out


#: The training settings a scikit-learn baseline reads (:func:`dnazoo.training.train_baseline`).
BASELINE_SETTINGS = ("seed", "k", "neighbour_window")


def replicate_names(config: dict, name: str) -> list[tuple[str, int | None, int | None]]:
    """The replicates dataset ``name`` expands into: ``[(new name, cv fold or None, seed or None)]``.

    A ``cv`` split without ``fold`` gives one dataset per fold (``<name>.fold<i>``, i = 0..k-1);
    ``seeds`` (the dataset's, else the top-level list) one per training seed (``<name>.seed<s>``);
    both give ``<name>.fold<i>.seed<s>``. Without either: ``[(name, None, None)]``. A replicate
    (``replicate_of`` set) takes only its own ``seeds``.
    """
    ds = config["datasets"][name]
    split = split_spec(config, name)
    folds = [None]
    if split.get("method") == "cv" and "fold" not in split:
        folds = list(range(int(split.get("folds", 5))))
    seeds = ds.get("seeds", None if "replicate_of" in ds else config.get("seeds"))
    seeds = [None] if seeds is None else [int(x) for x in seeds]
    if folds == [None] and seeds == [None]:
        return [(name, None, None)]
    return [(name + ("" if f is None else f".fold{f}") + ("" if s is None else f".seed{s}"), f, s)
            for f in folds for s in seeds]



def tuning_plan(config: dict, name: str) -> tuple[list[str], dict]:
    """What rule ``tune`` searches on dataset ``name``: ``(models, settings)``.

    The dataset's ``tuning:`` block overrides the top-level one key by key; with neither, or
    ``enabled: false``, nothing is tuned. ``models``: the listed Keras models, by default every
    Keras model the dataset trains. ``settings``: ``trials`` (20), ``seed`` (0), ``parallel`` (1),
    ``storage`` (``sqlite``, or ``journal`` when ``parallel`` > 1), ``max_epochs`` (none: the
    training's) and ``space`` ({}).

    Raises:
        ConfigError: a listed model the dataset does not train, or a baseline; ``storage: sqlite``
            with ``parallel`` > 1.
    """
    ds = config["datasets"][name]
    top, own = config.get("tuning"), ds.get("tuning")
    if top is None and own is None:
        return [], {}
    merged = {**(top or {}), **(own or {})}
    if not merged.get("enabled", True):
        return [], {}
    keras_models = [m for m in dataset_models(config, name) if models.get(m).framework == "keras"]
    listed = merged.get("models")
    for i, m in enumerate(listed or []):
        if m not in keras_models:
            raise ConfigError(f"tuning.models[{i}] (dataset {name}): {m!r} is not a Keras model this dataset trains; "
                              f"tunable: {keras_models}")
    parallel = int(merged.get("parallel", 1))
    storage = merged.get("storage") or ("journal" if parallel > 1 else "sqlite")
    if storage == "sqlite" and parallel > 1:
        raise ConfigError(f"tuning.storage (dataset {name}): sqlite with parallel: {parallel}; SQLite's locks are "
                          "not safe between jobs on a shared file system: use journal or an RDB URL")
    settings = {"trials": int(merged.get("trials", 20)), "seed": int(merged.get("seed", 0)), "parallel": parallel,
                "storage": storage, "max_epochs": merged.get("max_epochs"), "space": merged.get("space") or {}}
    return (keras_models if listed is None else list(listed)), settings


def interpret_plan(config: dict, name: str) -> tuple[list[str], dict, list[str]]:
    """What the ``interpret`` rule explains on dataset ``name``: ``(models, settings, expected)``.

    The dataset's ``interpret:`` block overrides the top-level one key by key. ``models``: the
    listed Keras models, by default every Keras model the dataset trains (a methylation dataset:
    its DNA models, which take one-hot sequences only); [] with
    ``enabled: false``. Of cv-fold / seed / protocol replicates only the first replicate of each
    dataset is interpreted. ``expected``: the block's JASPAR ids, by default ``[MA0139]`` (CTCF) on
    a simulated pairs dataset, whose planted motif is CTCF-like.

    Raises:
        ConfigError: a listed model the dataset does not train, or a baseline.
    """
    ds = config["datasets"][name]
    merged = {**(config.get("interpret") or {}), **(ds.get("interpret") or {})}
    base = ds.get("replicate_of")
    if not merged.get("enabled", True) or (
            base is not None and next(n for n, d in config["datasets"].items() if d.get("replicate_of") == base) != name):
        return [], {}, []
    trained = dataset_models(config, name)
    keras_models = [m for m in trained if models.get(m).framework == "keras"
                    and (ds["kind"] != "methylation" or "sequences" in models.get(m).kinds)]
    listed = merged.get("models")
    for i, m in enumerate(listed or []):
        if m not in keras_models:
            why = "is a baseline" if m in trained else "is not trained on this dataset"
            raise ConfigError(f"interpret.models[{i}] (dataset {name}): {m!r} {why}; interpretable: {keras_models}")
    chosen = keras_models if listed is None else list(listed)
    default_expected = ["MA0139"] if "simulate" in ds and ds["kind"] == "pairs" else []
    settings = {k: v for k, v in merged.items() if k not in ("enabled", "models", "expected", "tf")}
    return chosen, settings, list(merged.get("expected", default_expected))


def coverage_task(ds: dict) -> bool:
    """Whether a dataset's targets come from coverage tracks (bigWig ``tracks`` or the profile
    simulation): the ``profile`` task (counts per bin), or ``regression`` on a ``sequences`` dataset
    with ``tracks`` or ``simulate`` (log1p of each track's total count over the window)."""
    task = ds.get("task", "binary")
    return task == "profile" or (task == "regression" and ds.get("kind") == "sequences"
                                 and ("tracks" in ds or "simulate" in ds))


def planted_motifs(config: dict, name: str) -> dict:
    """The motifs a simulated dataset plants, ``{name: {"consensus": str, "fidelity": float}}``
    ({} for real data): the demo's CTCF-like core, the profile simulation's motif per track, or the
    methylation simulation's motif (CpGs near it stay unmethylated)."""
    ds = config["datasets"][name]
    if ds["kind"] == "methylation":
        from dnazoo.data.simulate import METHYLATION_MOTIF

        return {"motif": {"consensus": METHYLATION_MOTIF, "fidelity": 0.97}} if ds.get("simulated") else {}
    if "simulate" not in ds:
        return {}
    from dnazoo.data.simulate import MOTIF, PROFILE_MOTIFS, ProfileParams, SimulationParams

    if coverage_task(ds):
        fid = float(ds["simulate"].get("motif_fidelity", ProfileParams.motif_fidelity))
        return {t: {"consensus": c, "fidelity": fid} for t, c in PROFILE_MOTIFS.items()}
    fid = float(ds["simulate"].get("motif_fidelity", SimulationParams.motif_fidelity))
    return {"ctcf_like": {"consensus": MOTIF, "fidelity": fid}}

def expand_protocols(config: dict) -> None:
    """Replace every dataset with ``protocols`` by one dataset per protocol (in place).

    ``protocols: {name: {split: ..., negatives: ...}}`` gives ``<dataset>.<name>``: a copy of the
    dataset with that split and/or negatives, ``replicate_of`` (the original name: one simulated
    genome and dna2vec run for all) and ``group`` (default: the original name), so the group's
    figure shows one panel per protocol. The top-level ``seeds`` are copied in (they apply to each
    protocol); cv folds and seeds are expanded afterwards by :func:`expand_replicates`.

    Raises:
        ConfigError: a protocol's dataset name is already a dataset, or ``transfer.datasets`` names
            a dataset with protocols.
    """
    out = {}
    transfer = set((config.get("transfer") or {}).get("datasets", []))
    for name, ds in config["datasets"].items():
        if not ds.get("protocols"):
            out[name] = ds
            continue
        if name in transfer:
            raise ConfigError(f"transfer.datasets: {name!r} has protocols; list one of its protocol datasets "
                              f"({name}.{next(iter(ds['protocols']))}, ...)")
        for pname, proto in ds["protocols"].items():
            pname_full = f"{name}.{pname}"
            if pname_full in config["datasets"] or pname_full in out:
                raise ConfigError(f"datasets.{name}.protocols.{pname}: dataset {pname_full!r} already exists")
            r = copy.deepcopy({k: v for k, v in ds.items() if k != "protocols"})
            r.update(copy.deepcopy(proto))
            if "seeds" not in r and config.get("seeds"):
                r["seeds"] = list(config["seeds"])
            if "split" not in r and config.get("split"):
                r["split"] = dict(config["split"])
            r["replicate_of"] = ds.get("replicate_of", name)
            r.setdefault("group", name)
            out[pname_full] = r
    config["datasets"] = out


def expand_replicates(config: dict) -> None:
    """Replace every dataset with cv folds or training seeds by its replicates (in place).

    Each replicate is a copy of the dataset with ``split.fold`` and/or ``training_seed`` set,
    ``replicate_of`` (the original name; a simulated genome and its dna2vec embedding are made once
    for all replicates) and ``group`` (default: the original name; the group's figure shows one
    panel per split/negatives protocol with mean ± sd over its replicates). Idempotent.

    Raises:
        ConfigError: a replicate's name is already a dataset, or ``transfer.datasets`` names a
            dataset that has replicates (list a replicate instead).
    """
    out = {}
    transfer = set((config.get("transfer") or {}).get("datasets", []))
    for name, ds in config["datasets"].items():
        reps = replicate_names(config, name)
        if reps == [(name, None, None)]:
            out[name] = ds
            continue
        if name in transfer:
            raise ConfigError(f"transfer.datasets: {name!r} has replicates ({reps[0][0]}, ...); list replicates "
                              "or give the dataset one fold and no seeds")
        for rname, fold, seed in reps:
            if rname in config["datasets"] or rname in out:
                raise ConfigError(f"datasets.{name}: its replicate {rname!r} clashes with another dataset")
            r = copy.deepcopy(ds)
            r.pop("seeds", None)
            if fold is not None:
                r["split"] = {**split_spec(config, name), "fold": fold}
            if seed is not None:
                r["training_seed"] = seed
            r["replicate_of"] = ds.get("replicate_of", name)
            r.setdefault("group", ds.get("group", name))
            out[rname] = r
    config["datasets"] = out


#: Plain words for the split methods and the pair negatives in figure titles and protocol panels.
SPLIT_WORDS = {"chromosome": "chromosome hold-out", "random": "random split", "anchor": "anchor-disjoint split",
               "given": "split as given"}
NEGATIVE_WORDS = {"as_given": "negatives from the table", "distance_matched": "distance-matched negatives"}


def protocol_label(config: dict, name: str) -> str:
    """Short label of dataset ``name``'s evaluation protocol in plain words: the split (cv with k
    folds) and, for pairs, the negatives, e.g. ``"chromosome hold-out, negatives from the table"``."""
    ds = config["datasets"][name]
    split = split_spec(config, name)
    method = split.get("method", "chromosome")
    label = f"cv ({split.get('folds', 5)} folds)" if method == "cv" else SPLIT_WORDS.get(method, f"{method} split")
    if ds["kind"] == "pairs":
        negatives = (ds.get("negatives") or {}).get("method", "as_given")
        label += f", {NEGATIVE_WORDS.get(negatives, negatives)}"
    return label


def check_local_columns(key: str, ds: dict) -> None:
    """The header of every local (``path:``) CSV/TSV source of a sequences dataset names the
    dataset's ``sequence_column``, ``label_columns`` and ``id_column``: a typo fails before any job
    (a URL source is checked when it is read).

    Raises:
        ConfigError: naming the key, the file and its columns.
    """
    from dnazoo.io import open_maybe_gzip

    need = {"sequence_column": [ds.get("sequence_column", "sequence")],
            "label_columns": list(ds.get("label_columns") or ["label"]),
            "id_column": [ds["id_column"]] if ds.get("id_column") else []}
    for part in ("train", "validation", "test"):
        src = ds.get(part)
        if not isinstance(src, dict) or src.get("format") not in ("csv", "tsv") or "path" not in src:
            continue
        path = Path(src["path"])
        if not path.is_file():
            continue  # rule download_table names a missing file
        with open_maybe_gzip(path, "rt", errors="replace") as fh:
            header = fh.readline().rstrip("\r\n").split("," if src["format"] == "csv" else "\t")
        for setting, columns in need.items():
            missing = [c for c in columns if c not in header]
            if missing:
                raise ConfigError(f"{key}.{setting}: {missing} not in the header of {path} ({key}.{part}.path), which "
                                  f"has {header[:20]}")


def select_datasets(config: dict) -> None:
    """Keep only the datasets and methylation entries that ``run_datasets`` names (all without it).

    Raises:
        ConfigError: a name that is neither, naming its index in ``run_datasets``.
    """
    only = config.get("run_datasets")
    if not only:
        return
    methylation = config.get("methylation") or {}
    known = list(config["datasets"]) + list(methylation)
    for i, name in enumerate(only):
        if name not in known:
            raise ConfigError(f"run_datasets[{i}]: {name!r} is not a dataset of this config; known: {known}")
    config["datasets"] = {n: d for n, d in config["datasets"].items() if n in only}
    variants = {}
    for name, vs in (config.get("variants") or {}).items():
        kept = [d for d in vs["datasets"] if d in only]
        if kept and (vs.get("simulated") is None or vs["simulated"] in only):
            variants[name] = {**vs, "datasets": kept}
            if (vs.get("insilico") or {}).get("motifs"):
                motifs = {d: m for d, m in vs["insilico"]["motifs"].items() if d in kept or d not in known}
                variants[name]["insilico"] = {**vs["insilico"], "motifs": motifs}
    if "variants" in config:
        config["variants"] = variants
    if methylation:
        config["methylation"] = {n: d for n, d in methylation.items() if n in only}


def check(config: dict) -> None:
    """Cross-key checks after schema validation.

    Raises:
        ConfigError: an unknown model, a model that cannot take a dataset's kind or window (the
            message gives the minimum), a pairs dataset naming an undefined genome, or unequal
            anchor windows for a model that needs equal ones, each with the key's path.

    A pairs dataset that lists a dna2vec-initialised model (``embedding_*``) and no ``embedding``
    key gets ``embedding: dna2vec`` (filled in, like the schema's defaults). First, datasets with
    ``protocols``, cv folds or training seeds are replaced by their replicates
    (:func:`expand_protocols`, :func:`expand_replicates`); the checks then name the replicate.
    """
    for i, m in enumerate(config["models"]):
        if m not in models.REGISTRY:
            raise ConfigError(f"models[{i}]: unknown model {m!r}; known: {sorted(models.REGISTRY)}")
    config.setdefault("datasets", {})
    select_datasets(config)
    check_methylation(config)
    add_methylation_datasets(config)
    expand_protocols(config)
    expand_replicates(config)
    for name, ds in _sequence_datasets(config):
        key = f"datasets.{name}"
        try:
            ws = windows(ds)
        except ConfigError as err:
            raise ConfigError(f"{key}.{err}") from None
        if "genome" in ds and ds["genome"] not in config.get("genomes", {}):
            raise ConfigError(f"{key}.genome: genome {ds['genome']!r} is not defined under genomes:")
        if "simulate" in ds:
            from dnazoo.data.simulate import ProfileParams, SimulationParams

            params = ProfileParams(**{**ds["simulate"], "window": ws[0]}) if coverage_task(ds) \
                else SimulationParams(**ds["simulate"])
            try:
                params.check()
            except ValueError as err:
                raise ConfigError(f"{key}.simulate.{err}") from None
        if ds["kind"] == "sequences" and (ds.get("train") or {}).get("format") == "bed" and "genome" not in ds:
            raise ConfigError(f"{key}.genome: a 'bed' training source needs the genome its peaks are on")
        check_local_columns(key, ds)
        given = [part for part in ("validation", "test") if ds.get(part)]
        method = split_spec(config, name).get("method", "chromosome")
        if given and method != "given":
            where = f"{key}.split.method" if "split" in ds else f"split.method (dataset {name})"
            raise ConfigError(f"{where}: {method!r} would pool and re-split the rows of the given "
                              f"{' and '.join(f'{key}.{p}' for p in given)} file(s), so test rows could train the "
                              "model; given files take split: {method: given} (validation carved from the training "
                              "file by val_fraction when no validation file is given)")
        for i, m in enumerate(dataset_models(config, name)):
            mkey = f"{key}.models[{i}]" if "models" in ds else f"models[{i}] (dataset {name})"
            if m not in models.REGISTRY:
                raise ConfigError(f"{mkey}: unknown model {m!r}; known: {sorted(models.REGISTRY)}")
            try:
                models.check_compatible(m, ws, ds["kind"])
            except ValueError as err:
                raise ConfigError(f"{key}.window: {err}") from None
            settings = training_settings(config, m, name)
            try:
                models.check_compatible(m, ws, ds["kind"], ds.get("task", "binary"), settings.get("fusion"),
                                        settings.get("model_params"))
            except ValueError as err:
                raise ConfigError(f"{key} (model {m}): {err}") from None
    for name, ds in _sequence_datasets(config):
        if "embedding" not in ds and any(models.get(m).embedding == "dna2vec" for m in dataset_models(config, name)):
            if ds["kind"] != "pairs":
                raise ConfigError(f"datasets.{name}.embedding: the dna2vec models need a k-mer matrix; give "
                                  "'random' or a .npy path (a sequences dataset has no genome to train dna2vec on)")
            ds["embedding"] = "dna2vec"  # the default: train dna2vec on the dataset's genome
    if any("embedding" in ds for ds in config["datasets"].values()):
        from dnazoo.data.dna2vec import Dna2vecError, Dna2vecParams

        try:
            params = Dna2vecParams(**(config.get("dna2vec") or {}))
        except Dna2vecError as err:
            raise ConfigError(str(err)) from None
        if params.model_k != 6:
            raise ConfigError(f"dna2vec.model_k: the zoo's k-mer models use 6-mer tokens, got {params.model_k}")
    for name, ds in _sequence_datasets(config):
        emb = ds.get("embedding")
        if emb == "dna2vec" and ds["kind"] != "pairs":
            raise ConfigError(f"datasets.{name}.embedding: dna2vec is trained on a genome; a sequences "
                              "dataset has none - give a matrix path or 'random'")
        if emb not in (None, "dna2vec", "random") and not emb.endswith(".npy"):
            raise ConfigError(f"datasets.{name}.embedding: expected 'dna2vec', 'random' or a .npy path, got {emb!r}")
    if config.get("transfer"):
        transfer_models(config)  # raises on a bad transfer: block
    for name, ds in _sequence_datasets(config):
        task = ds.get("task", "binary")
        if task != "binary" and ds["kind"] == "pairs":
            raise ConfigError(f"datasets.{name}.task: pairs datasets take binary interaction labels, not {task!r}")
        if task == "binary" and len(ds.get("label_columns") or ["label"]) > 1:
            raise ConfigError(f"datasets.{name}.label_columns: a binary task takes one label column; "
                              "set task: multilabel for several")
        if ds.get("with_distance") and ds["kind"] != "pairs":
            raise ConfigError(f"datasets.{name}.with_distance: only pairs datasets have anchor distances")
        if task in ("multilabel", "regression"):
            method = (ds.get("negatives") or {}).get("method", "given")
            if method != "given":
                raise ConfigError(f"datasets.{name}.negatives.method: a {task} dataset takes its rows as given, "
                                  f"not {method!r}")
            ds["negatives"] = {**(ds.get("negatives") or {}), "method": "given"}
        if task == "profile" and ds["kind"] != "sequences":
            raise ConfigError(f"datasets.{name}.task: the profile task takes kind: sequences")
        if task == "profile" and ds.get("negatives"):
            raise ConfigError(f"datasets.{name}.negatives: a profile dataset has no negatives (every window has counts)")
        if task == "profile" and int(windows(ds)[0]) % int(ds["bins"]):
            raise ConfigError(f"datasets.{name}.bins: {ds['bins']} bins do not divide the {windows(ds)[0]}-bp window")
    for name, ds in _sequence_datasets(config):
        method = (ds.get("negatives") or {}).get("method")
        allowed = ("as_given", "distance_matched") if ds["kind"] == "pairs" else (
            "dinucleotide_shuffle", "given", "gc_matched_background")
        if method is not None and method not in allowed:
            raise ConfigError(f"datasets.{name}.negatives.method: {method!r} is not for {ds['kind']} datasets "
                              f"(use one of {list(allowed)})")
        if method == "gc_matched_background" and (ds.get("train") or {}).get("format") != "bed":
            raise ConfigError(f"datasets.{name}.negatives.method: 'gc_matched_background' needs train.format 'bed' "
                              "(peaks on the dataset's genome)")
    for i, b in enumerate(config.get("baselines", DEFAULT_BASELINES)):
        if b not in models.REGISTRY or models.get(b).framework != "sklearn":
            raise ConfigError(f"baselines[{i}]: {b!r} is not a baseline; baselines: "
                              f"{sorted(m for m, s in models.REGISTRY.items() if s.framework == 'sklearn')}")
    for m, over in (config.get("model_overrides") or {}).items():
        if m not in models.REGISTRY:
            raise ConfigError(f"model_overrides.{m}: unknown model")
    variant_plan(config)
    for name in config["datasets"]:
        dataset_ensembles(config, name)
        tuned, tuning = tuning_plan(config, name)
        for m in tuned:
            from dnazoo.training.tuning import search_space

            key = f"datasets.{name}.tuning" if "tuning" in config["datasets"][name] else "tuning"
            try:
                search_space(m, training_settings(config, m, name), tuning["space"])
            except ValueError as err:
                raise ConfigError(f"{key} ({m}): {err}") from None
        chosen, settings, expected = interpret_plan(config, name)
        if chosen:
            from dnazoo.interpret import InterpretSettings

            key = f"datasets.{name}.interpret" if "interpret" in config["datasets"][name] else "interpret"
            try:
                InterpretSettings(**settings).check()
            except ValueError as err:
                raise ConfigError(f"{key}: {err}") from None
            for i, e in enumerate(expected):
                if not re.fullmatch(r"MA\d{4}(\.\d+)?", e):
                    raise ConfigError(f"{key}.expected[{i}]: {e!r} is not a JASPAR matrix id (MA0139 or MA0139.2)")


def _replicates(config: dict, name: str) -> list[str]:
    """``[name]``, or the replicates (cv folds, seeds, protocols) that ``name`` became."""
    if name in config["datasets"]:
        return [name]
    return [n for n, ds in config["datasets"].items() if ds.get("replicate_of") == name]


def variant_plan(config: dict) -> dict[str, dict[str, list[str]]]:
    """The scoring jobs of the ``variants:`` block: ``{set: {dataset: [models]}}`` (default: every
    model and baseline the dataset trains; a dataset made into replicates is scored in each).

    Raises:
        ConfigError: naming the key: a set with none or several of ``source`` (with ``genome``),
            ``simulated``, ``table`` and ``insilico``; an undefined genome; a ``table`` or ``insilico``
            set on a dataset that is not of kind sequences (``insilico``: not binary); a ``simulated`` name that is not a simulated pairs
            dataset; an unknown dataset; a model the dataset does not train; a methylation dataset.
    """
    plan = {}
    for name, vs in (config.get("variants") or {}).items():
        key = f"variants.{name}"
        given = [k for k in ("simulated", "source", "table", "insilico") if k in vs]
        if len(given) != 1:
            raise ConfigError(f"{key}: give one of source (with genome), simulated, table or insilico"
                              + (f", not {' and '.join(given)}" if given else ""))
        kind = given[0]
        if ("genome" in vs) != (kind == "source"):
            raise ConfigError(f"{key}: give source and genome (the VCF and the genome it refers to)" if kind == "source"
                              else f"{key}.genome: only a VCF source refers to a genome")
        sim = vs.get("simulated")
        if sim is not None:
            made = [config["datasets"][r] for r in _replicates(config, sim)]
            if not made or any("simulate" not in ds or ds["kind"] != "pairs" or coverage_task(ds) for ds in made):
                raise ConfigError(f"{key}.simulated: {sim!r} is not a simulated pairs dataset")
        elif kind == "source" and vs["genome"] not in (config.get("genomes") or {}):
            raise ConfigError(f"{key}.genome: genome {vs['genome']!r} is not defined under genomes:")
        for d in (vs.get("insilico") or {}).get("motifs") or {}:
            if d not in vs["datasets"]:
                raise ConfigError(f"{key}.insilico.motifs.{d}: {d!r} is not one of the set's datasets")
        plan[name] = {}
        for i, d in ((i, r) for i, name in enumerate(vs["datasets"]) for r in _replicates(config, name) or [name]):
            if d not in config["datasets"]:
                raise ConfigError(f"{key}.datasets[{i}]: unknown dataset {d!r} (or not selected by run_datasets)")
            ds = config["datasets"][d]
            if ds["kind"] not in ("pairs", "sequences") or ds.get("methylation"):
                raise ConfigError(f"{key}.datasets[{i}]: {d!r} is a {ds['kind']} dataset; variants score pairs and "
                                  "sequences datasets")
            if kind in ("table", "insilico") and ds["kind"] != "sequences":
                raise ConfigError(f"{key}.datasets[{i}]: {d!r} is a {ds['kind']} dataset; a {kind} set scores the "
                                  "sequences of sequences datasets")
            if kind == "insilico" and (ds.get("task", "binary") != "binary" or ds.get("methylation")):
                raise ConfigError(f"{key}.datasets[{i}]: {d!r} is not a binary task; insilico SNVs go in its "
                                  "positive sequences")
            trained = dataset_models(config, d)
            chosen = vs.get("models") or trained
            for j, m in enumerate(chosen):
                if m not in trained:
                    raise ConfigError(f"{key}.models[{j}]: dataset {d} does not train {m!r}")
            plan[name][d] = [m for m in chosen if m in trained]
    return plan


def schema_errors(config: dict, source: str = "config") -> None:
    """Validate ``config`` against the schema and raise one short error for the first violation:
    the key's path, what is wrong and, for an unknown key, the nearest known key.

    Raises:
        ConfigError: e.g. ``config.yaml: datasets.demo: unknown key 'windwo' (did you mean 'window'?)``.
    """
    import difflib

    import jsonschema

    schema = yaml.safe_load(SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is None:
        return
    # descend into anyOf/oneOf/allOf to the most specific cause
    while error.context:
        error = jsonschema.exceptions.best_match(error.context)
    where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator == "additionalProperties":
        known = sorted((error.schema.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in known] if isinstance(error.instance, dict) else []
        if extra and known:
            near = difflib.get_close_matches(str(extra[0]), known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(known)})"
            raise ConfigError(f"{source}: {where}: unknown key {extra[0]!r}{hint}")
    message = error.message if len(error.message) < 300 else error.message[:300] + " ..."
    raise ConfigError(f"{source}: {where}: {message}")


def load(path: str | os.PathLike) -> dict:
    """Read, schema-validate (filling defaults) and check a config file.

    Raises:
        ConfigError: naming the file and the key.
    """
    from snakemake.utils import validate

    with open(path) as fh:
        config = yaml.safe_load(fh)
    schema_errors(config, str(path))
    try:
        validate(config, str(SCHEMA), set_default=True)
        check(config)
    except Exception as err:  # snakemake's WorkflowError carries jsonschema's path message
        raise ConfigError(f"{path}: {err}") from None
    return config


#: Defaults of a ``methylation.<name>`` dataset (schema defaults, filled in by :func:`check_methylation`).
METHYLATION_DEFAULTS = {"dna_window": 1001, "cpg_wlen": 50, "max_dist": 25000, "neighbour_window": 3000, "filters": True,
                        "dna_models": [], "cpg_models": [], "joint_models": [], "training": {}}


def check_methylation(config: dict) -> None:
    """Cross-key checks of the ``methylation:`` datasets; fills in their defaults and DeepCpG's split.

    Raises:
        ConfigError: an unknown DNA model, DNA or Joint models without DNA (no ``genome`` and not
        simulated), an undefined genome, an even ``dna_window``, a Joint model whose DNA or CpG
        part the dataset does not train, the same Joint model twice, bad simulation parameters.
    """
    from dnazoo.data.methylation import DEEPCPG_SPLIT

    for name, ds in (config.get("methylation") or {}).items():
        key = f"methylation.{name}"
        for k, v in METHYLATION_DEFAULTS.items():
            ds.setdefault(k, v)
        ds.setdefault("split", dict(DEEPCPG_SPLIT))
        if ds["dna_window"] % 2 == 0:
            raise ConfigError(f"{key}.dna_window: must be odd (the CpG in the middle), got {ds['dna_window']}")
        if "genome" in ds and ds["genome"] not in config.get("genomes", {}):
            raise ConfigError(f"{key}.genome: genome {ds['genome']!r} is not defined under genomes:")
        has_dna = "simulate" in ds or "genome" in ds
        for i, m in enumerate(ds["dna_models"]):
            if m not in models.REGISTRY:
                raise ConfigError(f"{key}.dna_models[{i}]: unknown model {m!r}; known: "
                                  f"{sorted(n for n in models.REGISTRY if n.startswith('deepcpg_dna_'))}")
            try:
                models.check_compatible(m, ds["dna_window"], "sequences", "multilabel")
            except ValueError as err:
                raise ConfigError(f"{key}.dna_window: {err}") from None
        if (ds["dna_models"] or ds["joint_models"]) and not has_dna:
            raise ConfigError(f"{key}: DNA and Joint models need DNA windows: give a genome (a key of genomes:)")
        seen = set()
        for i, j in enumerate(ds["joint_models"]):
            if j["model"] in seen:
                raise ConfigError(f"{key}.joint_models[{i}]: {j['model']} is listed twice (one per dataset)")
            seen.add(j["model"])
            for part, listed in (("dna", "dna_models"), ("cpg", "cpg_models")):
                if j[part] not in ds[listed]:
                    raise ConfigError(f"{key}.joint_models[{i}].{part}: {j[part]!r} is not in {key}.{listed}")
        if "simulate" in ds:
            try:
                methylation_params(ds).check()
            except (TypeError, ValueError) as err:
                raise ConfigError(f"{key}.simulate: {err}") from None


#: DeepCpG's training protocol on a methylation dataset (``dcpg_train.py``): early stopping on the
#: validation loss, per-cell class weights inside the masked loss.
METHYLATION_TRAINING = {"monitor": "val_loss", "class_weight": True}


def _sequence_datasets(config: dict):
    """``(name, dataset)`` of the pairs and sequences datasets (not the methylation ones)."""
    return [(n, ds) for n, ds in config["datasets"].items() if ds["kind"] != "methylation"]


def methylation_dataset(name: str, ds: dict) -> dict:
    """The core dataset entry (``datasets.<name>``, kind ``methylation``, task ``multilabel``: one
    label per cell) of the ``methylation.<name>`` block ``ds`` (defaults filled in): its models
    (DNA, CpG and Joint, then the baselines ``cell_mean``, ``neighbour_mean`` and, with bulk
    profiles, ``bulk_level``), ``window`` (the DNA window in bp, 0 without a genome),
    ``joint_parents`` (``{joint model: {"dna": model, "cpg": model}}``), ``methylation_of``
    (``name``: the block its data is built from) and the block's ``training``, ``interpret``,
    ``seeds``, ``genome``."""
    has_dna = "simulate" in ds or "genome" in ds
    baselines = ["cell_mean", "neighbour_mean"] + (["bulk_level"] if "simulate" in ds or ds.get("bulk") else [])
    out = {"kind": "methylation", "task": "multilabel", "methylation_of": name,
           "description": ds.get("description", ""), "models": methylation_models(ds) + baselines,
           "window": int(ds["dna_window"]) if has_dna else 0, "split": dict(ds["split"]),
           "training": dict(ds.get("training") or {}), "neighbour_window": int(ds["neighbour_window"]),
           "joint_parents": {j["model"]: {"dna": j["dna"], "cpg": j["cpg"]} for j in ds["joint_models"]},
           "interpret": {"models": list(ds["dna_models"]), **(ds.get("interpret") or {})}}
    if not ds["filters"]:
        out["interpret"]["enabled"] = False
    for key in ("genome", "seeds"):
        if key in ds:
            out[key] = copy.deepcopy(ds[key])
    if "simulate" in ds:
        out["simulated"] = True
    return out


def add_methylation_datasets(config: dict) -> None:
    """Add every ``methylation.<name>`` block to ``datasets`` as :func:`methylation_dataset` (in
    place), so the core rules train, evaluate, interpret and summarise its models. Idempotent.

    Raises:
        ConfigError: a methylation dataset named like a ``datasets`` entry.
    """
    for name, ds in (config.get("methylation") or {}).items():
        if any(d.get("methylation_of") == name for d in config["datasets"].values()):
            continue
        if name in config["datasets"]:
            raise ConfigError(f"methylation.{name}: a dataset of that name is already under datasets:")
        config["datasets"][name] = methylation_dataset(name, ds)


def methylation_params(ds: dict):
    """The :class:`dnazoo.data.simulate.MethylationParams` of a simulated methylation dataset."""
    from dnazoo.data.simulate import MethylationParams

    return MethylationParams(**ds["simulate"])


def methylation_models(ds: dict) -> list[str]:
    """Every model a methylation dataset trains: DNA, CpG, then Joint models."""
    return [*ds.get("dna_models", []), *ds.get("cpg_models", []), *(j["model"] for j in ds.get("joint_models", []))]
