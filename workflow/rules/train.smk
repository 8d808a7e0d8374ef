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
    threads: min(4, MAX_THREADS)
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
