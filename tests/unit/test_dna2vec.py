
import numpy as np
import pytest

from conftest import write_fasta
from dnazoo.data.dna2vec import (Dna2vecError, Dna2vecParams, check_embedding_matrix, genome_fragments, kmer_matrix,
                            kmer_sentence, train_dna2vec)


@pytest.mark.parametrize("kwargs, message", [
    ({"k_low": 5, "k_high": 4}, r"k_low \(5\) > dna2vec.k_high \(4\)"),
    ({"k_high": 13}, r"k_high: k must be in 1..12"),
    ({"k_low": 0}, r"k_low: k must be in 1..12"),
    ({"model_k": 9}, r"model_k \(9\) must lie in"),
])
def test_bad_parameters(kwargs, message):
    with pytest.raises(Dna2vecError, match=message):
        Dna2vecParams(**kwargs)


def test_kmer_sentence_is_sliding_variable_k():
    rng = np.random.default_rng(0)
    frag = "ACGTTGCAAGGCTTACGATCGATCG"
    words = kmer_sentence(frag, 3, 8, rng)
    assert len(words) == len(frag) - 8 + 1
    assert all(3 <= len(w) <= 8 and frag[i:i + len(w)] == w for i, w in enumerate(words))
    assert len({len(w) for w in words}) > 2


def test_fragments_split_at_n_and_skip_short(tmp_path):
    fa = write_fasta(tmp_path / "g.fa", {"c1": "ACGTACGTAC" + "NNNN" + "ACG" + "N" + "TTTTGGGGCC"})
    frags = list(genome_fragments(fa, Dna2vecParams(k_low=3, k_high=8, segment_length=1000)))
    assert frags == ["ACGTACGTAC", "TTTTGGGGCC"]


@pytest.mark.parametrize("mode", ["corpus_file", "iterable"])
def test_all_n_genome_is_a_clear_error(tmp_path, mode):
    fa = write_fasta(tmp_path / "n.fa", {"c1": "N" * 500})
    with pytest.raises(Dna2vecError, match="no ACGT fragment"):
        train_dna2vec(fa, Dna2vecParams(vector_size=8, epochs=1, mode=mode))
    assert not list(tmp_path.glob("*corpus*"))


def test_kmer_matrix_follows_token_ids():
    from gensim.models import KeyedVectors

    wv = KeyedVectors(vector_size=3)
    wv.add_vectors(["AAAAAA", "ACGTAC", "TTTTTT", "ACG"], np.arange(12, dtype=np.float32).reshape(4, 3))
    m, cov = kmer_matrix(wv, 6)
    assert m.shape == (4097, 3) and m.dtype == np.float32
    assert m[0].tolist() == [0, 0, 0]
    assert m[1].tolist() == [0, 1, 2] and m[434].tolist() == [3, 4, 5] and m[4096].tolist() == [6, 7, 8]
    assert cov == 3 / 4096


def test_check_embedding_matrix():
    good = np.zeros((4097, 10))
    good[1:] = 1
    assert check_embedding_matrix(good).dtype == np.float32
    with pytest.raises(Dna2vecError, match=r"m.npy: expected shape \(4097, d\)"):
        check_embedding_matrix(np.zeros((4096, 10)), source="m.npy")
    bad = good.copy()
    bad[0, 0] = 1
    with pytest.raises(Dna2vecError, match="row 0"):
        check_embedding_matrix(bad)


@pytest.mark.parametrize("mode", ["corpus_file", "iterable"])
def test_training_logs_words_to_train_and_a_measured_rate_before_it_starts(tmp_path, mode, caplog):
    from conftest import random_dna

    fa = write_fasta(tmp_path / "g.fa", {"c1": random_dna(40_000, seed=3)})
    params = Dna2vecParams(vector_size=8, epochs=3, mode=mode)
    with caplog.at_level("INFO", logger="dnazoo.data.dna2vec"):
        _, report = train_dna2vec(fa, params, workers=1, corpus_path=tmp_path / "corpus.txt")
    est = report["estimate"]
    assert est["words_to_train"] == 3 * report["corpus"]["words"] > 0
    assert est["measured_words_per_second"] > 0 and est["calibration_words"] <= report["corpus"]["words"] + 5000
    assert est["estimated_train_seconds"] == pytest.approx(est["words_to_train"] / est["measured_words_per_second"],
                                                           abs=0.06)  # rounded to 0.1 s
    line = next(r.getMessage() for r in caplog.records if "words to train" in r.getMessage())
    assert f"{report['corpus']['words']} words x 3 epochs" in line and "words/s here with 1 worker(s)" in line
    assert not list(tmp_path.glob("*.txt"))  # calibration and corpus files removed


@pytest.mark.parametrize("mode", ["corpus_file", "iterable"])
def test_one_worker_gives_the_same_vectors_in_processes_with_different_hash_seeds(tmp_path, mode):
    """gensim's default ``hashfxn`` is Python's ``hash``, which PYTHONHASHSEED changes per process; at one
    worker the vectors must still be identical, run to run (the demo's embedding model depends on it)."""
    import os
    import subprocess
    import sys

    from conftest import random_dna

    fa = write_fasta(tmp_path / "g.fa", {"c1": random_dna(30_000, seed=5)})
    code = ("import sys, numpy as np\nfrom dnazoo.data.dna2vec import Dna2vecParams, train_dna2vec, kmer_matrix\n"
            f"wv, _ = train_dna2vec(sys.argv[1], Dna2vecParams(vector_size=8, epochs=2, k_low=4, k_high=6, mode={mode!r}),"
            " workers=1, corpus_path=sys.argv[2] + '.corpus')\nnp.save(sys.argv[2], kmer_matrix(wv)[0])\n")
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", code, str(fa), str(tmp_path / f"m{seed}.npy")], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True)
    first, second = np.load(tmp_path / "m1.npy"), np.load(tmp_path / "m2.npy")
    assert np.abs(first[1:]).sum() > 0 and np.array_equal(first, second)
