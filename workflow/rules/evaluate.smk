rule evaluate:
    """Test-split metrics of the dataset's task (binary: AUROC, AUPRC, F1, accuracy, Pearson r; multilabel:
    AUROC/AUPRC per label; regression: Pearson r, Spearman, MSE per target); per-row predictions;
    diagnostics (dead ReLU units, BatchNormalization statistics)."""
    input:
        model=get_model_file,
        encoded="results/{dataset}/encoded",
    output:
        metrics=report("results/{dataset}/models/{model}/metrics.json", caption="../report/metrics.rst",
                       category="Metrics per model", subcategory="{dataset}", labels={"model": "{model}"}),
        predictions="results/{dataset}/models/{model}/predictions.tsv.gz",
        per_target="results/{dataset}/models/{model}/per_target.tsv",
        examples="results/{dataset}/models/{model}/examples.npz",
        diagnostics="results/{dataset}/models/{model}/diagnostics.json",
        inference="results/{dataset}/models/{model}/inference.json",
    wildcard_constraints:
        model="|".join(re.escape(m) for m in dz_models.REGISTRY),
    params:
        kind=lambda wc: dataset(wc)["kind"],
        evaluation=config["evaluation"],
        settings=lambda wc: dz_config.training_settings(config, wc.model, wc.dataset),
    threads: min(2, JOB_THREADS)
    resources:
        gpu=gpu_if_keras,
        mem_mb=8000,
        runtime=120,
    log:
        "logs/{dataset}/evaluate_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/evaluate_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/evaluate.py"


rule ensemble:
    """An ensemble of trained models (config `ensembles:`; dnazoo.evaluation.ensemble): the members'
    test predictions averaged in probability or logit space, evaluated like a model, in the model
    folder of its name (its own row in summary.tsv, CIs and the comparison with the baselines)."""
    input:
        unpack(ensemble_inputs),
    output:
        metrics="results/{dataset}/models/{model}/metrics.json",
        predictions="results/{dataset}/models/{model}/predictions.tsv.gz",
        per_target="results/{dataset}/models/{model}/per_target.tsv",
        record="results/{dataset}/models/{model}/run.json",
    wildcard_constraints:
        model="|".join(re.escape(e) for e in ENSEMBLES) or "(?!)",
    params:
        members=lambda wc: dataset_ensembles(wc.dataset)[wc.model]["models"],
        average=lambda wc: dataset_ensembles(wc.dataset)[wc.model]["average"],
        evaluation=config["evaluation"],
    log:
        "logs/{dataset}/ensemble_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/ensemble_{model}.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/ensemble.py"


rule baseline_comparison:
    """Every model of a dataset against its best baseline: AUROC difference, paired-bootstrap CI, p-value."""
    input:
        lambda wc: expand("results/{dataset}/models/{model}/predictions.tsv.gz", dataset=wc.dataset,
                          model=scored_models(wc.dataset)),
    output:
        report("results/{dataset}/baseline_comparison.tsv", caption="../report/baseline_comparison.rst",
               category="Models against baselines", subcategory="{dataset}"),
    params:
        models=lambda wc: scored_models(wc.dataset),
        baselines=lambda wc: [m for m in dataset_models(wc.dataset) if dz_models.get(m).framework == "sklearn"],
        evaluation=config["evaluation"],
    log:
        "logs/{dataset}/baseline_comparison.log",
    benchmark:
        "benchmarks/out/{dataset}/baseline_comparison.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/baseline_comparison.py"
