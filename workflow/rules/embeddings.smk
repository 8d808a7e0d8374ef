rule train_dna2vec:
    """dna2vec k-mer vectors (Ng 2017) trained with gensim on one genome; streamed corpus."""
    input:
        fasta=lambda wc: genome_fasta(wc.genome),
    output:
        vectors="results/dna2vec/{genome}/dna2vec.bin",
        matrix="results/dna2vec/{genome}/kmer_matrix.npy",
        report="results/dna2vec/{genome}/report.json",
    params:
        dna2vec=config["dna2vec"],
    # the long chain to a k-mer model's training first, when jobs wait for cores (e.g. the demo)
    priority: 1
    threads: min(8, JOB_THREADS)
    resources:
        mem_mb=8000,
    log:
        "logs/dna2vec/{genome}.log",
    benchmark:
        "benchmarks/out/dna2vec/{genome}.tsv"
    conda:
        "../../envs/embeddings.yaml"
    script:
        "../scripts/train_dna2vec.py"


rule embedding_matrix:
    """The k-mer embedding matrix of a dataset: its genome's dna2vec, seeded random, or a checked file."""
    input:
        get_embedding_input,
    output:
        "results/{dataset}/embedding/kmer_matrix.npy",
    params:
        embedding=lambda wc: dataset(wc)["embedding"],
        dna2vec=config["dna2vec"],
    priority: 1
    log:
        "logs/{dataset}/embedding_matrix.log",
    benchmark:
        "benchmarks/out/{dataset}/embedding_matrix.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/embedding_matrix.py"
