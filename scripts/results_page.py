"""Write docs/results.md from the committed tables in published/ and perf/results/ (run from the
repository root):

    .venv/bin/python scripts/results_page.py
"""
import json
import statistics
from pathlib import Path

import pandas as pd

P = Path("published")
PERF = Path("perf/results")
DEMO = "`snakemake --cores 2 --resources gpu=1`"
DEEPCPG_SIM = "`snakemake --cores 2 --resources gpu=1 --configfile config/demo_deepcpg.yaml`"
DEEPCPG_REAL = ("`DNAZOO_MIRROR=../shared/data/deepcpg snakemake --cores 2 --resources gpu=1 "
                "--configfile config/deepcpg.yaml`")
GUE = ("`DNAZOO_MIRROR=../shared/data/tfbs/gue_tf_human snakemake --cores 2 --configfile config/gue_tf.yaml "
       "results/overlap.tsv`")
ENCODE_INTERPRET = ("`DNAZOO_MIRROR=../shared/data/tfbs/deepbind_encode_h1hesc_deepRAM snakemake --cores 2 "
                    "--resources gpu=1 --configfile config/encode_interpret.yaml`")
ENCODE_12TF = ("`DNAZOO_MIRROR=../shared/data/tfbs/deepbind_encode_h1hesc_deepRAM snakemake --cores 2 "
               "--resources gpu=1 --configfile config/encode_tfbs.yaml config/experiments/encode_tfbs_equal_budget.yaml "
               "config/experiments/encode_tfbs_12tf.yaml`")

GUE_TUNED = ("`DNAZOO_MIRROR=../shared/data/tfbs/gue_tf_human snakemake --cores 2 --resources gpu=1 "
             "--configfile config/gue_tf.yaml config/experiments/gue_tf_tuned.yaml "
             "--config 'run_datasets=[gue_tf0,gue_tf1,gue_tf2,gue_tf3,gue_tf4]'`, run one task at a time "
             "(`run_datasets=[gue_tf0]`, then `[gue_tf1]`, ...); every row depends on its own task only, so the "
             "committed tables are each task's rows in task order. gue_tf1, gue_tf3 and gue_tf4 ran with "
             "`--resources gpu=2` (two Keras jobs at once on the 2-core machine without a GPU, one thread each; "
             "the same results, seconds measured beside another job), the others with `gpu=1`. gue_tf1's studies "
             "ran over several runs, each resuming the study's SQLite database (a trial cut off by a stopped run "
             "is marked failed and not counted in the 12)")

DEEPSEA_SUBSET = ("`snakemake --cores 2 --resources gpu=2 --configfile config/experiments/deepsea_subset.yaml` "
                  "on the 2-core machine without a GPU: DeepSEA and DanQ trained at once, one thread each; Basset "
                  "in an earlier run of the same command at commit ba1f4bc")

ENCODE_VARIANTS = ("`DNAZOO_MIRROR=../shared/data/tfbs/deepbind_encode_h1hesc_deepRAM snakemake --cores 2 "
                   "--resources gpu=1 --configfile config/encode_tfbs.yaml config/experiments/encode_variants.yaml`")

