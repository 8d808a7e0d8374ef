rule simulate_variants:
    """The demo's benchmark variants (dnazoo.data.simulate.simulate_variants): SNVs that break motifs
    planted in interacting pairs, and SNVs at random positions of the same anchor windows."""
    output:
        vcf="resources/simulated/{dataset}/variants.vcf.gz",
        truth="resources/simulated/{dataset}/variants_truth.tsv",
    params:
        simulate=lambda wc: SIMULATIONS[wc.dataset],
        window=lambda wc: dz_config.windows(next(d for n, d in DATASETS.items() if base_name(n) == wc.dataset))[0],
        seed=lambda wc: next((vs.get("seed", 0) for vs in VARIANTS.values() if vs.get("simulated") == wc.dataset), 0),
    log:
        "logs/{dataset}/simulate_variants.log",
    benchmark:
        "benchmarks/out/{dataset}/simulate_variants.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/simulate_variants.py"


rule download_variants:
    """Fetch a variant set's VCF or BCF (URL or path; checksum verified; gunzipped)."""
    input:
        lambda wc: local_source_path(VARIANTS[wc.vset]["source"]),
    output:
        "resources/variants/{vset}.vcf",
    params:
        source=lambda wc: VARIANTS[wc.vset]["source"],
    log:
        "logs/variants/download_{vset}.log",
    benchmark:
        "benchmarks/out/variants/download_{vset}.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/download_variants.py"


rule download_variant_table:
    """Fetch a table set's substitutions (id, pos, ref, alt on a sequences dataset; checksum verified)."""
    input:
        lambda wc: local_source_path(VARIANTS[wc.vset]["table"]),
    output:
        "resources/variants/{vset}.tsv",
    params:
        source=lambda wc: VARIANTS[wc.vset]["table"],
    log:
        "logs/variants/download_{vset}_table.log",
    benchmark:
        "benchmarks/out/variants/download_{vset}_table.tsv"
    conda:
        "../../envs/data.yaml"
    script:
        "../scripts/download_variant_table.py"


rule insilico_variants:
    """SNVs that break the dataset's JASPAR motif (FIMO hits, memelite) in its positive sequences,
    and SNVs well away from any hit, with the PWM-score baseline (dnazoo.interpret.variants)."""
    input:
        encoded="results/{dataset}/encoded",
    output:
        "results/{dataset}/variants/{vset}/variants.tsv",
    params:
        settings=lambda wc: VARIANTS[wc.vset],
    log:
        "logs/{dataset}/insilico_variants_{vset}.log",
    benchmark:
        "benchmarks/out/{dataset}/insilico_variants_{vset}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/insilico_variants.py"


ruleorder: variant_effects_ism > variant_effects


rule variant_effects:
    """One model's effects on a variant set (dnazoo.interpret.variants): REF and ALT windows from the
    genome, REF checked, read and scored in chunks; or substitutions in a sequences dataset's own
    sequences (table and insilico sets). A Keras model's job is rule variant_effects_ism."""
    input:
        unpack(get_variant_effect_inputs),
    output:
        table="results/{dataset}/variants/{vset}/{model}.tsv.gz",
        counts="results/{dataset}/variants/{vset}/{model}.json",
    params:
        settings=lambda wc: VARIANTS[wc.vset],
        source=variant_source_name,
        simulated=lambda wc: variant_kind(wc.vset) == "simulated",
    threads: min(2, JOB_THREADS)
    resources:
        mem_mb=8000,
    log:
        "logs/{dataset}/variants_{vset}_{model}.log",
    benchmark:
        "benchmarks/out/{dataset}/variants_{vset}_{model}.tsv"
    conda:
        "../../envs/training.yaml"
    script:
        "../scripts/variant_effects.py"


use rule variant_effects as variant_effects_ism with:
    """A Keras model's effects on a variant set, as rule variant_effects, then, in the same job (one
    backend import, one model load), ISM around its variants of largest |effect| with REF and ALT
    logos (dnazoo.pipeline.variants.top_variant_ism)."""
    output:
        table="results/{dataset}/variants/{vset}/{model}.tsv.gz",
        counts="results/{dataset}/variants/{vset}/{model}.json",
        png=report("results/{dataset}/variants/{vset}/{model}.top_ism.png", caption="../report/variants.rst",
                   category="Variant effects"),
        pdf="results/{dataset}/variants/{vset}/{model}.top_ism.pdf",
    wildcard_constraints:
        model="|".join(KERAS_MODELS),


rule variant_table:
    """A variant set across datasets and models: effects, the models' agreement (Spearman), the
    simulated benchmark (AUROC of |effect|) and the distribution figure."""
    input:
        tables=lambda wc: [r["table"] for r in variant_runs(wc.vset)],
        truth=lambda wc: ([f"resources/simulated/{VARIANTS[wc.vset]['simulated']}/variants_truth.tsv"]
                          if VARIANTS[wc.vset].get("simulated") else []),
    output:
        effects="results/variants/{vset}/effects.tsv.gz",
        agreement="results/variants/{vset}/agreement.tsv",
        benchmark=report("results/variants/{vset}/benchmark.tsv", caption="../report/variants.rst",
                         category="Variant effects"),
        png=report("results/variants/{vset}/effects.png", caption="../report/variants.rst", category="Variant effects"),
        pdf="results/variants/{vset}/effects.pdf",
    params:
        runs=lambda wc: variant_runs(wc.vset),
        seed=lambda wc: VARIANTS[wc.vset].get("seed", 0),
    log:
        "logs/variants/{vset}.log",
    benchmark:
        "benchmarks/out/variants/{vset}.tsv"
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/variant_table.py"
