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
        max_dropped=lambda wc: dataset(wc).get("max_dropped_fraction", 0.5),
        table=lambda wc: source_copies(wc).get(f"resources/tables/{wc.dataset}/table.raw", "the simulated pairs"),
    log:
        "logs/{dataset}/windows.log",
    benchmark:
        "benchmarks/out/{dataset}/windows.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/windows.py"