#: Every committed result file: (what it holds, the command, the run's output it is a copy of).
FILES = {
    "demo_summary.tsv": ("the simulated demo (default config): one row per model, with its training record",
                         DEMO, "results/summary.tsv"),
    "demo_cost.tsv": ("the same run: parameters, training seconds and test rows scored per second of each model "
                      "(results/leaderboard/ of a single dataset)", DEMO, "results/leaderboard/cost.tsv"),
    "encode_12tf_ranks.tsv": ("ENCODE ChIP-seq, 12 TFs, 8 classifiers, baselines and an ensemble at an equal "
                              "budget (training peaks capped at 2,000): mean rank per model, Friedman rank and "
                              "Nemenyi group", ENCODE_12TF, "results/leaderboard/ranks.tsv"),
    "encode_12tf_leaderboard.tsv": ("the same run: test AUROC with its 95 % CI, rank and convergence per TF and model",
                                    ENCODE_12TF, "results/leaderboard/leaderboard.tsv"),
    "encode_12tf_statistics.json": ("the same run: the Friedman test and the Nemenyi critical difference",
                                    ENCODE_12TF, "results/leaderboard/statistics.json"),
    "encode_12tf_cost.tsv": ("the same run: parameters, training seconds and test rows scored per second per TF and "
                             "model", ENCODE_12TF, "results/leaderboard/cost.tsv"),
    "gue_tf_tuned.tsv": ("GUE tf0-tf4, tuned at an equal budget (12 Optuna trials of at most 6 epochs per model): "
                         "test MCC at 0.5 of each model and the ensemble beside DNABERT-2's published MCC, with "
                         "AUROC, convergence and the tuned flag", GUE_TUNED, "results/suite/per_dataset.tsv"),
    "gue_tf_tuned_cost.tsv": ("the same run: parameters, tuning trials and seconds, training seconds and test rows "
                              "scored per second per task and model", GUE_TUNED, "results/leaderboard/cost.tsv"),
    "deepsea_subset_summary.tsv": ("DeepSEA, DanQ and Basset on the 2-Mb DeepSEA subset (690 TF labels): mean and "
                                   "median test AUROC over the labels, one row per model and the baseline",
                                   DEEPSEA_SUBSET, "results/summary.tsv"),
    "deepsea_subset_cost.tsv": ("the same run: parameters, training seconds and test rows scored per second "
                                "(results/leaderboard/ of a single dataset)", DEEPSEA_SUBSET,
                                "results/leaderboard/cost.tsv"),
    "demo_variants_benchmark.tsv": ("the demo's variant set: AUROC of the absolute effect separating SNVs that break a "
                                    "planted motif from random SNVs, per model, with a random-vs-random null", DEMO,
                                    "results/variants/demo_variants/benchmark.tsv"),
    "encode_variants_benchmark.tsv": ("ENCODE ChIP-seq, 5 TFs: AUROC of the absolute effect separating in-silico SNVs "
                                      "that break the TF's JASPAR motif (FIMO hits in the test peaks) from SNVs away "
                                      "from any hit, per TF and model, with the PWM-score baseline and a null",
                                      ENCODE_VARIANTS, "results/variants/encode_motif_breaks/benchmark.tsv"),
    "demo_interpret_motifs.tsv": ("the demo's `deepbind`: TF-MoDISco patterns and their JASPAR matches", DEMO,
                                  "results/simulated_demo/interpret/deepbind/motifs.tsv"),
    "demo_interpret_summary.json": ("the demo's `deepbind`: the interpretation summary (attribution agreement, "
                                    "planted motif)", DEMO, "results/simulated_demo/interpret/deepbind/summary.json"),
    "deepcpg_simulated_summary.tsv": ("DeepCpG on the simulated methylation default: one row per model and "
                                      "baseline, means over 3 cells", DEEPCPG_SIM, "results/summary.tsv"),
    "deepcpg_simulated_per_cell.tsv": ("the same, per cell, with bootstrap CIs", DEEPCPG_SIM,
                                       "results/simulated_methylation/per_target.tsv"),
    "deepcpg_simulated_dna_filters.tsv": ("the DNA model's first-layer filters as PWMs, best JASPAR match and the "
                                          "planted motif's q-value", DEEPCPG_SIM,
                                          "results/simulated_methylation/interpret/deepcpg_dna_CnnL2h128/filters.tsv"),
    "deepcpg_real_summary.tsv": ("DeepCpG's real test profiles (2 serum cells, test chr19): CpG models and "
                                 "baselines, means over cells", DEEPCPG_REAL, "results/summary.tsv"),
    "deepcpg_real_per_cell.tsv": ("the same, per cell, with bootstrap CIs", DEEPCPG_REAL,
                                  "results/deepcpg_serum/per_target.tsv"),
    "gue_tf_overlap.tsv": ("GUE tf0-tf4: validation (dev) and test rows whose sequence is also a training "
                           "sequence (those training rows are dropped)", GUE, "results/overlap.tsv"),
    "motif_calibration.tsv": ("the null test of the JASPAR matching: the share of queries without a motif (random, "
                              "flat, GC-rich, column-shuffled JASPAR) that get q < 0.05, with and without the "
                              "calibration", "`snakemake --cores 1 motif_calibration`", "results/motif_calibration.tsv"),
    "encode_interpret.tsv": ("ENCODE ChIP-seq (USF1, SRF, YY1, ZNF143): each model's top TF-MoDISco pattern, "
                             "its JASPAR match and whether it is the TF's own motif or its family's",
                             ENCODE_INTERPRET, "results/interpret.tsv"),
}
#: Performance measurements: the script in perf/ that wrote each.
PERF_FILES = {
    "demo_dag_cpu.json": ("wall time of the default DAG from scratch and per rule, 2 cores; the fixed cost of a job "
                          "(a no-op script job, `import keras`) and the demo's overhead share; against the same DAG "
                          "with two `gpu` tokens (two Keras jobs at once), alternated (the DAG before variant ISM "
                          "moved into the variant-effects job of a Keras model)",
                          "`.venv/bin/python perf/demo_dag.py --cores 2 --repeats 2 --compare-resources gpu=2 "
                          "--out perf/results/demo_dag_cpu.json`"),
    "demo_dag_dna2vec_1mbp_cpu.json": ("the default DAG against the same DAG with dna2vec trained on 1 Mbp of the "
                                       "simulated genome instead of 3 Mbp, alternated, 2 cores (a smaller demo, "
                                       "measured and not adopted: the k-mer CNN's test AUROC falls)",
                                       "`.venv/bin/python perf/demo_dag.py --cores 2 --repeats 2 --compare-config "
                                       "'dna2vec={max_bp: 1000000}' --out perf/results/demo_dag_dna2vec_1mbp_cpu.json`"),
    "demo_dag_dna2vec_threads_cpu.json": ("the default DAG against the same DAG with the dna2vec job at 2 threads (both "
                                          "cores), alternated, 2 cores (the DAG before the binary dna2vec vectors and "
                                          "the REF predictions once per pair; written as demo_dag_cpu.json by the "
                                          "command, kept under this name)",
                                          "`.venv/bin/python perf/demo_dag.py --cores 2 --repeats 2 --compare-set-threads "
                                          "train_dna2vec=2 --out perf/results/demo_dag_cpu.json`"),
    "demo_dag_threads_cpu.json": ("the thread layout: the default DAG against the same DAG with every multi-threaded "
                                  "rule at 2 threads, alternated, 2 cores (the DAG before the variant ISM fix; written "
                                  "as demo_dag_cpu.json by the command, kept under this name)",
                                  "`.venv/bin/python perf/demo_dag.py --cores 2 --repeats 2 --compare-threads 2 "
                                  "--out perf/results/demo_dag_cpu.json`"),
    "demo_dag_variant_ism_merged_cpu.json": ("the current DAG (a Keras model's variant effects and its top-variant "
                                             "ISM in one job, rule `variant_effects_ism`) against the DAG before, "
                                             "with its own `variant_ism` job, run from a worktree of that commit "
                                             "(20d9a52), alternated, 2 cores; wall, per-rule times and both sides' "
                                             "overhead",
                                             "`git worktree add /tmp/before 20d9a52 && .venv/bin/python perf/demo_dag.py "
                                             "--cores 2 --repeats 2 --compare-checkout /tmp/before "
                                             "--out perf/results/demo_dag_variant_ism_merged_cpu.json`"),
    "import_cost_cpu.json": ("the profile of a Keras job's fixed cost: `import keras` (TensorFlow backend) in a fresh "
                             "process, its `-X importtime` self time summed by top-level package, 5 rounds",
                             "`.venv/bin/python perf/import_cost.py --out perf/results/import_cost_cpu.json`"),
    "job_costs_cpu.json": ("three fixed costs of the demo's jobs against the way each was done before, alternated: "
                           "a data job's imports with and without scikit-learn, dna2vec's vectors written in "
                           "word2vec's binary against its text format, and the rows a pair model scores for the "
                           "demo's variants with the REF inputs once per pair against once per variant",
                           "`.venv/bin/python perf/job_costs.py --demo-dir <demo run folder> "
                           "--out perf/results/job_costs_cpu.json`"),
    "dna2vec_throughput_cpu.json": ("dna2vec training words/s by worker count and corpus mode on 2 Mbp of human "
                                    "chr2, the speed-up of 2 workers over 1, and the hg19 training time that follows",
                                    "`.venv/bin/python perf/dna2vec_throughput.py --genome "
                                    "../shared/data/genomes/hg38_chr2_1-2333275/chr2_1-2333275.fa.gz --max-bp 2000000 "
                                    "--repeats 3 --out perf/results/dna2vec_throughput_cpu.json`"),
    "input_pipeline_cpu.json": ("samples/s of a training epoch streamed from memory-mapped files against "
                                "in-memory arrays", "`.venv/bin/python perf/input_pipeline.py` (see its docstring)"),
    "input_pipeline_pydataset_cpu.json": ("the same through the backend-agnostic `PyDataset`",
                                          "`.venv/bin/python perf/input_pipeline.py` (see its docstring)"),
    "interpret_speed_cpu.json": ("sequences/s of ISM, gradient × input and integrated gradients, the methods "
                                 "alternated, 3 rounds",
                                 "`.venv/bin/python perf/interpret_speed.py --out perf/results/interpret_speed_cpu.json`"),
    "interpret_speed_gradients_cpu.json": ("sequences/s of gradient × input and integrated gradients, the latter "
                                           "with one compiled gradient function (`tf.function`) against the eager "
                                           "tape, alternated, 3 rounds",
                                           "`.venv/bin/python perf/interpret_speed.py --methods gradient_x_input "
                                           "integrated_gradients --eager-gradients --out "
                                           "perf/results/interpret_speed_gradients_cpu.json`"),
    "variant_scale_memory_cpu.json": ("peak memory of reading, REF-checking and scoring a 1-million-record VCF in "
                                      "chunks of 50,000 (GC baseline), beside the same process with one record",
                                      "`.venv/bin/python perf/variant_scale.py --records 1000000 --models "
                                      "--out perf/results/variant_scale_memory_cpu.json`"),
    "variant_speed_cpu.json": ("variants/s of untrained models at their reference window (REF and ALT, both "
                               "strands: 4 forward passes per variant), median of 3 runs of 1,000 SNVs, 2 cores",
                               "`.venv/bin/python perf/variant_scale.py --records 20000 --chromosomes 2 --chrom-mb 5 "
                               "--per-model 1000 --repeats 3 --out perf/results/variant_speed_cpu.json`"),
    "encoding_speed_cpu.json": ("windows → base codes: `extract_codes` (sorted and unsorted windows, with and "
                                "without reading the next chromosome ahead), the per-window reader it replaced, and a byte lookup table on contiguous bytes in memory",
                                "`.venv/bin/python perf/encoding_speed.py --out perf/results/encoding_speed_cpu.json`"),
    "ism_tangermeme_cpu.json": ("ISM of `deepbind` (101 bp) against tangermeme's `saturation_mutagenesis` on the same "
                                "weights ported to PyTorch: agreement and variants/s; the profile: the forward passes alone",
                                "`.venv-perf/bin/python perf/ism_tangermeme.py --out perf/results/ism_tangermeme_cpu.json`"),
    "train_grelu_cpu.json": ("training samples/s of `dilated_cnn` (TensorFlow and JAX backends) against gReLU's "
                             "`DilatedConvModel` at equal size (Lightning and a plain PyTorch loop)",
                             "`.venv-perf/bin/python perf/train_grelu.py --samples 1024 --out perf/results/train_grelu_cpu.json`"),
    "train_grelu_xla_cpu.json": ("`dilated_cnn` against `DilatedConvModel` as in train_grelu_cpu.json, 4 epochs per run (the median of the last 3 timed), with two more "
                                 "sides: TensorFlow with XLA (`training.jit_compile`) and JAX, all against TensorFlow "
                                 "without XLA (the CPU default)",
                                 "`.venv-perf/bin/python perf/train_grelu.py --samples 1024 --epochs 4 --sides "
                                 "dnazoo_tensorflow_xla,dnazoo_jax,grelu_lightning,grelu_torch_loop "
                                 "--out perf/results/train_grelu_xla_cpu.json`"),
    "train_grelu_convgru_xla_cpu.json": ("`danq` against `ConvGRUModel` as in train_grelu_convgru_cpu.json, 4 epochs per run (the median of the "
                                         "last 3 timed), with TensorFlow with XLA and JAX as sides",
                                         "`.venv-perf/bin/python perf/train_grelu.py --pair convgru --samples 256 "
                                         "--batch 32 --epochs 4 --sides dnazoo_tensorflow_xla,dnazoo_jax,"
                                         "grelu_lightning,grelu_torch_loop --out perf/results/train_grelu_convgru_xla_cpu.json`"),
    "train_grelu_convgru_layout_cpu.json": ("gReLU's `ConvGRUModel` network rebuilt in Keras layers (the same "
                                            "parameter count) and trained by dnazoo as `danq` is, against gReLU's "
                                            "network in a plain PyTorch loop and against `danq`: what the "
                                            "architectures cost apart from the frameworks",
                                            "`.venv-perf/bin/python perf/train_grelu.py --pair convgru --samples 256 "
                                            "--batch 32 --epochs 4 --sides dnazoo_tensorflow_grelu_layout,"
                                            "grelu_torch_loop --reference dnazoo_tensorflow_grelu_layout --out "
                                            "perf/results/train_grelu_convgru_layout_cpu.json`"),
    "train_grelu_convgru_cpu.json": ("training samples/s of `danq` (TensorFlow and JAX backends) against gReLU's "
                                     "`ConvGRUModel` with DanQ's stem, pool and recurrent width (the JSON lists "
                                     "where they differ)",
                                     "`.venv-perf/bin/python perf/train_grelu.py --pair convgru --samples 256 "
                                     "--batch 32 --out perf/results/train_grelu_convgru_cpu.json`"),
    "train_grelu_enformer_cpu.json": ("training samples/s of `enformer_small` at `filters` 384 (TensorFlow and JAX "
                                      "backends) against gReLU's `EnformerModel(channels=384)`, 6,144 bp",
                                      "`.venv-perf/bin/python perf/train_grelu.py --pair enformer --samples 32 "
                                      "--batch 8 --out perf/results/train_grelu_enformer_cpu.json`"),
    "train_grelu_enformer_xla_grelu_cpu.json": ("`enformer_small` on TensorFlow with XLA (the `training.jit_compile` "
                                            "setting) against gReLU's `EnformerModel(channels=384)` in a plain PyTorch "
                                            "loop, 6,144 bp, 4 epochs per run (the median of the last 3 timed); the "
                                            "ratios divide the XLA side",
                                            "`.venv-perf/bin/python perf/train_grelu.py --pair enformer --samples 64 "
                                            "--batch 8 --epochs 4 --sides dnazoo_tensorflow_xla,grelu_torch_loop "
                                            "--reference dnazoo_tensorflow_xla --out "
                                            "perf/results/train_grelu_enformer_xla_grelu_cpu.json`"),
    "train_grelu_enformer_xla_cpu.json": ("the same model on TensorFlow with XLA (`jit_compile=True`, the "
                                          "`training.jit_compile` setting) and on JAX, each against TensorFlow "
                                          "without XLA (the CPU default); 4 epochs per run, the median of the last 3 "
                                          "timed, every epoch's seconds kept",
                                          "`.venv-perf/bin/python perf/train_grelu.py --pair enformer --samples 64 "
                                          "--batch 8 --epochs 4 --sides dnazoo_tensorflow_xla,dnazoo_jax "
                                          "--out perf/results/train_grelu_enformer_xla_cpu.json`"),
}


