"""Benchmark: wall time of the default (simulated demo) DAG from scratch, and per-rule times.

Runs ``snakemake --cores N`` on the shipped ``config/config.yaml`` in fresh temporary folders,
``--repeats`` times in one process, and prints the median wall time and the median of each rule's
Snakemake ``benchmark:`` seconds; ``--out`` also writes them, with the machine they came from
(CPU model, cores, memory), as JSON.

The fixed cost of a job, measured in the same run: the seconds per job of a DAG of no-op
``script:`` jobs (a Python process, Snakemake's script preamble and ``dnazoo.pipeline.common``;
``--noop-jobs`` of them at one core, less the same DAG with none), and the seconds of
``import keras`` on the TensorFlow backend in a fresh process, which every job that runs a Keras
model pays. The overhead of the demo is then (jobs × no-op seconds + Keras jobs × import seconds)
over its wall time; a Keras job is one whose benchmark name holds a Keras model of the config
(figure rules, which read the training history only, excluded).
``--compare-threads N`` also runs the DAG with its multi-threaded rules at N threads each
(Snakemake's ``--set-threads``), alternating with the default (at most half the CPUs per job) in
each round; it reports both walls and their ratio. On 2 cores, ``--compare-threads 2`` is the
layout where every multi-threaded job takes both cores and the jobs run one at a time.
``--compare-set-threads RULE=N ...`` sets the threads of single rules on that side, e.g.
``--compare-set-threads train_dna2vec=2`` for a dna2vec job that takes both cores.
``--compare-resources gpu=2`` runs that side with two ``gpu`` tokens (the default run takes
one): on a machine without a GPU, two Keras jobs at once.
``--compare-config KEY=VALUE ...`` runs the other side on the shipped config with these top-level
keys merged into it (VALUE is YAML; a mapping is merged key by key), instead of or as well as
``--compare-threads``; e.g. ``--compare-config 'dna2vec={max_bp: 2000000}'`` for a smaller dna2vec
corpus. Every run's test AUROC per model is recorded for both sides, so that a faster setting shows
what it costs in results.
``--compare-checkout DIR`` runs the other side from another checkout of dnazoo (its Snakefile, its
``config/config.yaml`` and its ``src/``), e.g. ``git worktree add /tmp/before HEAD~1``: a change to the
DAG against the layout before it, alternated in one run. Both sides' overhead is reported, each
with its own job counts.

Usage::

    .venv/bin/python perf/demo_dag.py --cores 2 --repeats 2 --compare-threads 2 --out perf/results/demo_dag_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]


#: The rules that ask for more than one thread (``min(N, half the CPUs)``; workflow/rules/common.smk).
MULTI_THREADED = ("train_dna2vec", "train", "evaluate", "interpret", "variant_effects", "variant_effects_ism")


def set_threads(n: int | None, rules: list[str] = ()) -> list[str]:
    """Snakemake arguments that run every multi-threaded rule at ``n`` threads (none: as they are),
    then the ``RULE=N`` of ``rules`` on top."""
    threads = {r: str(n) for r in MULTI_THREADED} if n else {}
    threads.update(r.split("=", 1) for r in rules)
    return ["--set-threads"] + [f"{r}={k}" for r, k in threads.items()] if threads else []


def run_once(cores: int, extra: list[str] = (), configfile: Path = REPO / "config" / "config.yaml",
             repo: Path = REPO) -> tuple[float, dict[str, float], dict[str, float]]:
    """One run of the demo DAG in a fresh folder: ``(wall seconds, {benchmark name: seconds},
    {model: test AUROC})``."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "snakemake", "all", "-s", str(repo / "Snakefile"), "--directory", tmp,
               "--configfile", str(configfile), "--cores", str(cores),
               "--resources", "gpu=1", *extra, "--quiet"]  # options that take lists last, the target first
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
        wall = time.perf_counter() - t0
        rules = {}
        for f in (Path(tmp) / "benchmarks" / "out").rglob("*.tsv"):
            rules[f.stem] = float(pd.read_csv(f, sep="\t")["s"].iloc[0])
        summary = pd.read_csv(Path(tmp) / "results" / "summary.tsv", sep="\t")
        print(summary[["model", "auroc"]].to_string(index=False), file=sys.stderr)
    return wall, rules, dict(zip(summary["model"], summary["auroc"].astype(float)))


