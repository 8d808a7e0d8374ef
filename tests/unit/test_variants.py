"""Variant effects: VCF reading and checks (dnazoo.data.variants) and scoring (dnazoo.interpret.variants)."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dnazoo.data.encoding import decode_codes, encode_codes
from dnazoo.data.variants import (GenomeCodes, ReadCounts, VariantError, apply_ref_policy, centred_windows,
                                  check_ref, read_vcf)

pytest.importorskip("cyvcf2")

HEADER = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"  # two header lines


@pytest.fixture
def genome(tmp_path):
    """chr1: 300 bp of random ACGT; chr2: 120 bp with N at 0-based 50-59."""
    from pyfaidx import Faidx

    rng = np.random.default_rng(3)
    chr1 = "".join(rng.choice(list("ACGT"), 300))
    chr2 = list("".join(rng.choice(list("ACGT"), 120)))
    chr2[50:60] = "N" * 10
    fa = tmp_path / "g.fa"
    fa.write_text(f">chr1\n{chr1}\n>chr2\n{''.join(chr2)}\n")
    Faidx(str(fa)).close()
    return fa, {"chr1": chr1, "chr2": "".join(chr2)}


def _vcf(tmp_path, body: str, name: str = "v.vcf", header: str = HEADER) -> str:
    path = tmp_path / name
    path.write_text(header + body)
    return str(path)


def _read(path, sizes, **kw) -> tuple[pd.DataFrame, ReadCounts]:
    counts = ReadCounts()
    chunks = list(read_vcf(path, sizes, counts=counts, **kw))
    return (pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()), counts


SIZES = {"chr1": 300, "chr2": 120}


def test_records_are_split_skipped_and_deduplicated_with_their_lines(tmp_path):
    body = ("chr1\t10\trs1\tA\tG,T\t.\t.\t.\n"       # line 3: multi-allelic -> 2 variants
            "chr1\t10\trs1b\tA\tG\t.\t.\t.\n"        # line 4: duplicate of rs1's first ALT
            "chr1\t20\t.\tA\t<DEL>\t.\t.\t.\n"       # line 5: symbolic
            "chr1\t30\t.\tAC\tA,*\t.\t.\t.\n"        # line 6: deletion + spanning-deletion allele
            "chr2\t5\t.\tc\tcTT\t.\t.\t.\n")         # line 7: insertion, lower case
    table, counts = _read(_vcf(tmp_path, body), SIZES, chunk_size=2)
    assert list(table["variant_id"]) == ["chr1:10:A>G", "chr1:10:A>T", "chr1:30:AC>A", "chr2:5:C>CTT"]
    assert list(table["line"]) == [3, 3, 6, 7] and list(table["pos"]) == [9, 9, 29, 4]
    assert list(table["kind"]) == ["snv", "snv", "deletion", "insertion"]
    assert (counts.records, counts.variants, counts.multiallelic_records, counts.symbolic, counts.duplicates) == \
        (5, 4, 2, 2, 1)
    skipped, counts = _read(_vcf(tmp_path, body), SIZES, indels="skip")
    assert list(skipped["kind"]) == ["snv", "snv"] and counts.indels_skipped == 2


def test_chromosome_names_are_harmonised_and_unknown_ones_counted(tmp_path, caplog):
    body = "1\t10\t.\tA\tG\t.\t.\t.\nchrUn\t5\t.\tA\tG\t.\t.\t.\n"
    with caplog.at_level(logging.WARNING):
        table, counts = _read(_vcf(tmp_path, body), SIZES)
    assert list(table["chrom"]) == ["chr1"] and table["variant_id"][0] == "1:10:A>G"
    assert counts.unknown_chromosome == 1 and "chrUn (line 4)" in caplog.text


def test_no_matching_chromosome_names_the_genomes_chromosomes(tmp_path):
    with pytest.raises(VariantError, match=r"v.vcf: line 3: no chromosome of the VCF \(scaffold_1\) is in the "
                                           r"genome, which has chr1, chr2"):
        _read(_vcf(tmp_path, "scaffold_1\t10\t.\tA\tG\t.\t.\t.\n"), SIZES)


@pytest.mark.parametrize("body, message", [
    ("chr1\t10\t.\tA\tG\t.\t.\t.\nchr1\tabc\t.\tA\tG\t.\t.\t.\n", r"v.vcf: line 4: malformed record"),
    ("chr1\t20\t.\tA\tG\t.\t.\t.\nchr1\t10\t.\tA\tG\t.\t.\t.\n", r"line 4: chr1:10 comes after chr1:20: .*not sorted"),
    ("chr1\t20\t.\tA\tG\t.\t.\t.\nchr2\t1\t.\tA\tG\t.\t.\t.\nchr1\t30\t.\tA\tG\t.\t.\t.\n",
     r"line 5: chromosome chr1 appears again after chr2: .*not sorted"),
    ("chr2\t120\t.\tAC\tA\t.\t.\t.\n", r"line 3: chr2:120 AC runs past the end of chr2 \(120 bp\).*genome build"),
    ("", r"v.vcf: no variant records"),
])
def test_bad_vcf_fails_naming_the_file_and_line(tmp_path, body, message):
    with pytest.raises(VariantError, match=message):
        _read(_vcf(tmp_path, body), SIZES)


def test_an_empty_file_and_plain_gzip(tmp_path, caplog):
    empty = tmp_path / "empty.vcf"
    empty.write_text("")
    with pytest.raises(VariantError, match=r"empty.vcf: the variant file is empty"):
        _read(str(empty), SIZES)
    plain = tmp_path / "v.vcf.gz"
    plain.write_bytes(gzip.compress((HEADER + "chr1\t10\t.\tA\tG\t.\t.\t.\n").encode()))
    with caplog.at_level(logging.WARNING):
        table, _ = _read(str(plain), SIZES)
    assert len(table) == 1 and "gzip but not bgzip" in caplog.text


def test_bgzip_and_bcf_are_read_without_a_warning(tmp_path, caplog):
    import cyvcf2

    text = HEADER.replace("#CHROM", "##contig=<ID=chr1,length=300>\n#CHROM")
    src = _vcf(tmp_path, "chr1\t10\t.\tA\tG\t.\t.\t.\nchr1\t12\t.\tC\tT\t.\t.\t.\n", header=text)
    for mode, name in (("wz", "v.vcf.gz"), ("wb", "v.bcf")):
        reader = cyvcf2.VCF(src)
        out = cyvcf2.Writer(str(tmp_path / name), reader, mode=mode)
        for rec in reader:
            out.write_record(rec)
        out.close()
        with caplog.at_level(logging.WARNING):
            table, _ = _read(str(tmp_path / name), SIZES)
        assert list(table["variant_id"]) == ["chr1:10:A>G", "chr1:12:C>T"] and "bgzip" not in caplog.text
    assert list(table["line"]) == [1, 2]  # BCF: record numbers


def test_ref_check_flags_mismatches_and_swapped_alleles(tmp_path, genome):
    fa, seqs = genome
    g = GenomeCodes(fa)
    base = seqs["chr1"][49]
    other = "ACGT".replace(base, "")[0]
    v = pd.DataFrame({"line": [3, 4, 5], "chrom": "chr1", "pos": [49, 49, 49], "ref": [base, other, other],
                      "alt": [other, base, "N" if other != "N" else "A"], "variant_id": ["a", "b", "c"]})
    v["alt"] = [other, base, "ACGT".replace(base, "").replace(other, "")[0]]
    v = v.assign(ref_match=check_ref(v, g))
    assert list(v["ref_match"]) == ["match", "swapped", "mismatch"]
    counts = ReadCounts()
    assert len(apply_ref_policy(v, "flag", "v.vcf", counts)) == 3 and (counts.ref_mismatch, counts.ref_swapped) == (1, 1)
    assert list(apply_ref_policy(v, "drop", "v.vcf", ReadCounts())["variant_id"]) == ["a"]
    with pytest.raises(VariantError, match=r"v.vcf: line 4: REF .* of b does not match the genome \(swapped"):
        apply_ref_policy(v, "fail", "v.vcf", ReadCounts())


@pytest.mark.parametrize("length", [11, 12])
def test_snv_windows_put_the_variant_at_index_half_the_length(genome, length):
    fa, seqs = genome
    g = GenomeCodes(fa)
    ref = seqs["chr1"][100]
    alt = "ACGT".replace(ref, "")[1]
    w = centred_windows(pd.DataFrame({"chrom": ["chr1"], "pos": [100], "ref": [ref], "alt": [alt]}), g, length)
    start = 100 - length // 2
    assert w["ok"][0] and w["wstart"][0] == start
    assert decode_codes(w["ref"][0]) == seqs["chr1"][start:start + length]
    diff = np.flatnonzero(w["ref"][0] != w["alt"][0])
    assert list(diff) == [length // 2] and decode_codes(w["alt"][0][diff]) == alt


def test_indel_windows_are_refilled_from_the_genome_and_keep_their_length(genome):
    fa, seqs = genome
    g = GenomeCodes(fa)
    s = seqs["chr1"]
    dele = pd.DataFrame({"chrom": ["chr1"], "pos": [100], "ref": [s[100:103]], "alt": [s[100]]})
    ins = pd.DataFrame({"chrom": ["chr1"], "pos": [100], "ref": [s[100]], "alt": [s[100] + "GGGG"]})
    wd = centred_windows(dele, g, 20)
    wi = centred_windows(ins, g, 20)
    assert decode_codes(wd["alt"][0]) == s[90:101] + s[103:112]  # two bases pulled in from the right
    assert decode_codes(wi["alt"][0]) == s[90:101] + "GGGG" + s[101:106]  # four pushed out
    assert wd["alt"].shape == wi["alt"].shape == (1, 20)


def test_windows_off_a_chromosome_end_and_n_bases_are_reported(genome):
    fa, seqs = genome
    g = GenomeCodes(fa)
    v = pd.DataFrame({"chrom": ["chr1", "chr2", "chr1"], "pos": [3, 70, 200],
                      "ref": [seqs["chr1"][3], seqs["chr2"][70], seqs["chr1"][200]], "alt": ["N", "N", "N"]})
    w = centred_windows(v, g, 41)
    assert list(w["ok"]) == [False, True, True]  # 3 - 20 < 0
    assert list(w["window_n"][1:]) == [10, 0]  # chr2's N run lies in the window; an ALT N is not in REF


# ------------------------------------------------------------------------------------------------
# scoring
# ------------------------------------------------------------------------------------------------

def test_effect_table_for_binary_multilabel_and_profile_tasks():
    from dnazoo.interpret.variants import effect_table
    from dnazoo.tasks import Task

    t = effect_table(np.array([0.5, 0.9]), np.array([0.9, 0.9]), Task())
    assert list(t["target"]) == ["label", "label"] and list(t["alt_score"]) == [0.9, 0.9]
    np.testing.assert_allclose(t["diff"], [0.4, 0.0], atol=1e-12)
    np.testing.assert_allclose(t["logit_diff"], [np.log(9), 0.0], atol=1e-9)
    ml = effect_table(np.full((2, 3), 0.2), np.full((2, 3), 0.2), Task("multilabel", ("a", "b", "c")))
    assert list(ml["target"]) == ["a", "b", "c"] * 2 and (ml["abs_diff"] == 0).all()
    ref = np.zeros((1, 4, 2))
    alt = ref.copy()
    alt[0, 1, 0], alt[0, 2, 0] = 3.0, -1.0
    prof = effect_table(ref, alt, Task("profile", ("t0", "t1"), bins=4))
    assert list(prof["diff"]) == [2.0, 0.0] and list(prof["max_abs_bin_diff"]) == [3.0, 0.0]
    assert prof["logit_diff"].isna().all()


@pytest.fixture(scope="module")
def deepbind(tmp_path_factory):
    pytest.importorskip("keras")
    from dnazoo import models
    from dnazoo.tasks import Task

    root = tmp_path_factory.mktemp("results") / "ds"
    (root / "models" / "deepbind").mkdir(parents=True)
    (root / "encoded").mkdir()
    model = models.build("deepbind", (31,), "sequences", task=Task())
    path = root / "models" / "deepbind" / "model.keras"
    model.save(path)
    spec = {"kind": "sequences", "task": {"name": "binary", "targets": ["label"]},
            "inputs": [{"name": "sequence", "shape": [31], "dtype": "uint8"}]}
    (root / "encoded" / "spec.json").write_text(json.dumps(spec))
    return path, model


def test_score_variants_equals_the_model_on_the_ref_and_alt_windows(genome, deepbind):
    from dnazoo.interpret.variants import score_variants
    from dnazoo.tasks import Task
    from dnazoo.training import predict

    fa, seqs = genome
    path, model = deepbind
    s = seqs["chr1"]
    alt = "ACGT".replace(s[150], "")[0]
    v = pd.DataFrame({"chrom": ["chr1", "chr1"], "pos": [150, 2], "ref": [s[150], s[2]], "alt": [alt, "A"],
                      "variant_id": ["x", "edge"]})
    table = score_variants(path, fa, v, average_strands=False)
    row = table.set_index("variant_id").loc["x"]
    want_ref = predict(model, {"sequence": encode_codes(s[135:166])[None]}, task=Task())[0]
    want_alt = predict(model, {"sequence": encode_codes(s[135:150] + alt + s[151:166])[None]}, task=Task())[0]
    assert row["status"] == "scored" and row["ref_match"] == "match" and row["window_start"] == 135
    np.testing.assert_allclose([row["ref_score"], row["alt_score"], row["diff"]], [want_ref, want_alt, want_alt - want_ref],
                               rtol=1e-5, atol=1e-7)
    edge = table.set_index("variant_id").loc["edge"]
    assert edge["status"] == "window_off_chromosome" and np.isnan(edge["diff"])
    # strand averaging: the mean over both strands, so the RC of the windows scores the same
    both = score_variants(path, fa, v.iloc[:1])
    rc = predict(model, {"sequence": encode_codes(s[135:166])[None]}, task=Task(), average_strands=True)[0]
    assert both["ref_score"].iloc[0] == pytest.approx(rc, rel=1e-5)


def test_pair_variants_change_the_anchor_that_holds_them_and_keep_the_partner(genome):
    from dnazoo.interpret.variants import pair_hits

    windows = pd.DataFrame({"pair_id": ["p1", "p2"], "chrom1": ["chr1", "chr1"], "wstart1": [0, 100],
                            "wend1": [50, 150], "chrom2": ["chr1", "chr1"], "wstart2": [120, 200], "wend2": [170, 250],
                            "distance": [120, 100]})
    v = pd.DataFrame({"chrom": ["chr1", "chr1", "chr1"], "pos": [130, 49, 60], "ref": ["A", "AC", "A"]})
    hits = pair_hits(v, windows)
    # 130 lies in p2's anchor 1 and p1's anchor 2; the deletion at 49-50 runs past p1's anchor 1; 60 is in none
    assert set(map(tuple, hits[["vrow", "prow", "anchor"]].to_numpy())) == {(0, 0, 2), (0, 1, 1)}


def test_substitutions_on_a_datasets_own_sequences(deepbind):
    from dnazoo.interpret.variants import score_sequence_variants
    from dnazoo.tasks import Task
    from dnazoo.training import predict

    _, model = deepbind
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, (3, 31)).astype(np.uint8)
    ids = np.array(["s0", "s1", "s2"])
    ref = "ACGT"[codes[1, 5]]
    alt = "ACGT"[(codes[1, 5] + 1) % 4]
    v = pd.DataFrame({"id": ["s1"], "pos": [5], "ref": [ref], "alt": [alt]})
    t = score_sequence_variants("deepbind", model, codes, ids, v, Task())
    mutated = codes[1].copy()
    mutated[5] = (mutated[5] + 1) % 4
    want = predict(model, {"sequence": mutated[None]}, task=Task())[0] - predict(model, {"sequence": codes[1:2]},
                                                                                   task=Task())[0]
    assert t["ref_match"][0] == "match" and t["diff"][0] == pytest.approx(want, rel=1e-5, abs=1e-7)
    for bad, message in ((dict(id="s9"), "id 's9' is not a sequence"), (dict(pos=31), "pos 31 is outside"),
                         (dict(alt="AA"), "differ in length")):
        with pytest.raises(ValueError, match=message):
            score_sequence_variants("deepbind", model, codes, ids, v.assign(**bad), Task())


# --- insilico SNVs on a sequences dataset (no genome) ---

#: a 10-bp motif (consensus ATGCAGTACG) with one dominant base per column; column 2 (G, p 0.97)
#: carries the most information
CONSENSUS = "ATGCAGTACG"
PPM = np.full((10, 4), 0.1)
PPM[np.arange(10), encode_codes(CONSENSUS)] = 0.7
PPM[2] = [0.01, 0.01, 0.97, 0.01]


def _planted(n=120, length=80, seed=0):
    """Random sequences, each with the motif's consensus planted once, half of them on the minus
    strand, at a random offset; returns codes and the planted (start, strand)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, (n, length)).astype(np.uint8)
    sites = []
    for i in range(n):
        start, strand = int(rng.integers(0, length - 10)), "+-"[i % 2]
        site = encode_codes(CONSENSUS)
        codes[i, start:start + 10] = site if strand == "+" else 3 - site[::-1]
        sites.append((start, strand))
    return codes, sites