COUNTS = {"epochs", "best_epoch", "n_datasets", "n", "n_positive", "n_negative"}


def cell(c, v):
    """One table cell: models in code font, missing values empty, counts as integers."""
    if c == "model":
        return f"`{v}`"
    if isinstance(v, float):
        if pd.isna(v):
            return ""
        return f"{v:.2g}" if c == "q_value" else f"{v:.0f}" if c in COUNTS else f"{v:.3f}"
    return str(v)


def md(df):
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for _, r in df.iterrows():
        out.append("| " + " | ".join(cell(c, v) for c, v in r.items()) + " |")
    return "\n".join(out)


def cite(name):
    return f"`published/{name}`"


parts = ["""# Results

Every number here comes from a committed file under `published/` and the command that made it
(this page is written by `scripts/results_page.py` from those files). Each experiment is a config
run by Snakemake; offline, the data comes from `../shared/data` through the offline mirror
(`DNAZOO_MIRROR`, see [the mirror guide](guides/mirror.md)). Runs on a 2-core CPU machine unless a
file says otherwise; a rerun with several threads can differ in the last digits.
"""]
demo = pd.read_csv(P / "demo_summary.tsv", sep="\t")
demo_cost = pd.read_csv(P / "demo_cost.tsv", sep="\t")[["model", "value", "parameters", "train_s",
                                                          "inference_rows_per_s"]].rename(columns={"value": "auroc"})
