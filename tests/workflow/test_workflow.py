"""End-to-end Snakemake runs: the simulated demo, real ENCODE TF sets, a real DeepChromeHiC table.

Real inputs are fetched over HTTP from a loopback server that serves ``../shared/data``; the
configs are the shipped ones with their URLs pointed at that server (md5 checks stay on).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import REPO, SHARED_DATA, needs_shared

pytestmark = pytest.mark.workflow



def run_snakemake(workdir: Path, config: dict, targets: list[str] | None = None,
                  interpret: bool = False) -> subprocess.CompletedProcess:
    """Run the workflow on ``config`` in ``workdir``; without ``interpret`` the interpret rule is off
    (test time: its own tests are test_interpret.py and the demo and ENCODE runs here)."""
    if not interpret:
        config = {**config, "interpret": {"enabled": False}}
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False))
    cmd = [sys.executable, "-m", "snakemake", *(targets or []), "-s", str(REPO / "Snakefile"),
           "--directory", str(workdir), "--configfile", str(cfg), "--cores", "2", "--resources", "gpu=1"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        logs = "\n".join(f"--- {p}\n{p.read_text()[-3000:]}" for p in sorted((workdir / "logs").rglob("*.log")))
        pytest.fail(f"snakemake failed ({proc.returncode}):\n{proc.stderr[-4000:]}\n{logs}")
    return proc


def test_demo_dag_learns_and_writes_every_output(tmp_path):
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["evaluation"] = {"bootstrap": 100}  # test time; the default is 1,000
    config["interpret"]["n_sequences"] = 60  # test time; the demo explains 100
    config["dna2vec"]["max_bp"] = 1_000_000  # test time; the demo: 3 Mbp (0.5 Mbp and 6 epochs left the k-mer CNN at 0.64)
    config["training"].update(max_epochs=5, patience=3)  # test time; the demo: 30, 5
    # test time: the k-mer CNN's variant jobs (about 120 s on the DAG's critical path) leave the test;
    # variant scoring goes through the model's own inputs (base codes), the same path as deepbind's
    scored = ["deepbind", "distance_baseline", "gc_baseline", "kmer_baseline"]
    config["variants"]["demo_variants"]["models"] = scored
    run_snakemake(tmp_path, config, ["all", "results/simulated_demo/kmer6"], interpret=True)
    summary = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t").set_index("model")
    assert summary.loc["deepbind", "auroc"] >= 0.80  # the planted grammar is learned
    assert summary.loc["embedding_cnn_one_branch", "auroc"] >= 0.70  # DeepChromeHiC k-mer CNN from dna2vec
    for baseline in ("distance_baseline", "gc_baseline"):  # distance-matched negatives, same composition
        assert abs(summary.loc[baseline, "auroc"] - 0.5) < 0.1, baseline
    # strand-specific k-mers of the motif tell its orientation in each anchor, so the bag of k-mers
    # gets part of the grammar; the sequence models must still beat it on the same test pairs
    assert summary.loc["kmer_baseline", "auroc"] < summary.loc["deepbind", "auroc"]
    assert summary.loc["deepbind", "auroc_ci_low"] < summary.loc["deepbind", "auroc"] < summary.loc["deepbind", "auroc_ci_high"]
    # identifying columns first, then the metrics rounded to 4 digits
    columns = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t", nrows=0).columns
    assert list(columns[:5]) == ["dataset", "model", "kind", "task", "split"]
    assert (summary["auroc"].round(4) == summary["auroc"]).all() and set(summary["kind"]) == {"pairs"}
    comparison = pd.read_csv(tmp_path / "results" / "simulated_demo" / "baseline_comparison.tsv", sep="\t")
    row = comparison.set_index("model").loc["deepbind"]
    assert row["ci_low"] > 0 and row["p_value"] < 0.05
    for fig in ("roc", "pr", "auroc"):
        for ext in ("png", "pdf"):
            assert (tmp_path / "results" / "simulated_demo" / "figures" / f"{fig}.{ext}").stat().st_size > 1000
    model_dir = tmp_path / "results" / "simulated_demo" / "models" / "deepbind"
    history = pd.read_csv(model_dir / "history.tsv", sep="\t")
    assert {"epoch", "loss", "val_auroc"} <= set(history.columns)
    preds = pd.read_csv(model_dir / "predictions.tsv.gz", sep="\t")
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert len(preds) == metrics["n"] and {"auroc", "auprc", "f1", "accuracy", "pearson_r"} <= set(metrics)
    split = pd.read_csv(tmp_path / "results" / "simulated_demo" / "split.tsv.gz", sep="\t")
    assert set(split.loc[split["split"] == "test", "chrom1"]) == {"simchr6"}
    enc = tmp_path / "results" / "simulated_demo" / "encoded"
    a1 = np.load(enc / "train.anchor1.npy", mmap_mode="r")
    assert a1.dtype == np.uint8 and a1.shape[1] == 500
    tok = np.load(tmp_path / "results" / "simulated_demo" / "kmer6" / "train.anchor1.npy", mmap_mode="r")
    assert tok.shape == a1.shape and tok[:, :5].max() == 0 and tok.max() <= 4096
    assert list(tmp_path.joinpath("logs").rglob("train_deepbind.log"))
    # the k-mer model starts from the dna2vec matrix trained on this dataset's genome
    d2v = tmp_path / "results" / "dna2vec" / "simulated_simulated_demo"
    from gensim.models import KeyedVectors
    from dnazoo.data.dna2vec import kmer_matrix
    vectors = KeyedVectors.load_word2vec_format(d2v / "dna2vec.bin", binary=True)  # every k-mer, 3 to 8
    assert {len(w) for w in vectors.index_to_key} == set(range(3, 9))
    np.testing.assert_array_equal(kmer_matrix(vectors, 6)[0], np.load(d2v / "kmer_matrix.npy"))  # exact float32
    log = (tmp_path / "logs" / "simulated_demo" / "train_embedding_cnn_one_branch.log").read_text()
    assert "k-mer embedding initialised from a (4097, 100) matrix" in log
    # the HTML report holds every figure, the summary and the metrics of every model, with captions
    report = tmp_path / "report.zip"
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory",
                           str(tmp_path), "--configfile", str(tmp_path / "config.yaml"), "--report", str(report)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import zipfile
    names = zipfile.ZipFile(report).namelist()
    figures = sorted(p.name for p in (tmp_path / "results").rglob("figures/*.png"))
    assert figures and all(any(n.endswith(f"/{f}") for n in names) for f in figures), (figures, names)
    assert any(n.endswith("/summary.tsv") for n in names)
    assert sum(n.endswith("/metrics.json") for n in names) == len(summary)  # one per model
    html = "".join(zipfile.ZipFile(report).read(n).decode(errors="ignore") for n in names if n.endswith(".html"))
    assert "Test-split results of every model on dataset" in html  # the figures' caption
    # interpretation: deepbind's anchors carry the planted CTCF-like motif in convergent orientation
    interp = tmp_path / "results" / "simulated_demo" / "interpret" / "deepbind"
    assert not (tmp_path / "results" / "simulated_demo" / "interpret" / "embedding_cnn_one_branch").exists()
    result = json.loads((interp / "summary.json").read_text())
    a1, a2 = result["planted"]["anchor1/ctcf_like"], result["planted"]["anchor2/ctcf_like"]
    assert a1["recovered"] and a2["recovered"], result
    # the patterns that raise the score (TF-MoDISco's positive metacluster): + in anchor 1, - in anchor 2
    assert (a1["metacluster"], a2["metacluster"]) == ("pos", "pos"), result
    assert (a1["orientation"], a2["orientation"]) == ("+", "-"), result
    motifs = pd.read_csv(interp / "motifs.tsv", sep="\t")
    assert list(motifs.columns[:5]) == ["pattern", "n_seqlets", "match_id", "match_name", "q_value"]
    assert any(n.endswith("/patterns.png") for n in names) and any(n.endswith("/ism.png") for n in names)
    assert "MOTIF" in (interp / "filters.meme").read_text()
    # variant effects: deepbind's |effect| tells SNVs that break a planted motif from random SNVs of the
    # same anchors, on the held-out chromosome; a score with no information (random vs random) gets ~0.5
    bench = pd.read_csv(tmp_path / "results" / "variants" / "demo_variants" / "benchmark.tsv", sep="\t")
    bench = bench.set_index(["model", "variants", "comparison"])["auroc"]
    assert bench.loc[("deepbind", "test", "motif_break vs random")] >= 0.9, bench.to_string()
    assert all(abs(bench.loc[(m, "all", "null: random vs random")] - 0.5) < 0.06 for m in scored), bench
    assert "embedding_cnn_one_branch" not in bench.index.get_level_values("model")  # the set's `models:` holds
    assert abs(bench.loc[("distance_baseline", "all", "motif_break vs random")] - 0.5) < 1e-9  # it sees no sequence
    counts = json.loads((tmp_path / "results" / "simulated_demo" / "variants" / "demo_variants" / "deepbind.json")
                        .read_text())
    assert counts["ref_mismatch"] == counts["ref_swapped"] == 0 and counts["scored"] == counts["variants"] > 0
    assert any(n.endswith("/effects.png") for n in names) and any(n.endswith("/benchmark.tsv") for n in names)
    # ISM around deepbind's top variants, REF and ALT logos, in the report
    assert any(n.endswith("/deepbind.top_ism.png") for n in names)
    # jobs of scikit-learn baselines never start the deep-learning backend (seconds of import per job)
    logs = tmp_path / "logs" / "simulated_demo"
    for baseline in ("distance_baseline", "gc_baseline", "kmer_baseline"):
        for job in (f"train_{baseline}", f"evaluate_{baseline}", f"variants_demo_variants_{baseline}"):
            assert "TensorFlow" not in (logs / f"{job}.log").read_text(), job
    if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":  # the marker is there for a Keras job
        assert "TensorFlow" in (logs / "variants_demo_variants_deepbind.log").read_text()


@pytest.mark.slow
def test_deepcpg_dna_then_cpg_then_joint_on_the_simulated_methylation(tmp_path):
    """DeepCpG's protocol through the core rules: the methylation rules build the dataset, rule train
    fits the DNA and CpG models, then the Joint model on their frozen features; rule evaluate gives
    every model and baseline its per-cell table (the multilabel per-target table), rule interpret
    explains the DNA model, and every row reaches results/summary.tsv (reduced demo_deepcpg.yaml)."""
    config = yaml.safe_load((REPO / "config" / "demo_deepcpg.yaml").read_text())
    ds = config["methylation"]["simulated_methylation"]
    ds["simulate"].update(n_cells=2)
    ds.update(dna_models=["deepcpg_dna_CnnL2h128"], cpg_models=["deepcpg_cpg_RnnL1"],
              joint_models=[{"model": "deepcpg_joint_JointL1h512", "dna": "deepcpg_dna_CnnL2h128",
                             "cpg": "deepcpg_cpg_RnnL1"}])
    ds["training"].update(max_epochs=10, patience=2)  # test time
    config["evaluation"] = {"bootstrap": 100}  # test time
    config["interpret"] = {"n_sequences": 60}  # test time; the demo explains 200
    run_snakemake(tmp_path, config, interpret=True)
    out = tmp_path / "results" / "simulated_methylation"
    models_ = ["deepcpg_dna_CnnL2h128", "deepcpg_cpg_RnnL1", "deepcpg_joint_JointL1h512", "cell_mean",
               "neighbour_mean", "bulk_level"]
    table = pd.concat([pd.read_csv(out / "models" / m / "per_target.tsv", sep="\t") for m in models_])
    assert len(table) == 2 * len(models_) and set(table["target"]) == {"cell1", "cell2"}
    assert {"n", "n_pos", "auroc", "auprc", "accuracy", "f1", "mcc", "auroc_low", "auroc_high"} <= set(table.columns)
    assert (table["auroc_low"] <= table["auroc"]).all() and (table["auroc"] <= table["auroc_high"]).all()
    # one summary: the methylation rows sit in results/summary.tsv beside any other dataset's
    summary = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t")
    rows = summary[summary["dataset"] == "simulated_methylation"].set_index("model")
    assert sorted(rows.index) == sorted(models_) and set(rows["task"]) == {"multilabel"}
    auroc = table.groupby("model")["auroc"].mean()
    for m in models_:
        assert rows.loc[m, "mean_auroc"] == pytest.approx(auroc[m], abs=1e-4)  # summary.tsv: 4 digits
    # trained by the core loop: early stopping on val_loss, checkpoint removed once done
    history = pd.read_csv(out / "models" / "deepcpg_cpg_RnnL1" / "history.tsv", sep="\t")
    assert {"loss", "val_loss", "val_mean_auroc"} <= set(history.columns)
    assert not list((out / "checkpoints").glob("*.npz")) if (out / "checkpoints").exists() else True
    assert auroc["deepcpg_dna_CnnL2h128"] > 0.6 and auroc["deepcpg_cpg_RnnL1"] > 0.7
    assert auroc["deepcpg_joint_JointL1h512"] > max(auroc["deepcpg_dna_CnnL2h128"], auroc["deepcpg_cpg_RnnL1"])
    assert auroc["cell_mean"] == pytest.approx(0.5)  # one score per cell: no ranking within a cell
    record = json.loads((out / "models" / "deepcpg_joint_JointL1h512" / "run.json").read_text())
    assert "deepcpg_dna_CnnL2h128/model.keras" in json.dumps(record["inputs"])
    # the Joint model trains its head only: the DNA and CpG parts are frozen
    assert record["result"]["trainable_parameters"] < record["result"]["parameters"]
    for fig in ("targets", "best_worst"):
        assert (out / "figures" / f"{fig}.png").stat().st_size > 1000
    # rule interpret on the DNA model: first-layer filters as PWMs matched to JASPAR and to the planted motif
    interp = out / "interpret" / "deepcpg_dna_CnnL2h128"
    filters = pd.read_csv(interp / "filters.tsv", sep="\t")
    assert len(filters) > 10 and (filters["n_sites"] >= 10).all()
    assert {"match_id", "q_value"} <= set(filters.columns)
    assert (interp / "filters.meme").read_text().count("MOTIF") == len(filters)
    summary_json = json.loads((interp / "summary.json").read_text())
    assert summary_json["n_sequences"] > 0 and "planted" in summary_json
    assert not (out / "interpret" / "deepcpg_cpg_RnnL1").exists()  # CpG inputs only: not a sequence model


#: Peaks in DeepBind's USF2 ``_AC`` file after duplicates are dropped (each gets a shuffled negative).
USF2_TRAIN_PEAKS = 6452


def test_encode_tfbs_usf2_offline_through_the_mirror_to_its_e_box(tmp_path):
    needs_shared("tfbs", "deepbind_encode_h1hesc_deepRAM")
    config = yaml.safe_load((REPO / "config" / "encode_tfbs.yaml").read_text())
    config["datasets"] = {"USF2": config["datasets"]["USF2"]}  # test time; every TF in the README's run
    assert len(config["models"]) == 20 and "deepbind" in config["models"]  # every 101-bp classifier
    config["models"] = ["deepbind"]  # test time: the other classifiers' families have their own tests
    config["training"].update(max_epochs=8, patience=2)
    config["evaluation"] = {"bootstrap": 100}  # test time; the default is 1,000
    # interpretation end to end on one TF: USF2's top TF-MoDISco pattern is its E-box
    config["interpret"] = {"enabled": False}
    config["datasets"]["USF2"]["interpret"] = {"enabled": True, "n_sequences": 200}
    config["mirror"] = str(SHARED_DATA / "tfbs" / "deepbind_encode_h1hesc_deepRAM")  # offline: the local copy
    # variant effects with no genome: insilico SNVs on USF2's E-box, and a user's table of substitutions
    (tmp_path / "snvs.tsv").write_text("id\tpos\tref\talt\nseq_00002_peak\t10\tA\tC\nseq_00004_peak\t0\tC\tG\n")
    config["variants"] = {"usf2_breaks": {"insilico": {}, "datasets": ["USF2"]},
                          "usf2_table": {"table": {"path": "snvs.tsv"}, "datasets": ["USF2"], "models": ["deepbind"]}}
    run_snakemake(tmp_path, config, ["results/summary.tsv", "results/USF2/interpret/deepbind/motifs.tsv",
                                     "results/variants/usf2_breaks/benchmark.tsv",
                                     "results/variants/usf2_table/benchmark.tsv"],
                  interpret=True)  # no figures (test time; the demo test draws them)
    bench = pd.read_csv(tmp_path / "results" / "variants" / "usf2_breaks" / "benchmark.tsv", sep="\t")
    print("\nUSF2 insilico variant benchmark:\n" + bench.to_string())
    auroc = bench.set_index(["model", "comparison"])["auroc"]
    assert auroc[("pwm_score", "motif_break vs away")] > 0.95  # the JASPAR matrix FIMO placed them with
    assert auroc[("deepbind", "motif_break vs away")] > 0.8  # the model learned the E-box it breaks
    assert all(abs(auroc[(m, "null: away vs away")] - 0.5) < 0.1 for m in ("deepbind", "kmer_baseline", "pwm_score"))
    table = pd.read_csv(tmp_path / "results" / "USF2" / "variants" / "usf2_table" / "deepbind.tsv.gz", sep="\t")
    assert list(table["variant_id"]) == ["seq_00002_peak:10:A>C", "seq_00004_peak:0:C>G"]
    assert (table["ref_match"] == "mismatch").sum() == json.loads(
        (tmp_path / "results" / "USF2" / "variants" / "usf2_table" / "deepbind.json").read_text())["ref_mismatch"]
    # a Keras model's effects job draws the ISM around its top variants too (rule variant_effects_ism)
    for vset in ("usf2_table", "usf2_breaks"):
        assert (tmp_path / "results" / "USF2" / "variants" / vset / "deepbind.top_ism.png").stat().st_size > 0
    assert not (tmp_path / "results" / "USF2" / "variants" / "usf2_breaks" / "kmer_baseline.top_ism.png").exists()
    logs = " ".join(p.read_text() for p in (tmp_path / "logs").rglob("*.log"))
    assert "offline mirror" in logs and "not downloaded" in logs
    everything = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t")
    print("\nENCODE test AUROC:\n" + everything[["dataset", "model", "auroc", "auprc", "n"]].to_string())
    summary = everything[everything["model"] == "deepbind"].set_index("dataset")
    assert set(summary.index) == {"USF2"}
    assert (everything["n"] == 1000).all()  # DeepBind's *_B files: 500 peaks + 500 shuffled
    assert (summary["auroc"] > 0.75).all()
    # dinucleotide shuffling keeps GC content: the GC baseline is near chance
    gc = everything[everything["model"] == "gc_baseline"]["auroc"]
    assert len(gc) == 1 and ((gc - 0.5).abs() < 0.1).all()
    seqs = pd.read_csv(tmp_path / "results" / "USF2" / "sequences.tsv.gz", sep="\t")
    train = seqs[seqs["split"] == "train"]
    assert (train["label"] == 0).sum() == (train["label"] == 1).sum() == USF2_TRAIN_PEAKS  # shuffled negatives
    from dnazoo import interpret

    motifs = pd.read_csv(tmp_path / "results" / "USF2" / "interpret" / "deepbind" / "motifs.tsv", sep="\t")
    print("\nUSF2 deepbind TF-MoDISco patterns:\n" + motifs.iloc[:, :6].to_string())
    top = motifs[motifs["pattern"].str.startswith("pos_")].iloc[0]
    assert top["q_value"] < 0.05
    assert interpret.tf_match("USF2", top["match_id"], interpret.jaspar_motifs()) in ("own", "family"), top


@pytest.fixture(scope="module")
def hg19_like_genome(tmp_path_factory):
    """Synthetic bases with hg19's names and sizes for chr19-chr22 (221 Mbp; no hg19 offline)."""
    sizes = pd.read_csv(needs_shared("hg19", "hg19.chrom.sizes"), sep="\t", header=None, index_col=0)[1]
    path = tmp_path_factory.mktemp("hg19") / "hg19_chr19-22_synthetic.fa"
    rng = np.random.default_rng(0)
    block = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, 60 * 20000)].reshape(20000, 60)
    block = np.hstack([block, np.full((20000, 1), ord("\n"), dtype=np.uint8)]).tobytes()
    with open(path, "wb") as fh:
        for chrom in ("chr19", "chr20", "chr21", "chr22"):
            n = int(sizes[chrom])
            fh.write(f">{chrom}\n".encode())
            full_lines, rest = divmod(n, 60)
            for i in range(0, full_lines, 20000):
                fh.write(block[: min(20000, full_lines - i) * 61])
            if rest:
                fh.write(b"A" * rest + b"\n")
    return path


