"""dna2vec: the tests on the real data in ../shared/data (skipped without it)."""
import gzip


from conftest import needs_shared
from dnazoo.data.dna2vec import (Dna2vecParams, kmer_matrix,
                            similarity_statistics, train_dna2vec)


def test_dna2vec_on_real_yeast_dna_learns_kmer_similarity(tmp_path):
    src = needs_shared("genomes", "scerevisiae_S288C_sacCer1", "scerevisiae_S288C_16chr.fa.gz")
    fa = tmp_path / "yeast.fa"
    fa.write_bytes(gzip.decompress(src.read_bytes()))
    params = Dna2vecParams(vector_size=32, epochs=1, max_bp=1_000_000, seed=1)
    wv, report = train_dna2vec(fa, params, workers=2, corpus_path=tmp_path / "corpus.txt")
    matrix, coverage = kmer_matrix(wv, 6)
    stats = similarity_statistics(matrix)
    print(f"\nyeast 1 Mbp, 1 epoch, d=32: coverage {coverage:.3f}; {stats}; loss {report['loss_per_epoch']}")
    assert coverage > 0.99
    assert stats["spearman"] > 0.1
    assert stats["spearman"] - stats["spearman_shuffled"] > 0.08
    assert stats["nn_hamming1"] > 10 * stats["nn_hamming1_chance"]
    assert not (tmp_path / "corpus.txt").exists()