demo_cost["parameters"] = demo_cost["parameters"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
demo_cost["train_s"] = demo_cost["train_s"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
demo_cost["inference_rows_per_s"] = demo_cost["inference_rows_per_s"].map(lambda v: f"{v:,.0f}")
parts.append(f"""## Simulated demo

The default config (`config/config.yaml`): 400 test pairs on the held-out chromosome `simchr6`,
95 % bootstrap CIs (1,000 replicates) ({cite("demo_summary.tsv")}, made by {DEMO}, then
`results/summary.tsv`):

""" + md(demo[["model", "auroc", "auroc_ci_low", "auroc_ci_high", "auprc", "epochs", "stopped_by"]]) + f"""

Distance and GC carry nothing, as designed. The bag of k-mers carries part of the grammar (the
motif's k-mers are strand-specific, so per-anchor k-mer counts tell the orientation in each
anchor); the sequence models beat it on the same test pairs
(`results/simulated_demo/baseline_comparison.tsv` of the same run). `stopped_by: max_epochs`
marks a run that was still improving when its epoch budget ended (`converged: False` in
`results/summary.tsv`).

The same run's leaderboard has one dataset, so no test across datasets; its cost view
({cite("demo_cost.tsv")}, `results/leaderboard/cost.tsv`): trainable and frozen parameters,
seconds of training (not timed for the scikit-learn baselines) and test rows scored per second by
rule `evaluate`, data loading included, on the 2-core machine:

""" + md(demo_cost) + """
""")
bench = pd.read_csv(P / "demo_variants_benchmark.tsv", sep="\t")
wide = bench.pivot_table(index="model", columns=["variants", "comparison"], values="auroc").reset_index()
wide.columns = ["model", "all variants", "null: random vs random", "test pairs"]
wide = wide[["model", "test pairs", "all variants", "null: random vs random"]]
n = bench[(bench["variants"] == "test") & (bench["model"] == bench["model"].iloc[0])].iloc[0]
parts.append(f"""## Variant effects

The demo scores the simulator's variant set (`demo_variants`, see [Variant effects](guides/variants.md)):
one SNV that breaks each motif planted in an interacting pair, and one SNV at a random position of
the same anchor window. AUROC of |effect| (|ALT − REF| of P(interaction)) separating the two, on the
{n["n_positive"]} + {n["n_negative"]} variants of test pairs (held-out chromosome), on all variants,
and on random variants split at random into two halves (a score that knows nothing gets 0.5)
({cite("demo_variants_benchmark.tsv")}, made by {DEMO}, then `results/variants/demo_variants/benchmark.tsv`):

""" + md(wide.sort_values("test pairs", ascending=False)) + """

The distance baseline sees no sequence, so every effect is 0 (AUROC 0.5 exactly). Peak memory on
a 1-million-record VCF is in the performance table below.
""")
if (P / "encode_variants_benchmark.tsv").exists():
    ev = pd.read_csv(P / "encode_variants_benchmark.tsv", sep="\t")
    main = ev[ev["comparison"] == "motif_break vs away"]
    null = ev[ev["comparison"] == "null: away vs away"]
    wide = main.pivot_table(index="model", columns="dataset", values="auroc")
    wide["mean"] = wide.mean(axis=1)
    wide["null (mean)"] = null.groupby("model")["auroc"].mean()
    wide = wide.sort_values("mean", ascending=False).round(3).reset_index()
    sizes = main.drop_duplicates("dataset").set_index("dataset")
    within = main[(main["auroc"] <= main["chance_high"]) & (main["auroc"] >= main["chance_low"])]
    below = main[main["auroc"] < main["chance_low"]]
    chance = "; ".join(f"`{r.model}` on {r.dataset} ({r.auroc:.3f})" for r in within.itertuples())
    under = "; ".join(f"`{r.model}` on {r.dataset} ({r.auroc:.3f})" for r in below.itertuples())
    parts.append(f"""**ENCODE ChIP-seq peaks, no genome needed** (`insilico` set, see
[Variant effects](guides/variants.md)). For 5 TFs of DeepBind's ENCODE sets with a JASPAR motif,
FIMO locates the TF's motif in the 500 test peaks; one SNV at the best hit's most informative
column (`motif_break`) and one SNV at least 20 bp from any hit (`away`) per peak with a hit
({", ".join(f"{d} {int(r.n_positive)} + {int(r.n_negative)}" for d, r in sizes.iterrows())}).
AUROC of |effect| per TF and model; `pwm_score` is the change in the best motif score, the
matrix the SNVs were placed with; the null splits the `away` SNVs at random into two halves (mean
over 200 splits). The file also gives each AUROC's one-sided Mann–Whitney p-value and the range
that 200 permutations of the classes give at that size
({cite("encode_variants_benchmark.tsv")}, made by {ENCODE_VARIANTS}, then
`results/variants/encode_motif_breaks/benchmark.tsv`):

""" + md(wide) + f"""

Within the permutation range (no better than chance): {chance or "none"}. Below it: {under or "none"}.
The GC baseline's |effect| only says whether an SNV changes GC content: motif-breaking SNVs do so
more often than random ones for some motifs (AUROC above 0.5) and less often for others (below);
it measures what composition alone gives. An AUROC of exactly 0.5 with a chance range of 0.5–0.5
is a model whose every effect is 0 (`tfbs_cnn` on TBP is a dead network: test AUROC 0.50 in
`results/summary.tsv` of the same run).
""")
sim = pd.read_csv(P / "deepcpg_simulated_summary.tsv", sep="\t")[["model", "mean_auroc", "mean_auprc", "mean_mcc"]]
filt = pd.read_csv(P / "deepcpg_simulated_dna_filters.tsv", sep="\t")
hits = filt[filt["q_value"] < 0.05].sort_values("q_value")
parts.append(f"""## DeepCpG

**Simulated default** (`config/demo_deepcpg.yaml`: 4 × 400 kbp, 3 cells; test chromosome 4;
DNA window 201 bp). Mean test AUROC, AUPRC and MCC over cells
({cite("deepcpg_simulated_summary.tsv")}; per cell with 95 % bootstrap CIs in
{cite("deepcpg_simulated_per_cell.tsv")}), made by {DEEPCPG_SIM} (5 min on 2 cores;
`results/summary.tsv` and `results/simulated_methylation/per_target.tsv`):

""" + md(sim) + f"""

The Joint model beats both of its parts. Of its DNA part's {len(filt)} first-layer filters
({cite("deepcpg_simulated_dna_filters.tsv")}, same run,
`results/simulated_methylation/interpret/deepcpg_dna_CnnL2h128/filters.tsv`),
{int((filt["note"] == "no informative motif").sum())} carry no informative motif and
{len(hits)} match a JASPAR motif at q < 0.05: {", ".join(f"{n} ({f})" for n, f in
zip(hits["match_name"], hits["match_family"]))}. The planted site `ATGACTCATC` is an AP-1 site
(Basic leucine zipper factors).
""")
real = pd.read_csv(P / "deepcpg_real_summary.tsv", sep="\t")
parts.append(f"""**DeepCpG's own test profiles** (`config/deepcpg.yaml`: two serum cells of 10,000 CpGs, two
bulk profiles, mm10; train chr18 with 10 % of its sites for validation, test chr19, 5,000 CpGs
per cell; no mm10 sequence offline, so the CpG models only). Mean over the two cells
({cite("deepcpg_real_summary.tsv")}; per cell with CIs in {cite("deepcpg_real_per_cell.tsv")}), made
offline through the mirror by {DEEPCPG_REAL}:

""" + md(real[["model", "mean_auroc", "mean_auprc", "mean_mcc"]]) + """

Two cells of 10,000 CpGs are a smoke test, not a benchmark.
""")
def significance(ranks, stats):
    """One sentence per top model: the models whose mean rank is beyond the critical difference."""
    if "friedman_rank" not in ranks or stats.get("critical_difference") is None:
        return ""
    cd = stats["critical_difference"]
    top = ranks.sort_values("friedman_rank")
    best = top["friedman_rank"].iloc[0]
    lead = top[top["friedman_rank"] == best]["model"].tolist()
    beyond = top[top["friedman_rank"] - best > cd]["model"].tolist()
    within = [m for m in top["model"] if m not in beyond and m not in lead]
    return (f"At α = {stats['alpha']}, {' and '.join(f'`{m}`' for m in lead)} (mean rank {best:.2f}) rank "
            f"significantly above {', '.join(f'`{m}`' for m in beyond) or 'no model'}; the gap to "
            f"{', '.join(f'`{m}`' for m in within) or 'no other model'} is within the critical difference, "
            "so those are not shown to differ.")


if (P / "encode_12tf_ranks.tsv").exists():
    ranks = pd.read_csv(P / "encode_12tf_ranks.tsv", sep="\t")
    board = pd.read_csv(P / "encode_12tf_leaderboard.tsv", sep="\t")
    stats = json.loads((P / "encode_12tf_statistics.json").read_text())
    cost = pd.read_csv(P / "encode_12tf_cost.tsv", sep="\t")
    keras_rows = board[board["converged"].notna()]
    unconverged = keras_rows[keras_rows["converged"].astype(str) == "False"]
    per_model = (cost.groupby("model").agg(parameters=("parameters", "first"), train_s=("train_s", "median"),
                                           rows_per_s=("inference_rows_per_s", "median")).reset_index())
    table = ranks[[c for c in ("model", "n_datasets", "mean_value", "mean_rank", "group") if c in ranks]].merge(
        per_model, on="model", how="left").rename(columns={"mean_value": "mean_auroc",
                                                           "train_s": "median_train_s",
                                                           "rows_per_s": "median_test_rows_per_s"})
    table["parameters"] = table["parameters"].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    for c in ("median_train_s", "median_test_rows_per_s"):
        table[c] = table[c].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
    wide = board.pivot(index="model", columns="dataset", values="value").loc[ranks["model"]].round(3).reset_index()
    not_conv = unconverged.groupby("model")["dataset"].apply(lambda d: ", ".join(sorted(d)))
    parts.append(f"""## ENCODE ChIP-seq, 12 TFs at an equal budget

DeepBind's ENCODE sets for 12 TFs (H1-hESC; test files as published: 500 peaks and 500 shuffled
sequences, SERBP1 1,322 and 1,322),
8 classifiers of the zoo (one or two per family), the 4-mer and GC baselines and one ensemble
(`three_architectures`: deepbind, residualbind and danq averaged in probability space; members
picked before the run). Every Keras model trains to early stopping (patience 3, at most 20 epochs)
on reverse-complement-augmented rows and predicts the mean over both strands. For 2 CPU cores the
training peaks of each TF are capped at 2,000 (a seeded random subset; SERBP1 has 1,263); the
uncapped suite, for a GPU, takes `config/experiments/encode_tfbs_12tf_uncapped.yaml` in place of
the last file.

Mean rank of test AUROC over the 12 TFs (1 = best), the Friedman test
(p = {stats["friedman_p"]:.2g}, {stats["n_datasets"]} TFs, {stats["n_models"]} models) and the
Nemenyi critical difference ({stats["critical_difference"]:.2f} ranks): models in one `group` do
not differ by more than it. Beside each model, its parameters, median training seconds and median
test rows scored per second over the TFs on the 2-core machine ({cite("encode_12tf_ranks.tsv")},
{cite("encode_12tf_statistics.json")}, {cite("encode_12tf_cost.tsv")}; made by {ENCODE_12TF},
then `results/leaderboard/`):

""" + md(table) + f"""

![Critical-difference diagram](encode_12tf_cd.png)

Test AUROC per TF ({cite("encode_12tf_leaderboard.tsv")}, with each 95 % bootstrap CI, rank and
convergence):

""" + md(wide) + f"""

{significance(ranks, stats)}

{len(unconverged)} of the {len(keras_rows)} Keras runs had not converged (their best epoch was
the last, or they hit the 20-epoch cap){": " + "; ".join(f"`{m}` on {d}" for m, d in not_conv.items())
if len(unconverged) else ""}.
""")
if (P / "gue_tf_tuned.tsv").exists():
    gue = pd.read_csv(P / "gue_tf_tuned.tsv", sep="\t")
    gue_cost = pd.read_csv(P / "gue_tf_tuned_cost.tsv", sep="\t")
    gue = gue[gue["published_value"].notna()]
    tasks = sorted(gue["dataset"].unique())
    rows = []
    for task in tasks:
        t = gue[gue["dataset"] == task].sort_values("mcc", ascending=False)
        row = {"task": task, "DNABERT-2 MCC": f"{t['published_value'].iloc[0]:.4f}"}
        for _, r in t.iterrows():
            mark = " ✓" if r["reaches_published"] else ""
            conv = "" if pd.isna(r.get("converged")) or str(r["converged"]) == "True" else " (nc)"
            row[r["model"]] = f"{r['mcc']:.4f}{mark}{conv}"
        best = t.iloc[0]
        row["best"] = f"`{best['model']}`"
        rows.append(row)
    wide = pd.DataFrame(rows).fillna("")
    reached = sorted(gue.loc[gue["reaches_published"].astype(str) == "True", "dataset"].unique())
    tuned = gue_cost[gue_cost["tuning_trials"].notna()]
    budget = (tuned.groupby("model").agg(tasks=("dataset", "nunique"), trials_per_task=("tuning_trials", "median"),
                                         median_tuning_s=("tuning_s", "median"), median_train_s=("train_s", "median"))
              .reset_index())
    for c in ("median_tuning_s", "median_train_s"):
        budget[c] = budget[c].map(lambda v: f"{v:,.0f}")
    budget["trials_per_task"] = budget["trials_per_task"].map(lambda v: f"{v:.0f}")
    parts.append(f"""## GUE TF tasks, tuned, against DNABERT-2

GUE's human TF tasks (`config/gue_tf.yaml`, train, dev and test files as given) with
`config/experiments/gue_tf_tuned.yaml`: `deepbind`, `residualbind` and `dilated_cnn`, each tuned
with the same budget (12 Optuna trials of at most 6 epochs on the dev split, TPE sampler seeded,
median pruner; the test split unseen), then trained with its best parameters (early stopping,
patience 3, at most 10 epochs; reverse-complement augmentation and strand averaging), and
`architectures`, the three averaged in probability space. Test MCC at threshold 0.5 against
DNABERT-2's published MCC (Zhou et al., ICLR 2024, Table 3); ✓ marks a row at or above it, (nc) a
run that had not converged ({cite("gue_tf_tuned.tsv")}; made by {GUE_TUNED}). Tasks done:
{len(tasks)} of 5; DNABERT-2 reached on {len(reached)} ({", ".join(reached) if reached else "none"}).

""" + md(wide) + f"""

The tuning budget per model: trials per task, median seconds of tuning (all trials, on the 2-core
machine) and of the final training ({cite("gue_tf_tuned_cost.tsv")}):

""" + md(budget) + "\n")
overlap = pd.read_csv(P / "gue_tf_overlap.tsv", sep="\t")
parts.append(f"""## GUE: held-out sequences that also occur in training

GUE's human TF tasks (`config/gue_tf.yaml`) ship train, dev and test files. Some dev and test
sequences also occur in `train.csv`; rule `read_sequences` drops those training rows (a training
sequence that is also a validation or test sequence lets early stopping reward memorisation) and
counts them first ({cite("gue_tf_overlap.tsv")}, made by {GUE}):

""" + md(overlap[overlap["in_train"] > 0]) + "\n")
ds = pd.read_csv(P / "deepsea_subset_summary.tsv", sep="\t")
ds_cost = pd.read_csv(P / "deepsea_subset_cost.tsv", sep="\t").set_index("model")
ds["parameters"] = ds["model"].map(ds_cost["parameters"]).map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
ds["train_s"] = ds["model"].map(ds_cost["train_s"]).map(lambda v: "" if pd.isna(v) else f"{v:,.0f}")
ds["rows_per_s"] = ds["model"].map(ds_cost["inference_rows_per_s"]).map(lambda v: f"{v:,.0f}")
parts.append(f"""## DeepSEA subset, 690 TF labels

`config/experiments/deepsea_subset.yaml`: DeepSEA, DanQ and Basset (on the centre 600 bp) on
10,000 training windows of 1,000 bp from 2 Mb of hg19 chr1 with 690 TF-binding labels (10 % of
them for validation) and 1,000 test windows, at most 4 epochs each, against the GC-content
baseline. Mean and median test AUROC over the labels with both classes among the test windows
(`n_labels_scored` of 690), seconds of training and test rows scored per second on the 2-core
machine ({cite("deepsea_subset_summary.tsv")}, {cite("deepsea_subset_cost.tsv")}; made by {DEEPSEA_SUBSET}):

""" + md(ds[["model", "mean_auroc", "median_auroc", "mean_auprc", "n_labels_scored", "epochs", "best_epoch",
             "stopped_by", "converged", "parameters", "train_s", "rows_per_s"]]) + """

Only DanQ beats GC content, by 0.01 mean AUROC; DeepSEA is level with it, and Basset falls below
it (its validation AUROC was highest after the first epoch and fell after). A smoke test of the
three architectures on real labels, not DeepSEA's benchmark (`config/deepsea.yaml`,
4.4 M windows and 919 labels, is a GPU job): 9,000 training windows are too few for models of
5 to 53 M parameters, and the runs that stopped at `max_epochs` had not converged.
""")
interp = P / "encode_interpret.tsv"
demo_motifs = pd.read_csv(P / "demo_interpret_motifs.tsv", sep="\t")
planted = json.loads((P / "demo_interpret_summary.json").read_text())["planted"]
calib = pd.read_csv(P / "motif_calibration.tsv", sep="\t").fillna({"top_match": "-"})


def _anchor(key):
    r = planted[key]
    m = demo_motifs.set_index("pattern").loc[r["pattern"]]
    return (f"`{r['pattern']}` ({r['n_seqlets']} seqlets; planted motif q = {r['q_value']:.1g}, orientation "
            f"{r['orientation']}; best JASPAR match {m['match_name']}, q = {m['q_value']:.2g})")


text = f"""## Interpretation

On the simulated demo, rule `interpret` finds the planted CTCF-like motif in both anchors of
`deepbind`'s pairs, in the convergent orientation the simulation plants: in anchor 1
{_anchor("anchor1/ctcf_like")}, in anchor 2 {_anchor("anchor2/ctcf_like")}
({cite("demo_interpret_motifs.tsv")}, {cite("demo_interpret_summary.json")}; made by {DEMO}).
{int((demo_motifs["note"] == "no informative motif").sum())} of the {len(demo_motifs)} patterns
carry no informative motif. JASPAR q-values are calibrated against column-shuffled copies of each
pattern (see [Interpretation](guides/interpretation.md#motif-matches-and-their-q-values)); the
planted consensus is GC-rich, and shuffled GC-rich patterns match GC-rich JASPAR motifs, so its
JASPAR q-values are modest. The null test ({cite("motif_calibration.tsv")}, made by
`snakemake --cores 1 motif_calibration`):

""" + md(calib[["kind", "calibrated", "n", "no_motif", "p_below", "q_below", "top_match"]]) + "\n"
if interp.exists():
    t = pd.read_csv(interp, sep="\t")
    text += f"""
On ENCODE ChIP-seq ({cite("encode_interpret.tsv")}, made by {ENCODE_INTERPRET},
then `results/interpret.tsv`), the top pattern of each model against the ChIP-ed factor:

""" + md(t[[c for c in ("tf", "model", "test_value", "top_pattern", "match_name", "q_value", "relation", "passes")
            if c in t]]) + """

`relation` compares the match with the factor's own JASPAR matrices and their structural family
(`dnazoo.interpret.tf_match`). For YY1 both models' top pattern matches ZFP42, which JASPAR
files under neither."""
parts.append(text + "\n")
rows = ["""## Every committed file

| file | what | command | copy of |
| --- | --- | --- | --- |"""]
for f in sorted(p.name for p in P.iterdir()):
    what, cmd, src = FILES[f]  # a file without an entry here is an error: say what made it
    rows.append(f"| `published/{f}` | {what} | {cmd} | `{src}` |")
parts.append("\n".join(rows) + "\n")
peer_rows = []
if (PERF / "encoding_speed_cpu.json").exists():
    enc = json.loads((PERF / "encoding_speed_cpu.json").read_text())
    e, scale = enc["sides"], enc.get("deepsea_scale") or {}
    for k in ("extract_codes", "extract_codes_unsorted", "extract_codes_no_read_ahead", "per_window"):
        if k not in e:
            continue
        label = {"extract_codes": "extract_codes, sorted windows", "extract_codes_unsorted": "extract_codes, "
                 "unsorted windows", "extract_codes_no_read_ahead": "extract_codes without the read-ahead thread",
                 "per_window": "the per-window reader extract_codes replaced"}[k]
        minutes = scale.get(f"{k}_minutes")
        if minutes is not None:  # a DeepSEA-scale set at the median speed
            label += f"; {scale['windows'] / 1e6:.1f} M × {scale['length_bp']:,} bp in {minutes} min"
        peer_rows.append({"measure": f"encoding 1-kbp windows: {label} (Mbp/s)", "dnazoo": f"{e[k]['median_mbp_per_s']:,.0f}",
                          "reference": f"byte table {e['byte_table']['median_mbp_per_s']:,.0f}",
                          "time ratio (range)": f"{e[k]['time_ratio_to_byte_table_median']} "
                                                f"({e[k]['time_ratio_to_byte_table_range'][0]}–"
                                                f"{e[k]['time_ratio_to_byte_table_range'][1]}) × the byte table's",
                          "file": "encoding_speed_cpu.json"})
if (PERF / "interpret_speed_gradients_cpu.json").exists():
    e = json.loads((PERF / "interpret_speed_gradients_cpu.json").read_text())["models"]
    for name, r in e.items():
        if "integrated_gradients_eager" not in r:
            continue
        gain = r["integrated_gradients_compiled_speedup"]
        peer_rows.append({"measure": f"integrated gradients {name} {r['window_bp']} bp, 5 references × 20 steps "
                                     "(sequences/s), against the eager tape",
                          "dnazoo": f"{r['integrated_gradients']['sequences_per_s']:,}",
                          "reference": f"{r['integrated_gradients_eager']['sequences_per_s']:,}",
                          "time ratio (range)": f"compiled {gain['median']}× as fast ({gain['range'][0]}–{gain['range'][1]})",
                          "file": "interpret_speed_gradients_cpu.json"})
if (PERF / "ism_tangermeme_cpu.json").exists():
    e = json.loads((PERF / "ism_tangermeme_cpu.json").read_text())
    for k in ("tangermeme_batch32", "tangermeme_batch1024"):
        r = e["sides"][k]
        peer_rows.append({"measure": f"ISM deepbind 101 bp (variants/s), against {k.replace('_', ' ')}",
                          "dnazoo": f"{e['sides']['dnazoo']['median_variants_per_s']:,.0f}",
                          "reference": f"{r['median_variants_per_s']:,.0f}",
                          "time ratio (range)": f"dnazoo {r['speed_ratio_dnazoo_over_this_median']}× as fast "
                                                f"({r['speed_ratio_dnazoo_over_this_range'][0]}–"
                                                f"{r['speed_ratio_dnazoo_over_this_range'][1]})",
                          "file": "ism_tangermeme_cpu.json"})
    if "forward_torch" in e["sides"]:  # the profile: the backends' forward passes alone
        r, own = e["sides"]["forward_torch"], e["sides"]["forward_keras"]
        peer_rows.append({"measure": "the profile of the ISM above: the forward passes alone over the same variants, "
                                     "1,024 rows per call (variants/s), the Keras model on TensorFlow against the "
                                     "PyTorch port",
                          "dnazoo": f"{own['median_variants_per_s']:,.0f}",
                          "reference": f"{r['median_variants_per_s']:,.0f}",
                          "time ratio (range)": f"TensorFlow {r['speed_ratio_dnazoo_over_this_median']}× as fast "
                                                f"({r['speed_ratio_dnazoo_over_this_range'][0]}–"
                                                f"{r['speed_ratio_dnazoo_over_this_range'][1]})",
                          "file": "ism_tangermeme_cpu.json"})
TRAIN_PAIRS = {"train_grelu_cpu.json": "dilated CNN, 1 kbp", "train_grelu_xla_cpu.json": "dilated CNN, 1 kbp, 4 epochs",
               "train_grelu_convgru_cpu.json": "DanQ against ConvGRU, 1 kbp",
               "train_grelu_convgru_xla_cpu.json": "DanQ against ConvGRU, 1 kbp, 4 epochs",
               "train_grelu_convgru_layout_cpu.json": "gReLU's ConvGRU network in dnazoo's Keras training, 1 kbp, 4 epochs",
               "train_grelu_enformer_cpu.json": "Enformer-like, 6,144 bp",
               "train_grelu_enformer_xla_cpu.json": "Enformer-like, 6,144 bp",
               "train_grelu_enformer_xla_grelu_cpu.json": "Enformer-like, 6,144 bp, 4 epochs"}
for name, label in TRAIN_PAIRS.items():
    if not (PERF / name).exists():
        continue
    e = json.loads((PERF / name).read_text())
    ref = e.get("reference", "dnazoo_tensorflow")  # the side each ratio divides (perf/train_grelu.py --reference)
    base = e["sides"][ref]
    who = {"dnazoo_tensorflow": "dnazoo (TensorFlow)", "dnazoo_tensorflow_xla": "dnazoo (TensorFlow, XLA)",
           "dnazoo_jax": "dnazoo (JAX)", "dnazoo_tensorflow_grelu_layout": "dnazoo (TensorFlow, gReLU's layout)"}[ref]
    key = "speed_ratio_dnazoo_tf_over_this" if ref == "dnazoo_tensorflow" else "speed_ratio_reference_over_this"
    for k in (k for k in e["sides"] if k != ref):
        r = e["sides"][k]
        rate, own = (f"{v:,.1f}" if v < 10 else f"{v:,.0f}"
                     for v in (r["median_samples_per_s"], base["median_samples_per_s"]))
        peer_rows.append({"measure": f"training {label} (samples/s; parameters {base['parameters']:,} against "
                                     f"{r['parameters']:,}), against "
                                     + (f"`{e['pair']['dnazoo']}` in dnazoo (TensorFlow)" if k == "dnazoo_tensorflow"
                                        else k.replace('_', ' ')),
                          "dnazoo": own, "reference": rate,
                          "time ratio (range)": f"{who} {r[key + '_median']}× as fast ({r[key + '_range'][0]}–"
                                                f"{r[key + '_range'][1]})",
                          "file": name})
if (PERF / "dna2vec_throughput_cpu.json").exists():
    e = json.loads((PERF / "dna2vec_throughput_cpu.json").read_text())
    if e.get("speedup_2_workers_over_1"):
        for mode, r in e["speedup_2_workers_over_1"].items():
            one = e["train_words_per_second_median"][f"{mode}_workers1"]
            two = e["train_words_per_second_median"][f"{mode}_workers2"]
            hours = (e.get("hg19_estimate") or {}).get("hours", {})
            peer_rows.append({"measure": f"dna2vec training, gensim {mode.replace('_', ' ')} mode (words/s): 2 "
                                         f"workers against 1; hg19, one epoch: {hours.get(f'{mode}_workers2', '?')} h "
                                         f"at 2 workers",
                              "dnazoo": f"{two:,.0f}", "reference": f"{one:,.0f}",
                              "time ratio (range)": f"2 workers {r['median']}× as fast ({r['range'][0]}–{r['range'][1]})",
                              "file": "dna2vec_throughput_cpu.json"})
if (PERF / "job_costs_cpu.json").exists():
    jc = json.loads((PERF / "job_costs_cpu.json").read_text())
    for key, measure in (("import", "a data job's imports (`dnazoo.pipeline.data`), without scikit-learn against with it "
                                    "(seconds)"),
                         ("vectors", f"dna2vec's vectors of {jc['vectors']['kmers']:,} k-mers written in word2vec's "
                                     "binary format against its text format (seconds)")):
        e, r = jc[key], jc[key]["ratio_before_over_now"]
        peer_rows.append({"measure": f"{measure}, {jc['machine']['cpu']}",
                          "dnazoo": f"{e['seconds']['now']['median']:.2f} s", "reference": f"{e['seconds']['before']['median']:.2f} s",
                          "time ratio (range)": f"{r['median']:.1f}× as fast ({r['range'][0]:.1f}–{r['range'][1]:.1f})",
                          "file": "job_costs_cpu.json"})
    if "ref_rows" in jc:
        rr = jc["ref_rows"]
        peer_rows.append({"measure": f"rows a pair model scores for the demo's {rr['variants']:,} variants: REF once per "
                                     f"distinct pair ({rr['distinct_ref']:,}) and ALT once per row, against both per row",
                          "dnazoo": f"{rr['model_rows_now']:,}", "reference": f"{rr['model_rows_before']:,}",
                          "time ratio (range)": f"{rr['ratio_before_over_now']}× fewer rows",
                          "file": "job_costs_cpu.json"})
for demo_file in sorted(PERF.glob("demo_dag*_cpu.json")):
    e = json.loads(demo_file.read_text())
    if e.get("overhead_s") is not None and demo_file.name in ("demo_dag_variant_ism_merged_cpu.json",
                                                               "demo_dag_cpu.json"):
        # the current DAG, and the one before its last change (the others: their comparison only)
        peer_rows.append({"measure": f"the demo DAG on 2 cores ({e['machine']['cpu']}): {e['jobs']} jobs "
                                     f"({e['keras_jobs']} with Keras); a "
                                     f"no-op job {e['noop_job_s']['median']} s, `import keras` "
                                     f"{e['keras_import_s']['median']} s",
                          "dnazoo": f"wall {e['median_wall_s']:.0f} s ({min(e['walls_s']):.0f}–{max(e['walls_s']):.0f})",
                          "reference": f"fixed cost {e['overhead_s']:.0f} s",
                          "time ratio (range)": f"overhead {100 * e['overhead_share_of_wall']:.0f} % of the wall",
                          "file": demo_file.name})
    other = e.get("compared")
    if other:
        r = other["speed_ratio_default_over_this"]
        if other.get("checkout"):
            measure = (f"the demo DAG on 2 cores: variant ISM in a Keras model's variant-effects job "
                       f"({e['jobs']} jobs, {e['keras_jobs']} with Keras; overhead "
                       f"{100 * e['overhead_share_of_wall']:.0f} % of the wall) against its own job "
                       f"({other['jobs']} jobs, {other['keras_jobs']} with Keras; overhead "
                       f"{100 * other['overhead_share_of_wall']:.0f} %), alternated")
        elif other.get("config_overrides"):
            def aurocs(per_run: dict) -> str:
                return ", ".join(f"{m} {statistics.median(v):.3f}" for m, v in per_run.items() if "baseline" not in m)
            overrides = " ".join(other["config_overrides"])
            measure = (f"the demo DAG on 2 cores: the shipped config against `{overrides}` (median test AUROC: "
                       f"{aurocs(e['test_auroc_per_run'])} against {aurocs(other['test_auroc_per_run'])})")
        elif not other.get("threads_per_multi_threaded_rule"):
            differ = [m for m, v in e["test_auroc_per_run"].items() if v != other["test_auroc_per_run"].get(m)]

            def runs(per_run: dict) -> str:  # the models whose test AUROCs differ between the two sides
                return ", ".join(f"{m} {' and '.join(f'{x:.3f}' for x in per_run[m])}" for m in differ)
            measure = (f"the demo DAG on 2 cores: the default (multi-threaded rules at "
                       f"{e['default_threads_per_multi_threaded_rule']} thread(s) per job, `--resources gpu=1`) "
                       f"against `{' '.join(other['extra_arguments'])}`"
                       + (f" (test AUROC per run: {runs(e['test_auroc_per_run'])} against "
                          f"{runs(other['test_auroc_per_run'])})" if differ else ""))
        else:
            measure = (f"the demo DAG on 2 cores: multi-threaded rules at {e['default_threads_per_multi_threaded_rule']} "
                       f"thread(s) per job (the default: half the CPUs), against "
                       f"{other['threads_per_multi_threaded_rule']} per job (`--set-threads`)")
        peer_rows.append({"measure": measure,
                          "dnazoo": f"wall {e['median_wall_s']:.0f} s", "reference": f"wall {other['median_wall_s']:.0f} s",
                          "time ratio (range)": f"the default {r['median']}× as fast ({r['range'][0]}–{r['range'][1]})",
                          "file": demo_file.name})
if peer_rows:
    parts.append("""## Side by side with the peers

Each figure is a median over rounds that alternate the two sides in one run on 2 CPU cores, with the
range over the rounds; the JSON under `perf/results/` holds every time, the machine, the versions
and the command (table below).

""" + md(pd.DataFrame(peer_rows)) + "\n")
    limits = []  # where a ratio stays below its target, the profile that shows why
    if (PERF / "ism_tangermeme_cpu.json").exists():
        e = json.loads((PERF / "ism_tangermeme_cpu.json").read_text())["sides"]
        if "forward_torch" in e:
            f, own = e["forward_torch"], e["forward_keras"]
            limits.append(
                f"- **ISM against tangermeme at 1,024 rows per call.** The forward passes alone, over the same "
                f"variants, run on TensorFlow at {f['speed_ratio_dnazoo_over_this_median']}× "
                f"({f['speed_ratio_dnazoo_over_this_range'][0]}–{f['speed_ratio_dnazoo_over_this_range'][1]}) the "
                f"speed of PyTorch's. The rest of each side's time (making the variants, batching, the "
                f"reference scores; the median ISM time less the median forward time) is "
                f"{statistics.median(e['dnazoo']['seconds']) - statistics.median(own['seconds']):.2f} s for dnazoo "
                f"and {statistics.median(e['tangermeme_batch1024']['seconds']) - statistics.median(f['seconds']):.2f} s "
                f"for tangermeme (ism_tangermeme_cpu.json).")
    if (PERF / "train_grelu_convgru_layout_cpu.json").exists():
        e = json.loads((PERF / "train_grelu_convgru_layout_cpu.json").read_text())["sides"]
        lay, tl = e["dnazoo_tensorflow_grelu_layout"], e["grelu_torch_loop"]
        danq = e["dnazoo_tensorflow"]
        limits.append(
            f"- **DanQ against ConvGRU.** The two are different networks: DanQ has an LSTM and a Dense(925) on "
            f"75 × 640 flattened positions ({danq['parameters']:,} parameters); gReLU's ConvGRU has a GRU and "
            f"averages over positions ({tl['parameters']:,}). gReLU's network rebuilt in Keras layers, with the "
            f"same parameter count, trains in dnazoo at {tl['speed_ratio_reference_over_this_median']}× "
            f"({tl['speed_ratio_reference_over_this_range'][0]}–{tl['speed_ratio_reference_over_this_range'][1]}) "
            f"the speed of gReLU's PyTorch loop, and {danq['speed_ratio_reference_over_this_median']}× "
            f"({danq['speed_ratio_reference_over_this_range'][0]}–{danq['speed_ratio_reference_over_this_range'][1]}) "
            f"the speed of DanQ, in one run (train_grelu_convgru_layout_cpu.json). The gap is in the layers and "
            f"the backends: DanQ's LSTM and its wide Dense layer, and TensorFlow's recurrent kernels against "
            f"PyTorch's; dnazoo trains with Keras's own `fit`.")
    demo = PERF / "demo_dag_variant_ism_merged_cpu.json"
    if demo.exists():
        e = json.loads(demo.read_text())
        limits.append(
            f"- **The demo in 3 minutes on 2 cores.** Its {e['jobs']} jobs sum to {e['sum_of_job_s']:.0f} s of "
            f"their own time ({e['machine']['cpu']}), so 2 cores need at least {e['sum_of_job_s'] / 2:.0f} s; the "
            f"wall is {e['median_wall_s']:.0f} s. The fixed cost (a Python process per job, `import keras` in "
            f"{e['keras_jobs']} Keras jobs) is {100 * e['overhead_share_of_wall']:.0f} % of the wall. The longest "
            f"chain is the k-mer CNN's: dna2vec, its training, its variant job.")
    if (PERF / "import_cost_cpu.json").exists():
        e = json.loads((PERF / "import_cost_cpu.json").read_text())
        pk = e["packages"]

        def sec(*names: str) -> float:
            return sum(pk[n]["median_s"] for n in names if n in pk)
        limits.append(
            f"- **The fixed cost of a Keras job.** `{e['statement']}` takes {e['wall_s']['median']} s in a fresh "
            f"process ({e['wall_s']['range'][0]}–{e['wall_s']['range'][1]}); Python's `-X importtime` counts "
            f"{e['importtime_total_s']['median']} s of it: TensorFlow {sec('tensorflow'):.1f} s and its `ml_dtypes` "
            f"{sec('ml_dtypes'):.1f} s; SciPy, pandas, Matplotlib and scikit-learn, which Keras and TensorFlow "
            f"import whether a job uses them or not, {sec('scipy', 'pandas', 'matplotlib', 'sklearn'):.1f} s; "
            f"Keras itself {sec('keras'):.1f} s (import_cost_cpu.json). None of it is dnazoo's; a job saves it "
            f"only by not importing Keras, as the baselines' jobs do.")
    if limits:
        parts.append("### What limits the ratios below their targets\n\n" + "\n".join(limits) + "\n")
rows = ["""## Performance measurements

Scripts in `perf/` measure speed and memory; each JSON records the machine and the command.

| file | what | command |
| --- | --- | --- |"""]
for f in sorted(p.name for p in PERF.iterdir()):
    what, cmd = PERF_FILES[f]
    json.loads((PERF / f).read_text())  # a readable record
    rows.append(f"| `perf/results/{f}` | {what} | {cmd} |")
parts.append("\n".join(rows) + "\n")
Path("docs/results.md").write_text("\n".join(parts))
