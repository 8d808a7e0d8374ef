rule encode:
    """The encoded dataset (dnazoo.data.dataset): base codes (uint8, A C G T N = 0..4) per split and input,
    targets, ids and spec.json."""
    input:
        unpack(get_encode_inputs),
    output:
        directory("results/{dataset}/encoded"),
    wildcard_constraints:
        dataset=ENCODE_WILDCARD,  # a methylation dataset is built by rule methylation_dataset
    params:
        copies=source_copies,
        kind=lambda wc: dataset(wc)["kind"],
        lengths=lambda wc: dz_config.windows(dataset(wc)),
        task=lambda wc: task_params(wc.dataset),
    log:
        "logs/{dataset}/encode.log",
    benchmark:
        "benchmarks/out/{dataset}/encode.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/encode.py"


rule kmer_tokens:
    """6-mer token ids (model-zoo spec 0.1), uint16, per split and anchor; for the k-mer models."""
    input:
        "results/{dataset}/encoded",
    output:
        directory("results/{dataset}/kmer6"),
    params:
        kind=lambda wc: dataset(wc)["kind"],
    priority: 1
    log:
        "logs/{dataset}/kmer_tokens.log",
    benchmark:
        "benchmarks/out/{dataset}/kmer_tokens.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/kmer_tokens.py"
