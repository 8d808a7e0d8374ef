rule evaluate:
    """AUROC, AUPRC, F1, accuracy and Pearson r on the test split; per-row predictions."""
    input:
        model=get_model_file,
        encoded="results/{dataset}/encoded",
    output:
        metrics=report("results/{dataset}/models/{model}/metrics.json", caption="../report/metrics.rst",
                       category="Metrics per model", subcategory="{dataset}", labels={"model": "{model}"}),
        predictions="results/{dataset}/models/{model}/predictions.tsv.gz",
    params:
        kind=lambda wc: dataset(wc)["kind"],
    threads: 2
    log:
        "logs/{dataset}/evaluate_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/evaluate_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/evaluate.py"
