"""Variants: VCF/BCF records streamed with cyvcf2 (htslib), checked against the genome, and the REF
and ALT windows a model scores.

Coordinates: ``pos`` is the 0-based start of the REF allele on the genome (VCF ``POS`` − 1);
windows are 0-based half-open, in bp.

**Window convention.** A window of ``L`` bp centred on a variant starts at ``pos - L // 2``, so the
variant's first REF base sits at index ``L // 2`` of the window: the exact centre for odd ``L``,
the right-hand one of the two central bases for even ``L`` (Selene's and Kipoi's convention for
SNVs). The ALT window holds the same left flank, the ALT allele from index ``L // 2``, and is
re-filled from the genome to the right so that both windows keep ``L`` bp (Selene,
Chen et al. 2019, ``selene_sdk.predict._variant_effect_prediction``): a deletion pulls in bases
from beyond the REF window's end, an insertion pushes the REF window's last bases out.

**REF check.** Every REF is compared with the FASTA (case-insensitive): ``ref_match`` is
``match``, ``swapped`` (the genome carries the ALT allele instead: REF and ALT were probably
exchanged) or ``mismatch``. The REF window always carries the VCF's REF allele, so a flagged
variant's ``diff`` is still ALT minus the REF written in the file.

Records: multi-allelic records are split into one variant per ALT; symbolic alleles (``<DEL>``,
breakends, ``*``, ``.``) are skipped and counted; a repeated (chrom, POS, REF, ALT) is scored once.
The VCF must be sorted (each chromosome in one block, positions non-decreasing), which is what
lets duplicates be found in bounded memory.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd

from dnazoo.data.encoding import N_CODE, encode_codes

log = logging.getLogger(__name__)

#: ``on_ref_mismatch`` settings.
ON_REF_MISMATCH = ("flag", "drop", "fail")
#: ``indels`` settings: ``score`` (Selene's re-filled windows) or ``skip`` (counted).
INDELS = ("score", "skip")
_ALLELE = re.compile(r"^[ACGTNacgtn]+$")
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"


class VariantError(ValueError):
    """A variant file that cannot be scored; the message names the file and line."""


def variant_kind(ref: str, alt: str) -> str:
    """``snv``, ``mnv`` (equal lengths > 1), ``insertion``, ``deletion`` or ``complex``."""
    if len(ref) == len(alt):
        return "snv" if len(ref) == 1 else "mnv"
    if len(ref) == 1 and alt[0] == ref[0]:
        return "insertion"
    if len(alt) == 1 and ref[0] == alt[0]:
        return "deletion"
    return "complex"


@dataclass
class ReadCounts:
    """What :func:`read_vcf` read, split, skipped and flagged (written to the log and ``counts.json``)."""

    records: int = 0
    variants: int = 0
    multiallelic_records: int = 0
    symbolic: int = 0
    duplicates: int = 0
    unknown_chromosome: int = 0
    indels_skipped: int = 0
    ref_mismatch: int = 0
    ref_swapped: int = 0
    dropped_ref_mismatch: int = 0
    unknown_chromosomes: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def check_compression(path: str | os.PathLike, source: str = "") -> None:
    """Warn when a ``.gz`` VCF is plain gzip rather than bgzip (htslib streams it, but tabix cannot
    index it; ``bgzip`` it for region queries).

    Raises:
        VariantError: an empty file, naming ``source``.
    """
    name = source or str(path)
    with open(path, "rb") as fh:
        head = fh.read(18)
    if not head:
        raise VariantError(f"{name}: the variant file is empty (0 bytes)")
    if head[:2] == b"\x1f\x8b" and (head[:4] != _BGZF_MAGIC or head[12:14] != b"BC"):
        log.warning("%s: gzip but not bgzip: read as a stream; recompress it with `bgzip` to index it with tabix",
                    name)


def _is_bcf(path: str | os.PathLike) -> bool:
    import gzip

    with open(path, "rb") as fh:
        head = fh.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as fh:
        return fh.read(3) == b"BCF"


def _header_lines(path: str | os.PathLike) -> int:
    """The lines of a text VCF's header as written in the file (htslib adds lines of its own to
    ``raw_header``), so that a record's line number is the one the user sees."""
    import gzip

    with open(path, "rb") as fh:
        head = fh.read(2)
    n = 0
    with (gzip.open if head == b"\x1f\x8b" else open)(path, "rb") as fh:
        for line in fh:
            if not line.startswith(b"#"):
                break
            n += 1
    return n


