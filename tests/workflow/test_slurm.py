"""The demo DAG (reduced) submitted to a real SLURM cluster with ``profiles/slurm``.

Needs a running cluster: ``.ci/run`` starts a single-node one on localhost
(``scripts/ci/slurm-up.sh``: slurmctld, slurmd, slurmdbd + MariaDB for ``sacct``, a stand-in GPU
GRES) and stops it afterwards. Skipped where ``sinfo`` cannot reach a cluster.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.workflow


def _cluster_up() -> bool:
    if not shutil.which("sinfo") or not shutil.which("sacct"):
        return False
    try:
        return subprocess.run(["sinfo", "-h"], capture_output=True, timeout=20).returncode == 0
    except subprocess.TimeoutExpired:
        return False


#: the demo's rules in profiles/slurm's `prepare` group
PREPARE = ("simulate", "read_pairs", "windows", "split", "encode")

needs_slurm = pytest.mark.skipif(not _cluster_up(), reason="no SLURM cluster reachable (scripts/ci/slurm-up.sh starts one)")


def _demo_config(tmp_path: Path) -> dict:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    ds = config["datasets"]["simulated_demo"]
    ds.pop("embedding", None)
    ds["simulate"].update(n_chromosomes=3, chrom_length=500_000, n_pairs=200, max_distance=200_000)  # CI time
    ds["split"] = {"method": "chromosome", "val_chromosomes": ["simchr2"], "test_chromosomes": ["simchr3"]}
    config["models"] = ["distance_baseline", "deepbind"]
    config["baselines"] = []
    config["training"].update(max_epochs=2, patience=1)
    config["interpret"] = {"enabled": False}  # test time (tests/workflow/test_workflow.py runs it)
    config.pop("variants")  # test time (the demo test runs it)
    return config


def _run_on_slurm(workdir: Path, config: dict, targets: tuple[str, ...] = (),
                  extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False))
    cmd = [sys.executable, "-m", "snakemake", *targets, "-s", str(REPO / "Snakefile"), "--directory", str(workdir),
           "--configfile", str(cfg), "--workflow-profile", str(REPO / "profiles" / "slurm"),
           # CI-sized cluster: 2 CPUs; fast status checks; no resubmission of the failing test job
           "--max-threads", "2", "--slurm-init-seconds-before-status-checks", "2", "--seconds-between-status-checks",
           "2", "--latency-wait", "5",
           "--retries", "0", "--jobs", "4", *extra]
    # the plugin hangs when status queries fail; bound every run (timeout -k semantics)
    return subprocess.run(["timeout", "-k", "30", "900", *cmd], capture_output=True, text=True)


def _slurm_jobs(workdir: Path) -> dict[str, list[str]]:
    """``{rule: [slurm job ids]}`` from the plugin's per-job logs (``rule_<rule>/...`` for one
    rule's job, ``group_<group>_.../`` for a group job): the rules each job's Snakemake ran."""
    jobs: dict[str, list[str]] = {}
    for log in (workdir / ".snakemake" / "slurm_logs").rglob("*.log"):
        for rule in dict.fromkeys(re.findall(r"^(?:local)?rule (\w+):$", log.read_text(), re.M)):
            jobs.setdefault(rule, []).append(log.stem)
    return jobs


def _sacct(job_ids: list[str]) -> pd.DataFrame:
    out = subprocess.run(["sacct", "-X", "-P", "-n", "-j", ",".join(job_ids), "-o", "JobIDRaw,State,AllocTRES"],
                         capture_output=True, text=True, check=True).stdout
    rows = [line.split("|") for line in out.strip().splitlines()]
    return pd.DataFrame(rows, columns=["job", "state", "tres"]).set_index("job")


@needs_slurm
def test_demo_dag_runs_as_slurm_jobs_with_gpu_requests(tmp_path):
    # CI time: the tables, not the figures (plain CPU jobs like the rest)
    proc = _run_on_slurm(tmp_path, _demo_config(tmp_path),
                         ("results/summary.tsv", "results/simulated_demo/baseline_comparison.tsv"))
    assert proc.returncode == 0, proc.stderr[-5000:]
    jobs = _slurm_jobs(tmp_path)
    expected = {"simulate", "read_pairs", "windows", "split", "encode", "train", "train_baseline", "evaluate",
                "summary", "baseline_comparison"}  # every rule the two tables need
    assert set(jobs) == expected, f"rules run through sbatch: {sorted(jobs)}"
    assert len(jobs["evaluate"]) == 2
    # the profile's `prepare` group: the dataset's preparation chain is one sbatch job
    assert len({job for rule in PREPARE for job in jobs[rule]}) == 1, jobs
    acct = _sacct([j for ids in jobs.values() for j in ids])
    print("\nsacct:\n" + acct.to_string())
    assert (acct["state"] == "COMPLETED").all()
    gpu_jobs = {rule: sum("gres/gpu=1" in acct.loc[j, "tres"] for j in ids) for rule, ids in jobs.items()}
    # GPUs go to the Keras model's training and evaluation only (deepbind; the baseline's evaluation
    # and every other rule run without one)
    assert gpu_jobs == {rule: int(rule in ("train", "evaluate")) for rule in jobs}, gpu_jobs
    metrics = json.loads((tmp_path / "results" / "simulated_demo" / "models" / "deepbind" / "metrics.json").read_text())
    assert metrics["n"] > 0
    assert (tmp_path / "logs" / "simulated_demo" / "train_deepbind.log").stat().st_size > 0


@needs_slurm
def test_failing_slurm_job_fails_the_run_and_names_its_log(tmp_path):
    config = _demo_config(tmp_path)
    bad = tmp_path / "bad.bedpe"
    bad.write_text("chrom1\tstart1\tend1\tchrom2\tstart2\tend2\tlabel\nsimchr1\t100\t50\tsimchr1\t900\t1000\t1\n")
    config["genomes"] = {"sim": {"path": str(tmp_path / "g.fa")}}
    (tmp_path / "g.fa").write_text(">simchr1\n" + "ACGT" * 500 + "\n")
    config["datasets"] = {"broken": {"kind": "pairs", "genome": "sim", "window": 100,
                                     "table": {"path": str(bad), "format": "bedpe"}}}
    config["models"] = ["distance_baseline"]
    proc = _run_on_slurm(tmp_path, config)
    assert proc.returncode != 0
    assert "read_pairs" in _slurm_jobs(tmp_path)  # the failure happened inside a SLURM job
    assert "logs/broken/read_pairs.log" in proc.stderr
    assert "start1 100 > end1 50" in (tmp_path / "logs" / "broken" / "read_pairs.log").read_text()
    assert not (tmp_path / "results" / "broken" / "pairs.tsv.gz").exists()


@needs_slurm
def test_two_tuning_workers_share_one_study_as_slurm_jobs(tmp_path):
    """tuning.parallel: 2 submits two tune_worker jobs that run trials of one Optuna study (journal
    storage on the shared file system) at once: the 8 finished trials come from both jobs. (The CI
    cluster has one stand-in GPU and little memory, so the workers run on CPU here: gpu=0, one
    thread and 2 GB each.)"""
    config = _demo_config(tmp_path)
    config["models"] = ["deepbind"]
    config["tuning"] = {"trials": 8, "parallel": 2, "seed": 0}  # CI time
    proc = _run_on_slurm(tmp_path, config, ("results/simulated_demo/tuning/deepbind/best_params.json",),
                         ("--set-resources", "tune_worker:gpu=0", "tune_worker:mem_mb=2000", "--set-threads",
                          "tune_worker=1"))
    assert proc.returncode == 0, proc.stderr[-5000:]
    jobs = _slurm_jobs(tmp_path)
    assert len(jobs["tune_worker"]) == 2 and len(jobs["tune"]) == 1, jobs
    acct = _sacct(jobs["tune_worker"] + jobs["tune"])
    assert (acct["state"] == "COMPLETED").all(), acct.to_string()
    trials = pd.read_csv(tmp_path / "results" / "simulated_demo" / "tuning" / "deepbind" / "trials.tsv", sep="\t")
    finished = trials[trials["state"].isin(["COMPLETE", "PRUNED"])]
    print("\ntrials:\n" + trials.to_string())
    assert len(finished) >= 8
    assert finished["user_attrs_worker"].nunique() == 2  # both jobs ran trials of the one study