def test_best_motif_scores_equal_a_scan_of_every_offset_and_strand():
    from dnazoo.data.encoding import reverse_complement_codes
    from dnazoo.interpret.variants import best_motif_scores

    codes = np.random.default_rng(1).integers(0, 5, (7, 20)).astype(np.uint8)  # N (4) included
    lo = np.log2(PPM + 1e-4) + 2.0
    want = []
    for row in codes:
        best = -np.inf
        for seq in (row, reverse_complement_codes(row)):
            for o in range(len(seq) - 9):
                best = max(best, sum(lo[j, seq[o + j]] for j in range(10) if seq[o + j] < 4))
        want.append(best)
    assert best_motif_scores(codes, PPM) == pytest.approx(want)


def test_motif_break_snvs_hit_the_informative_column_on_either_strand_and_away_snvs_keep_clear():
    from sklearn.metrics import roc_auc_score

    from dnazoo.interpret.variants import motif_break_variants

    codes, sites = _planted()
    ids = np.array([f"s{i}" for i in range(len(codes))])
    t = motif_break_variants(codes, ids, PPM, motif="toy", away=10, seed=0)
    brk = t[t["class"] == "motif_break"].set_index("id")
    assert len(brk) >= 0.9 * len(codes)  # nearly every planted site is the sequence's best hit
    for sid, row in brk.iterrows():
        start, strand = sites[int(sid[1:])]
        if row["hit_start"] != start:  # a random better match elsewhere: rare
            continue
        assert row["hit_strand"] == strand
        # column 2 (G) of the consensus; on the minus strand the C at offset 10 - 1 - 2
        assert row["pos"] == (start + 2 if strand == "+" else start + 7)
        assert (row["ref"], row["alt"]) == (("G", "A") if strand == "+" else ("C", "T"))
    assert (brk["ref"].map("ACGT".index).to_numpy() == codes[[int(s[1:]) for s in brk.index], brk["pos"]]).all()
    away = t[t["class"] == "away"]
    assert len(away) >= 0.8 * len(codes) and (away["ref"] != away["alt"]).all()
    for _, row in away.iterrows():  # no lenient hit within 10 bp (the planted site is one)
        start, _ = sites[int(row["id"][1:])]
        assert row["pos"] < start - 10 or row["pos"] >= start + 10 + 10
    # the PWM baseline separates the classes; on two random halves of the away SNVs it says nothing
    assert roc_auc_score(t["class"] == "motif_break", t["pwm_abs_diff"]) > 0.95
    half = np.random.default_rng(0).random(len(away)) < 0.5
    assert abs(roc_auc_score(half, away["pwm_abs_diff"]) - 0.5) < 0.1
    assert t["variant_id"].is_unique
    again = motif_break_variants(codes, ids, PPM, motif="toy", away=10, seed=0)
    pd.testing.assert_frame_equal(t, again)  # seeded
    with pytest.raises(ValueError, match="near_threshold"):
        motif_break_variants(codes, ids, PPM, threshold=1e-3, near_threshold=1e-4)


