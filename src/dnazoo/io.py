"""Atomic file output, checksummed downloads and small table helpers.

Every writer in dnazoo goes through :func:`atomic_path`, so a crashed or killed job never leaves a
half-written output behind: data are written to a temporary file in the destination folder and
renamed into place only when complete (``os.replace`` is atomic on POSIX file systems).
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import io
import logging
import os
import shutil
import urllib.parse
import urllib.request
import uuid
import zlib
from pathlib import Path
from typing import IO, Callable, Iterator

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


def open_maybe_gzip(path: str | os.PathLike, mode: str = "rt", **kwargs):
    """Open ``path`` for reading, through gzip when its first bytes are the gzip magic number
    (whatever its name); ``mode`` ``rt`` or ``rb``, ``kwargs`` for the text layer (``errors``)."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == GZIP_MAGIC
    return gzip.open(path, mode, **kwargs) if gz else open(path, mode, **kwargs)


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
    except OSError as err:
        tmp_path.unlink(missing_ok=True)
        if err.errno == errno.ENOSPC and str(dest) not in str(err):
            raise disk_full(dest) from err
        raise
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def disk_full(dest: str | os.PathLike, need: int | None = None) -> OSError:
    """The ``OSError`` (errno ENOSPC) raised when ``dest`` cannot be written for lack of space."""
    size = f" ({need / 2**20:.1f} MiB)" if need else ""
    return OSError(errno.ENOSPC, f"no space left on device: the disk is full, so {dest}{size} could not be "
                   "written; free space there (or run the workflow on a larger disk) and rerun")