@pytest.mark.parametrize("split, negatives", [
    pytest.param({"method": "chromosome", "val_chromosomes": ["chr21"], "test_chromosomes": ["chr22"]}, None,
                 marks=pytest.mark.slow),
    ({"method": "anchor", "seed": 0, "val_fraction": 0.15, "test_fraction": 0.15},
     {"method": "distance_matched", "new_pairs": True}),
])
def test_deepchromehic_gm_po_distance_baseline_offline_through_the_mirror(tmp_path, hg19_like_genome, split, negatives):
    needs_shared("deepchromehic", "rda", "GM.po.train.rda")
    config = yaml.safe_load((REPO / "config" / "deepchromehic.yaml").read_text())
    config["datasets"] = {"GM.po": config["datasets"]["GM.po"]}
    config["datasets"]["GM.po"]["max_dropped_fraction"] = 1.0  # the test genome has chr19-22 only
    if negatives:
        config["datasets"]["GM.po"]["negatives"] = negatives
    config["genomes"]["hg19"] = {"path": str(hg19_like_genome)}
    config["split"] = split
    config["models"] = ["distance_baseline"]
    config["baselines"] = []  # test time: the GC and k-mer baselines on 10,001-bp windows
    config["evaluation"] = {"bootstrap": 200}
    config.pop("transfer")  # one dataset here
    config["mirror"] = str(SHARED_DATA / "deepchromehic")  # the .rda tables and auc+pearson.csv, md5-checked
    run_snakemake(tmp_path, config)
    res = tmp_path / "results" / "GM.po"
    windows = json.loads((res / "windows.json").read_text())
    # 2 x 2,642 pairs; those on chromosomes outside chr19-22 are dropped and counted
    chrom_counts = pd.read_csv(needs_shared("deepchromehic", "pairs_chrom_counts.tsv"), sep="\t").set_index("dataset")
    expected = int(chrom_counts.loc["GM.po", ["chr19", "chr20", "chr21", "chr22"]].sum())
    assert windows["input"] == 5284 and windows["kept"] == expected
    assert windows["chromosome_absent"] == 5284 - expected and windows["off_chromosome_end"] == 0
    metrics = json.loads((res / "models" / "distance_baseline" / "metrics.json").read_text())
    print(f"\nGM.po distance baseline, {split['method']} split, negatives {negatives} (chr19-22): "
          f"AUROC {metrics['auroc']:.3f}")
    if negatives:  # matched within each split: distance says nothing; new negative pairs are encoded
        assert abs(metrics["auroc"] - 0.5) < 0.05
        table = pd.read_csv(res / "split.tsv.gz", sep="\t")
        for s in ("train", "val", "test"):
            part = table[table["split"] == s]
            ids = np.load(res / "encoded" / f"{s}.ids.npy")
            assert sorted(ids) == sorted(part["pair_id"].astype(str))
            assert (part["label"] == 1).sum() == (part["label"] == 0).sum()
            assert np.load(res / "encoded" / f"{s}.anchor1.npy", mmap_mode="r").shape == (len(part), 10001)
        assert table["pair_id"].astype(str).str.startswith("matched_neg_").any()
        assert (table["split_reason"].str.startswith("removed by distance matching")).any()
    else:
        assert metrics["auroc"] > 0.75  # negatives lie ~4x further apart than positives
    assert (res / "figures" / "roc.pdf").exists()
    # the published results were fetched and compared (no baseline is in the original's table)
    assert (tmp_path / "resources" / "original" / "auc_pearson.csv").stat().st_size > 50_000
    assert (tmp_path / "results" / "comparison" / "original_vs_dnazoo.png").exists()


