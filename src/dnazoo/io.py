"""Atomic file output, checksummed downloads and small table helpers.

Every writer in dnazoo goes through :func:`atomic_path`, so a crashed or killed job never leaves a
half-written output behind: data are written to a temporary file in the destination folder and
renamed into place only when complete (``os.replace`` is atomic on POSIX file systems).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import shutil
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import IO, Iterator

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


class ChecksumError(ValueError):
    """A downloaded or local file does not have the checksum given in the config."""


@contextlib.contextmanager
def atomic_path(dest: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; rename it to ``dest`` only if the block succeeds.

    Args:
        dest: final path. Its parent folder is created.
        suffix: suffix of the temporary name (some writers, e.g. ``np.save`` or matplotlib,
            choose the format from the extension).

    On any exception the temporary file is removed and the exception propagates, so ``dest``
    either holds the complete new content or is untouched.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name, not created here: the writer creates it with the user's umask (mkstemp's
    # 0600 would make outputs unreadable to the group on a shared cluster).
    tmp_path = dest.parent / f".{dest.name}.{uuid.uuid4().hex}{suffix or '.part'}"
    try:
        yield tmp_path
        os.replace(tmp_path, dest)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_table(df: pd.DataFrame, dest: str | os.PathLike) -> None:
    """Write a tab-separated table atomically (gzip-compressed when ``dest`` ends in ``.gz``)."""
    dest = Path(dest)
    with atomic_path(dest) as tmp:
        df.to_csv(tmp, sep="\t", index=False, compression="gzip" if dest.suffix == ".gz" else None)


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a tab-separated table written by :func:`write_table`."""
    return pd.read_csv(path, sep="\t", compression="infer")


def save_npy(array: np.ndarray, dest: str | os.PathLike) -> None:
    """Save ``array`` as ``.npy`` atomically; reopen with ``np.load(dest, mmap_mode='r')``."""
    with atomic_path(dest, suffix=".npy") as tmp:
        np.save(tmp, array)


def file_digest(path: str | os.PathLike, algorithm: str) -> str:
    """Hex digest of a file (``algorithm`` is a :mod:`hashlib` name such as ``md5`` or ``sha256``)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, algorithm).hexdigest()


def verify_checksum(path: str | os.PathLike, checksums: dict[str, str], source: str = "") -> None:
    """Check ``path`` against every ``{algorithm: hexdigest}`` in ``checksums``.

    Raises:
        ChecksumError: naming the file, the source and both digests, on the first mismatch.
    """
    for algorithm, expected in checksums.items():
        got = file_digest(path, algorithm)
        if got.lower() != expected.lower():
            raise ChecksumError(
                f"{algorithm} checksum mismatch for {source or path}: expected {expected}, got {got}"
            )


def _is_url(source: str) -> bool:
    return urllib.parse.urlparse(source).scheme in {"http", "https", "ftp", "file"}


@contextlib.contextmanager
def _open_source(source: str, timeout: float) -> Iterator[tuple[IO[bytes], int | None]]:
    """Open a URL or a local path for binary reading; yield (stream, size in bytes or None)."""
    scheme = urllib.parse.urlparse(source).scheme
    if scheme in {"http", "https"}:
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        session = requests.Session()
        retry = Retry(total=5, backoff_factor=1.0, status_forcelist=(429, 500, 502, 503, 504))
        session.mount("http://", HTTPAdapter(max_retries=retry))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        with session.get(source, stream=True, timeout=timeout) as resp:
            resp.raise_for_status()
            resp.raw.decode_content = False  # keep gzip bytes as served; we decompress ourselves
            size = resp.headers.get("Content-Length")
            yield resp.raw, int(size) if size else None
    elif scheme in {"ftp", "file"}:
        with urllib.request.urlopen(source, timeout=timeout) as resp:  # noqa: S310 - ftp/file only
            size = resp.headers.get("Content-Length") if resp.headers else None
            yield resp, int(size) if size else None
    else:
        path = Path(source).expanduser()
        if not path.exists():
            raise FileNotFoundError(f"input file not found: {path}")
        with open(path, "rb") as fh:
            yield fh, path.stat().st_size


def fetch(
    source: str,
    dest: str | os.PathLike,
    checksums: dict[str, str] | None = None,
    decompress: bool = True,
    timeout: float = 60.0,
    progress_every: int = 64 << 20,
) -> Path:
    """Copy ``source`` (http, https, ftp or file URL, or a local path) to ``dest`` atomically.

    The checksum (``{"md5": ..., "sha256": ...}``) is verified on the bytes as served, i.e. on
    the compressed file when the source is gzip. With ``decompress=True`` a gzip source is
    decompressed into ``dest``. Progress (bytes, percent when the size is known) is logged every
    ``progress_every`` bytes. HTTP retries use urllib3's ``Retry`` (5 tries, exponential backoff).

    Returns:
        ``dest`` as a :class:`Path`.

    Raises:
        FileNotFoundError: a local path that does not exist.
        requests.HTTPError / urllib.error.URLError: the server refused or could not be reached.
        ChecksumError: the bytes do not match ``checksums``; nothing is left at ``dest``.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    checksums = {k: v for k, v in (checksums or {}).items() if v}
    raw_tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex}.download"
    try:
        with _open_source(source, timeout) as (stream, size), open(raw_tmp, "wb") as out:
            done, next_report = 0, progress_every
            while chunk := stream.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if done >= next_report:
                    pct = f" ({100 * done / size:.1f}%)" if size else ""
                    log.info("downloaded %.1f MiB%s of %s", done / 2**20, pct, source)
                    next_report += progress_every
        log.info("fetched %s: %d bytes", source, done)
        verify_checksum(raw_tmp, checksums, source)
        with open(raw_tmp, "rb") as fh:
            is_gzip = fh.read(2) == GZIP_MAGIC
        with atomic_path(dest) as final_tmp:
            if decompress and is_gzip:
                with gzip.open(raw_tmp, "rb") as src, open(final_tmp, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            else:
                shutil.copyfile(raw_tmp, final_tmp)
    finally:
        raw_tmp.unlink(missing_ok=True)
    return dest


def is_url(source: str) -> bool:
    """True when ``source`` is an http(s), ftp or file URL rather than a local path."""
    return _is_url(source)
