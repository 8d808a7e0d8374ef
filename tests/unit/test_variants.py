"""Variant effects: VCF reading and checks (dnazoo.data.variants) and scoring (dnazoo.interpret.variants)."""

from __future__ import annotations

import gzip
import json
import logging

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