NOOP = """
rule all:
    input: [f"out/{i}.txt" for i in range(N)]

rule noop:
    output: "out/{i}.txt"
    script: "noop.py"
"""


def noop_dag_seconds(jobs: int) -> float:
    """Wall seconds of ``snakemake --cores 1`` over ``jobs`` no-op script jobs, in a fresh folder."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "Snakefile").write_text(f"N = {jobs}\n" + NOOP)
        Path(tmp, "noop.py").write_text("from dnazoo.pipeline.common import setup_logging\n"
                                        "open(snakemake.output[0], 'w').close()\n")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "snakemake", "-s", "Snakefile", "--cores", "1", "--quiet"], cwd=tmp,
                       check=True, capture_output=True)
        return time.perf_counter() - t0


def keras_import_seconds() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import keras"], check=True, capture_output=True,
                   env=dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="3"))
    return time.perf_counter() - t0


def merged_config(overrides: list[str]) -> dict:
    """The shipped demo config with ``KEY=VALUE`` overrides (VALUE parsed as YAML; a mapping is
    merged into the key's mapping, anything else replaces it).

    Raises:
        ValueError: an override without ``=``.
    """
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--compare-config {item!r}: expected KEY=VALUE")
        value = yaml.safe_load(value)
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--noop-jobs", type=int, default=10)
    ap.add_argument("--compare-threads", type=int, metavar="N",
                    help="also run the DAG with its multi-threaded rules at N threads each, alternating with "
                         "the default in every round, and report both walls and their ratio")
    ap.add_argument("--compare-set-threads", nargs="+", metavar="RULE=N", default=[],
                    help="also run the DAG with these rules at N threads (Snakemake's --set-threads), alternating "
                         "with the default in every round (with --compare-threads: on top of it)")
    ap.add_argument("--compare-resources", nargs="+", metavar="NAME=N", default=[],
                    help="also run the DAG with these Snakemake --resources (e.g. gpu=2), alternating with the "
                         "default (gpu=1) in every round")
    ap.add_argument("--compare-config", nargs="+", metavar="KEY=VALUE",
                    help="also run the DAG on the shipped config with these keys merged in (VALUE is YAML), "
                         "alternating with the default in every round (with --compare-threads: both on that side)")
    ap.add_argument("--compare-checkout", type=Path, metavar="DIR",
                    help="also run the DAG from this checkout of dnazoo (its Snakefile, config/config.yaml and "
                         "src/), alternating with this one in every round")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    args = ap.parse_args()
    walls, per_rule, noop, imports, one_walls, one_rule = [], {}, [], [], [], {}
    aurocs, one_aurocs = {}, {}
    other_args = set_threads(args.compare_threads, args.compare_set_threads)
    if args.compare_resources:
        other_args += ["--resources", *args.compare_resources]  # the last --resources counts
    other_repo = args.compare_checkout.resolve() if args.compare_checkout else REPO
    other_config = other_repo / "config" / "config.yaml"
    if args.compare_config:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fh:
            yaml.safe_dump(merged_config(args.compare_config), fh, sort_keys=False)
        other_config = Path(fh.name)
    for _ in range(args.repeats):
        if other_args or args.compare_config or args.compare_checkout:
            wall, rules, auroc = run_once(args.cores, other_args, other_config, other_repo)
            one_walls.append(wall)
            for k, v in rules.items():
                one_rule.setdefault(k, []).append(v)
            for k, v in auroc.items():
                one_aurocs.setdefault(k, []).append(round(v, 4))
        wall, rules, auroc = run_once(args.cores)
        walls.append(wall)
        for k, v in rules.items():
            per_rule.setdefault(k, []).append(v)
        for k, v in auroc.items():
            aurocs.setdefault(k, []).append(round(v, 4))
        noop.append((noop_dag_seconds(args.noop_jobs) - noop_dag_seconds(0)) / args.noop_jobs)
        imports.append(keras_import_seconds())
    if args.compare_config:
        other_config.unlink()
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    from dnazoo import models

    keras_models = [m for m in config.get("models", []) if m in models.REGISTRY
                    and models.get(m).framework == "keras"]
    def keras_jobs(rules: dict) -> int:
        return sum(any(m in k for m in keras_models) and not k.startswith("figures") for k in rules)

    n_jobs, n_keras = len(per_rule), keras_jobs(per_rule)
    per_job, per_import, wall = statistics.median(noop), statistics.median(imports), statistics.median(walls)
    overhead = n_jobs * per_job + n_keras * per_import
    jobs_sum = sum(statistics.median(v) for v in per_rule.values())
    print(f"{n_jobs} jobs ({n_keras} Keras), sum of job seconds {jobs_sum:.1f}; a no-op job {per_job:.2f} s, "
          f"import keras {per_import:.2f} s: overhead {overhead:.1f} s = {100 * overhead / wall:.0f} % of the wall")
    print(f"default DAG, {args.cores} cores, {args.repeats} runs: median wall {statistics.median(walls):.1f} s "
          f"(min {min(walls):.1f}, max {max(walls):.1f})")
    for k, v in sorted(per_rule.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"  {k:30s} median {statistics.median(v):7.1f} s")
    one = {}
    if one_walls:
        ratios = [o / w for w, o in zip(walls, one_walls)]  # > 1: the default is faster
        one_overhead = len(one_rule) * per_job + keras_jobs(one_rule) * per_import
        one = {"threads_per_multi_threaded_rule": args.compare_threads, "config_overrides": args.compare_config,
               "extra_arguments": other_args, "walls_s": [round(w, 1) for w in one_walls],
               "test_auroc_per_run": one_aurocs,
               "median_wall_s": round(statistics.median(one_walls), 1),
               "checkout": str(args.compare_checkout) if args.compare_checkout else None,
               "jobs": len(one_rule), "keras_jobs": keras_jobs(one_rule), "overhead_s": round(one_overhead, 1),
               "overhead_share_of_wall": round(one_overhead / statistics.median(one_walls), 3),
               "median_rule_s": {k: round(statistics.median(v), 1) for k, v in sorted(one_rule.items())},
               "speed_ratio_default_over_this": {"median": round(statistics.median(ratios), 2),
                                            "range": [round(min(ratios), 2), round(max(ratios), 2)]}}
        print(f"{' '.join(other_args + (args.compare_config or []) + [str(args.compare_checkout or '')])}: "
              f"{len(one_rule)} jobs ({keras_jobs(one_rule)} Keras), overhead {one_overhead:.1f} s = "
              f"{100 * one_overhead / statistics.median(one_walls):.0f} % of the wall; median wall {one['median_wall_s']:.1f} s, "
              f"the default {one['speed_ratio_default_over_this']['median']:.2f}x as fast")
    if args.out:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        result = {"command": "python " + " ".join(sys.argv),
                  "machine": {"cpu": cpu, "cpus": len(os.sched_getaffinity(0)), "memory_gib": round(mem_gib, 1),
                              "platform": platform.platform()},
                  "cores": args.cores, "walls_s": [round(w, 1) for w in walls],
                  "median_wall_s": round(statistics.median(walls), 1),
                  "median_rule_s": {k: round(statistics.median(v), 1) for k, v in sorted(per_rule.items())},
                  "test_auroc_per_run": aurocs, "jobs": n_jobs, "keras_jobs": n_keras, "sum_of_job_s": round(jobs_sum, 1),
                  "noop_job_s": {"median": round(per_job, 2), "range": [round(min(noop), 2), round(max(noop), 2)]},
                  "keras_import_s": {"median": round(per_import, 2),
                                     "range": [round(min(imports), 2), round(max(imports), 2)]},
                  "overhead_s": round(overhead, 1), "overhead_share_of_wall": round(overhead / wall, 3),
                  "default_threads_per_multi_threaded_rule": max(1, len(os.sched_getaffinity(0)) // 2),
                  **({"compared": one} if one else {})}
        args.out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
