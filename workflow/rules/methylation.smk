# DeepCpG single-cell methylation datasets (config `methylation:`): what is specific to them, reading the
# profiles (or simulating them) and building the dataset in the core layout, results/<name>/encoded. The
# core rules train (the Joint models on their trained DNA and CpG parents), evaluate (the per-target
# table: one row per cell), interpret the DNA models and summarise them.


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
    """The encoded dataset (dnazoo.data.methylation.build): targets (one label per cell, -1 missing), CpG
    neighbourhoods, DNA windows, chromosome hold-out."""
    input:
        unpack(methylation_dataset_inputs),
    output:
        encoded=directory("results/{dataset}/encoded"),
        sites="results/{dataset}/sites.tsv.gz",
    wildcard_constraints:
        dataset=METHYLATION_WILDCARD,
    params:
        ds=methylation_block,
        cells=methylation_cells,
        bulk=methylation_bulk,
        copies=methylation_copies,
    log:
        "logs/{dataset}/methylation_dataset.log",
    benchmark:
        "benchmarks/out/{dataset}/methylation_dataset.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/methylation_dataset.py"
