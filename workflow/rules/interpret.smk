rule interpret:
    """Explain one trained Keras model on a sample of its test sequences: gradient x input,
    integrated gradients, ISM, the deletion scan, first-layer filters as PWMs, TF-MoDISco patterns
    and their Tomtom matches in JASPAR CORE vertebrates (dnazoo.interpret)."""
    input:
        model="results/{dataset}/models/{model}/model.keras",
        encoded="results/{dataset}/encoded",
    output:
        motifs=report("results/{dataset}/interpret/{model}/motifs.tsv", caption="../report/interpret.rst",
                      category="Interpretation", subcategory="{dataset}", labels={"model": "{model}", "file": "motifs"}),
        filters="results/{dataset}/interpret/{model}/filters.tsv",
        filters_meme="results/{dataset}/interpret/{model}/filters.meme",
        patterns_meme="results/{dataset}/interpret/{model}/patterns.meme",
        attributions="results/{dataset}/interpret/{model}/attributions.npz",
        summary="results/{dataset}/interpret/{model}/summary.json",
        png=report(expand("results/{{dataset}}/interpret/{{model}}/{fig}.png", fig=INTERPRET_FIGURES),
                   caption="../report/interpret.rst", category="Interpretation", subcategory="{dataset}"),
        pdf=report(expand("results/{{dataset}}/interpret/{{model}}/{fig}.pdf", fig=INTERPRET_FIGURES),
                   caption="../report/interpret.rst", category="Interpretation (PDF)", subcategory="{dataset}"),
    wildcard_constraints:
        model="|".join(KERAS_MODELS),
    params:
        out_dir=lambda wc: f"results/{wc.dataset}/interpret/{wc.model}",
        settings=lambda wc: dz_config.interpret_plan(config, wc.dataset)[1],
        expected=lambda wc: dz_config.interpret_plan(config, wc.dataset)[2],
        planted=lambda wc: dz_config.planted_motifs(config, wc.dataset),
        note=lambda wc: figure_note(wc.dataset),
    threads: min(2, JOB_THREADS)
    resources:
        gpu=1,
        mem_mb=8000,
        runtime=240,
    log:
        "logs/{dataset}/interpret_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/interpret_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/interpret.py"


rule motif_calibration:
    """The null test of the JASPAR matching (dnazoo.interpret.motifs.null_rates): random, flat and
    GC-rich PWMs and JASPAR matrices with shuffled columns, matched with and without the
    calibration; the share of each kind that gets q < 0.05. Not part of rule all: ask for it."""
    output:
        "results/motif_calibration.tsv",
    params:
        settings=lambda wc: {"release": (config.get("interpret") or {}).get("jaspar"), "n": 100,
                             "n_shuffles": (config.get("interpret") or {}).get("motif_shuffles", 200),
                             "seed": (config.get("interpret") or {}).get("seed", 0)},
    threads: 1
    log:
        "logs/motif_calibration.log",
    benchmark:
        "benchmarks/out/motif_calibration.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/motif_calibration.py"
