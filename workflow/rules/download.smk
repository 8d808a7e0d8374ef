rule download_genome:
    """Fetch a reference genome (URL or path; checksum verified; gunzipped) and index it with pyfaidx.
    A local `path:` is an input, so editing the file reruns everything downstream."""
    input:
        lambda wc: local_source_path(config["genomes"][wc.genome]),
    output:
        fasta="resources/genomes/{genome}.fa",
        fai="resources/genomes/{genome}.fa.fai",
    params:
        source=lambda wc: config["genomes"][wc.genome],
    log:
        "logs/genomes/{genome}.log",
    benchmark:
        "benchmarks/out/genomes/{genome}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/download_genome.py"


rule download_table:
    """Fetch an interaction table or a labelled sequence file (URL or path; checksum verified; gunzipped).
    A local `path:` is an input, so editing the file reruns everything downstream."""
    input:
        lambda wc: local_source_path(get_source(wc)),
    output:
        "resources/tables/{dataset}/{part}.raw",
    params:
        source=get_source,
    log:
        "logs/{dataset}/download_{part}.log",
    benchmark:
        "benchmarks/out/{dataset}/download_{part}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/download_table.py"
