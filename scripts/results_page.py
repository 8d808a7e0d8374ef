"""Write docs/results.md from the committed tables in benchmarks/results/ (run from the repository root):

    .venv/bin/python scripts/results_page.py
"""
from pathlib import Path
import pandas as pd
R = Path("benchmarks/results")
def md(df):
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for _, r in df.iterrows():
        out.append("| " + " | ".join(f"`{v}`" if c == "model" else (f"{v:.3f}" if isinstance(v, float) else str(v)) for c, v in r.items()) + " |")
    return "\n".join(out)
files = {
 "demo_dag_cpu.json": ("wall time of the default DAG from scratch and per rule, 2 cores", "`.venv/bin/python benchmarks/demo_dag.py --cores 2 --repeats 2 --out benchmarks/results/demo_dag_cpu.json`"),
 "deepcpg_simulated_summary.tsv": ("DeepCpG on the simulated methylation default: one row per model and baseline, means over 3 cells", "`snakemake --cores 2 --resources gpu=1 --configfile config/demo_deepcpg.yaml`, then `results/summary.tsv`"),
 "deepcpg_simulated_per_cell.tsv": ("the same, per cell, with bootstrap CIs", "same run: `results/simulated_methylation/per_target.tsv`"),
 "deepcpg_simulated_dna_filters.tsv": ("the DNA model's first-layer filters as PWMs, best JASPAR match and the planted motif's q-value", "same run: `results/simulated_methylation/interpret/deepcpg_dna_CnnL2h128/filters.tsv`"),
 "deepcpg_real_summary.tsv": ("DeepCpG's real test profiles (2 serum cells, test chr19): CpG models and baselines, means over cells", "`DNAZOO_MIRROR=../shared/data/deepcpg snakemake --cores 2 --resources gpu=1 --configfile config/deepcpg.yaml`, then `results/summary.tsv`"),
 "deepcpg_real_per_cell.tsv": ("the same, per cell, with bootstrap CIs", "same run: `results/deepcpg_serum/per_target.tsv`"),
 "demo_summary.tsv": ("the simulated demo (default config): one row per model", "`snakemake --cores 2 --resources gpu=1`, then `results/summary.tsv`"),
}
S = {"deepsea_subset_summary.tsv": "deepsea_subset_runs.py", "demo_regression_expresnet_bn_momentum0.9.json": "bn_statistics.py",
     "demo_regression_expresnet_bn_momentum0.99.json": "bn_statistics.py", "dna2vec_throughput_cpu.json": "dna2vec_throughput.py",
     "encode_interpret.tsv": "encode_interpret.py", "encode_tfbs_dead_units.tsv": "dead_units.py", "gue_tf_overlap.tsv": "gue_overlap.py",
     "input_pipeline_cpu.json": "input_pipeline.py", "input_pipeline_pydataset_cpu.json": "input_pipeline.py",
     "interpret_speed_cpu.json": "interpret_speed.py", "seed004_tfbs_cpu.json": "seed004_tfbs.py"}
def script(f):
    if f in S: return S[f]
    if f.startswith("encode_tfbs"): return "encode_tfbs_runs.py"
    if f.startswith("gue_tf"): return "gue_tf_runs.py"
    if f.startswith("demo_") and f.endswith(".tsv") and not f.startswith("demo_interpret"): return "run_summary.py"
    return None
sim = pd.read_csv(R / "deepcpg_simulated_summary.tsv", sep="\t")[["model", "mean_auroc", "mean_auprc", "mean_mcc"]]
parts = ["""# Results

Every number here comes from a committed file under `benchmarks/results/` and the command that made
it (this page is written by `scripts/results_page.py` from those files). Runs on this project's 2-core CPU machine unless a file says otherwise; a rerun with several
threads can differ in the last digits.
"""]
demo = R / "demo_summary.tsv"
if demo.exists():
    df = pd.read_csv(demo, sep="\t")
    parts.append("""## Simulated demo

The default config (`config/config.yaml`): 400 test pairs on the held-out chromosome `simchr6`,
95 % bootstrap CIs (1,000 replicates) (`benchmarks/results/demo_summary.tsv`, made by
`snakemake --cores 2 --resources gpu=1`, then `results/summary.tsv`):

""" + md(df[["model", "auroc", "auroc_ci_low", "auroc_ci_high", "auprc"]]) + """

Distance and GC carry nothing, as designed. The bag of k-mers carries part of the grammar (the
motif's k-mers are strand-specific, so per-anchor k-mer counts tell the orientation in each
anchor); the sequence models beat it on the same test pairs
(`results/simulated_demo/baseline_comparison.tsv` of the same run).
""")
parts.append("""## DeepCpG

**Simulated default** (`config/demo_deepcpg.yaml`: 4 × 400 kbp, 3 cells; test chromosome 4;
DNA window 201 bp). Mean test AUROC, AUPRC and MCC over cells
(`benchmarks/results/deepcpg_simulated_summary.tsv`; per cell with 95 % bootstrap CIs in
`benchmarks/results/deepcpg_simulated_per_cell.tsv`), made by
`snakemake --cores 2 --resources gpu=1 --configfile config/demo_deepcpg.yaml` (5 min on 2 cores;
`results/summary.tsv` and `results/simulated_methylation/per_target.tsv`):

""" + md(sim) + """

The Joint model beats both of its parts. Its DNA part's first-layer filters
(`benchmarks/results/deepcpg_simulated_dna_filters.tsv`, same run,
`results/simulated_methylation/interpret/deepcpg_dna_CnnL2h128/filters.tsv`) include matches to
Fos/Jun-related JASPAR motifs, the family of the planted site `ATGACTCATC`.
""")
real = R / "deepcpg_real_summary.tsv"
df = pd.read_csv(real, sep="\t")
if "mean_auroc" in df:
    parts.append("""**DeepCpG's own test profiles** (`config/deepcpg.yaml`: two serum cells of 10,000 CpGs, two
bulk profiles, mm10; train chr18 with 10 % of its sites for validation, test chr19, 5,000 CpGs
per cell; no mm10 sequence offline, so the CpG models only). Mean over the two cells
(`benchmarks/results/deepcpg_real_summary.tsv`; per cell with CIs in
`benchmarks/results/deepcpg_real_per_cell.tsv`), made offline through the mirror by
`DNAZOO_MIRROR=../shared/data/deepcpg snakemake --cores 2 --resources gpu=1 --configfile config/deepcpg.yaml`:

""" + md(df[["model", "mean_auroc", "mean_auprc", "mean_mcc"]]) + """

Two cells of 10,000 CpGs are a smoke test, not a benchmark.
""")
parts.append("""## Interpretation

On the simulated demo and on ENCODE ChIP-seq (`config/encode_interpret.yaml`), rule `interpret`
finds the planted or the TF's own motif: `benchmarks/results/demo_interpret_motifs.tsv`,
`benchmarks/results/demo_interpret_summary.json` and `benchmarks/results/encode_interpret.tsv`
(commands in the table below).

## Every committed file

| file | what | made by |
| --- | --- | --- |""")
rows = []
for f in sorted(p.name for p in R.iterdir()):
    if f in files:
        what, cmd = files[f]
    else:
        s = script(f)
        what = f.rsplit(".", 1)[0].replace("_", " ")
        if s:
            cmd = f"`benchmarks/{s}` (its docstring gives the command)"
        elif f.startswith("demo_interpret"):
            cmd = "the demo DAG test with `DNAZOO_RESULTS_DIR=benchmarks/results` (`tests/workflow/test_workflow.py -k demo_dag`)"
        else:
            cmd = "`pytest --durations` of the test suite on 2 cores"
    rows.append(f"| `benchmarks/results/{f}` | {what} | {cmd} |")
parts.append("\n".join(rows) + """

The files made by scripts under `benchmarks/` come from driver scripts around a shipped config
(some rewrite it, or serve `../shared/data` over loopback HTTP); their replacement by configs run
through the offline mirror is not done yet.
""")
Path("docs/results.md").write_text("\n".join(parts))
