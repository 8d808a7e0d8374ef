"""dna2vec k-mer embeddings trained with gensim (Ng 2017, arXiv:1701.06279; ``pnpnpn/dna2vec``).

The method, as in dna2vec's ``generators.py``:

1. The genome is read in segments of random length in ``[segment_length // 2, segment_length)``
   bp (dna2vec: 2,500–5,000) and each segment is split at runs of non-ACGT letters (N) into
   fragments; fragments shorter than ``k_high`` are skipped.
2. A fragment becomes a sentence of overlapping k-mers: at every position ``i`` in
   ``0 .. len - k_high`` a k-mer ``fragment[i : i + k]`` with ``k`` drawn uniformly from
   ``[k_low, k_high]`` (dna2vec's ``SlidingKmerFragmenter``; default 3–8).
3. Both strands: with ``both_strands`` the reverse complement of every fragment is a sentence too
   (dna2vec instead picked one strand at random per segment).
4. gensim ``Word2Vec`` (skip-gram, negative sampling; dna2vec's defaults: 100 dimensions, context
   window 10) learns one vector per k-mer of every length.

The corpus is streamed, never held whole: either as a restartable iterable (:class:`KmerCorpus`,
re-generated identically from the seed on every pass) or written once to a corpus file for
gensim's ``corpus_file`` mode, which trains on all worker threads without Python's GIL.
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path
from typing import Iterator

import numpy as np

from dnazoo.io import atomic_path

log = logging.getLogger(__name__)

_COMPLEMENT = str.maketrans("ACGT", "TGCA")
_NON_ACGT = re.compile(r"[^ACGT]+")


class Dna2vecError(ValueError):
    """Bad dna2vec parameters, a genome with no usable fragment, or a bad embedding matrix."""


@dataclass(frozen=True)
class Dna2vecParams:
    """Parameters of :func:`train_dna2vec` (config key ``dna2vec:``); lengths in bp.

    Attributes:
        k_low, k_high: k-mer length range (1 ≤ k_low ≤ k_high ≤ 12).
        vector_size: embedding dimension d.
        window: skip-gram context window (k-mers on each side).
        negative: negative samples per positive.
        epochs: passes over the corpus.
        min_count: minimum k-mer count to get a vector.
        sample: down-sampling threshold of frequent k-mers (gensim ``sample``).
        segment_length: upper bound of the random segment length (dna2vec ``seqlen_ulim``).
        both_strands: add the reverse complement of every fragment as a sentence.
        max_bp: stop the corpus after this many bp of the genome (0 = whole genome); for tests
            and benchmarks on a genome slice.
        mode: ``corpus_file`` (write the corpus once, train with gensim's file mode) or
            ``iterable`` (stream sentences from Python on every pass).
        model_k: k of the embedding matrix for the models (6, DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py).
        seed: seeds the fragmenting and gensim.
    """

    k_low: int = 3
    k_high: int = 8
    vector_size: int = 100
    window: int = 10
    negative: int = 5
    epochs: int = 10
    min_count: int = 1
    sample: float = 1e-3
    segment_length: int = 5000
    both_strands: bool = True
    max_bp: int = 0
    mode: str = "corpus_file"
    model_k: int = 6
    seed: int = 0

    def __post_init__(self):
        for name in ("k_low", "k_high", "model_k"):
            k = getattr(self, name)
            if not 1 <= k <= 12:
                raise Dna2vecError(f"dna2vec.{name}: k must be in 1..12, got {k}")
        if self.k_low > self.k_high:
            raise Dna2vecError(f"dna2vec.k_low ({self.k_low}) > dna2vec.k_high ({self.k_high})")
        if not self.k_low <= self.model_k <= self.k_high:
            raise Dna2vecError(f"dna2vec.model_k ({self.model_k}) must lie in [k_low, k_high] = "
                               f"[{self.k_low}, {self.k_high}]")
        if self.mode not in ("corpus_file", "iterable"):
            raise Dna2vecError(f"dna2vec.mode must be 'corpus_file' or 'iterable', got {self.mode!r}")
        if self.segment_length < 2 * self.k_high:
            raise Dna2vecError(f"dna2vec.segment_length must be at least 2 * k_high = {2 * self.k_high}")


def reverse_complement(seq: str) -> str:
    """Reverse complement of an upper-case ACGT string."""
    return seq.translate(_COMPLEMENT)[::-1]


def genome_fragments(fasta: str | os.PathLike, params: Dna2vecParams) -> Iterator[str]:
    """Yield the upper-case ACGT fragments of a genome (see module docstring, step 1).

    Reads one random-length segment at a time through pyfaidx, so memory holds one segment.
    The sequence of fragments is a deterministic function of ``params.seed``.
    """
    from pyfaidx import Fasta

    rng = np.random.default_rng(params.seed)
    lo, hi = params.segment_length // 2, params.segment_length
    used = 0
    with Fasta(str(fasta), as_raw=True, sequence_always_upper=True) as fa:
        for name in fa.keys():
            record, length, pos = fa[name], len(fa[name]), 0
            while pos < length:
                seg_len = int(rng.integers(lo, hi))
                if params.max_bp:
                    seg_len = min(seg_len, params.max_bp - used)
                    if seg_len <= 0:
                        return
                segment = record[pos:pos + seg_len]
                pos += seg_len
                used += len(segment)
                for frag in _NON_ACGT.split(segment):
                    if len(frag) >= params.k_high:
                        yield frag


def kmer_sentence(fragment: str, k_low: int, k_high: int, rng: np.random.Generator) -> list[str]:
    """Overlapping variable-length k-mers of a fragment (dna2vec ``SlidingKmerFragmenter``).

    Returns:
        ``len(fragment) - k_high + 1`` k-mers; the one at position i has length ``k_i`` drawn
        uniformly from ``[k_low, k_high]``.
    """
    n = len(fragment) - k_high + 1
    if n <= 0:
        return []
    ks = rng.integers(k_low, k_high + 1, n)
    return [fragment[i:i + k] for i, k in zip(range(n), ks.tolist())]


def kmer_sentences(fasta: str | os.PathLike, params: Dna2vecParams) -> Iterator[list[str]]:
    """All sentences of the corpus in order (both strands when configured); deterministic."""
    rng = np.random.default_rng(params.seed + 1)
    for frag in genome_fragments(fasta, params):
        yield kmer_sentence(frag, params.k_low, params.k_high, rng)
        if params.both_strands:
            yield kmer_sentence(reverse_complement(frag), params.k_low, params.k_high, rng)


class KmerCorpus:
    """Restartable iterable of k-mer sentences for gensim (each pass regenerates them from the seed)."""

    def __init__(self, fasta: str | os.PathLike, params: Dna2vecParams):
        self.fasta, self.params = fasta, params

    def __iter__(self):
        return kmer_sentences(self.fasta, self.params)


def write_corpus(fasta: str | os.PathLike, params: Dna2vecParams, dest: str | os.PathLike) -> dict:
    """Write the corpus for gensim's ``corpus_file`` mode (one sentence per line, atomically).

    Sentences are at most ``2 * segment_length`` words, below gensim's 10,000-word line limit for
    the default segment length.

    Returns:
        ``{"sentences": n, "words": w, "bp": b}``.

    Raises:
        Dna2vecError: the genome yields no fragment of at least ``k_high`` ACGT bases.
    """
    n = words = 0
    with atomic_path(dest, suffix=".txt") as tmp, open(tmp, "w") as fh:
        for sentence in kmer_sentences(fasta, params):
            if sentence:
                fh.write(" ".join(sentence))
                fh.write("\n")
                n += 1
                words += len(sentence)
        if n == 0:
            raise Dna2vecError(f"{fasta}: no ACGT fragment of at least k_high = {params.k_high} bp "
                               "(the genome is empty or all N)")
    return {"sentences": n, "words": words}


def _loss_callback(losses: list[float]):
    from gensim.models.callbacks import CallbackAny2Vec

    class EpochLoss(CallbackAny2Vec):
        """Records each epoch's loss; gensim's counter is cumulative, so it is reset per epoch
        (gensim issue #2735)."""

        def on_epoch_end(self, model):
            losses.append(float(model.get_latest_training_loss()))
            model.running_training_loss = 0.0

    return EpochLoss()


def measure_words_per_second(sentences, params: Dna2vecParams, workers: int, n_words: int = 100_000,
                             folder: str | os.PathLike | None = None) -> tuple[float, int]:
    """Train a throw-away model for one pass over the first ``n_words`` words of ``sentences``
    (gensim ``corpus_file`` mode, this machine, ``workers`` threads) and return
    ``(words per second, words used)``: the rate behind :func:`train_dna2vec`'s duration estimate."""
    import itertools
    import tempfile

    from gensim.models import Word2Vec

    used = 0
    with tempfile.NamedTemporaryFile("w", suffix=".txt", dir=folder, delete=False) as fh:
        for sentence in itertools.takewhile(lambda _: used < n_words, sentences):
            fh.write(" ".join(sentence) + "\n")
            used += len(sentence)
    try:
        model = Word2Vec(vector_size=params.vector_size, window=params.window, min_count=1, sg=1, hs=0,
                         negative=params.negative, sample=params.sample, workers=workers, seed=params.seed)
        model.build_vocab(corpus_file=fh.name)
        t0 = time.perf_counter()
        model.train(corpus_file=fh.name, total_words=model.corpus_total_words, epochs=1)
        return used / max(time.perf_counter() - t0, 1e-9), used
    finally:
        os.unlink(fh.name)


def _log_estimate(report: dict, words: int, params: Dna2vecParams, workers: int, fasta, sentences, folder) -> None:
    rate, used = measure_words_per_second(sentences, params, workers, folder=folder)
    total = words * params.epochs
    seconds = total / rate
    report["estimate"] = {"words_to_train": int(total), "measured_words_per_second": round(rate, 1),
                          "calibration_words": int(used), "estimated_train_seconds": round(seconds, 1)}
    log.info("dna2vec on %s: %d words x %d epochs = %d words to train; measured %.0f words/s here with %d "
             "worker(s) -> about %s of training (full genome, 10 epochs: dna2vec.max_bp 0, epochs 10)",
             fasta, words, params.epochs, total, rate, workers,
             f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.1f} min")


def train_dna2vec(fasta: str | os.PathLike, params: Dna2vecParams, workers: int = 1,
                  corpus_path: str | os.PathLike | None = None):
    """Train dna2vec k-mer vectors on a genome with gensim ``Word2Vec`` (skip-gram, negative sampling).

    Args:
        fasta: indexed plain FASTA.
        params: see :class:`Dna2vecParams`.
        workers: gensim worker threads (the rule's threads).
        corpus_path: where ``corpus_file`` mode writes its corpus (default beside ``fasta``);
            removed after training.

    Returns:
        ``(keyed_vectors, report)``: gensim ``KeyedVectors`` of every k-mer seen, and a dict with
        the parameters, corpus size, per-epoch loss, timings and words/s, and ``estimate``: the
        words to train, the words/s measured on a short calibration pass, and the estimated
        training time, which is also logged before training starts.

    Raises:
        Dna2vecError: no usable fragment in the genome.
    """
    from gensim.models import Word2Vec

    losses: list[float] = []
    common = dict(vector_size=params.vector_size, window=params.window, min_count=params.min_count,
                  sg=1, hs=0, negative=params.negative, sample=params.sample, workers=workers,
                  seed=params.seed, compute_loss=True)
    report = {"params": asdict(params), "workers": workers}
    t0 = time.perf_counter()
    model = Word2Vec(**common)
    if params.mode == "corpus_file":
        corpus = Path(corpus_path or f"{fasta}.dna2vec_corpus.txt")
        report["corpus"] = write_corpus(fasta, params, corpus)
        report["corpus_seconds"] = time.perf_counter() - t0
        try:
            with open(corpus) as fh:
                _log_estimate(report, report["corpus"]["words"], params, workers, fasta,
                              (line.split() for line in fh), corpus.parent)
            t1 = time.perf_counter()
            model.build_vocab(corpus_file=str(corpus))
            model.train(corpus_file=str(corpus), total_words=model.corpus_total_words,
                        epochs=params.epochs, compute_loss=True, callbacks=[_loss_callback(losses)])
        finally:
            corpus.unlink(missing_ok=True)
    else:
        corpus_iter = KmerCorpus(fasta, params)
        t1 = time.perf_counter()
        model.build_vocab(corpus_iterable=corpus_iter)
        if model.corpus_count == 0:
            raise Dna2vecError(f"{fasta}: no ACGT fragment of at least k_high = {params.k_high} bp")
        report["corpus"] = {"sentences": int(model.corpus_count), "words": int(model.corpus_total_words)}
        _log_estimate(report, report["corpus"]["words"], params, workers, fasta, iter(corpus_iter),
                      Path(corpus_path).parent if corpus_path else None)
        t1 = time.perf_counter()
        model.train(corpus_iterable=corpus_iter, total_examples=model.corpus_count, epochs=params.epochs,
                    compute_loss=True, callbacks=[_loss_callback(losses)])
    train_s = time.perf_counter() - t1
    report.update(train_seconds=train_s, words_per_second=report["corpus"]["words"] * params.epochs / train_s,
                  loss_per_epoch=losses, vocabulary=len(model.wv))
    return model.wv, report


def kmer_matrix(wv, k: int = 6) -> tuple[np.ndarray, float]:
    """The ``(4**k + 1, d)`` float32 matrix for an ``Embedding`` layer: row 0 = zeros (padding and
    k-mers with N), row ``id(kmer)`` = its vector, ids as in DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py (A=0 C=1 G=2 T=3, product
    order, 1-based). k-mers without a vector get zeros.

    Returns:
        ``(matrix, coverage)``: coverage = fraction of the 4**k k-mers that have a vector.
    """
    d = wv.vector_size
    out = np.zeros((4 ** k + 1, d), dtype=np.float32)
    found = 0
    for i, kmer in enumerate(product("ACGT", repeat=k), start=1):
        word = "".join(kmer)
        if word in wv.key_to_index:
            out[i] = wv[word]
            found += 1
    return out, found / 4 ** k


def coverage_by_k(wv, k_low: int, k_high: int) -> dict[int, float]:
    """Fraction of the 4**k possible k-mers that got a vector, per k."""
    counts = {k: 0 for k in range(k_low, k_high + 1)}
    for word in wv.key_to_index:
        if len(word) in counts:
            counts[len(word)] += 1
    return {k: c / 4 ** k for k, c in counts.items()}


def check_embedding_matrix(matrix: np.ndarray, k: int = 6, source: str = "embedding matrix") -> np.ndarray:
    """Validate a supplied embedding matrix: shape ``(4**k + 1, d)``, finite, row 0 all zeros.

    Returns:
        The matrix as float32.

    Raises:
        Dna2vecError: naming ``source`` and what is wrong.
    """
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != 4 ** k + 1:
        raise Dna2vecError(f"{source}: expected shape ({4 ** k + 1}, d) for {k}-mers, got {m.shape}")
    if not np.isfinite(m).all():
        raise Dna2vecError(f"{source}: contains NaN or infinite values")
    if np.any(m[0] != 0):
        raise Dna2vecError(f"{source}: row 0 (padding / k-mers with N) must be all zeros")
    return m.astype(np.float32)


def random_matrix(k: int, d: int, seed: int) -> np.ndarray:
    """A seeded ``N(0, 0.05²)`` ``(4**k + 1, d)`` float32 matrix with row 0 = zeros (the ``random`` baseline)."""
    m = np.random.default_rng(seed).normal(0, 0.05, (4 ** k + 1, d)).astype(np.float32)
    m[0] = 0
    return m


def similarity_statistics(matrix: np.ndarray, k: int = 6, n_pairs: int = 50_000, seed: int = 0) -> dict:
    """Does an embedding matrix place similar k-mers close together? (issue "evidence" statistics)

    Args:
        matrix: ``(4**k + 1, d)`` matrix in DeepChromeHiC data_preprocessing.py, EPIVAN sequence_processing.py row order (row 0 ignored).
        n_pairs: random k-mer pairs for the correlation.

    Returns:
        ``spearman``: Spearman correlation between the cosine similarity of two k-mers' vectors and
        their sequence similarity ``k - Hamming distance`` over random pairs; ``spearman_shuffled``:
        the same with the k-mer → vector assignment permuted (the null control);
        ``nn_hamming1``: fraction of k-mers whose nearest neighbour by cosine is at Hamming
        distance 1; ``nn_hamming1_chance``: that fraction for a random neighbour (3k / (4**k − 1)).
    """
    from scipy.stats import spearmanr

    vecs = np.asarray(matrix[1:], dtype=np.float64)
    n = len(vecs)
    codes = np.array(list(product(range(4), repeat=k)), dtype=np.int8)  # row i-1 <-> token i
    norms = np.linalg.norm(vecs, axis=1)
    ok = norms > 0
    unit = np.where(ok[:, None], vecs / np.where(norms == 0, 1, norms)[:, None], 0)
    rng = np.random.default_rng(seed)
    idx = np.flatnonzero(ok)
    a, b = rng.choice(idx, n_pairs), rng.choice(idx, n_pairs)
    keep = a != b
    a, b = a[keep], b[keep]
    seq_sim = k - (codes[a] != codes[b]).sum(axis=1)
    cos = (unit[a] * unit[b]).sum(axis=1)
    perm = rng.permutation(n)
    cos_shuf = (unit[perm[a]] * unit[perm[b]]).sum(axis=1)
    sims = unit[idx] @ unit[idx].T
    np.fill_diagonal(sims, -np.inf)
    nn = idx[np.argmax(sims, axis=1)]
    ham_nn = (codes[idx] != codes[nn]).sum(axis=1)
    return {
        "k": k,
        "kmers_with_vectors": int(ok.sum()),
        "spearman": float(spearmanr(cos, seq_sim).statistic),
        "spearman_shuffled": float(spearmanr(cos_shuf, seq_sim).statistic),
        "nn_hamming1": float((ham_nn == 1).mean()),
        "nn_hamming1_chance": 3 * k / (4 ** k - 1),
    }
