"""Sequence encodings shared by the zoo: base codes, one-hot, k-mer token ids.

Base codes are the storage format: one ``uint8`` per bp, A, C, G, T, N = 0, 1, 2, 3, 4 (any other
IUPAC letter, lower or upper case, is N). Models turn codes into one-hot inside the network
(:class:`dnazoo.models.layers.OneHot`), so no float array is ever stored on disk.

k-mer token ids follow DeepChromeHiC ``data_preprocessing.py`` / EPIVAN ``sequence_processing.py``
(DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py): ``id(k-mer) = 1 + sum_j b_j * 4**(k-1-j)`` with
A=0, C=1, G=2, T=3 (``AAAAAA`` -> 1, ``TTTTTT`` -> 4096); a k-mer containing N -> 0; the token
row is pre-padded with 0 to the window length.
"""

from __future__ import annotations

import numpy as np

ALPHABET = "ACGTN"
N_CODE = 4

_LUT = np.full(256, N_CODE, dtype=np.uint8)
for _i, _b in enumerate("ACGT"):
    _LUT[ord(_b)] = _i
    _LUT[ord(_b.lower())] = _i
_TABLE = _LUT.tobytes()


def encode_codes(seq: str | bytes) -> np.ndarray:
    """Encode a DNA string as base codes.

    Args:
        seq: DNA letters (any case). Letters other than A, C, G, T become N.

    Returns:
        ``(len(seq),)`` uint8 array with values in 0..4 (A, C, G, T, N).
    """
    raw = seq.encode("ascii") if isinstance(seq, str) else bytes(seq)
    # bytes.translate maps through the table at about 1 GB/s, 2.5x NumPy's fancy indexing
    return np.frombuffer(bytearray(raw.translate(_TABLE)), dtype=np.uint8)


def decode_codes(codes: np.ndarray) -> str:
    """Inverse of :func:`encode_codes`: ``(L,)`` uint8 codes -> an upper-case string of length L."""
    return "".join(np.array(list(ALPHABET))[np.asarray(codes, dtype=np.int64)])


def onehot(codes: np.ndarray, n_channels: int = 4) -> np.ndarray:
    """One-hot encode base codes (NumPy reference for the in-model layer).

    Args:
        codes: ``(..., L)`` integer codes 0..4.
        n_channels: 4 (A, C, G, T; N -> all-zero row) or 5 (A, C, G, T, N as a fifth column,
            the DeepChromeHiC image encoding).

    Returns:
        ``(..., L, n_channels)`` float32 array.
    """
    if n_channels not in (4, 5):
        raise ValueError(f"n_channels must be 4 or 5, got {n_channels}")
    eye = np.eye(5, dtype=np.float32)[:, :n_channels]
    return eye[np.asarray(codes, dtype=np.int64)]


def reverse_complement_codes(codes: np.ndarray) -> np.ndarray:
    """Reverse complement of ``(..., L)`` base codes (A<->T, C<->G, N stays N), same dtype."""
    codes = np.asarray(codes)
    rc = np.where(codes == N_CODE, N_CODE, 3 - codes.astype(np.int16)).astype(codes.dtype)
    return rc[..., ::-1]


def kmer_tokens(codes: np.ndarray, k: int = 6, length: int | None = None) -> np.ndarray:
    """k-mer token ids of base codes, stride 1, pre-padded with 0 (DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py).

    Args:
        codes: ``(L,)`` or ``(n, L)`` uint8 base codes.
        k: k-mer length, 1..12.
        length: row length after pre-padding; default ``L`` (as DeepChromeHiC pads to the
            window length). ``length < L - k + 1`` raises.

    Returns:
        ``(length,)`` or ``(n, length)`` uint32 ids in ``0 .. 4**k``; 0 = padding or a k-mer
        with N. (DeepChromeHiC also drops the last k-mer, the one that met the line's newline;
        dnazoo keeps all ``L - k + 1`` k-mers and documents the difference.)

    Raises:
        ValueError: k outside 1..12, or ``length`` too short for the k-mers.
    """
    if not 1 <= k <= 12:
        raise ValueError(f"k must be in 1..12, got {k}")
    codes = np.asarray(codes)
    single = codes.ndim == 1
    codes2 = np.atleast_2d(codes).astype(np.int64)
    n, L = codes2.shape
    n_kmers = max(L - k + 1, 0)
    length = L if length is None else length
    if length < n_kmers:
        raise ValueError(f"length {length} is shorter than the {n_kmers} k-mers of a {L} bp row")
    ids = np.zeros((n, n_kmers), dtype=np.int64)
    has_n = np.zeros((n, n_kmers), dtype=bool)
    for j in range(k):
        window = codes2[:, j : j + n_kmers]
        has_n |= window == N_CODE
        ids = ids * 4 + np.minimum(window, 3)
    ids = np.where(has_n, 0, ids + 1)
    out = np.zeros((n, length), dtype=np.uint32)
    out[:, length - n_kmers :] = ids
    return out[0] if single else out


def gc_fraction(codes: np.ndarray) -> np.ndarray:
    """GC fraction of each row of ``(n, L)`` uint8 codes (A, C, G, T, N = 0..4): ``(n,)`` float64;
    N is excluded from the denominator; an all-N row gives 0.5."""
    codes = np.asarray(codes)
    gc = np.isin(codes, (1, 2)).sum(axis=1)
    acgt = (codes < 4).sum(axis=1)
    return np.where(acgt > 0, gc / np.maximum(acgt, 1), 0.5)


def kmer_frequencies(codes: np.ndarray, k: int) -> np.ndarray:
    """k-mer frequencies of each row of ``(n, L)`` codes: ``(n, 4**k)`` float32 in product order
    over A, C, G, T (the token order of DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py minus one); k-mers with N are skipped; each row
    sums to 1 (or 0 when it has no k-mer without N).

    Raises:
        ValueError: k outside 1..8 (4**8 = 65,536 features per window is the sensible limit).
    """
    if not 1 <= k <= 8:
        raise ValueError(f"kmer_baseline k must be in 1..8, got {k}")


    tokens = np.atleast_2d(kmer_tokens(np.asarray(codes), k)).astype(np.int64)  # 0 = padding or N
    n = len(tokens)
    rows = np.broadcast_to(np.arange(n)[:, None], tokens.shape)
    counts = np.bincount((rows * (4 ** k + 1) + tokens).ravel(), minlength=n * (4 ** k + 1))
    counts = counts.reshape(n, 4 ** k + 1)[:, 1:]
    totals = counts.sum(axis=1, keepdims=True)
    return (counts / np.maximum(totals, 1)).astype(np.float32)
