rule figures:
    """ROC and PR curves of all models on one plot each and an AUROC bar chart (PNG + PDF)."""
    input:
        metrics=lambda wc: expand("results/{dataset}/models/{model}/metrics.json", dataset=wc.dataset,
                                  model=dataset_models(wc.dataset)),
        predictions=lambda wc: expand("results/{dataset}/models/{model}/predictions.tsv.gz",
                                      dataset=wc.dataset, model=dataset_models(wc.dataset)),
    output:
        report(expand("results/{{dataset}}/figures/{fig}.png", fig=["roc", "pr", "auroc"]),
               caption="../report/dataset_figures.rst", category="Test-split figures", subcategory="{dataset}"),
        expand("results/{{dataset}}/figures/{fig}.pdf", fig=["roc", "pr", "auroc"]),
    params:
        models=lambda wc: dataset_models(wc.dataset),
        note=lambda wc: figure_note(wc.dataset),
    log:
        "logs/{dataset}/figures.log",
    benchmark:
        "benchmarks/out/{dataset}/figures.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/figures.py"


rule summary:
    """Datasets x models table of test metrics."""
    input:
        [f"results/{d}/models/{m}/metrics.json" for d in DATASETS for m in dataset_models(d)],
    output:
        report("results/summary.tsv", caption="../report/summary.rst", category="Summary"),
    log:
        "logs/summary.log",
    benchmark:
        "benchmarks/out/summary.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/summary.py"