@pytest.mark.slow
def test_transfer_matrix_between_two_simulated_datasets(tmp_path):
    """Two small simulated datasets (different seeds): every model trained on one is tested on
    both, and the within-dataset cells equal each dataset's own evaluation. (dna2vec-initialised
    models and their per-genome matrix: the demo test.)"""
    demo = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["datasets"]["simulated_demo"]
    datasets = {}
    for name, seed in (("simA", 3), ("simB", 4)):
        ds = json.loads(json.dumps(demo))
        ds.pop("embedding")
        ds["simulate"].update(seed=seed, n_chromosomes=3, chrom_length=500_000, n_pairs=240,
                              max_distance=200_000)  # test time
        ds["split"] = {"method": "chromosome", "val_chromosomes": ["simchr2"], "test_chromosomes": ["simchr3"]}
        datasets[name] = ds
    config = {"datasets": datasets, "models": ["distance_baseline", "deepbind"], "baselines": ["gc_baseline"],
              "training": {"max_epochs": 2, "patience": 1}, "evaluation": {"bootstrap": 100},
              "transfer": {"datasets": ["simA", "simB"]}}
    original = SHARED_DATA / "deepchromehic" / "auc+pearson.csv"
    if original.exists():  # the comparison rule runs; no simulated dataset is in the published table
        config["original_results"] = {"path": str(original), "md5": "9b9f0b9dd27ee3cb00e7cede42606e74"}
    targets = ["results/transfer/auc_pearson.tsv"] + [
        f"results/transfer/figures/{stem}.png" for stem in ("heatmap_deepbind", "within_across")]
    targets += [f"results/{name}/models/deepbind/metrics.json" for name in ("simA", "simB")]  # compared below
    if original.exists():
        targets.append("results/comparison/original_vs_dnazoo.tsv")
    run_snakemake(tmp_path, config, targets)  # no per-dataset figures (test time)
    if original.exists():
        comparison = pd.read_csv(tmp_path / "results" / "comparison" / "original_vs_dnazoo.tsv", sep="\t")
        assert list(comparison.columns) == ["dataset", "model", "auroc_original", "auroc_dnazoo", "difference"]
        assert comparison.empty and (tmp_path / "results" / "comparison" / "original_vs_dnazoo.pdf").exists()
    table = pd.read_csv(tmp_path / "results" / "transfer" / "auc_pearson.tsv", sep="\t")
    assert list(table.columns) == ["train_dataset", "test_dataset", "model", "auroc", "pearson_r", "n"]
    assert len(table) == 2 * 2 * 3  # 2 models + the GC baseline
    assert set(zip(table["train_dataset"], table["test_dataset"])) == {(a, b) for a in "simA simB".split()
                                                                        for b in "simA simB".split()}
    # the within-dataset rows agree with each dataset's own evaluation
    for name in ("simA", "simB"):
        own = json.loads((tmp_path / "results" / name / "models" / "deepbind" / "metrics.json").read_text())
        row = table[(table["train_dataset"] == name) & (table["test_dataset"] == name) & (table["model"] == "deepbind")]
        assert row["auroc"].item() == pytest.approx(own["auroc"], abs=1e-6)
        assert row["n"].item() == own["n"]
    for stem in ("heatmap_deepbind", "within_across"):
        assert (tmp_path / "results" / "transfer" / "figures" / f"{stem}.png").stat().st_size > 1000


@pytest.mark.slow
def test_cv_folds_and_seeds_become_replicates_with_a_protocol_figure(tmp_path):
    """`protocols`, `split.method: cv` without `fold` and `seeds: [..]` expand into replicate
    datasets; the simulated genome is made once per original dataset; the group's table and figure
    give mean ± sd over the replicates of each protocol, and a single run's bootstrap CI."""
    config = {
        "datasets": {
            "sim": {"kind": "pairs", "simulated": True, "window": 500, "models": ["kmer_baseline"],
                    "simulate": {"seed": 1, "n_chromosomes": 4, "chrom_length": 1_000_000, "n_pairs": 400},
                    "protocols": {"cv": {"split": {"method": "cv", "folds": 3}},
                                  "chrom": {"split": {"method": "chromosome", "val_chromosomes": ["simchr3"],
                                                      "test_chromosomes": ["simchr4"]}}}},
            "simseeds": {"kind": "pairs", "simulated": True, "window": 500, "seeds": [0, 1], "group": "sim",
                         "split": {"method": "chromosome", "val_chromosomes": ["simchr2"],
                                   "test_chromosomes": ["simchr3"]},
                         "negatives": {"method": "distance_matched"},
                         "simulate": {"seed": 2, "n_chromosomes": 3, "chrom_length": 1_000_000, "n_pairs": 300}},
        },
        "models": ["deepbind"], "baselines": ["distance_baseline"],  # deepbind on the seed replicates only
        "training": {"max_epochs": 1}, "evaluation": {"bootstrap": 50},
    }
    run_snakemake(tmp_path, config, ["results/protocols/sim.tsv", "results/protocols/sim.png"])  # no per-replicate figures
    results = tmp_path / "results"
    assert sorted(p.name for p in (tmp_path / "resources" / "simulated").iterdir()) == ["sim", "simseeds"]
    tested = []
    for f in range(3):
        split = pd.read_csv(results / f"sim.cv.fold{f}" / "split.tsv.gz", sep="\t")
        assert (split.loc[split["split"] == "test", "cv_fold"] == f).all()
        tested += split.loc[split["split"] == "test", "pair_id"].tolist()
    assert len(tested) == len(set(tested)) == 400  # each pair tested in exactly one fold
    for s in (0, 1):  # the seed reaches the training job
        assert f"; seed {s}" in (tmp_path / "logs" / f"simseeds.seed{s}" / "train_deepbind.log").read_text()
    table = pd.read_csv(results / "protocols" / "sim.tsv", sep="\t")
    expected = {"cv (3 folds), negatives from the table": 3, "chromosome hold-out, negatives from the table": 1,
                "chromosome hold-out, distance-matched negatives": 2}
    assert set(table["protocol"]) == set(expected)
    for protocol, n in expected.items():
        row = table[(table["protocol"] == protocol) & (table["model"] == "distance_baseline")].iloc[0]
        metrics = [json.loads((results / d / "models" / "distance_baseline" / "metrics.json").read_text())
                   for d in row["datasets"].split(",")]
        aurocs = [m["auroc"] for m in metrics]
        assert row["replicates"] == n == len(aurocs)
        assert row["auroc_mean"] == pytest.approx(np.mean(aurocs))
        if n > 1:
            assert row["auroc_sd"] == pytest.approx(np.std(aurocs, ddof=1))
        else:
            assert [row["auroc_ci_low"], row["auroc_ci_high"]] == pytest.approx(metrics[0]["auroc_ci"])
    assert (results / "protocols" / "sim.png").stat().st_size > 1000


