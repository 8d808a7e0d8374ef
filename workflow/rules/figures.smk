rule figures:
    """ROC and PR curves of all models on one plot each and an AUROC bar chart (PNG + PDF); binary tasks."""
    input:
        metrics=lambda wc: expand("results/{dataset}/models/{model}/metrics.json", dataset=wc.dataset,
                                  model=dataset_models(wc.dataset)),
        predictions=lambda wc: expand("results/{dataset}/models/{model}/predictions.tsv.gz",
                                      dataset=wc.dataset, model=dataset_models(wc.dataset)),
    output:
        report(expand("results/{{dataset}}/figures/{fig}.png", fig=["roc", "pr", "auroc"]),
               caption="../report/dataset_figures.rst", category="Test-split figures", subcategory="{dataset}"),
        report(expand("results/{{dataset}}/figures/{fig}.pdf", fig=["roc", "pr", "auroc"]),
               caption="../report/dataset_figures.rst", category="Test-split figures (PDF)", subcategory="{dataset}"),
    params:
        models=lambda wc: dataset_models(wc.dataset),
        note=lambda wc: figure_note(wc.dataset),
        unit=lambda wc: row_unit(wc.dataset),
        task="binary",
    log:
        "logs/{dataset}/figures.log",
    benchmark:
        "benchmarks/out/{dataset}/figures.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/figures.py"


rule figures_targets:
    """Multilabel and regression tasks: the per-target metric (AUROC per label, Pearson r per target) of
    every model as a distribution, and each model's best and worst targets (PNG + PDF)."""
    input:
        metrics=lambda wc: expand("results/{dataset}/models/{model}/metrics.json", dataset=wc.dataset,
                                  model=dataset_models(wc.dataset)),
        predictions=lambda wc: expand("results/{dataset}/models/{model}/per_target.tsv", dataset=wc.dataset,
                                      model=dataset_models(wc.dataset)),
    output:
        report(expand("results/{{dataset}}/figures/{fig}.png", fig=["targets", "best_worst"]),
               caption="../report/dataset_figures.rst", category="Test-split figures", subcategory="{dataset}"),
        report(expand("results/{{dataset}}/figures/{fig}.pdf", fig=["targets", "best_worst"]),
               caption="../report/dataset_figures.rst", category="Test-split figures (PDF)", subcategory="{dataset}"),
    params:
        models=lambda wc: dataset_models(wc.dataset),
        note=lambda wc: figure_note(wc.dataset),
        unit=lambda wc: row_unit(wc.dataset),
        task=lambda wc: task_of(wc.dataset),
    log:
        "logs/{dataset}/figures_targets.log",
    benchmark:
        "benchmarks/out/{dataset}/figures_targets.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/figures.py"


rule per_target_table:
    """Multilabel, regression and profile tasks: the per-target test metrics of every model of a dataset in
    one table (a methylation dataset: one row per model and cell)."""
    input:
        lambda wc: expand("results/{dataset}/models/{model}/per_target.tsv", dataset=wc.dataset,
                          model=dataset_models(wc.dataset)),
    output:
        "results/{dataset}/per_target.tsv",
    log:
        "logs/{dataset}/per_target_table.log",
    benchmark:
        "benchmarks/out/{dataset}/per_target_table.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/per_target_table.py"


rule figures_profile:
    """Profile task: Pearson r per track (within windows, summed across windows, shuffled-window control)
    and observed against predicted tracks of the test windows with the most counts (PNG + PDF)."""
    input:
        metrics=lambda wc: expand("results/{dataset}/models/{model}/metrics.json", dataset=wc.dataset,
                                  model=dataset_models(wc.dataset)),
        predictions=lambda wc: expand("results/{dataset}/models/{model}/per_target.tsv", dataset=wc.dataset,
                                      model=dataset_models(wc.dataset)),
        examples=lambda wc: expand("results/{dataset}/models/{model}/examples.npz", dataset=wc.dataset,
                                   model=dataset_models(wc.dataset)),
    output:
        report(expand("results/{{dataset}}/figures/{fig}.png", fig=["track_r", "tracks"]),
               caption="../report/dataset_figures.rst", category="Test-split figures", subcategory="{dataset}"),
        report(expand("results/{{dataset}}/figures/{fig}.pdf", fig=["track_r", "tracks"]),
               caption="../report/dataset_figures.rst", category="Test-split figures (PDF)", subcategory="{dataset}"),
    params:
        models=lambda wc: dataset_models(wc.dataset),
        note=lambda wc: figure_note(wc.dataset),
        unit=lambda wc: row_unit(wc.dataset),
        task="profile",
    log:
        "logs/{dataset}/figures_profile.log",
    benchmark:
        "benchmarks/out/{dataset}/figures_profile.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/figures.py"


rule summary:
    """Datasets x models table of test metrics."""
    input:
        metrics=[f"results/{d}/models/{m}/metrics.json" for d in DATASETS for m in scored_models(d)],
        records=[f"results/{d}/models/{m}/run.json" for d in DATASETS for m in scored_models(d)],
    output:
        report("results/summary.tsv", caption="../report/summary.rst", category="Summary"),
    params:
        kinds={name: ds["kind"] for name, ds in DATASETS.items()},
    log:
        "logs/summary.log",
    benchmark:
        "benchmarks/out/summary.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/summary.py"