def test_random_sequences_give_few_motif_breaks_and_a_null_benchmark():
    """No planted motif: the hits are chance matches, and |effect| of a model that knows nothing
    (here: random scores) separates nothing; the benchmark's null row is near 0.5 too."""
    from dnazoo.interpret.variants import motif_break_variants
    from dnazoo.pipeline.variants import benchmark_table

    codes = np.random.default_rng(5).integers(0, 4, (400, 80)).astype(np.uint8)
    t = motif_break_variants(codes, np.array([f"r{i}" for i in range(400)]), PPM, threshold=1e-3, away=5)
    assert 0 < (t["class"] == "motif_break").sum() < 400
    effects = t.assign(target="label", abs_diff=np.random.default_rng(6).random(len(t)), status="scored")
    bench = benchmark_table({("random", "noise"): effects}, seed=0).set_index(["model", "comparison"])["auroc"]
    assert abs(bench[("noise", "motif_break vs away")] - 0.5) < 0.1
    assert abs(bench[("noise", "null: away vs away")] - 0.5) < 0.05  # the mean over random halvings
    assert bench[("pwm_score", "motif_break vs away")] > 0.9  # the PWM itself still sees its own matches


def test_benchmark_p_values_and_null_rows_are_calibrated_on_effects_with_no_signal():
    """Effects drawn at random, whatever the class: the Mann-Whitney p-values fall below 0.05 about
    5 % of the time, the null rows average 0.5, and the chance range holds the AUROC as often as it
    should; a real difference gets a small p-value outside the chance range."""
    from dnazoo.pipeline.variants import benchmark_table

    rng = np.random.default_rng(0)
    ps, inside, nulls = [], [], []
    for i in range(120):
        n = 120
        t = pd.DataFrame({"variant_id": [f"v{j}" for j in range(n)], "id": [f"v{j}" for j in range(n)],
                          "target": "label", "status": "scored", "abs_diff": rng.random(n),
                          "class": np.where(np.arange(n) < n // 2, "motif_break", "away")})
        b = benchmark_table({("d", "m"): t}, seed=i, n_null=20).set_index("comparison")
        main = b.loc["motif_break vs away"]
        ps.append(main["p_value"])
        inside.append(main["chance_low"] <= main["auroc"] <= main["chance_high"])
        nulls.append(b.loc["null: away vs away", "auroc"])
    assert 0.01 <= np.mean(np.array(ps) < 0.05) <= 0.10
    assert np.mean(inside) >= 0.8  # percentiles of 20 permutations: a rough 95 % range
    assert abs(np.mean(nulls) - 0.5) < 0.01
    t = t.assign(abs_diff=np.where(t["class"] == "motif_break", 1.0, 0.0) + rng.random(len(t)))
    main = benchmark_table({("d", "m"): t}, n_null=40).set_index("comparison").loc["motif_break vs away"]
    assert main["p_value"] < 1e-6 and main["auroc"] > main["chance_high"]


def test_motif_for_takes_an_id_or_the_widest_matrix_of_a_name():
    from dnazoo.data.jaspar import motif_for

    motifs = {"MA1.1": {"name": "TCF12", "ppm": np.ones((6, 4)) / 4}, "MA2.1": {"name": "Tcf12", "ppm": np.ones((7, 4)) / 4},
              "MA3.1": {"name": "USF2", "ppm": np.ones((10, 4)) / 4}}
    assert motif_for("MA1.1", motifs)[0] == "MA1.1"
    assert motif_for("tcf12", motifs)[0] == "MA2.1"
    with pytest.raises(ValueError, match="variants.x.insilico.motifs.SRF: 'SRF' is neither"):
        motif_for("SRF", motifs, "variants.x.insilico.motifs.SRF")


def _load_with(tmp_path, variants, task=None):
    """The demo config plus a sequences dataset ``tf`` (a URL source: no file read) and ``variants``."""
    import yaml

    from dnazoo.config import load

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "config" / "config.yaml").read_text())
    config["datasets"]["tf"] = {"kind": "sequences", "window": 101, "models": ["deepbind"],
                                "train": {"url": "https://example.org/train.csv", "format": "csv"}}
    if task:
        config["datasets"]["tf"]["task"] = task
    config["variants"] = {"v": variants}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    return load(path)


@pytest.mark.parametrize("variants, message", [
    ({"datasets": ["tf"]}, r"variants.v: give one of source \(with genome\), simulated, table or insilico"),
    ({"insilico": {}, "table": {"path": "t.tsv"}, "datasets": ["tf"]}, "not table and insilico"),
    ({"insilico": {}, "genome": "g", "datasets": ["tf"]}, "variants.v.genome: only a VCF source"),
    ({"insilico": {}, "datasets": ["simulated_demo"]},
     r"variants.v.datasets\[0\]: 'simulated_demo' is a pairs dataset; a insilico set"),
    ({"insilico": {"motifs": {"tff": "USF2"}}, "datasets": ["tf"]}, "variants.v.insilico.motifs.tff: 'tff' is not one"),
    ({"table": {"path": "t.tsv"}, "split": "validation", "datasets": ["tf"]}, "variants.v.split"),
])
def test_bad_sequence_variant_sets_name_the_key(tmp_path, variants, message):
    from dnazoo.config import ConfigError

    with pytest.raises(ConfigError, match=message):
        _load_with(tmp_path, variants)


def test_a_regression_dataset_takes_a_table_set_but_no_insilico_set(tmp_path):
    from dnazoo.config import ConfigError, variant_plan

    config = _load_with(tmp_path, {"table": {"path": "t.tsv"}, "datasets": ["tf"]}, task="regression")
    assert "deepbind" in variant_plan(config)["v"]["tf"]
    assert "deepbind" in variant_plan(_load_with(tmp_path, {"insilico": {}, "datasets": ["tf"]}))["v"]["tf"]
    with pytest.raises(ConfigError, match="'tf' is not a binary task"):
        _load_with(tmp_path, {"insilico": {}, "datasets": ["tf"]}, task="regression")


def test_variant_ism_gives_the_observed_base_minus_the_mean_substitution_effect_on_the_logit(deepbind):
    """At the variant's position, the REF attribution is -(sum of the three substitutions' logit
    changes) / 4, each change measured here with the model itself; the ALT sequence's ISM is the
    same computation on the ALT sequence."""
    from dnazoo.interpret.variants import _logit, variant_ism
    from dnazoo.tasks import Task
    from dnazoo.training import predict

    _, model = deepbind
    codes = np.random.default_rng(2).integers(0, 4, (2, 31)).astype(np.uint8)
    alt = codes.copy()
    alt[:, 15] = (alt[:, 15] + 1) % 4
    att = variant_ism(model, {"sequence": codes}, {"sequence": alt}, "sequence")
    assert att["ref"].shape == att["alt"].shape == (2, 31, 4) and att["ref"].dtype == np.float32

    def logit(x):
        return _logit(np.asarray(predict(model, {"sequence": x}, task=Task()), dtype=np.float64))

    for which, seqs in (("ref", codes), ("alt", alt)):
        base = logit(seqs)
        changes = np.zeros(2)
        for b in range(4):
            mutated = seqs.copy()
            mutated[:, 15] = b
            changes += np.where(seqs[:, 15] == b, 0.0, logit(mutated) - base)
        got = att[which][np.arange(2), 15, seqs[:, 15]]
        assert got == pytest.approx(-changes / 4, rel=1e-3, abs=1e-4)
        unobserved = np.ones((2, 31, 4), dtype=bool)
        unobserved[np.arange(2)[:, None], np.arange(31)[None], seqs] = False
        assert (att[which][unobserved] == 0).all()  # only the observed bases carry attribution


def test_variant_ism_of_a_pair_model_explains_each_rows_own_anchor_and_mutates_only_that_one(monkeypatch):
    """Rows whose variant lies in anchor 2 get anchor 2's ISM, the others anchor 1's, each equal to
    the full two-anchor ISM of that anchor; per allele, only the anchor a row explains is mutated."""
    pytest.importorskip("keras")
    from dnazoo import models
    from dnazoo.data.encoding import onehot
    from dnazoo.interpret import hypothetical_from_ism, ism
    from dnazoo.interpret.variants import variant_ism
    from dnazoo.tasks import Task

    model = models.build("deepbind", (24, 24), "pairs", task=Task(), with_distance=True)
    rng = np.random.default_rng(5)
    ref = {k: rng.integers(0, 4, (3, 24)).astype(np.uint8) for k in ("anchor1", "anchor2")}
    alt = {k: v.copy() for k, v in ref.items()}
    alt["anchor2"][0, 10] = (alt["anchor2"][0, 10] + 1) % 4
    distance = np.array([5_000.0, 20_000.0, 80_000.0])
    rows_anchor = np.array(["anchor2", "anchor1", "anchor1"])
    import dnazoo.interpret as interpret

    mutated, batched = [], interpret._batched_variants

    def recording(ex, onehots, extra, which, make, batch_size):
        mutated.append((which, len(onehots[which])))
        return batched(ex, onehots, extra, which, make, batch_size)

    monkeypatch.setattr(interpret, "_batched_variants", recording)
    att = variant_ism(model, ref, alt, rows_anchor, distance)
    assert sorted(mutated) == [(0, 2), (0, 2), (1, 1), (1, 1)]  # (input, rows) for REF and ALT
    extra = [np.log10(distance + 1.0).astype(np.float32).reshape(-1, 1)]
    for which, arrays in (("ref", ref), ("alt", alt)):
        full = ism(model, [onehot(arrays[k], 4).astype(np.float32) for k in ("anchor1", "anchor2")], extra)
        for i, name in enumerate(rows_anchor):
            j = ("anchor1", "anchor2").index(name)
            expected = hypothetical_from_ism(full[j][i:i + 1]) * onehot(arrays[name][i:i + 1], 4)
            assert att[which][i:i + 1] == pytest.approx(expected, abs=1e-5), (which, i)
    assert att["ref"].shape == (3, 24, 4)
    with pytest.raises(ValueError, match="'anchor3' is not one of the model's sequence inputs"):
        variant_ism(model, ref, alt, "anchor3", distance)


def test_pair_variants_predict_each_pairs_ref_once_and_score_as_row_by_row(genome, monkeypatch):
    """Four variants in the two anchors of one pair share that pair's REF inputs: the model sees the
    REF pair once, and every row's REF and ALT scores equal a row-by-row prediction. A REF allele
    that does not match the genome makes its own REF inputs."""
    pytest.importorskip("keras")
    from dnazoo import models
    from dnazoo.data.encoding import encode_codes
    import dnazoo.interpret.variants as iv
    from dnazoo.tasks import Task
    from dnazoo.training import predict

    fa, seqs = genome
    s = seqs["chr1"]
    model = models.build("deepbind", (40, 40), "pairs", task=Task(), with_distance=True)
    windows = pd.DataFrame({"pair_id": ["p1", "p2"], "chrom1": ["chr1", "chr1"], "wstart1": [0, 100],
                            "wend1": [40, 140], "chrom2": ["chr1", "chr1"], "wstart2": [200, 250],
                            "wend2": [240, 290], "distance": [200, 150]})
    pos = [5, 30, 210, 230, 120, 260]
    ref = [s[p] for p in pos]
    ref[5] = "ACGT".replace(s[260], "")[0]  # REF mismatch: its REF window carries the VCF's allele
    v = pd.DataFrame({"chrom": "chr1", "pos": pos, "ref": ref,
                      "alt": ["ACGT".replace(r, "")[1] for r in ref], "variant_id": list("abcdef")})
    seen, predict_codes = [], iv.predict_codes

    def recording(name, model_, inputs, *args, **kw):
        seen.append(len(inputs["anchor1"]))
        return predict_codes(name, model_, inputs, *args, **kw)

    monkeypatch.setattr(iv, "predict_codes", recording)
    table = iv.score_pairs("deepbind", model, GenomeCodes(fa), v, windows, Task()).set_index("variant_id")
    # REF: p1 once for its 4 variants, p2 once, and the mismatched REF of f; ALT: one per row
    assert seen == [3, 6]
    for vid, p, a in zip("abcdef", pos, [1, 1, 2, 2, 1, 2]):
        w = windows.iloc[0 if vid in "abcd" else 1]
        anchors = {b: s[w[f"wstart{b}"]:w[f"wend{b}"]] for b in (1, 2)}
        row = table.loc[vid]
        for allele, col in ((row["ref"], "ref_score"), (row["alt"], "alt_score")):
            seq = dict(anchors)
            off = p - w[f"wstart{a}"]
            seq[a] = seq[a][:off] + allele + seq[a][off + 1:]
            want = predict(model, {"anchor1": encode_codes(seq[1])[None], "anchor2": encode_codes(seq[2])[None],
                                   "log10_distance": np.log10([[w["distance"] + 1.0]]).astype(np.float32)},
                           task=Task())[0]
            assert row[col] == pytest.approx(want, rel=1e-5, abs=1e-7), (vid, col)
