rule read_pairs:
    """Interaction table (BEDPE, TargetFinder CSV, DeepChromeHiC .rda) -> canonical pair table."""
    input:
        get_raw_table,
    output:
        "results/{dataset}/pairs.tsv.gz",
    params:
        copies=source_copies,
        fmt=get_table_format,
    log:
        "logs/{dataset}/read_pairs.log",
    benchmark:
        "benchmarks/out/{dataset}/read_pairs.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/read_pairs.py"


rule read_sequences:
    """Labelled sequences (DeepBind .seq, FASTA + labels, or BED peaks on a genome) -> canonical table,
    with dinucleotide-shuffled or GC-matched genomic background negatives."""
    input:
        unpack(get_sequence_files),
    output:
        table="results/{dataset}/sequences.tsv.gz",
        overlap="results/{dataset}/overlap.tsv",
    params:
        copies=source_copies,
        ds=dataset,
        window=lambda wc: dz_config.windows(dataset(wc))[0],
    log:
        "logs/{dataset}/read_sequences.log",
    benchmark:
        "benchmarks/out/{dataset}/read_sequences.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/read_sequences.py"


rule coverage:
    """Coverage targets (profile task, regression on tracks): each window's sequence and its counts per
    bin (one bin for regression) and track from the bigWig tracks."""
    input:
        unpack(get_coverage_inputs),
    output:
        table="results/{dataset}/regions.tsv.gz",
        coverage="results/{dataset}/coverage.npy",
    params:
        copies=source_copies,
        window=lambda wc: dz_config.windows(dataset(wc))[0],
        bins=lambda wc: dataset(wc).get("bins", 1),
        tracks=lambda wc: profile_tracks(wc.dataset),
    log:
        "logs/{dataset}/coverage.log",
    benchmark:
        "benchmarks/out/{dataset}/coverage.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/profile_coverage.py"