def test_peaks_bed_with_gc_matched_background_on_a_real_genome(tmp_path, http_root):
    """A sequences dataset from a BED of peaks (the 829 real yeast replication origins) on a real
    genome: positives centred on the peaks, GC-matched genomic background negatives, chromosome
    hold-out; the GC baseline is left with no signal. Then a user's VCF on that genome, fetched
    from a URL with its md5 and naming chromosomes 1, 2, ... where the genome says chr1, is scored by
    the dataset's models: chromosome names harmonised, REF checked, a multi-allelic record
    split, a symbolic allele skipped, a window off the chromosome end reported."""
    from scipy.stats import ks_2samp

    from dnazoo.data.encoding import gc_fraction
    from dnazoo.data.encoding import encode_codes

    folder = needs_shared("genomes", "scerevisiae_S288C_sacCer1")
    ars = pd.read_csv(folder / "ARS_origins_oridb.csv")
    bed = tmp_path / "origins.bed"
    pd.DataFrame({"chrom": "chr" + ars["chr"].astype(str), "start": ars["start"] - 1, "end": ars["end"],
                  "name": [f"ori{i}" for i in range(len(ars))]}).to_csv(bed, sep="\t", header=False, index=False)
    config = {
        "genomes": {"sacCer": {"path": str(folder / "scerevisiae_S288C_16chr.fa.gz")}},
        "datasets": {"origins": {
            "kind": "sequences", "genome": "sacCer", "window": 200,
            "train": {"path": str(bed), "format": "bed"},
            "negatives": {"method": "gc_matched_background", "seed": 0},
            "split": {"method": "chromosome", "val_chromosomes": ["chr15"], "test_chromosomes": ["chr4", "chr16"]},
        }},
        "models": ["kmer_baseline"], "baselines": ["gc_baseline"], "evaluation": {"bootstrap": 100},
    }
    run_snakemake(tmp_path, config)
    seqs = pd.read_csv(tmp_path / "results" / "origins" / "sequences.tsv.gz", sep="\t")
    assert seqs.groupby("label").size().to_dict() == {0: 829, 1: 829}
    gc = pd.Series(gc_fraction(np.stack([encode_codes(x) for x in seqs["sequence"]])))
    assert ks_2samp(gc[seqs["label"] == 1], gc[seqs["label"] == 0]).pvalue > 0.05
    split = pd.read_csv(tmp_path / "results" / "origins" / "split.tsv.gz", sep="\t")
    assert set(split.loc[split["split"] == "test", "chrom"]) == {"chr4", "chr16"}
    metrics = {m: json.loads((tmp_path / "results" / "origins" / "models" / m / "metrics.json").read_text())
               for m in ("gc_baseline", "kmer_baseline")}
    print(f"\nyeast origins, GC-matched background, test AUROC: "
          f"{ {m: round(v['auroc'], 3) for m, v in metrics.items()} }")
    lo, hi = metrics["gc_baseline"]["auroc_ci"]
    assert lo < 0.5 < hi  # no GC shortcut left on the test chromosomes

    # a user's VCF by URL and md5 on the same genome
    import hashlib

    from pyfaidx import Fasta

    with Fasta(str(tmp_path / "resources" / "genomes" / "sacCer.fa"), as_raw=True,
               sequence_always_upper=True) as fa:
        chr1, end = fa["chr1"], len(fa["chr1"])
        other = {b: next(a for a in "ACGT" if a != b) for b in "ACGT"}
        records = [(1000, chr1[999], other[chr1[999]], "match"),               # an SNV
                   (2000, other[chr1[1999]], chr1[1999], "swapped"),           # REF and ALT exchanged
                   (3000, chr1[2999], f"{other[chr1[2999]]},<DEL>", "split"),  # multi-allelic, one symbolic
                   (end - 10, chr1[end - 11], other[chr1[end - 11]], "edge")]  # its 200-bp window runs off
    www, url = http_root
    vcf = "##fileformat=VCFv4.2\n##contig=<ID=1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + "".join(
        f"1\t{pos}\t{name}\t{ref}\t{alt}\t.\t.\t.\n" for pos, ref, alt, name in records)
    (www / "user.vcf").write_text(vcf)
    config["variants"] = {"user": {"source": {"url": f"{url}/user.vcf", "md5": hashlib.md5(vcf.encode()).hexdigest()},
                                   "genome": "sacCer", "datasets": ["origins"], "models": ["kmer_baseline"]}}
    run_snakemake(tmp_path, config, ["results/variants/user/effects.tsv.gz"])
    counts = json.loads((tmp_path / "results" / "origins" / "variants" / "user" / "kmer_baseline.json").read_text())
    print("\nuser VCF counts:", counts)
    assert counts["records"] == 4 and counts["variants"] == 4 and counts["symbolic"] == 1
    assert counts["ref_swapped"] == 1 and counts["window_off_chromosome"] == 1
    table = pd.read_csv(tmp_path / "results" / "origins" / "variants" / "user" / "kmer_baseline.tsv.gz", sep="\t")
    status = dict(zip(table["id"], table["status"]))
    assert status == {"match": "scored", "swapped": "scored", "split": "scored", "edge": "window_off_chromosome"}
    assert dict(zip(table["id"], table["ref_match"]))["swapped"] == "swapped"
    assert table.loc[table["status"] == "scored", "abs_diff"].notna().all()


#: Training rows per GUE task in the test (0 = all 19,000-32,378)
#: and the tasks run (the README's: all five, ``DNAZOO_GUE_TASKS=0,1,2,3,4``).
TRAIN_ROWS = int(__import__("os").environ.get("DNAZOO_GUE_TRAIN_ROWS", "6000"))
GUE_TASKS = [int(t) for t in __import__("os").environ.get("DNAZOO_GUE_TASKS", "4").split(",")]


def test_gue_tf_tasks_from_their_csvs_through_the_mirror(tmp_path):
    """The shipped GUE config, read as it is (train / dev as validation / test), md5-checked, offline
    through the mirror; DeepBind and the baselines on tf4 (test time; every task with
    ``DNAZOO_GUE_TASKS``)."""
    import gzip

    import hashlib

    folder = needs_shared("tfbs", "gue_tf_human")
    www = tmp_path / "www"
    config = yaml.safe_load((REPO / "config" / "gue_tf.yaml").read_text())
    assert sorted(config["datasets"]) == [f"gue_tf{t}" for t in range(5)]
    config["datasets"] = {f"gue_tf{t}": config["datasets"][f"gue_tf{t}"] for t in GUE_TASKS}
    for t in GUE_TASKS:  # served as the upstream repository serves them: plain CSV
        (www / str(t)).mkdir(parents=True)
        for part in ("train", "dev", "test"):
            data = gzip.decompress((folder / f"tf{t}" / f"{part}.csv.gz").read_bytes())
            if TRAIN_ROWS and part == "train":  # CI time: the first rows of the (shuffled) training file
                data = b"\n".join(data.split(b"\n")[: TRAIN_ROWS + 1]) + b"\n"
                config["datasets"][f"gue_tf{t}"]["train"]["md5"] = hashlib.md5(data).hexdigest()
            (www / str(t) / f"{part}.csv").write_bytes(data)
    assert config["models"] == ["deepbind", "residualbind"]
    config["models"] = ["deepbind"]  # CI time; config/gue_tf.yaml runs both
    config["training"] = {"max_epochs": 3, "patience": 1}
    config["model_overrides"] = {"kmer_baseline": {"k": 3}}
    if TRAIN_ROWS:
        config["baselines"] = ["gc_baseline"]  # CI time; the README's run has the 3-mer baseline too
    config["evaluation"] = {"bootstrap": 100}
    work = tmp_path / "run"
    work.mkdir()
    config["mirror"] = str(www)  # offline: the task folders, found by file name and md5
    run_snakemake(work, config, ["results/summary.tsv", "results/suite/per_dataset.tsv"])  # no figures
    summary = pd.read_csv(work / "results" / "summary.tsv", sep="\t")
    print("\nGUE test AUROC / MCC:\n" + summary[["dataset", "model", "auroc", "mcc", "n"]].to_string())
    assert set(summary["dataset"]) == {f"gue_tf{t}" for t in GUE_TASKS}
    assert (summary["n"] == 1000).all()  # test.csv as given
    deepbind = summary[summary["model"] == "deepbind"].set_index("dataset")
    assert (deepbind["auroc"] > 0.6).all() and (deepbind["mcc"] > 0).all()
    # MCC also at the threshold chosen on dev (the validation split)
    assert summary["val_threshold"].between(0, 1).all() and summary["mcc_val_threshold"].notna().all()
    gc = summary[summary["model"] == "gc_baseline"]["auroc"]
    assert ((gc - 0.5).abs() < 0.1).all()  # GC-matched negatives: no GC shortcut
    seqs = pd.read_csv(work / "results" / f"gue_tf{GUE_TASKS[0]}" / "sequences.tsv.gz", sep="\t")
    counts = seqs["split"].value_counts().to_dict()
    assert counts["val"] == counts["test"] == 1000
    if not TRAIN_ROWS and GUE_TASKS[0] == 0:  # tf0 (the counts above are of the first task): 32,378 training rows, one of which also occurs in dev or test and is dropped
        assert counts["train"] == 32377
    if 4 in GUE_TASKS:
        log = (work / "logs" / "gue_tf4" / "read_sequences.log").read_text()
        assert "share their sequence" in log  # tf4's duplicates are reported