def harmonise_chromosomes(vcf_chroms, sizes: dict[str, int]) -> dict[str, str]:
    """Map a VCF's chromosome names onto the genome's: exact names first, else the other naming
    (``chr1`` ↔ ``1``, ``chrM`` ↔ ``MT``)."""
    out = {}
    for c in vcf_chroms:
        if c in sizes:
            out[c] = c
            continue
        flipped = c[3:] if c.startswith("chr") else f"chr{c}"
        extra = {"chrM": "MT", "MT": "chrM", "M": "chrM"}.get(c)
        for cand in (flipped, extra):
            if cand and cand in sizes:
                out[c] = cand
                break
    return out


def read_vcf(path: str | os.PathLike, sizes: dict[str, int], *, source: str = "", chunk_size: int = 50_000,
             indels: str = "score", counts: ReadCounts | None = None) -> Iterator[pd.DataFrame]:
    """Stream the variants of a VCF, bgzipped VCF or BCF in chunks (bounded memory), with cyvcf2.

    Args:
        path: the file (plain, gzip or bgzip VCF, or BCF).
        sizes: ``{chrom: bp}`` of the genome the variants refer to.
        source: the name used in messages (default ``path``).
        chunk_size: variants per yielded table.
        indels: ``score`` or ``skip`` (skipped indels are counted).
        counts: a :class:`ReadCounts` filled while reading (default: a new one, logged at the end).

    Yields:
        Tables with ``line`` (the record's line in a text VCF, the record number in a BCF),
        ``chrom`` (the genome's name), ``pos`` (0-based REF start, int64), ``id``, ``ref``,
        ``alt`` (upper case), ``kind`` (:func:`variant_kind`) and ``variant_id``
        (``chrom:POS:REF>ALT``, POS 1-based as in the VCF).

    Raises:
        VariantError: naming the file and line: an empty file or one without records; a malformed
            record; an unsorted file; a chromosome absent from the genome when no chromosome of the
            file matches (with the other naming's hint); a REF allele running past the chromosome's
            end; a REF or ALT with letters other than A, C, G, T, N.
    """
    import cyvcf2

    name = source or str(path)
    counts = counts if counts is not None else ReadCounts()
    if indels not in INDELS:
        raise VariantError(f"indels must be one of {INDELS}, got {indels!r}")
    check_compression(path, name)
    try:
        vcf = cyvcf2.VCF(str(path), lazy=True)
    except OSError as err:
        raise VariantError(f"{name}: not a readable VCF or BCF ({err})") from None
    is_bcf = _is_bcf(path)
    header_lines = 0 if is_bcf else _header_lines(path)
    mapping: dict[str, str] = {}
    seen_chroms: list[str] = []
    last_pos = -1
    here: set[tuple] = set()
    rows: list[tuple] = []
    index = 0
    matched_any = False
    it = iter(vcf)
    while True:
        try:
            rec = next(it)
        except StopIteration:
            break
        except Exception as err:  # htslib's parse errors are plain Exceptions
            line = header_lines + index + 1
            raise VariantError(f"{name}: line {line}: malformed record ({err}); see the htslib message above") \
                from None
        index += 1
        line = header_lines + index
        counts.records += 1
        chrom = rec.CHROM
        if not seen_chroms or seen_chroms[-1] != chrom:
            if chrom in seen_chroms:
                raise VariantError(f"{name}: line {line}: chromosome {chrom} appears again after "
                                   f"{seen_chroms[-1]}: the VCF is not sorted (sort it with `bcftools sort`)")
            seen_chroms.append(chrom)
            last_pos, here = -1, set()
            if chrom not in mapping:
                mapping.update(harmonise_chromosomes([chrom], sizes))
        pos = int(rec.POS) - 1
        if pos < last_pos:
            raise VariantError(f"{name}: line {line}: {chrom}:{pos + 1} comes after {chrom}:{last_pos + 1}: the "
                               "VCF is not sorted (sort it with `bcftools sort`)")
        if pos != last_pos:
            here = set()
        last_pos = pos
        genome_chrom = mapping.get(chrom)
        if genome_chrom is None:
            counts.unknown_chromosome += 1
            counts.unknown_chromosomes.setdefault(chrom, line)
            continue
        matched_any = True
        ref = rec.REF.upper()
        alts = rec.ALT
        if len(alts) > 1:
            counts.multiallelic_records += 1
        if not _ALLELE.match(ref):
            raise VariantError(f"{name}: line {line}: REF {rec.REF!r} has letters other than A, C, G, T, N")
        if pos + len(ref) > sizes[genome_chrom]:
            raise VariantError(f"{name}: line {line}: {chrom}:{pos + 1} {ref} runs past the end of "
                               f"{genome_chrom} ({sizes[genome_chrom]:,} bp): is the VCF on another genome build?")
        for alt in alts:
            alt_u = alt.upper()
            if not alt or alt_u in ("*", ".") or alt.startswith("<") or "[" in alt or "]" in alt:
                counts.symbolic += 1
                continue
            if not _ALLELE.match(alt_u):
                raise VariantError(f"{name}: line {line}: ALT {alt!r} has letters other than A, C, G, T, N")
            key = (ref, alt_u)
            if key in here:
                counts.duplicates += 1
                continue
            here.add(key)
            kind = variant_kind(ref, alt_u)
            if kind not in ("snv", "mnv") and indels == "skip":
                counts.indels_skipped += 1
                continue
            rows.append((line, genome_chrom, pos, rec.ID or ".", ref, alt_u, kind, f"{chrom}:{pos + 1}:{ref}>{alt_u}"))
            counts.variants += 1
        if len(rows) >= chunk_size:
            yield _table(rows)
            rows = []
    vcf.close()
    if counts.records == 0:
        raise VariantError(f"{name}: no variant records (a header only)")
    if not matched_any:
        names = sorted(counts.unknown_chromosomes)
        raise VariantError(f"{name}: line {counts.unknown_chromosomes[names[0]]}: no chromosome of the VCF "
                           f"({', '.join(names[:5])}{', ...' if len(names) > 5 else ''}) is in the genome, "
                           f"which has {', '.join(list(sizes)[:5])}{', ...' if len(sizes) > 5 else ''}: is the VCF "
                           "on another genome?")
    if rows:
        yield _table(rows)
    if counts.unknown_chromosome:
        first = ", ".join(f"{c} (line {ln})" for c, ln in list(counts.unknown_chromosomes.items())[:5])
        log.warning("%s: %d records on chromosomes absent from the genome skipped: %s", name,
                    counts.unknown_chromosome, first)
    for what, n in (("multi-allelic records split", counts.multiallelic_records),
                    ("symbolic alleles skipped", counts.symbolic), ("duplicate variants scored once", counts.duplicates),
                    ("indels skipped (indels: skip)", counts.indels_skipped)):
        if n:
            log.info("%s: %d %s", name, n, what)