rule protocols:
    """A group of datasets (cv folds, seeds, or datasets given one `group`): test AUROC per
    split/negatives protocol, mean ± sd over replicates, one panel per protocol."""
    input:
        lambda wc: [f"results/{d}/models/{m}/metrics.json" for d in GROUPS[wc.group] for m in dataset_models(d)],
    output:
        table=report("results/protocols/{group}.tsv", caption="../report/protocols.rst",
                     category="Protocols", subcategory="{group}"),
        png=report("results/protocols/{group}.png", caption="../report/protocols.rst",
                   category="Protocols", subcategory="{group}"),
        pdf=report("results/protocols/{group}.pdf", caption="../report/protocols.rst",
                   category="Protocols", subcategory="{group}"),
    wildcard_constraints:
        group="[A-Za-z0-9_.-]+",
    params:
        protocols=lambda wc: {d: dz_config.protocol_label(config, d) for d in GROUPS[wc.group]},
        baselines=SKLEARN_MODELS,
        note=lambda wc: "simulated data" if any(is_simulated(d) for d in GROUPS[wc.group]) else "",
    log:
        "logs/protocols/{group}.log",
    benchmark:
        "benchmarks/out/protocols/{group}.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/protocols.py"


rule figures_training:
    """Training curves of one Keras model: training loss and the validation metric per epoch, the kept
    epoch marked (PNG + PDF)."""
    input:
        history="results/{dataset}/models/{model}/history.tsv",
    output:
        png=report("results/{dataset}/figures/training/{model}.png", caption="../report/training.rst",
                   category="Training curves", subcategory="{dataset}"),
        pdf=report("results/{dataset}/figures/training/{model}.pdf", caption="../report/training.rst",
                   category="Training curves (PDF)", subcategory="{dataset}"),
    wildcard_constraints:
        model="|".join(KERAS_MODELS),
    params:
        note=lambda wc: figure_note(wc.dataset),
    log:
        "logs/{dataset}/figures_training_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/figures_training_{model}.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/figures_training.py"


rule suite:
    """The run across its datasets: every (dataset, model) with its headline test metric, the comparison
    with the dataset's best baseline, the training record and any published reference
    (per_dataset.tsv); one row per model over the datasets (per_model.tsv)."""
    input:
        summary="results/summary.tsv",
        comparisons=lambda wc: [f"results/{d}/baseline_comparison.tsv" for d in compared_datasets()],
    output:
        per_dataset=report("results/suite/per_dataset.tsv", caption="../report/suite.rst", category="Summary"),
        per_model=report("results/suite/per_model.tsv", caption="../report/suite.rst", category="Summary"),
    params:
        compared=lambda wc: compared_datasets(),
        published={n: ds["published"] for n, ds in DATASETS.items() if "published" in ds},
    log:
        "logs/suite.log",
    benchmark:
        "benchmarks/out/suite.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/suite.py"


rule leaderboard:
    """Every model across the datasets (dnazoo.evaluation.leaderboard): rank per dataset on the headline
    test metric, mean rank, the Friedman test and the Nemenyi critical difference (autorank; from 5
    datasets), the critical-difference diagram, the heatmap and the cost (parameters, training seconds,
    test rows scored per second)."""
    input:
        per_dataset="results/suite/per_dataset.tsv",
        records=lambda wc: [f"results/{d}/models/{m}/run.json" for d in DATASETS for m in scored_models(d)],
        inference=lambda wc: [f"results/{d}/models/{m}/inference.json" for d in DATASETS for m in scored_models(d)
                              if m in dz_models.REGISTRY],
    output:
        table=report("results/leaderboard/leaderboard.tsv", caption="../report/leaderboard.rst", category="Leaderboard"),
        ranks=report("results/leaderboard/ranks.tsv", caption="../report/leaderboard.rst", category="Leaderboard"),
        statistics="results/leaderboard/statistics.json",
        cost="results/leaderboard/cost.tsv",
        png=report(expand("results/leaderboard/{fig}.png", fig=["cd", "heatmap", "pareto"]),
                   caption="../report/leaderboard.rst", category="Leaderboard"),
        pdf=expand("results/leaderboard/{fig}.pdf", fig=["cd", "heatmap", "pareto"]),
    params:
        records=lambda wc: {f"{d}/{m}": f"results/{d}/models/{m}/run.json" for d in DATASETS for m in scored_models(d)},
        inference=lambda wc: {f"{d}/{m}": f"results/{d}/models/{m}/inference.json" for d in DATASETS
                              for m in scored_models(d) if m in dz_models.REGISTRY},
        title=lambda wc: config.get("label") or "",
    log:
        "logs/leaderboard.log",
    benchmark:
        "benchmarks/out/leaderboard.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/leaderboard.py"


rule overlap:
    """Validation and test rows whose sequence is also a training sequence, per dataset read from
    sequence files (the training copies are dropped by rule read_sequences; this counts them)."""
    input:
        lambda wc: [f"results/{d}/overlap.tsv" for d in read_sequence_datasets()],
    output:
        "results/overlap.tsv",
    log:
        "logs/overlap.log",
    benchmark:
        "benchmarks/out/overlap.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/overlap.py"


rule interpret_table:
    """Every interpreted model in one table: its top TF-MoDISco pattern, the best JASPAR match and its
    q-value, and, where the dataset names its factor (interpret.tf), whether the match is the factor's
    own motif or its family's."""
    input:
        unpack(interpret_table_inputs),
    output:
        report("results/interpret.tsv", caption="../report/interpret.rst", category="Interpretation"),
    params:
        runs=interpret_runs,
    log:
        "logs/interpret_table.log",
    benchmark:
        "benchmarks/out/interpret_table.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/interpret_table.py"
