rule windows:
    """Re-centre each anchor to its window; drop (and count) pairs that do not fit the genome."""
    input:
        pairs="results/{dataset}/pairs.tsv.gz",
        fai=get_genome_fai,
    output:
        windows="results/{dataset}/windows.tsv.gz",
        report="results/{dataset}/windows.json",
    params:
        copies=source_copies,
        lengths=lambda wc: dz_config.windows(dataset(wc)),
        strict=lambda wc: dataset(wc).get("strict", False),
    log:
        "logs/{dataset}/windows.log",
    benchmark:
        "benchmarks/out/{dataset}/windows.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/windows.py"
