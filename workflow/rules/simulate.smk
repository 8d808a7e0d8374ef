rule simulate:
    """The embedded demo: a simulated genome and BEDPE with a planted loop grammar (dnazoo.data.simulate)."""
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


rule simulate_profile:
    """The profile demo: a simulated genome, its tiled windows and coverage tracks (bigWig) whose peaks sit
    on planted motifs (dnazoo.data.simulate.simulate_profile)."""
    output:
        fasta="resources/simulated_profile/{dataset}/genome.fa",
        fai="resources/simulated_profile/{dataset}/genome.fa.fai",
        regions="resources/simulated_profile/{dataset}/regions.bed",
        tracks=expand("resources/simulated_profile/{{dataset}}/tracks/{track}.bw", track=PROFILE_TRACKS),
    params:
        simulate=lambda wc: PROFILE_SIMULATIONS[wc.dataset],
        window=lambda wc: PROFILE_WINDOWS[wc.dataset],
        tracks=PROFILE_TRACKS,
    log:
        "logs/{dataset}/simulate_profile.log",
    benchmark:
        "benchmarks/out/{dataset}/simulate_profile.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/simulate_profile.py"