def _table(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["line", "chrom", "pos", "id", "ref", "alt", "kind", "variant_id"])
    df["pos"] = df["pos"].astype(np.int64)
    df["line"] = df["line"].astype(np.int64)
    return df


class GenomeCodes:
    """Base codes of one chromosome at a time (pyfaidx; a sorted VCF reads each chromosome once).

    Args:
        fasta: an indexed FASTA.
    """

    def __init__(self, fasta: str | os.PathLike):
        from pyfaidx import Fasta

        self.fasta = Fasta(str(fasta), as_raw=True, sequence_always_upper=True)
        self.sizes = {k: len(v) for k, v in self.fasta.items()}
        self._chrom: str | None = None
        self._codes = np.zeros(0, dtype=np.uint8)

    def codes(self, chrom: str) -> np.ndarray:
        """``(size,)`` uint8 codes of ``chrom`` (A, C, G, T, N = 0..4)."""
        if chrom != self._chrom:
            self._codes = encode_codes(self.fasta[chrom][:])
            self._chrom = chrom
        return self._codes

    def close(self) -> None:
        self.fasta.close()


def check_ref(variants: pd.DataFrame, genome: GenomeCodes) -> np.ndarray:
    """``(n,)`` str ``ref_match`` of each variant: ``match``, ``swapped`` (the genome has the ALT
    allele) or ``mismatch``; an N in the genome matches any base."""
    out = np.empty(len(variants), dtype=object)
    for i, (chrom, pos, ref, alt) in enumerate(zip(variants["chrom"], variants["pos"], variants["ref"],
                                                   variants["alt"])):
        g = genome.codes(chrom)
        have = g[pos:pos + len(ref)]
        want = encode_codes(ref)
        ok = (have == want) | (have == N_CODE) | (want == N_CODE)
        if len(have) == len(want) and ok.all():
            out[i] = "match"
            continue
        alt_have = g[pos:pos + len(alt)]
        out[i] = "swapped" if len(alt_have) == len(alt) and (alt_have == encode_codes(alt)).all() else "mismatch"
    return out