@pytest.mark.slow
def test_deepsea_bundle_config_on_mat_files_written_from_the_subset(tmp_path):
    """config/deepsea.yaml as shipped, on a bundle archive written from the real DeepSEA subset
    (train.mat as HDF5 from 9,000 training windows, valid.mat from the other 1,000, test.mat from
    the 1,000 test windows, both MATLAB v5; 690 TF labels), offline through the mirror: the members come
    out of one archive, the 690 labels are one multilabel task; a small CNN against GC content."""
    import io
    import tarfile

    from conftest import deepsea_subset, write_deepsea_mat

    folder = needs_shared("tfbs", "deepsea_subset_packt_ch06")
    config = yaml.safe_load((REPO / "config" / "deepsea.yaml").read_text())
    assert config["model_overrides"]["basset"]["model_params"]["input_crop"] == 600
    www = tmp_path / "www"
    (www / "bundle").mkdir(parents=True)
    seqs, y = deepsea_subset(folder, "train")
    test_seqs, test_y = deepsea_subset(folder, "test")
    write_deepsea_mat(www / "bundle" / "train.mat", "train", seqs[:9000], y[:9000], hdf5=True)
    write_deepsea_mat(www / "bundle" / "valid.mat", "valid", seqs[9000:], y[9000:], hdf5=False)
    write_deepsea_mat(www / "bundle" / "test.mat", "test", test_seqs, test_y, hdf5=False)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=1) as tar:  # level 9 (the default): 90 s here
        for part in ("train", "valid", "test"):
            tar.add(www / "bundle" / f"{part}.mat", arcname=f"deepsea_train/{part}.mat")
    (www / "deepsea_train_bundle.v0.9.tar.gz").write_bytes(buf.getvalue())
    (www / "predictor_names.txt").write_bytes((folder / "tf690_feature_names.txt").read_bytes())
    ds = config["datasets"].pop("deepsea")
    config["datasets"]["deepsea690"] = ds
    config.update({"models": ["deepbind"], "training": {"max_epochs": 2, "patience": 1, "batch_size": 64},
                   "model_overrides": {"deepbind": {"model_params": {"motifs": 32, "hidden": 32, "dropout": 0.2}}},
                   "evaluation": {"bootstrap": 0}})
    config["mirror"] = str(www)  # the bundle and the label names, by file name (no md5 for a rebuilt bundle)
    for part in ("train", "validation", "test"):
        config["datasets"]["deepsea690"][part].pop("md5", None)
    run_snakemake(tmp_path, config)
    res = tmp_path / "results" / "deepsea690"
    spec = json.loads((res / "encoded" / "spec.json").read_text())
    assert spec["task"]["name"] == "multilabel" and len(spec["task"]["targets"]) == 690
    assert spec["targets"]["shape"] == [690] and spec["rows"]["test"] == spec["rows"]["val"] == 1000
    assert len(list((tmp_path / "resources" / "archives").glob("*.tar.gz"))) == 1  # fetched once
    summary = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t").set_index("model")
    print("\nDeepSEA subset, 690 labels, test AUROC over labels:\n"
          + summary[["mean_auroc", "median_auroc", "n_labels_scored", "n_labels"]].to_string())
    per = pd.read_csv(res / "models" / "deepbind" / "per_target.tsv", sep="\t")
    assert len(per) == 690 and summary.loc["deepbind", "n_labels_scored"] == per["auroc"].notna().sum()
    # 546 of the 690 labels have both classes among the 1,000 test windows
    assert summary.loc["deepbind", "n_labels_scored"] == (pd.DataFrame(
        np.load(folder / "test_labels_tf690.npz")["y"]).nunique() == 2).sum()
    assert summary.loc["deepbind", "mean_auroc"] > 0.6
    # GC content alone is informative here (TF peaks sit in GC-rich, CpG-island sequence)
    assert summary.loc["gc_baseline", "mean_auroc"] > 0.6
    for fig in ("targets", "best_worst"):
        assert (res / "figures" / f"{fig}.png").stat().st_size > 1000


@pytest.mark.slow
def test_pairs_with_two_late_fusions_and_distance(tmp_path):
    """A sequence tower (DeepBind) made a pair model by two late fusions, with log10 distance fed to
    the head; the model's inputs say so. (CI: the byte-identical test trains one late fusion with
    the distance input; tests/models builds every fusion.)"""
    sim = {"seed": 5, "n_chromosomes": 3, "chrom_length": 600_000, "n_pairs": 300}
    split = {"method": "chromosome", "val_chromosomes": ["simchr2"], "test_chromosomes": ["simchr3"]}
    config = {"datasets": {f"sim_{f}": {"kind": "pairs", "simulated": True, "window": 500, "simulate": sim,
                                        "split": split, "fusion": f, "with_distance": True}
                           for f in ("add", "concat_diff_mul")},
              "models": ["deepbind"], "baselines": ["distance_baseline"],
              "training": {"max_epochs": 1}, "evaluation": {"bootstrap": 0}}
    run_snakemake(tmp_path, config, ["results/summary.tsv"])  # no figures (test time)
    import keras

    from dnazoo.models import parts

    for f in ("add", "concat_diff_mul"):
        model = keras.saving.load_model(tmp_path / "results" / f"sim_{f}" / "models" / "deepbind" / "model.keras")
        assert [i.name for i in model.inputs] == ["anchor1", "anchor2", "log10_distance"]
        inner = parts.onehot_model(model)
        assert any(layer.name.startswith(f"fusion_{f.split('_')[0]}") for layer in inner.layers)
        metrics = json.loads((tmp_path / "results" / f"sim_{f}" / "models" / "deepbind" / "metrics.json").read_text())
        assert 0 <= metrics["auroc"] <= 1 and metrics["n"] > 0


@pytest.mark.slow
def test_simulated_profile_task_beats_a_shuffled_control(tmp_path):
    """The profile demo through the DAG: the workflow simulates bigWig tracks whose peaks sit on
    planted motifs; a dilated CNN predicts counts per bin, clearly above the same predictions
    scored against shuffled windows, and above the ridge baselines. In the same run, the
    regression task on coverage (config/demo_regression.yaml's family): each window's target is
    log1p of every track's total count, and the CNN learns it."""
    config = yaml.safe_load((REPO / "config" / "demo_profile.yaml").read_text())
    config["datasets"]["simulated_profile"]["simulate"]["chrom_length"] = 600_000
    regression = yaml.safe_load((REPO / "config" / "demo_regression.yaml").read_text())["datasets"]
    reg = next(iter(regression.values()))
    assert reg["task"] == "regression" and "simulate" in reg
    reg.update(window=1024, simulate={**reg["simulate"], "n_chromosomes": 3, "chrom_length": 600_000},
               split={"method": "chromosome", "val_chromosomes": ["simchr2"], "test_chromosomes": ["simchr3"]},
               models=["dilated_cnn"])  # test time: expresnet needs >= 1,708 bp (its count: test_classic_zoo)
    config["datasets"]["coverage_regression"] = reg
    config["baselines"] = ["kmer_baseline"]
    config["training"] = {"max_epochs": 8, "patience": 2}  # 400 kbp and 6 epochs (64 filters): rest r 0.097
    # test time: 32 filters (default 64) at 4x the default learning rate (1e-3 took 14 epochs)
    config["model_overrides"] = {"dilated_cnn": {"model_params": {"filters": 32}, "learning_rate": 0.004}}
    run_snakemake(tmp_path, config)
    summary = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t")
    summary = summary[summary["dataset"] == "simulated_profile"].set_index("model")
    print("\nsimulated profile task:\n" + summary[["mean_pearson_r", "control_mean_pearson_r", "mean_mse"]].to_string())
    res = tmp_path / "results" / "simulated_profile"
    per = pd.read_csv(res / "models" / "dilated_cnn" / "per_target.tsv", sep="\t").set_index("target")
    assert list(per.index) == ["ctcf", "rest"]
    # within-window profile shape, per track (most windows hold no site of a track: flat noise)
    assert (per["pearson_r"] > 0.1).all()
    row = summary.loc["dilated_cnn"]
    assert row["mean_pearson_r"] > row["control_mean_pearson_r"] + 0.1
    assert row["mean_pearson_r"] > summary.loc["kmer_baseline", "mean_pearson_r"] + 0.1
    spec = json.loads((res / "encoded" / "spec.json").read_text())
    assert spec["targets"]["shape"] == [50, 2] and spec["task"]["bins"] == 50
    for fig in ("track_r", "tracks"):
        assert (res / "figures" / f"{fig}.png").stat().st_size > 1000

    reg = tmp_path / "results" / "coverage_regression"
    spec = json.loads((reg / "encoded" / "spec.json").read_text())
    assert spec["task"]["name"] == "regression" and spec["targets"]["shape"] == [2]
    coverage = np.load(reg / "coverage.npy")  # (windows, 1 bin, tracks) counts
    regions = pd.read_csv(reg / "regions.tsv.gz", sep="\t").set_index("seq_id")
    ids = np.load(reg / "encoded" / "test.ids.npy")
    labels = np.load(reg / "encoded" / "test.labels.npy")
    assert labels.dtype == np.float32 and labels.shape == (len(ids), 2)
    assert np.allclose(labels, np.log1p(coverage[regions.loc[ids, "row"].to_numpy(), 0, :]), atol=1e-5)
    per = pd.read_csv(reg / "models" / "dilated_cnn" / "per_target.tsv", sep="\t").set_index("target")
    base = pd.read_csv(reg / "models" / "kmer_baseline" / "per_target.tsv", sep="\t").set_index("target")
    print("\ncoverage regression (log1p window totals), Pearson r:\n"
          + pd.DataFrame({"dilated_cnn": per["pearson_r"], "kmer_baseline": base["pearson_r"]}).to_string())
    assert list(per.index) == ["ctcf", "rest"]
    # the CNN learns the window totals (r 0.42-0.46 here); the 4-mer ridge, which counts the planted
    # motifs' k-mers over the whole window, does better on this target (0.59-0.63): the README says so
    assert (per["pearson_r"] > 0.3).all() and (base["pearson_r"] > 0.3).all()


