rule train:
    """Train one Keras model of the zoo on one dataset; early stopping on validation AUROC."""
    input:
        unpack(get_train_inputs),
    output:
        model="results/{dataset}/models/{model}/model.keras",
        history="results/{dataset}/models/{model}/history.tsv",
        record="results/{dataset}/models/{model}/run.json",
    wildcard_constraints:
        model="|".join(KERAS_MODELS),
    params:
        kind=lambda wc: dataset(wc)["kind"],
        ds=dataset,
        lengths=lambda wc: dz_config.windows(dataset(wc)),
        settings=lambda wc: dz_config.training_settings(config, wc.model, wc.dataset),
        # not an output: Snakemake keeps it when the job dies, and the rerun resumes from it
        checkpoint="results/{dataset}/checkpoints/{model}.npz",
    threads: min(4, JOB_THREADS)
    # training before the evaluation, interpretation and variant jobs of models already trained,
    # when they wait for the same cores or GPU token
    priority: 1
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=720,
    log:
        "logs/{dataset}/train_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/train_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/train.py"


rule train_baseline:
    """Fit a scikit-learn baseline (no GPU)."""
    input:
        encoded="results/{dataset}/encoded",
    output:
        model="results/{dataset}/models/{model}/model.joblib",
        history="results/{dataset}/models/{model}/history.tsv",
        record="results/{dataset}/models/{model}/run.json",
    wildcard_constraints:
        model="|".join(SKLEARN_MODELS),
    params:
        kind=lambda wc: dataset(wc)["kind"],
        ds=dataset,
        lengths=lambda wc: dz_config.windows(dataset(wc)),
        settings=lambda wc: dz_config.training_settings(config, wc.model, wc.dataset),
    log:
        "logs/{dataset}/train_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/train_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/train.py"


rule tune_worker:
    """Trials of one (dataset, model) hyperparameter search (Optuna; dnazoo.training.tuning) until its
    study holds tuning.trials finished trials; `tuning.parallel` such jobs share one study. The study
    database is not an output: a killed job's rerun resumes it."""
    input:
        unpack(get_tune_worker_inputs),
    output:
        "results/{dataset}/tuning/{model}/worker_{worker}.json",
    wildcard_constraints:
        model="|".join(KERAS_MODELS),
        worker=r"\d+",
    params:
        kind=lambda wc: dataset(wc)["kind"],
        lengths=lambda wc: dz_config.windows(dataset(wc)),
        settings=lambda wc: dz_config.training_settings(config, wc.model, wc.dataset),
        tuning=tuning_settings,
        study_dir="results/{dataset}/tuning/{model}",
    threads: min(4, JOB_THREADS)
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=1440,
    log:
        "logs/{dataset}/tune_{model}_{worker}.log",
    benchmark:
        "benchmarks/out/{dataset}/tune_{model}_{worker}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/tune_worker.py"


rule tune:
    """The finished study of one (dataset, model): trials.tsv, best_params.json (which train then
    uses), and the optimisation-history and parameter-importance figures."""
    input:
        tuning_workers,
    output:
        trials="results/{dataset}/tuning/{model}/trials.tsv",
        best=report("results/{dataset}/tuning/{model}/best_params.json", caption="../report/tuning.rst",
                    category="Tuning", subcategory="{dataset}", labels={"model": "{model}", "file": "best_params"}),
        png=report(expand("results/{{dataset}}/tuning/{{model}}/{fig}.png", fig=["history", "importance"]),
                   caption="../report/tuning.rst", category="Tuning", subcategory="{dataset}"),
        pdf=expand("results/{{dataset}}/tuning/{{model}}/{fig}.pdf", fig=["history", "importance"]),
    wildcard_constraints:
        model="|".join(KERAS_MODELS),
    params:
        tuning=tuning_settings,
        study_dir="results/{dataset}/tuning/{model}",
    log:
        "logs/{dataset}/tune_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/tune_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/tune.py"