def apply_ref_policy(variants: pd.DataFrame, on_ref_mismatch: str, source: str, counts: ReadCounts) -> pd.DataFrame:
    """Count flagged REF alleles and apply ``on_ref_mismatch`` (``flag`` keeps them with their
    ``ref_match``, ``drop`` removes them, ``fail`` raises).

    Raises:
        VariantError: ``on_ref_mismatch: fail`` and a REF that does not match, naming the line.
    """
    if on_ref_mismatch not in ON_REF_MISMATCH:
        raise VariantError(f"on_ref_mismatch must be one of {ON_REF_MISMATCH}, got {on_ref_mismatch!r}")
    bad = variants["ref_match"] != "match"
    counts.ref_mismatch += int((variants["ref_match"] == "mismatch").sum())
    counts.ref_swapped += int((variants["ref_match"] == "swapped").sum())
    if bad.any() and on_ref_mismatch == "fail":
        row = variants[bad].iloc[0]
        raise VariantError(f"{source}: line {row['line']}: REF {row['ref']} of {row['variant_id']} does not match the "
                           f"genome ({row['ref_match']}; on_ref_mismatch: fail)")
    if on_ref_mismatch == "drop":
        counts.dropped_ref_mismatch += int(bad.sum())
        return variants[~bad].reset_index(drop=True)
    return variants


def alt_window(genome_codes: np.ndarray, wstart: int, length: int, pos: int, ref: str, alt: str) -> np.ndarray:
    """The ALT window: genome ``[wstart, pos)``, then ALT, then the genome from ``pos + len(ref)``,
    cut or N-filled to ``length`` bp (N past the chromosome's end)."""
    left = genome_codes[max(wstart, 0):pos]
    need = length - len(left) - len(alt)
    right = genome_codes[pos + len(ref):pos + len(ref) + max(need, 0)]
    out = np.concatenate([left, encode_codes(alt), right])[:length]
    if len(out) < length:
        out = np.concatenate([out, np.full(length - len(out), N_CODE, dtype=np.uint8)])
    return out


def ref_window(genome_codes: np.ndarray, wstart: int, length: int, pos: int, ref: str) -> np.ndarray:
    """The REF window: genome ``[wstart, wstart + length)`` with the VCF's REF allele written at ``pos``."""
    return alt_window(genome_codes, wstart, length, pos, ref, ref)


def centred_windows(variants: pd.DataFrame, genome: GenomeCodes, length: int) -> dict:
    """REF and ALT windows of ``length`` bp centred on each variant (module docstring convention).

    Returns:
        ``{"ref": (n, length) uint8, "alt": (n, length) uint8, "wstart": (n,) int64, "ok": (n,)
        bool (False: the window runs off the chromosome; its rows are all N), "window_n": (n,) int
        N bases in the REF window}``.
    """
    n = len(variants)
    ref = np.full((n, length), N_CODE, dtype=np.uint8)
    alt = np.full((n, length), N_CODE, dtype=np.uint8)
    wstart = variants["pos"].to_numpy(np.int64) - length // 2
    ok = np.zeros(n, dtype=bool)
    for i, (chrom, pos, r, a) in enumerate(zip(variants["chrom"], variants["pos"], variants["ref"], variants["alt"])):
        g = genome.codes(chrom)
        if wstart[i] < 0 or wstart[i] + length > len(g) or pos + len(r) > wstart[i] + length:
            continue
        ok[i] = True
        ref[i] = ref_window(g, int(wstart[i]), length, int(pos), r)
        alt[i] = alt_window(g, int(wstart[i]), length, int(pos), r, a)
    return {"ref": ref, "alt": alt, "wstart": wstart, "ok": ok, "window_n": (ref == N_CODE).sum(axis=1)}