def test_dry_run_caps_threads_at_the_cpus_and_prints_no_shell_commands(tmp_path):
    """`--cores 8` on a smaller machine: no job asks for more than half the CPUs it may use (at
    least one), so two branches of the DAG run side by side; the console has no
    `Shell command: None` lines (every rule is a script)."""
    import os
    import re

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump(config))
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-s", str(REPO / "Snakefile"), "--directory",
                           str(tmp_path), "--configfile", str(cfg), "--cores", "8", "--resources", "gpu=1"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout + proc.stderr
    assert "rule train_dna2vec:" in out and "rule train:" in out  # the multi-threaded rules are planned
    threads = [int(t) for t in re.findall(r"threads: (\d+)", out)]  # Snakemake prints threads above 1 only
    assert max(threads, default=1) <= max(1, len(os.sched_getaffinity(0)) // 2)
    assert "Shell command" not in out


def test_editing_a_local_path_source_reruns_downstream(tmp_path):
    """A table given as a local `path:` is a job input: after an edit, the dry run plans the
    download and everything after it again instead of "Nothing to be done"."""

    import gzip

    folder = needs_shared("tfbs", "gue_tf_human", "tf0")
    for part in ("train", "test"):
        lines = gzip.decompress((folder / f"{part}.csv.gz").read_bytes()).decode().splitlines()
        (tmp_path / f"{part}.csv").write_text("\n".join(lines[:1] + lines[1::5][:200]) + "\n")  # both classes
    config = {"datasets": {"tf0": {"kind": "sequences", "window": 101, "negatives": {"method": "given"},
                                   "train": {"path": str(tmp_path / "train.csv"), "format": "csv"},
                                   "test": {"path": str(tmp_path / "test.csv"), "format": "csv"},
                                   "split": {"method": "given", "val_fraction": 0.2}}},
              "models": ["deepbind"], "baselines": [], "training": {"max_epochs": 1}, "evaluation": {"bootstrap": 0}}
    work = tmp_path / "run"
    work.mkdir()
    run_snakemake(work, config, ["results/tf0/encoded"])
    cmd = [sys.executable, "-m", "snakemake", "-n", "results/tf0/encoded", "-s", str(REPO / "Snakefile"),
           "--directory", str(work), "--configfile", str(work / "config.yaml"), "--cores", "1"]
    assert "Nothing to be done" in subprocess.run(cmd, capture_output=True, text=True).stdout
    edited = (tmp_path / "train.csv").read_text().splitlines()[:-1]  # the user drops a row
    (tmp_path / "train.csv").write_text("\n".join(edited) + "\n")
    plan = subprocess.run(cmd, capture_output=True, text=True).stdout
    assert "download_table" in plan and "encode" in plan and "Nothing to be done" not in plan


def _failing_run(workdir: Path, config: dict, targets: list[str]) -> str:
    cfg = workdir / "config.yaml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False))
    proc = subprocess.run([sys.executable, "-m", "snakemake", *targets, "-s", str(REPO / "Snakefile"), "--directory",
                           str(workdir), "--configfile", str(cfg), "--cores", "1"], capture_output=True, text=True)
    assert proc.returncode != 0
    return proc.stdout + proc.stderr


def test_offline_download_and_a_bad_row_fail_in_one_line_naming_the_users_file(tmp_path, http_root):
    """No network: one console line names the URL, the host and the dataset. A bad row of a
    downloaded table names the local copy and the URL it came from."""
    import re

    config = {"datasets": {"tf": {"kind": "sequences", "window": 24, "negatives": {"method": "given"},
                                  "train": {"url": "http://no-such-host.invalid/tf/train.csv.gz", "format": "csv"},
                                  "split": {"method": "random", "val_fraction": 0.2, "test_fraction": 0.2}}},
              "models": ["deepbind"], "baselines": [], "training": {"max_epochs": 1}}
    out = _failing_run(tmp_path, config, ["results/tf/sequences.tsv.gz"])
    lines = [ln for ln in out.splitlines() if ln.startswith("dnazoo:")]
    assert len(lines) == 1, out[-3000:]
    assert re.search(r"could not download http://no-such-host.invalid/tf/train.csv.gz: could not resolve host "
                     r"no-such-host.invalid \(no network, or a misspelt host name\) \(for dataset tf, train\)", lines[0])

    root, base = http_root
    (root / "train.csv").write_text("sequence,label\nACGTACGTACGTACGTACGTACGT,1\nACGTACGTACGTACGTACGTACGT,yes\n")
    config["datasets"]["tf"]["train"]["url"] = f"{base}/train.csv"
    out = _failing_run(tmp_path, config, ["results/tf/sequences.tsv.gz"])
    line = next(ln for ln in out.splitlines() if ln.startswith("dnazoo:"))
    assert f"resources/tables/tf/train.raw:3: column 'label'" in line
    assert f"[resources/tables/tf/train.raw is the local copy of {base}/train.csv]" in line


def test_two_runs_from_scratch_on_one_thread_write_byte_identical_results(tmp_path):
    """Splits, encoded arrays, histories, predictions, metrics, tables and figures are byte-identical
    across two runs of one config from scratch (one thread), a pair model with a late fusion
    (``concat_diff_mul``) and the log10 distance input. Only ``model.keras`` differs (Keras
    stamps the save time into the archive), and with it the checksum that ``run.json`` records, each
    model's ``inference.json`` (test rows per second), and the leaderboard's cost table and Pareto
    figure (training seconds). The demo's variant set is left out (test time)."""
    import hashlib

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["datasets"]["simulated_demo"]["simulate"].update(n_chromosomes=4, chrom_length=400_000, n_pairs=240,
                                                                    max_distance=200_000)
    config["datasets"]["simulated_demo"].pop("embedding")
    config["datasets"]["simulated_demo"]["split"].update(val_chromosomes=["simchr3"], test_chromosomes=["simchr4"])
    # deepbind's tower made a pair model by a late fusion, with log10 distance fed to the head
    config["datasets"]["simulated_demo"].update(fusion="concat_diff_mul", with_distance=True)
    config.update(models=["deepbind", "kmer_baseline"], baselines=["kmer_baseline"],  # test time
                  training={"seed": 0, "max_epochs": 2, "patience": 2},
                  evaluation={"bootstrap": 20}, interpret={"enabled": False})
    config.pop("model_overrides")
    # test time: no variant sets (their scores are the same models' predictions, on REF/ALT windows)
    config.pop("variants")
    digests = []
    for run in ("a", "b"):
        work = tmp_path / run
        work.mkdir()
        cfg = work / "config.yaml"
        cfg.write_text(yaml.safe_dump(config, sort_keys=False))
        proc = subprocess.run([sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "--directory",
                               str(work), "--configfile", str(cfg), "--cores", "1", "--resources", "gpu=1"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        digests.append({str(p.relative_to(work)): hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted((work / "results").rglob("*")) if p.is_file()})
    a, b = digests
    assert a.keys() == b.keys()
    differ = sorted(k for k in a if a[k] != b[k])
    keras_dir = "results/simulated_demo/models/deepbind"
    # and the leaderboard's cost table and Pareto figure, which hold the seconds of training
    timed = ["results/leaderboard/cost.tsv", "results/leaderboard/pareto.pdf", "results/leaderboard/pareto.png"]
    timed += [f"results/simulated_demo/models/{m}/inference.json" for m in ("deepbind", "kmer_baseline")]  # rows/s
    # only these may differ: the timed files hold seconds, which two runs can also match to the 0.1 s
    assert set(differ) <= set(timed + [f"{keras_dir}/model.keras", f"{keras_dir}/run.json"]), differ
    assert f"{keras_dir}/model.keras" in differ  # the save time in the archive: the check is not vacuous
    for kind in ("split.tsv.gz", "encoded/test.anchor1.npy", "models/deepbind/predictions.tsv.gz",
                 "models/deepbind/metrics.json", "models/deepbind/history.tsv", "figures/roc.pdf"):
        assert f"results/simulated_demo/{kind}" in a
    records = [json.loads((tmp_path / run / keras_dir / "run.json").read_text()) for run in ("a", "b")]
    assert records[0]["inputs"] == records[1]["inputs"] and records[0]["seed"] == 0
    assert records[0]["outputs"][f"{keras_dir}/history.tsv"] == records[1]["outputs"][f"{keras_dir}/history.tsv"]
    assert {"keras", "numpy", "python"} <= set(records[0]["packages"])
    assert records[0]["dataset_config"]["simulate"]["n_pairs"] == 240
    import keras

    from dnazoo.models import parts

    model = keras.saving.load_model(tmp_path / "a" / keras_dir / "model.keras")
    assert [i.name for i in model.inputs] == ["anchor1", "anchor2", "log10_distance"]
    assert any(layer.name.startswith("fusion_concat") for layer in parts.onehot_model(model).layers)
    # a deleted model folder is rebuilt by the plain command (rule all names every model's files)
    import shutil

    shutil.rmtree(tmp_path / "b" / "results" / "simulated_demo" / "models" / "kmer_baseline")
    plan = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-s", str(REPO / "Snakefile"), "--directory",
                           str(tmp_path / "b"), "--configfile", str(tmp_path / "b" / "config.yaml"), "--cores", "1"],
                          capture_output=True, text=True).stdout
    assert "Nothing to be done" not in plan and "train_baseline" in plan and "evaluate" in plan, plan[-2000:]


def test_targetfinder_config_rebuilds_the_pairs_from_the_authors_files(tmp_path):
    """config/targetfinder.yaml downloads the authors' per-pair predictions-gbm.csv and rebuilds the
    pair table from the element names: through the offline mirror (the K562 file rebuilt from the real
    pairs), the result equals the real K562 pair table."""
    from dnazoo.io import read_table
    from dnazoo.data.readers import read_targetfinder

    shared = needs_shared("targetfinder", "K562.ep.csv.gz")
    real = pd.read_csv(shared)
    folder = tmp_path / "www" / "paper" / "targetfinder" / "K562" / "output-ep"
    folder.mkdir(parents=True)
    shuffled = real.sample(frac=1.0, random_state=0)  # the authors' file is in CV-fold order
    pd.DataFrame({"enhancer_name": shuffled["enhancer_name"], "promoter_name": shuffled["promoter_name"],
                  "label": shuffled["label"], "prediction": 0}).to_csv(folder / "predictions-gbm.csv", index=False)
    config = yaml.safe_load((REPO / "config" / "targetfinder.yaml").read_text())
    config["datasets"] = {"K562": config["datasets"]["K562"]}
    prefix = config["datasets"]["K562"]["table"]["url"].split("paper/")[0]
    assert prefix.startswith("https://raw.githubusercontent.com/shwhalen/targetfinder/")
    work = tmp_path / "run"
    work.mkdir()
    config["mirror"] = str(tmp_path / "www")
    run_snakemake(work, config, ["results/K562/pairs.tsv.gz"])
    got = read_table(work / "results" / "K562" / "pairs.tsv.gz").sort_values("pair_id").reset_index(drop=True)
    ref = read_targetfinder(shared).sort_values("pair_id").reset_index(drop=True)
    cols = ["pair_id", "chrom1", "start1", "end1", "chrom2", "start2", "end2", "label"]
    pd.testing.assert_frame_equal(got[cols], ref[cols], check_dtype=False)
    assert len(got) == 41_477 and int(got["label"].sum()) == 1_977


@pytest.mark.slow
def test_epivan_and_speid_on_targetfinder_pairs_through_the_hg19_path(tmp_path, hg19_like_genome):
    """config/targetfinder.yaml's K562 set with EPIVAN and SPEID at their 3,000 / 2,000-bp windows:
    the authors' per-pair file through the offline mirror (the real K562 pairs on chr19-22: every
    positive and as many negatives), the genome an hg19-shaped stand-in (real names and sizes,
    synthetic bases: no hg19 offline), EPIVAN's 6-mer tokens through EPIVAN's own pretrained dna2vec
    matrix (../shared). Windows are cut at the pairs' hg19 coordinates; both models train and are
    scored on the held-out chromosome. (Whether they learn: the simulated run in the README.)"""
    from pyfaidx import Fasta

    from dnazoo.data.readers import read_targetfinder

    real = read_targetfinder(needs_shared("targetfinder", "K562.ep.csv.gz"))
    matrix = needs_shared("dna2vec_pretrained_epivan", "embedding_matrix_6mer_100d.npy")
    on = real[real["chrom1"].isin(["chr19", "chr20", "chr21", "chr22"])]
    pos = on[on["label"] == 1]
    pairs = pd.concat([pos, on[on["label"] == 0].sample(len(pos), random_state=0)]).sample(frac=1.0, random_state=1)
    enhancer, promoter = pairs["pair_id"].str.split("~", expand=True).T.to_numpy()
    folder = tmp_path / "www" / "paper" / "targetfinder" / "K562" / "output-ep"
    folder.mkdir(parents=True)
    pd.DataFrame({"enhancer_name": enhancer, "promoter_name": promoter, "label": pairs["label"].to_numpy(),
                  "prediction": 0}).to_csv(folder / "predictions-gbm.csv", index=False)
    config = yaml.safe_load((REPO / "config" / "targetfinder.yaml").read_text())
    assert {"epivan", "speid"} <= set(config["models"])
    config["datasets"] = {"K562": {**config["datasets"]["K562"], "embedding": str(matrix)}}
    assert config["datasets"]["K562"]["window"] == [3000, 2000]
    config["genomes"]["hg19"] = {"path": str(hg19_like_genome)}
    config["split"] = {"method": "chromosome", "val_chromosomes": ["chr20"], "test_chromosomes": ["chr22"]}
    config.update(models=["distance_baseline", "epivan", "speid"], baselines=[], evaluation={"bootstrap": 100},
                  training={"max_epochs": 1}, interpret={"enabled": False})  # test time
    work = tmp_path / "run"
    work.mkdir()
    config["mirror"] = str(tmp_path / "www")
    run_snakemake(work, config, ["results/summary.tsv"])
    res = work / "results" / "K562"
    split = pd.read_csv(res / "split.tsv.gz", sep="\t")
    test = split[split["split"] == "test"].set_index("pair_id")
    assert set(test["chrom1"]) == {"chr22"} and len(test) == int(pairs["chrom1"].eq("chr22").sum())
    ids = np.load(res / "encoded" / "test.ids.npy")
    a1 = np.load(res / "encoded" / "test.anchor1.npy", mmap_mode="r")
    a2 = np.load(res / "encoded" / "test.anchor2.npy", mmap_mode="r")
    assert a1.shape == (len(test), 3000) and a2.shape == (len(test), 2000)
    row = test.loc[ids[0]]  # the codes are the genome's bases at the pair's hg19 windows (A C G T = 0-3)
    with Fasta(str(hg19_like_genome), as_raw=True) as fa:
        bases = fa[row["chrom1"]][int(row["wstart1"]):int(row["wend1"])]
    assert "".join("ACGTN"[c] for c in a1[0]) == bases.upper()
    for model in ("epivan", "speid"):
        metrics = json.loads((res / "models" / model / "metrics.json").read_text())
        assert metrics["n"] == len(test) and 0 <= metrics["auroc"] <= 1
    record = json.loads((res / "models" / "epivan" / "run.json").read_text())
    assert "results/K562/embedding/kmer_matrix.npy" in record["inputs"]  # EPIVAN's matrix, as checked and copied
    assert np.allclose(np.load(res / "embedding" / "kmer_matrix.npy"), np.load(matrix), atol=1e-6)


#: mm10 (GRCm38) chromosome sizes in bp, as Ensembl's chromosome 18 and 19 FASTA files hold them.
MM10_SIZES = {"18": 90_702_639, "19": 61_431_566}


def test_a_methylation_value_outside_0_1_fails_in_one_line_naming_the_users_file_and_line(tmp_path):
    """A user's profile with a value outside [0, 1] stops the run in one line naming the file and line."""
    config = yaml.safe_load((REPO / "config" / "deepcpg_dna.yaml").read_text())
    bad = tmp_path / "bad.tsv"
    bad.write_text("18\t3000023\t1.0\n18\t3000086\t2.0\n")
    broken = {"models": config["models"], "methylation": {"bad": {"profiles": {"bad": {"path": str(bad)}},
                                                                  "cpg_models": ["deepcpg_cpg_RnnL1"]}}}
    (tmp_path / "bad_run").mkdir()
    out = _failing_run(tmp_path / "bad_run", broken, [])
    line = next(ln for ln in out.splitlines() if ln.startswith("dnazoo:"))
    assert "line 2: the methylation value is not a number in [0, 1]" in line and str(bad) in line


@pytest.mark.slow
def test_deepcpg_on_the_real_profiles_with_an_mm10_shaped_genome(tmp_path):
    """config/deepcpg_dna.yaml through an offline mirror (md5 checks on): the real serum cells,
    train chr18, test chr19, with Ensembl's chromosome files stood in for by synthetic bases of
    mm10's names and sizes (no mm10 offline) with a CpG at every profiled site (the sites are
    checked against the genome); the DNA and CpG (RnnL1) models."""
    data = needs_shared("deepcpg", "cpg_profiles")
    config = yaml.safe_load((REPO / "config" / "deepcpg_dna.yaml").read_text())
    ds = config["methylation"]["deepcpg_serum_dna"]
    www = tmp_path / "www"
    www.mkdir()
    for src in ds["profiles"].values():
        assert src["url"].startswith("https://github.com/cangermueller/deepcpg/raw/")
        name = src["url"].rsplit("/", 1)[1]
        (www / name).symlink_to(data / name)
    rng = np.random.default_rng(0)
    block = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, 1_200_000)]
    sites = pd.concat([pd.read_csv(data / src["url"].rsplit("/", 1)[1], sep="\t", header=None, usecols=[0, 1],
                                   names=["chromo", "pos"], dtype={"chromo": str})
                       for src in ds["profiles"].values()])
    sites["chromo"] = sites["chromo"].str.removeprefix("chr")
    genome = config["genomes"]["mm10_ensembl85_chr18_19"]
    for url in genome["urls"]:
        chrom = url.split(".chromosome.")[1].split(".")[0]
        size = MM10_SIZES[chrom]
        bases = np.resize(block, size)
        pos = sites.loc[sites["chromo"] == chrom, "pos"].to_numpy(np.int64)
        bases[pos - 1], bases[pos[pos < size]] = ord("C"), ord("G")  # the profiles' CpGs (1-based C)
        full = size - size % 60
        lines = np.hstack([bases[:full].reshape(-1, 60), np.full((full // 60, 1), ord("\n"), dtype=np.uint8)])
        with open(www / url.rsplit("/", 1)[1], "wb") as fh:  # plain FASTA under the .fa.gz name
            fh.write(f">{chrom} dna:chromosome chromosome:GRCm38:{chrom}:1:{size}:1 REF\n".encode())
            fh.write(lines.tobytes())
            fh.write(bases[full:].tobytes() + b"\n")
    del genome["checksums_file"]  # BSD sums of the stand-ins: tests/unit/test_io.py checks the mechanism
    # test time: the Joint model and the filter motifs have their test on the simulated default
    ds.update(dna_window=101, training={"max_epochs": 4, "patience": 1, "learning_rate": 0.001}, joint_models=[],
              filters=False)
    config["evaluation"] = {"bootstrap": 100}  # test time
    config["mirror"] = str(www)  # the URLs stay; their files come from the mirror
    run_snakemake(tmp_path, config)
    assert "offline mirror" in (tmp_path / "logs" / "genomes" / "mm10_ensembl85_chr18_19.log").read_text()
    out = tmp_path / "results/deepcpg_serum_dna"
    spec = json.loads((out / "encoded" / "spec.json").read_text())
    assert spec["dna_window"] == 101 and spec["counts"]["test"]["observed"] == 10_000
    table = pd.concat([pd.read_csv(out / "models" / m / "per_target.tsv", sep="\t") for m in
                       ("deepcpg_cpg_RnnL1", "deepcpg_dna_CnnL2h128", "cell_mean")]).set_index(["model", "target"])
    for cell in ("BS27_4_SER", "BS28_2_SER"):
        assert table.loc[("deepcpg_cpg_RnnL1", cell), "n"] == 5000  # chr19's CpGs of the cell
        assert table.loc[("deepcpg_cpg_RnnL1", cell), "auroc"] > table.loc[("cell_mean", cell), "auroc"] + 0.2
        # the stand-in genome holds the profiles' CpGs at their positions and random bases elsewhere:
        # the DNA model can only learn the local density of those CpGs, and stays below the CpG model
        dna = table.loc[("deepcpg_dna_CnnL2h128", cell), "auroc"]
        assert 0.45 < dna < table.loc[("deepcpg_cpg_RnnL1", cell), "auroc"] - 0.05
    assert not (out / "interpret").exists()  # filters: false


def test_the_shipped_deepcpg_config_runs_offline_through_the_mirror(tmp_path):
    """config/deepcpg.yaml as shipped (public URLs with md5s), its files from ../shared/data through
    the offline mirror: every profile is copied from the mirror (the log says so, no network), and
    the CpG models and baselines reach results/summary.tsv (training shortened for test time)."""
    data = needs_shared("deepcpg", "cpg_profiles")
    config = yaml.safe_load((REPO / "config" / "deepcpg.yaml").read_text())
    ds = config["methylation"]["deepcpg_serum"]
    ds.update(cpg_models=["deepcpg_cpg_FcAvg"], training={"max_epochs": 2, "patience": 1})  # test time
    config["evaluation"] = {"bootstrap": 50}  # test time
    config["mirror"] = str(data.parent)
    run_snakemake(tmp_path, config)
    logs = sorted((tmp_path / "logs" / "methylation" / "deepcpg_serum").glob("fetch_*.log"))
    assert len(logs) == 4 and all("offline mirror" in f.read_text() for f in logs)
    summary = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t").set_index("model")
    assert set(summary.index) == {"deepcpg_cpg_FcAvg", "cell_mean", "neighbour_mean", "bulk_level"}
    assert summary.loc["neighbour_mean", "auroc"] > 0.75 and summary.loc["cell_mean", "auroc"] == 0.5


def test_deepcpg_dna_config_plans_the_ensembl_genome_then_dna_cpg_and_joint(tmp_path):
    """config/deepcpg_dna.yaml: a dry run plans the Ensembl mm10 download, the dataset,
    the DNA and CpG models, then the Joint model on them (nothing is fetched)."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text((REPO / "config" / "deepcpg_dna.yaml").read_text())
    proc = subprocess.run([sys.executable, "-m", "snakemake", "results/deepcpg_serum_dna/figures/targets.png",
                           "-n", "-s", str(REPO / "Snakefile"), "--directory", str(tmp_path), "--configfile", str(cfg),
                           "--cores", "2", "--resources", "gpu=1"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    table = out.split("Job stats:")[1].split("total")[0].splitlines()[3:]
    jobs = {line.split()[0]: int(line.split()[1]) for line in table if len(line.split()) == 2}
    assert jobs == {"download_genome": 1, "methylation_fetch": 2, "methylation_dataset": 1, "train": 3,
                    "train_baseline": 2, "evaluate": 5, "figures_targets": 1}, jobs
    # the Joint model's job waits for its trained DNA and CpG parts
    joint = out.split("wildcards: dataset=deepcpg_serum_dna, model=deepcpg_joint_JointL2h512")[0].rsplit("rule train:", 1)[1]
    assert "results/deepcpg_serum_dna/models/deepcpg_dna_CnnL2h128/model.keras" in joint
    assert "results/deepcpg_serum_dna/models/deepcpg_cpg_RnnL1/model.keras" in joint
    assert "resources/genomes/mm10_ensembl85_chr18_19.fa" in out


def test_user_bigwig_tracks_from_a_path_and_a_url_give_exact_window_sums(tmp_path):
    """A user's genome and bigWig tracks through the DAG (rule coverage), one track by `path:` and
    one by `url:` (file://), each copied under its local name by the workflow: every window's
    count equals the brute-force sum of the track's per-base values (pybigtools, every base)."""
    import pybigtools

    from dnazoo.pipeline.data import simulate_profile_stage

    data = tmp_path / "data"
    data.mkdir()
    tracks = {"ctcf": data / "ctcf.bw", "rest": data / "rest.bw"}
    simulate_profile_stage({"seed": 3, "n_chromosomes": 2, "chrom_length": 60_000}, 1000, data / "g.fa",
                           data / "windows.bed", tracks)
    config = {"models": ["deepbind"], "genomes": {"user": {"path": str(data / "g.fa")}},
              "datasets": {"user_tracks": {
                  "kind": "sequences", "task": "regression", "window": 1000, "genome": "user",
                  "tracks": {"ctcf": {"path": str(tracks["ctcf"])}, "rest": {"url": tracks["rest"].as_uri()}},
                  "split": {"method": "chromosome", "test_chromosomes": ["simchr2"]}}}}
    run_snakemake(tmp_path, config, ["results/user_tracks/coverage.npy"])
    res = tmp_path / "results" / "user_tracks"
    table = pd.read_csv(res / "regions.tsv.gz", sep="\t")
    cov = np.load(res / "coverage.npy")
    assert cov.shape == (len(table), 1, 2) and len(table) > 50  # 2 × 60 kbp tiled by 1,000-bp windows, N ends left out
    for k, (name, path) in enumerate(tracks.items()):
        with pybigtools.open(str(path)) as bw:
            per_base = {c: np.asarray(bw.values(c, 0, n, fillna=0), dtype=np.float64) for c, n in bw.chroms().items()}
        brute = [per_base[r.chrom][r.start:r.end].sum() for r in table.itertuples()]
        np.testing.assert_allclose(cov[table["row"].to_numpy(), 0, k], brute, rtol=1e-5, err_msg=name)
        assert max(brute) > 0


def test_tuning_searches_on_validation_then_train_uses_the_best_parameters(tmp_path):
    """Rule tune on a reduced demo (deepbind, 4 trials of 2 epochs, two workers sharing a journal
    study): trials.tsv holds the 4 finished trials, the first one untuned; best_params.json is at
    least the untuned validation AUROC; rule train then trains with the best parameters (run.json).
    In the same run, rule ensemble averages deepbind and the k-mer baseline: its own summary row
    with CIs, its AUROC that of the averaged predictions, and its comparison with the baselines."""
    from sklearn.metrics import roc_auc_score

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    ds = config["datasets"]["simulated_demo"]
    ds.pop("embedding")
    ds["simulate"].update(n_chromosomes=3, chrom_length=400_000, n_pairs=200, max_distance=200_000)
    ds["split"] = {"method": "chromosome", "val_chromosomes": ["simchr2"], "test_chromosomes": ["simchr3"]}
    config.update(models=["deepbind"], baselines=["kmer_baseline"],
                  training={"seed": 0, "max_epochs": 2, "patience": 2},
                  evaluation={"bootstrap": 50}, interpret={"enabled": False},
                  tuning={"trials": 4, "parallel": 2, "seed": 0},
                  ensembles={"mix": {"models": ["deepbind", "kmer_baseline"]}})
    config.pop("model_overrides")
    run_snakemake(tmp_path, config, ["results/summary.tsv", "results/simulated_demo/baseline_comparison.tsv"])
    folder = tmp_path / "results" / "simulated_demo" / "tuning" / "deepbind"
    assert (folder / "study.journal").exists() and not (folder / "study.db").exists()  # parallel: journal storage
    trials = pd.read_csv(folder / "trials.tsv", sep="\t")
    finished = trials[trials["state"].isin(["COMPLETE", "PRUNED"])]
    assert len(finished) == 4
    first = trials.iloc[0]
    assert first["params_learning_rate"] == pytest.approx(1e-3) and first["params_batch_size"] == 64  # untuned
    best = json.loads((folder / "best_params.json").read_text())
    assert best["value"] >= best["untuned_value"] and best["trials"] == len(finished) and best["failed"] == 0
    record = json.loads((tmp_path / "results" / "simulated_demo" / "models" / "deepbind" / "run.json").read_text())
    assert record["settings"]["tuned_params"] == best["params"]
    assert record["settings"]["tuning_budget"] == {"trials": best["trials"], "seconds": best["tuning_s"]}
    assert record["settings"]["learning_rate"] == pytest.approx(best["params"]["learning_rate"])
    for fig in ("history", "importance"):
        assert (folder / f"{fig}.png").stat().st_size > 3000
    summary = pd.read_csv(tmp_path / "results" / "summary.tsv", sep="\t").set_index("model")
    assert {"deepbind", "kmer_baseline", "mix"} <= set(summary.index) and summary.loc["deepbind", "tuned"]
    models_dir = tmp_path / "results" / "simulated_demo" / "models"
    preds = {m: pd.read_csv(models_dir / m / "predictions.tsv.gz", sep="\t") for m in ("deepbind", "kmer_baseline", "mix")}
    mean = (preds["deepbind"]["score"] + preds["kmer_baseline"]["score"]) / 2
    assert np.allclose(preds["mix"]["score"], mean)
    assert summary.loc["mix", "auroc"] == pytest.approx(roc_auc_score(preds["mix"]["label"], mean), abs=1e-4)
    assert summary.loc["mix", "auroc_ci_low"] < summary.loc["mix", "auroc"] < summary.loc["mix", "auroc_ci_high"]
    record = json.loads((models_dir / "mix" / "run.json").read_text())
    assert record["ensemble"] == {"models": ["deepbind", "kmer_baseline"], "average": "probability"}
    assert record["settings"]["tuning_budget"]["trials"] == best["trials"]  # its tuned member's search
    comparison = pd.read_csv(tmp_path / "results" / "simulated_demo" / "baseline_comparison.tsv", sep="\t")
    assert "mix" in set(comparison["model"])
