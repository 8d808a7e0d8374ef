# DeepCpG single-cell methylation datasets (config `methylation:`): data, DNA and CpG models, then the
# Joint models on them, then per-cell metrics beside the baselines. Outputs in results/methylation/<name>/.


rule methylation_simulate:
    """The simulated methylation default: genome, single-cell and bulk profiles (dnazoo.data.simulate.simulate_methylation)."""
    output:
        fasta="resources/methylation/{dataset}/genome.fa",
        fai="resources/methylation/{dataset}/genome.fa.fai",
        cells=directory("resources/methylation/{dataset}/cells"),
        bulk="resources/methylation/{dataset}/bulk/bulk.tsv.gz",
        truth="resources/methylation/{dataset}/truth.tsv.gz",
    params:
        simulate=lambda wc: dz_config.methylation_params(METHYLATION[wc.dataset]),
    log:
        "logs/methylation/{dataset}/simulate.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/simulate.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/methylation_simulate.py"


rule methylation_fetch:
    """Copy a configured profile (URL or path; checksum verified; kept gzip)."""
    input:
        lambda wc: local_source_path(methylation_source(wc)),
    output:
        "resources/methylation/{dataset}/{group}/{name}.profile.gz",
    wildcard_constraints:
        group="cells|bulk",
    params:
        source=methylation_source,
    log:
        "logs/methylation/{dataset}/fetch_{group}_{name}.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/fetch_{group}_{name}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/methylation_fetch.py"


rule methylation_dataset:
    """Targets (one label per cell, missing masked), CpG neighbourhoods, DNA windows, chromosome split."""
    input:
        unpack(methylation_dataset_inputs),
    output:
        data=expand("results/methylation/{{dataset}}/data/{split}.labels.npy", split=["train", "val", "test"]),
        spec="results/methylation/{dataset}/data/spec.json",
        sites="results/methylation/{dataset}/sites.tsv.gz",
    params:
        ds=lambda wc: METHYLATION[wc.dataset],
        cells=methylation_cells,
        bulk=methylation_bulk,
        copies=methylation_copies,
    log:
        "logs/methylation/{dataset}/dataset.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/dataset.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/methylation_dataset.py"


rule methylation_train:
    """Train a DeepCpG DNA or CpG model with the core training loop (Adam 1e-4 x 0.975^epoch, L1/L2 1e-4,
    class weights, early stopping on val_loss; per-epoch checkpoint, resumed after a crash)."""
    input:
        spec="results/methylation/{dataset}/data/spec.json",
    output:
        model="results/methylation/{dataset}/models/{model}/model.keras",
        history="results/methylation/{dataset}/models/{model}/history.tsv",
        record="results/methylation/{dataset}/models/{model}/run.json",
    wildcard_constraints:
        model="deepcpg_(dna|cpg)_[A-Za-z0-9]+",
    params:
        ds=lambda wc: METHYLATION[wc.dataset],
        settings=lambda wc: METHYLATION[wc.dataset]["training"],
        # not an output: Snakemake keeps it when the job dies, and the rerun resumes from it
        checkpoint="results/methylation/{dataset}/checkpoints/{model}.npz",
    threads: min(4, MAX_THREADS)
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=720,
    log:
        "logs/methylation/{dataset}/train_{model}.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/train_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/methylation_train.py"


rule methylation_train_joint:
    """Train a DeepCpG Joint model on the frozen features of its trained DNA and CpG models."""
    input:
        spec="results/methylation/{dataset}/data/spec.json",
        dna=lambda wc: f"results/methylation/{wc.dataset}/models/{joint_parts(wc)['dna']}/model.keras",
        cpg=lambda wc: f"results/methylation/{wc.dataset}/models/{joint_parts(wc)['cpg']}/model.keras",
    output:
        model="results/methylation/{dataset}/models/{model}/model.keras",
        history="results/methylation/{dataset}/models/{model}/history.tsv",
        record="results/methylation/{dataset}/models/{model}/run.json",
    wildcard_constraints:
        model="deepcpg_joint_[A-Za-z0-9]+",
    params:
        ds=lambda wc: METHYLATION[wc.dataset],
        settings=lambda wc: METHYLATION[wc.dataset]["training"],
        # not an output: Snakemake keeps it when the job dies, and the rerun resumes from it
        checkpoint="results/methylation/{dataset}/checkpoints/{model}.npz",
    threads: min(4, MAX_THREADS)
    resources:
        gpu=1,
        mem_mb=16000,
        runtime=720,
    log:
        "logs/methylation/{dataset}/train_{model}.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/train_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/methylation_train.py"


rule methylation_evaluate:
    """Per-cell AUROC, AUPRC, accuracy, F1, MCC of every model and baseline on the test chromosomes."""
    input:
        spec="results/methylation/{dataset}/data/spec.json",
        models=lambda wc: [f"results/methylation/{wc.dataset}/models/{m}/model.keras"
                           for m in dz_config.methylation_models(METHYLATION[wc.dataset])],
    output:
        per_cell="results/methylation/{dataset}/per_cell.tsv",
        summary="results/methylation/{dataset}/summary.tsv",
        rows="results/methylation/{dataset}/summary_rows.json",
        predictions=directory("results/methylation/{dataset}/predictions"),
        figures=expand("results/methylation/{{dataset}}/figures/per_cell_auroc.{ext}", ext=["png", "pdf"]),
    params:
        ds=lambda wc: METHYLATION[wc.dataset],
        names=lambda wc: dz_config.methylation_models(METHYLATION[wc.dataset]),
        bootstrap=lambda wc: stages_bootstrap(),
    threads: min(4, MAX_THREADS)
    log:
        "logs/methylation/{dataset}/evaluate.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/evaluate.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/methylation_evaluate.py"


rule methylation_filters:
    """A DNA model's first-layer filters as PWMs over the test windows, matched to JASPAR by Tomtom
    (DeepCpG's dcpg_filter_motifs; dnazoo.interpret.filter_pwms)."""
    input:
        spec="results/methylation/{dataset}/data/spec.json",
        model="results/methylation/{dataset}/models/{model}/model.keras",
    output:
        tsv="results/methylation/{dataset}/models/{model}/filters.tsv",
        meme="results/methylation/{dataset}/models/{model}/filters.meme",
    wildcard_constraints:
        model="deepcpg_dna_[A-Za-z0-9]+",
    params:
        planted=lambda wc: METHYLATION_MOTIF if "simulate" in METHYLATION[wc.dataset] else None,
    threads: min(4, MAX_THREADS)
    log:
        "logs/methylation/{dataset}/filters_{model}.log",
    benchmark:
        "benchmarks/out/methylation/{dataset}/filters_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/methylation_filters.py"
