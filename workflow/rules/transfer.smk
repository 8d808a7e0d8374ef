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
    threads: 2
    resources:
        gpu=lambda wc: int(dz_models.get(wc.model).framework == "keras"),
    log:
        "logs/transfer/{dataset}/{model}.log",
    benchmark:
        "benchmarks/out/transfer/{dataset}/{model}.tsv"
    script:
        "../scripts/transfer.py"


rule transfer_matrix:
    """The long table (train dataset, test dataset, model, AUROC, Pearson r) and its figures."""
    input:
        expand("results/transfer/{dataset}/{model}.tsv", dataset=TRANSFER_DATASETS, model=TRANSFER_MODELS),
    output:
        table="results/transfer/auc_pearson.tsv",
        figures=transfer_figures(),
    params:
        out_dir="results/transfer/figures",
        note=transfer_note(),
    log:
        "logs/transfer/matrix.log",
    benchmark:
        "benchmarks/out/transfer/matrix.tsv"
    script:
        "../scripts/transfer_matrix.py"


rule download_original_results:
    """Fetch DeepChromeHiC's published auc+pearson.csv (checksum verified)."""
    output:
        "resources/original/auc_pearson.csv",
    params:
        source=config.get("original_results"),
    log:
        "logs/original/download.log",
    benchmark:
        "benchmarks/out/original/download.tsv"
    script:
        "../scripts/download_original.py"


rule compare_original:
    """dnazoo's within-dataset AUROC beside the original's, per model and dataset."""
    input:
        summary="results/summary.tsv",
        original="resources/original/auc_pearson.csv",
    output:
        table="results/comparison/original_vs_dnazoo.tsv",
        figures=multiext("results/comparison/original_vs_dnazoo", ".png", ".pdf"),
    params:
        note=transfer_note(),
    log:
        "logs/original/compare.log",
    benchmark:
        "benchmarks/out/original/compare.tsv"
    script:
        "../scripts/compare_original.py"