@contextlib.contextmanager
def npy_rows(dest: str | os.PathLike, shape: tuple[int, ...], dtype) -> Iterator[Callable[[np.ndarray], None]]:
    """Write a ``.npy`` of ``shape``/``dtype`` row block by row block, atomically and without a
    memory map; yields ``write(block)``, which appends ``(k, *shape[1:])`` rows.

    The file's full size is reserved first (``posix_fallocate``), so a full disk fails at once
    with an ``OSError`` naming ``dest``; a memory-mapped output would die of SIGBUS instead.
    Where the file system cannot reserve space, a write that finds the disk full raises the same
    error. The result opens with ``np.load(dest, mmap_mode='r')``.

    Raises:
        OSError: errno ENOSPC, naming ``dest`` and its size; nothing is left behind.
        ValueError: fewer or more rows written than ``shape[0]``.
    """
    dtype = np.dtype(dtype)
    need = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    with atomic_path(dest, suffix=".npy") as tmp, open(tmp, "wb") as fh:
        np.lib.format.write_array_header_2_0(
            fh, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": tuple(shape)})
        fh.flush()
        total = fh.tell() + need
        try:
            os.posix_fallocate(fh.fileno(), 0, total)
        except OSError as err:
            if err.errno == errno.ENOSPC:
                raise disk_full(dest, need) from err
            # EOPNOTSUPP / EINVAL: this file system cannot reserve space; writes still check.
        rows = [0]

        def write(block: np.ndarray) -> None:
            block = np.ascontiguousarray(block, dtype=dtype)
            fh.write(block.tobytes())
            rows[0] += len(block)

        yield write
        if rows[0] != shape[0]:
            raise ValueError(f"{dest}: wrote {rows[0]} rows, expected {shape[0]}")


def write_table(df: pd.DataFrame, dest: str | os.PathLike) -> None:
    """Write a tab-separated table atomically (gzip-compressed when ``dest`` ends in ``.gz``).

    The gzip header carries no time stamp and no file name (``mtime=0``), so the same table
    gives the same bytes on every run."""
    dest = Path(dest)
    with atomic_path(dest) as tmp:
        if dest.suffix == ".gz":
            with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz, \
                    io.TextIOWrapper(gz, encoding="utf-8", newline="") as text:
                df.to_csv(text, sep="\t", index=False)
        else:
            df.to_csv(tmp, sep="\t", index=False)


def save_npz(dest: str | os.PathLike, **arrays: np.ndarray) -> None:
    """Save arrays as an uncompressed ``.npz`` atomically, with fixed zip time stamps (1980-01-01)
    and sorted members, so the same arrays give the same bytes on every run (``np.savez`` stamps
    the current time). Reopen with ``np.load(dest)``."""
    import zipfile

    with atomic_path(dest, suffix=".npz") as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a tab-separated table written by :func:`write_table`."""
    return pd.read_csv(path, sep="\t", compression="infer")


def save_npy(array: np.ndarray, dest: str | os.PathLike) -> None:
    """Save ``array`` as ``.npy`` atomically; reopen with ``np.load(dest, mmap_mode='r')``."""
    with atomic_path(dest, suffix=".npy") as tmp:
        np.save(tmp, array)


def file_digest(path: str | os.PathLike, algorithm: str, gunzip: bool = False) -> str:
    """Hex digest of a file (``algorithm`` is a :mod:`hashlib` name such as ``md5`` or ``sha256``);
    with ``gunzip``, of the decompressed content of a gzip file."""
    with (gzip.open if gunzip else open)(path, "rb") as fh:
        return hashlib.file_digest(fh, algorithm).hexdigest()


def verify_checksum(path: str | os.PathLike, checksums: dict[str, str], source: str = "",
                    gunzip: bool = False) -> None:
    """Check ``path`` (with ``gunzip``: its decompressed content) against every
    ``{algorithm: hexdigest}`` in ``checksums``.

    Raises:
        ChecksumError: naming the file, the source and both digests, on the first mismatch.
    """
    for algorithm, expected in checksums.items():
        got = file_digest(path, algorithm, gunzip)
        if got.lower() != expected.lower():
            raise ChecksumError(
                f"{algorithm} checksum mismatch for {source or path}: expected {expected}, got {got}"
            )


#: Environment variable naming offline mirror folders (``os.pathsep``-separated); the config's
#: ``mirror:`` setting is added to it by the workflow.
MIRROR_ENV = "DNAZOO_MIRROR"


def _as_list(paths) -> list:
    """A path, a list of paths, or None, as a list."""
    return [paths] if isinstance(paths, (str, os.PathLike)) else list(paths or [])


def mirror_dirs(extra=None) -> list[Path]:
    """The offline mirror folders: ``extra`` (a path or a list of them, e.g. the config's ``mirror:``)
    then those in ``$DNAZOO_MIRROR``.

    Raises:
        FileNotFoundError: a named folder that does not exist.
    """
    names = _as_list(extra) + [p for p in os.environ.get(MIRROR_ENV, "").split(os.pathsep) if p]
    out = []
    for name in names:
        path = Path(name).expanduser()
        if not path.is_dir():
            raise FileNotFoundError(f"offline mirror {name}: no such folder (mirror: or ${MIRROR_ENV})")
        if path not in out:
            out.append(path)
    return out


def use_mirror(extra=None) -> list[Path]:
    """Put the folders ``extra`` (the config's ``mirror:``: a path or a list; resolved against the
    working directory) first in ``$DNAZOO_MIRROR`` of this process, so the jobs it starts inherit
    them, and return every mirror folder (:func:`mirror_dirs`).

    Raises:
        FileNotFoundError: a named folder that does not exist.
    """
    dirs = mirror_dirs([Path(n).expanduser().resolve() for n in _as_list(extra)])
    if dirs:
        os.environ[MIRROR_ENV] = os.pathsep.join(str(d) for d in dirs)
    return dirs


def find_in_mirror(source: str, checksums: dict[str, str] | None = None,
                   mirrors: list[Path] | None = None) -> Path | None:
    """A file of an offline mirror that stands for the URL ``source``: a file of the same name
    (searched recursively in each folder of :func:`mirror_dirs`, in order) whose checksums match
    ``checksums``; with no checksum, the first file of that name. A gzipped copy (the name plus
    ``.gz``, for a source that is not itself ``.gz``) stands for it too when its decompressed
    content matches the checksums (:func:`fetch` decompresses it). None when no folder has the name.

    Raises:
        ChecksumError: every file of that name has another checksum (naming each, and the URL);
            nothing from the mirror is used.
    """
    mirrors = mirror_dirs() if mirrors is None else mirrors
    name = Path(urllib.parse.unquote(urllib.parse.urlparse(source).path)).name
    if not mirrors or not name:
        return None
    checksums = {k: v for k, v in (checksums or {}).items() if v}
    wrong = []
    names = [name] if name.endswith(".gz") else [name, name + ".gz"]
    for folder in mirrors:
        for candidate in (c for n in names for c in sorted(folder.rglob(n))):
            if not candidate.is_file():
                continue
            if not checksums:
                return candidate
            try:
                verify_checksum(candidate, checksums, f"{candidate} (mirror copy of {source})",
                                gunzip=candidate.name != name)
                return candidate
            except ChecksumError as err:
                wrong.append(str(err))
    if wrong:
        raise ChecksumError("the offline mirror has " + name + " only with the wrong checksum, so it is not used: "
                            + "; ".join(wrong))
    return None


def _is_url(source: str) -> bool:
    return urllib.parse.urlparse(source).scheme in {"http", "https", "ftp", "file"}


class DownloadError(OSError):
    """A download failed: unreachable host, HTTP error, truncated or corrupt data. The message names
    the URL (and, where given, what it was for)."""


#: An HTTP body up to this size is read in one request, so urllib3's ``Retry`` also retries a
#: connection dropped mid-body (``IncompleteRead``); larger bodies are streamed to disk (urllib3
#: cannot retry those) and a truncation is reported as an error naming the URL.
PRELOAD_MAX_BYTES = 2 << 30


def http_retry():  # -> urllib3.util.retry.Retry (urllib3 imported on use)
    """urllib3's retry policy for downloads: 5 tries with exponential backoff (1, 2, 4, 8 s) on
    connection and read errors (including a body cut short of its Content-Length) and on HTTP
    429/500/502/503/504; 2 tries to connect (an unresolvable host fails within seconds)."""
    from urllib3.util.retry import Retry

    return Retry(total=5, connect=2, read=5, backoff_factor=1.0,
                 status_forcelist=(429, 500, 502, 503, 504), raise_on_status=True)


def _describe_http_error(err: Exception) -> str:
    """Plain words for a urllib3 failure: the innermost reason, e.g. 'could not resolve host ...'."""
    import urllib3.exceptions as ue

    reason = getattr(err, "reason", None) or err
    if isinstance(reason, ue.NameResolutionError):
        host = getattr(getattr(reason, "conn", None), "host", "") or ""
        return f"could not resolve host {host} (no network, or a misspelt host name)".replace("host  ", "host ")
    if isinstance(reason, ue.NewConnectionError):
        return f"could not connect ({reason})"
    if isinstance(reason, ue.ResponseError):
        return f"the server kept answering with an error ({reason})"
    if isinstance(reason, ue.ProtocolError):
        return f"the connection broke while reading the body ({reason})"
    return str(reason)


def _http_download(url: str, out: IO[bytes], timeout: float, progress_every: int) -> tuple[int, int | None]:
    """Write the body of ``url`` to ``out``; return (bytes written, Content-Length or None)."""
    import urllib3
    import urllib3.exceptions as ue

    pool = urllib3.PoolManager(retries=http_retry(), timeout=urllib3.Timeout(connect=timeout, read=timeout))
    try:
        head = pool.request("HEAD", url)
        announced = head.headers.get("Content-Length") if head.status < 400 else None
        size = int(announced) if announced and announced.isdigit() else None
        if size is not None and size > PRELOAD_MAX_BYTES:
            resp = pool.request("GET", url, preload_content=False, decode_content=False)
            done, next_report = 0, progress_every
            try:
                for chunk in resp.stream(1 << 20, decode_content=False):
                    out.write(chunk)
                    done += len(chunk)
                    if done >= next_report:
                        log.info("downloaded %.1f MiB (%.1f%%) of %s", done / 2**20, 100 * done / size, url)
                        next_report += progress_every
            finally:
                resp.release_conn()
        else:
            log.info("downloading %s%s", url, f" ({size / 2**20:.1f} MiB)" if size else "")
            resp = pool.request("GET", url, preload_content=True, decode_content=False)
            out.write(resp.data)
            done = len(resp.data)
    except (ue.HTTPError, OSError) as err:
        raise DownloadError(f"could not download {url}: {_describe_http_error(err)}") from err
    if resp.status >= 400:
        raise DownloadError(f"could not download {url}: HTTP {resp.status} {resp.reason}")
    length = resp.headers.get("Content-Length")
    return done, int(length) if length and length.isdigit() else size


def _copy_other(source: str, out: IO[bytes], timeout: float) -> tuple[int, int | None]:
    """Copy an ftp/file URL or a local path to ``out``; return (bytes written, announced size or None)."""
    scheme = urllib.parse.urlparse(source).scheme
    if scheme in {"ftp", "file"}:
        try:
            with urllib.request.urlopen(source, timeout=timeout) as resp:  # noqa: S310 - ftp/file only
                size = resp.headers.get("Content-Length") if resp.headers else None
                shutil.copyfileobj(resp, out, 1 << 20)
                return out.tell(), int(size) if size and size.isdigit() else None
        except OSError as err:
            raise DownloadError(f"could not download {source}: {getattr(err, 'reason', err)}") from err
    path = Path(source).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"input file not found: {path}")
    with open(path, "rb") as fh:
        shutil.copyfileobj(fh, out, 1 << 20)
    return out.tell(), path.stat().st_size


def check_gzip(path: str | os.PathLike, source: str = "") -> None:
    """Read a gzip file to its end, so a truncated or corrupt download fails here, by name.

    Raises:
        DownloadError: the stream ends early or fails its CRC, naming ``source`` (a URL or path).
    """
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 22):
                pass
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise DownloadError(f"{source or path} is a truncated or corrupt gzip file ({err}); "
                            "download it again, or check the URL") from err


def fetch(
    source: str,
    dest: str | os.PathLike,
    checksums: dict[str, str] | None = None,
    decompress: bool = True,
    timeout: float = 60.0,
    progress_every: int = 64 << 20,
) -> Path:
    """Copy ``source`` (http, https, ftp or file URL, or a local path) to ``dest`` atomically.

    A URL whose file an offline mirror holds (:func:`find_in_mirror`: ``$DNAZOO_MIRROR``, and the
    config's ``mirror:``) is copied from the mirror instead, and the log says so.

    Checks, in order, on the bytes as served (i.e. on the compressed file when the source is gzip):
    the length against the announced ``Content-Length`` (or the file size), the checksums
    (``{"md5": ..., "sha256": ...}``), and for a gzip source the whole gzip stream (a truncated
    download without a checksum or a length still fails). With ``decompress=True`` a gzip
    source is decompressed into ``dest``. HTTP retries are urllib3's ``Retry``
    (:func:`http_retry`); bodies up to :data:`PRELOAD_MAX_BYTES` are read in one request, so a
    connection dropped mid-body is retried too.

    Returns:
        ``dest`` as a :class:`Path`.

    Raises:
        FileNotFoundError: a local path that does not exist.
        DownloadError: unreachable host, an HTTP error status, fewer bytes than announced, or a
            truncated/corrupt gzip stream; the message names the URL.
        ChecksumError: the bytes do not match ``checksums``, or the mirror's file of that name
            does not.

    Nothing is left at ``dest`` (or beside it) when any check fails.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    checksums = {k: v for k, v in (checksums or {}).items() if v}
    if urllib.parse.urlparse(source).scheme in {"http", "https", "ftp"}:
        local = find_in_mirror(source, checksums)
        if local is not None:
            log.info("offline mirror: %s stands for %s (%s); not downloaded", local, source,
                     "checksum verified" if checksums else "matched by file name; the source has no checksum")
            gunzip_mirror = local.name != Path(urllib.parse.unquote(urllib.parse.urlparse(source).path)).name
            source = str(local)
    else:
        gunzip_mirror = False
    raw_tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex}.download"
    try:
        with open(raw_tmp, "wb") as out:
            if urllib.parse.urlparse(source).scheme in {"http", "https"}:
                done, size = _http_download(source, out, timeout, progress_every)
            elif gunzip_mirror:  # a gzipped mirror copy of an uncompressed source
                with gzip.open(source, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                done, size = out.tell(), None
            else:
                done, size = _copy_other(source, out, timeout)
        if size is not None and done != size:
            raise DownloadError(f"could not download {source}: got {done} bytes of the announced {size}")
        log.info("fetched %s: %d bytes (md5 %s)", source, done, file_digest(raw_tmp, "md5"))
        verify_checksum(raw_tmp, checksums, source)
        with open(raw_tmp, "rb") as fh:
            is_gzip = fh.read(2) == GZIP_MAGIC
        with atomic_path(dest) as final_tmp:
            if decompress and is_gzip:
                try:
                    with gzip.open(raw_tmp, "rb") as src, open(final_tmp, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
                except (EOFError, gzip.BadGzipFile, zlib.error) as err:
                    raise DownloadError(f"{source} is a truncated or corrupt gzip file ({err}); "
                                        "download it again, or check the URL") from err
            else:
                if is_gzip:
                    check_gzip(raw_tmp, source)
                shutil.copyfile(raw_tmp, final_tmp)
    finally:
        raw_tmp.unlink(missing_ok=True)
    return dest


def is_url(source: str) -> bool:
    """True when ``source`` is an http(s), ftp or file URL rather than a local path."""
    return _is_url(source)


def bsd_sum(path: str | os.PathLike) -> tuple[int, int]:
    """The BSD checksum of a file as ``sum`` (coreutils, default ``-r``) prints it: ``(checksum,
    1,024-byte blocks)``. Ensembl's ``CHECKSUMS`` files list this, not md5; Python's ``hashlib``
    does not have it.

    The 16-bit checksum rotates right by one bit and adds each byte (modulo 2^16).
    """
    import numpy as np

    checksum, size = 0, 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            size += len(chunk)
            for b in np.frombuffer(chunk, dtype=np.uint8).tolist():
                checksum = ((checksum >> 1) | ((checksum & 1) << 15)) + b & 0xFFFF
    return checksum, -(-size // 1024)


def fetch_member(source: str, member: str, dest: str | os.PathLike, checksums: dict[str, str] | None = None,
                 archives: str | os.PathLike = "resources/archives") -> Path:
    """Take file ``member`` out of the tar archive at ``source`` (any URL or path :func:`fetch`
    takes; e.g. DeepSEA's ``deepsea_train_bundle.v0.9.tar.gz``) and write it to ``dest``
    atomically, gunzipped when the member is gzip.

    The archive is fetched once into ``archives`` (checked against ``checksums``, which are the
    archive's) and kept there for the other members; jobs that need the same archive at the same
    time wait on a file lock instead of downloading it twice.

    Raises:
        DownloadError / ChecksumError / FileNotFoundError: from :func:`fetch`.
        DownloadError: not a tar archive, or no member of that name (the message lists a few).
    """
    import fcntl
    import tarfile

    archives = Path(archives)
    archives.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(source.encode()).hexdigest()[:12]
    archive = archives / f"{key}_{Path(urllib.parse.urlparse(source).path).name or 'archive'}"
    with open(archives / f".{archive.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not archive.exists():
            fetch(source, archive, checksums, decompress=False)
    try:
        with tarfile.open(archive) as tar:
            try:
                info = tar.getmember(member)
            except KeyError:
                names = tar.getnames()
                raise DownloadError(f"{source}: the archive has no member {member!r} (it has {len(names)}, e.g. "
                                    f"{names[:5]})") from None
            with tar.extractfile(info) as fh, atomic_path(dest) as tmp:
                head = fh.read(2)
                stream = gzip.GzipFile(fileobj=_Prefixed(head, fh)) if head == GZIP_MAGIC else _Prefixed(head, fh)
                with open(tmp, "wb") as out:
                    shutil.copyfileobj(stream, out, 16 << 20)
    except tarfile.TarError as err:
        archive.unlink(missing_ok=True)
        raise DownloadError(f"{source}: not a readable tar archive ({err}); {archive} was removed") from None
    return Path(dest)


class _Prefixed(io.RawIOBase):
    """A readable stream: ``head`` bytes already read, then the rest of ``fh``."""

    def __init__(self, head: bytes, fh):
        self._head, self._fh = head, fh

    def readable(self):
        return True

    def readinto(self, buf):
        if self._head:
            n = min(len(buf), len(self._head))
            buf[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._fh.read(len(buf))
        buf[:len(data)] = data
        return len(data)


def read_ensembl_checksums(path: str | os.PathLike) -> dict[str, tuple[int, int]]:
    """An Ensembl ``CHECKSUMS`` file (lines ``<sum> <blocks> <file name>``) as ``{file name: (sum, blocks)}``.

    Raises:
        ValueError: a line that is not three fields of which the first two are integers (file and line named).
    """
    out = {}
    for i, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
            raise ValueError(f"{path}, line {i}: not an Ensembl CHECKSUMS line '<sum> <blocks> <file>': {line!r}")
        out[parts[2]] = (int(parts[0]), int(parts[1]))
    return out


def fetch_parts(urls: list[str], dest: str | os.PathLike, checksums_file: str | None = None,
                timeout: float = 60.0) -> Path:
    """Fetch several (gzip) FASTA parts, e.g. one Ensembl chromosome each, and concatenate them,
    decompressed and in order, into ``dest`` (atomically).

    Args:
        urls: URLs or paths of the parts.
        checksums_file: URL or path of Ensembl's ``CHECKSUMS`` (BSD ``sum`` per file name,
            :func:`bsd_sum`); every part must be listed there and match. None: no checksum (the
            length and gzip checks of :func:`fetch` still apply).

    Raises:
        ChecksumError: a part whose BSD sum differs from the list, or that the list lacks (naming both).
        DownloadError, FileNotFoundError: as :func:`fetch`.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.parent / f".{dest.name}.{uuid.uuid4().hex}.parts"
    work.mkdir()
    try:
        listed = None
        if checksums_file:
            listed = read_ensembl_checksums(fetch(checksums_file, work / "CHECKSUMS", decompress=False,
                                                  timeout=timeout))
        with atomic_path(dest) as tmp, open(tmp, "wb") as out:
            for i, url in enumerate(urls):
                name = url.rstrip("/").rsplit("/", 1)[-1]
                raw = fetch(url, work / f"{i}.raw", decompress=False, timeout=timeout)
                if listed is not None:
                    if name not in listed:
                        raise ChecksumError(f"{checksums_file} lists no {name!r} (the part {url})")
                    got = bsd_sum(raw)
                    if got != listed[name]:
                        raise ChecksumError(f"BSD sum mismatch for {url}: {checksums_file} gives {listed[name]}, "
                                            f"got {got}")
                    log.info("%s: BSD sum %s matches %s", url, got, checksums_file)
                with open(raw, "rb") as fh:
                    gz = fh.read(2) == GZIP_MAGIC
                with (gzip.open(raw, "rb") if gz else open(raw, "rb")) as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                raw.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest
