# Cross-dataset transfer matrix (DeepChromeHiC's auc+pearson.csv) and the comparison with the
# original's published results. Active when the config has `transfer:` / `original_results:`.


rule transfer:
    """Test one model trained on {dataset} on the test split of every transfer dataset."""
    input:
        model=get_model_file,
        encoded=lambda wc: expand("results/{d}/encoded", d=TRANSFER_DATASETS),
    output:
        "results/transfer/{dataset}/{model}.tsv",
    params:
        test_dirs=lambda wc: {d: f"results/{d}/encoded" for d in TRANSFER_DATASETS},
    threads: min(2, JOB_THREADS)
    resources:
        gpu=gpu_if_keras,
        mem_mb=8000,
        runtime=240,
    log:
        "logs/transfer/{dataset}/{model}.log",
    benchmark:
        "benchmarks/out/transfer/{dataset}/{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/transfer.py"


rule transfer_matrix:
    """The long table (train dataset, test dataset, model, AUROC, Pearson r) and its figures."""
    input:
        expand("results/transfer/{dataset}/{model}.tsv", dataset=TRANSFER_DATASETS, model=TRANSFER_MODELS),
    output:
        table=report("results/transfer/auc_pearson.tsv", caption="../report/transfer.rst", category="Transfer matrix"),
        figures=report(transfer_figures(), caption="../report/transfer.rst", category="Transfer matrix"),
    params:
        out_dir=lambda wc, output: os.path.dirname(output.figures[0]),
        note=transfer_note(),
    log:
        "logs/transfer/matrix.log",
    benchmark:
        "benchmarks/out/transfer/matrix.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/transfer_matrix.py"


rule download_original_results:
    """Fetch DeepChromeHiC's published auc+pearson.csv (checksum verified); a local path is an input."""
    input:
        local_source_path(config.get("original_results") or {}),
    output:
        "resources/original/auc_pearson.csv",
    params:
        source=config.get("original_results"),
    log:
        "logs/original/download.log",
    benchmark:
        "benchmarks/out/original/download.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/download_original.py"


rule compare_original:
    """dnazoo's within-dataset AUROC beside the original's, per model and dataset."""
    input:
        summary="results/summary.tsv",
        original="resources/original/auc_pearson.csv",
    output:
        table=report("results/comparison/original_vs_dnazoo.tsv", caption="../report/comparison.rst",
                      category="Comparison with DeepChromeHiC"),
        figures=report(multiext("results/comparison/original_vs_dnazoo", ".png", ".pdf"),
                       caption="../report/comparison.rst", category="Comparison with DeepChromeHiC"),
    params:
        note=transfer_note(),
    log:
        "logs/original/compare.log",
    benchmark:
        "benchmarks/out/original/compare.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/compare_original.py"
