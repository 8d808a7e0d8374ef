rule split:
    """Assign train/val/test (chromosome hold-out, random, anchor, cv or given) to every pair or
    sequence; distance-match the negatives of pairs within each split."""
    input:
        get_split_input,
    output:
        table="results/{dataset}/split.tsv.gz",
        report="results/{dataset}/split.json",
    params:
        spec=lambda wc: dz_config.split_spec(config, wc.dataset),
        kind=lambda wc: dataset(wc)["kind"],
        negatives=lambda wc: dataset(wc).get("negatives", {}),
    log:
        "logs/{dataset}/split.log",
    benchmark:
        "benchmarks/out/{dataset}/split.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/split.py"
