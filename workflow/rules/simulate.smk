rule simulate:
    """The embedded demo: a simulated genome and BEDPE with a planted loop grammar (dnazoo.simulate)."""
    output:
        fasta="resources/simulated/{dataset}/genome.fa",
        fai="resources/simulated/{dataset}/genome.fa.fai",
        bedpe="resources/simulated/{dataset}/pairs.bedpe",
    params:
        simulate=lambda wc: SIMULATIONS[wc.dataset],
    log:
        "logs/{dataset}/simulate.log",
    benchmark:
        "benchmarks/out/{dataset}/simulate.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/simulate.py"
