import numpy as np
import pytest

from dnazoo.data.encoding import decode_codes, encode_codes, kmer_tokens, onehot, reverse_complement_codes


def test_codes_roundtrip_and_n():
    codes = encode_codes("ACGTNacgtRy")
    assert codes.dtype == np.uint8
    assert codes.tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 4]
    assert decode_codes(codes) == "ACGTNACGTNN"


def test_onehot_four_and_five_channels():
    codes = encode_codes("ACN")
    four = onehot(codes, 4)
    assert four.shape == (3, 4) and four.dtype == np.float32
    assert four[2].sum() == 0  # N -> zero row
    five = onehot(codes, 5)
    assert five[2].tolist() == [0, 0, 0, 0, 1]


def test_reverse_complement_codes():
    assert decode_codes(reverse_complement_codes(encode_codes("AACGTN"))) == "NACGTT"


def test_kmer_ids_follow_spec_0_1():
    # id = 1 + sum b_j 4^(5-j), A=0 C=1 G=2 T=3 (model-zoo-spec.md §0.1)
    assert kmer_tokens(encode_codes("AAAAAA")).tolist()[-1] == 1
    assert kmer_tokens(encode_codes("TTTTTT")).tolist()[-1] == 4096
    assert kmer_tokens(encode_codes("ACGTAC")).tolist()[-1] == 434


def test_kmer_prepadding_and_n_token():
    seq = "ACGTACGNAAAAAA"  # 14 bp -> 9 k-mers, pre-padded with 5 zeros
    tokens = kmer_tokens(encode_codes(seq))
    assert tokens.shape == (14,)
    assert tokens[:5].tolist() == [0] * 5
    assert tokens[5] == 434
    # k-mers overlapping the N (positions 2..7) are 0
    assert tokens[5 + 2: 5 + 8].tolist() == [0] * 6
    assert tokens[-1] == 1


def test_kmer_batch_matches_single_and_errors():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 5, (3, 50)).astype(np.uint8)
    batch = kmer_tokens(codes, k=4)
    assert np.array_equal(batch[1], kmer_tokens(codes[1], k=4))
    with pytest.raises(ValueError, match="1..12"):
        kmer_tokens(codes, k=13)
    with pytest.raises(ValueError, match="shorter"):
        kmer_tokens(codes, k=4, length=10)
