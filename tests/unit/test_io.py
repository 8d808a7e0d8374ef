import contextlib
import gzip
import hashlib
import socketserver
import threading

import numpy as np
import pytest

from conftest import random_dna
from dnazoo.io import ChecksumError, DownloadError, atomic_path, fetch


def test_fetch_over_http_gunzips_and_checks_md5(http_root, tmp_path):
    root, base = http_root
    payload = b">chr1\nACGT\n"
    (root / "g.fa.gz").write_bytes(gzip.compress(payload))
    md5 = hashlib.md5((root / "g.fa.gz").read_bytes()).hexdigest()
    dest = fetch(f"{base}/g.fa.gz", tmp_path / "out" / "g.fa", {"md5": md5})
    assert dest.read_bytes() == payload


def test_checksum_mismatch_leaves_nothing(http_root, tmp_path):
    root, base = http_root
    (root / "t.tsv").write_text("x\n")
    with pytest.raises(ChecksumError, match=r"md5 checksum mismatch for http://127.0.0.1:\d+/t.tsv"):
        fetch(f"{base}/t.tsv", tmp_path / "t.tsv", {"md5": "0" * 32})
    assert list(tmp_path.iterdir()) == []


def test_fetch_local_path_and_missing(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("hello")
    assert fetch(str(src), tmp_path / "b.txt").read_text() == "hello"
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        fetch(str(tmp_path / "nope.txt"), tmp_path / "c.txt")
    assert not (tmp_path / "c.txt").exists()


def test_http_404_raises(http_root, tmp_path):
    _, base = http_root
    with pytest.raises(DownloadError, match=r"could not download http://127.0.0.1:\d+/missing.gz: HTTP 404"):
        fetch(f"{base}/missing.gz", tmp_path / "m")
    assert list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def flaky_server(body: bytes, cut_first: int, announce: bool = True, cut_at: int | None = None):
    """A loopback HTTP server whose first ``cut_first`` GETs send only part of ``body`` and close
    (a dropped connection); HEAD answers normally. Yields (url, {"get": count})."""
    calls = {"get": 0}

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            request = self.rfile.readline().decode()
            while self.rfile.readline() not in (b"\r\n", b""):
                pass
            head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n"
            if announce:
                head += f"Content-Length: {len(body)}\r\n".encode()
            if request.startswith("HEAD"):
                self.wfile.write(head + b"\r\n")
                return
            calls["get"] += 1
            cut = len(body) // 2 if cut_at is None else cut_at
            self.wfile.write(head + b"\r\n" + (body[:cut] if calls["get"] <= cut_first else body))

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data.gz", calls
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_backoff(monkeypatch):
    from dnazoo import io

    fast = io.http_retry().new(backoff_factor=0)
    monkeypatch.setattr(io, "http_retry", lambda: fast)


def test_a_dropped_connection_is_retried_by_urllib3(tmp_path, no_backoff):
    body = gzip.compress(b"ACGT" * 5000, mtime=0)
    with flaky_server(body, cut_first=2) as (url, calls):
        dest = fetch(url, tmp_path / "d.txt")
    assert dest.read_bytes() == b"ACGT" * 5000
    assert calls["get"] == 3  # two broken bodies, then the whole one


def test_a_body_short_of_its_content_length_fails_naming_the_url(tmp_path, no_backoff):
    body = gzip.compress(b"ACGT" * 5000, mtime=0)
    with flaky_server(body, cut_first=99) as (url, _), pytest.raises(DownloadError) as err:
        fetch(url, tmp_path / "d.txt")
    assert url in str(err.value) and "connection broke" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_gzip_without_length_or_checksum_fails_naming_the_url(tmp_path, no_backoff):
    body = gzip.compress(bytes(random_dna(20000), "ascii"), mtime=0)
    for decompress in (True, False):
        with flaky_server(body, cut_first=99, announce=False) as (url, _), pytest.raises(DownloadError) as err:
            fetch(url, tmp_path / "d.txt", decompress=decompress)
        assert f"{url} is a truncated or corrupt gzip file" in str(err.value)
        assert list(tmp_path.iterdir()) == []


def test_an_unresolvable_host_gives_one_line_naming_the_url(tmp_path, no_backoff):
    url = "http://no-such-host.invalid/table.csv.gz"
    with pytest.raises(DownloadError) as err:
        fetch(url, tmp_path / "t.csv")
    assert str(err.value) == f"could not download {url}: could not resolve host no-such-host.invalid " \
                             "(no network, or a misspelt host name)"
    assert "\n" not in str(err.value)


def test_atomic_path_removes_partial_output(tmp_path):
    dest = tmp_path / "x.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_uncaught_error_of_a_stage_script_lands_in_the_rule_log(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "stage.py"
    log = tmp_path / "rule.log"
    script.write_text(f"from dnazoo.pipeline.common import setup_logging\nsetup_logging({str(log)!r})\n"
                      "raise ValueError('table.bedpe:2: start1 100 > end1 50')\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode != 0
    text = log.read_text()
    assert "job failed: ValueError: table.bedpe:2: start1 100 > end1 50" in text and "Traceback" in text


def test_bsd_sum_equals_coreutils_sum(tmp_path):
    import shutil
    import subprocess

    from dnazoo.io import bsd_sum

    if not shutil.which("sum"):
        pytest.skip("no sum(1) on this machine")
    p = tmp_path / "x.bin"
    p.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    want = subprocess.run(["sum", str(p)], capture_output=True, text=True, check=True).stdout.split()
    assert bsd_sum(p) == (int(want[0]), int(want[1]))


def test_genome_parts_concatenate_after_their_ensembl_checksums(tmp_path, http_root):
    import gzip

    from dnazoo.io import ChecksumError, bsd_sum, fetch_parts

    root, base = http_root
    for name, seq in (("chromosome.18.fa.gz", ">18\nACGT\n"), ("chromosome.19.fa.gz", ">19\nGGCC\n")):
        (root / name).write_bytes(gzip.compress(seq.encode(), mtime=0))
    sums = {n: bsd_sum(root / n) for n in ("chromosome.18.fa.gz", "chromosome.19.fa.gz")}
    (root / "CHECKSUMS").write_text("".join(f"{s} {b} {n}\n" for n, (s, b) in sums.items()))
    urls = [f"{base}/chromosome.18.fa.gz", f"{base}/chromosome.19.fa.gz"]
    fetch_parts(urls, tmp_path / "g.fa", f"{base}/CHECKSUMS")
    assert (tmp_path / "g.fa").read_text() == ">18\nACGT\n>19\nGGCC\n"
    (root / "CHECKSUMS").write_text(f"1 1 chromosome.18.fa.gz\n{sums['chromosome.19.fa.gz'][0]} 1 chromosome.19.fa.gz\n")
    with pytest.raises(ChecksumError, match="BSD sum mismatch for .*chromosome.18.fa.gz"):
        fetch_parts(urls, tmp_path / "h.fa", f"{base}/CHECKSUMS")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.fa"]  # nothing half-written


def test_tar_members_come_out_of_one_fetched_archive(http_root, tmp_path):
    """A `member:` source: the archive is fetched once (md5 of the archive) and each member is
    written gunzipped where it is gzip; a missing member names the archive's members."""
    import io
    import tarfile

    from dnazoo.io import fetch_member

    root, base = http_root
    buf = io.BytesIO()
    members = {"bundle/a.txt": b"alpha\n", "bundle/b.txt.gz": gzip.compress(b"beta\n")}
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (root / "bundle.tar.gz").write_bytes(buf.getvalue())
    md5 = hashlib.md5(buf.getvalue()).hexdigest()
    cache = tmp_path / "archives"
    a = fetch_member(f"{base}/bundle.tar.gz", "bundle/a.txt", tmp_path / "a", {"md5": md5}, cache)
    (root / "bundle.tar.gz").unlink()  # the second member comes from the kept archive
    b = fetch_member(f"{base}/bundle.tar.gz", "bundle/b.txt.gz", tmp_path / "b", {"md5": md5}, cache)
    assert a.read_bytes() == b"alpha\n" and b.read_bytes() == b"beta\n"
    with pytest.raises(DownloadError, match=r"no member 'bundle/c.txt'.*bundle/a.txt"):
        fetch_member(f"{base}/bundle.tar.gz", "bundle/c.txt", tmp_path / "c", {"md5": md5}, cache)
    assert not (tmp_path / "c").exists()
    (root / "x.tar.gz").write_bytes(b"not an archive")
    with pytest.raises(DownloadError, match="not a readable tar archive"):
        fetch_member(f"{base}/x.tar.gz", "a", tmp_path / "d", None, cache)
    assert not (tmp_path / "d").exists()


def test_offline_mirror_stands_for_a_url_with_its_md5(tmp_path, monkeypatch, caplog):
    """A URL whose file the mirror holds with the right md5 is copied from it, with no network
    (the host does not exist); the log says so."""
    import gzip
    import hashlib
    import logging

    from dnazoo.io import MIRROR_ENV, fetch

    mirror = tmp_path / "mirror" / "deep" / "folder"
    mirror.mkdir(parents=True)
    body = gzip.compress(b"chr1\t10\t20\n")
    (mirror / "peaks.bed.gz").write_bytes(body)
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "mirror"))
    url = "https://nonexistent.invalid/data/peaks.bed.gz"
    with caplog.at_level(logging.INFO, logger="dnazoo.io"):
        fetch(url, tmp_path / "out.bed", {"md5": hashlib.md5(body).hexdigest()})
    assert (tmp_path / "out.bed").read_bytes() == b"chr1\t10\t20\n"
    assert any("offline mirror" in r.message and "not downloaded" in r.message for r in caplog.records)
    # no md5 in the source: the file name decides
    fetch(url, tmp_path / "out2.bed")
    assert (tmp_path / "out2.bed").read_bytes() == b"chr1\t10\t20\n"


def test_offline_mirror_with_the_wrong_md5_is_an_error_and_nothing_is_used(tmp_path, monkeypatch):
    from dnazoo.io import MIRROR_ENV, ChecksumError, fetch

    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "peaks.bed").write_text("tampered\n")
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "mirror"))
    with pytest.raises(ChecksumError, match=r"offline mirror has peaks.bed only with the wrong checksum"):
        fetch("https://nonexistent.invalid/peaks.bed", tmp_path / "out.bed", {"md5": "0" * 32})
    assert not (tmp_path / "out.bed").exists() and list(tmp_path.iterdir()) == [tmp_path / "mirror"]


def test_a_gzipped_mirror_copy_stands_for_an_uncompressed_url_by_its_content_md5(tmp_path, monkeypatch):
    """Users stage files compressed (GUE's train.csv as train.csv.gz): the decompressed content is
    checked against the source's md5, and among several files of that name (one per task folder)
    only the matching one is used."""
    import gzip
    import hashlib

    from dnazoo.io import MIRROR_ENV, ChecksumError, fetch

    for task, body in (("tf0", b"sequence,label\nACGT,1\n"), ("tf1", b"sequence,label\nTTTT,0\n")):
        (tmp_path / "mirror" / task).mkdir(parents=True)
        (tmp_path / "mirror" / task / "train.csv.gz").write_bytes(gzip.compress(body))
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "mirror"))
    want = b"sequence,label\nTTTT,0\n"
    fetch("https://nonexistent.invalid/tf/1/train.csv", tmp_path / "out.csv", {"md5": hashlib.md5(want).hexdigest()})
    assert (tmp_path / "out.csv").read_bytes() == want
    with pytest.raises(ChecksumError, match="only with the wrong checksum"):
        fetch("https://nonexistent.invalid/tf/2/train.csv", tmp_path / "bad.csv", {"md5": "0" * 32})
    assert not (tmp_path / "bad.csv").exists()


def test_a_missing_mirror_folder_is_named(tmp_path, monkeypatch):
    from dnazoo.io import MIRROR_ENV, mirror_dirs

    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="offline mirror .*nowhere: no such folder"):
        mirror_dirs()


def test_configure_backend_leaves_the_backend_alone_for_a_baseline():
    """A baseline's job never imports TensorFlow; an unknown model name is an error naming it."""
    import subprocess
    import sys

    code = ("import sys\nfrom dnazoo.pipeline.common import configure_backend\n"
            "print(configure_backend(1, 'kmer_baseline'), 'tensorflow' in sys.modules, 'keras' in sys.modules)\n"
            "try:\n    configure_backend(1, 'no_such_model')\nexcept KeyError as e:\n    print('KeyError', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "False False False"
    assert out[1].startswith("KeyError") and "no_such_model" in out[1]


def test_data_stages_import_neither_the_backend_nor_scikit_learn():
    """The data jobs (simulate, read, split, windows, encode, dna2vec) import dnazoo.pipeline.data;
    scikit-learn (with SciPy's statistics, about 1 s) and the backend wait for the function that needs
    them: a random split imports scikit-learn when it runs."""
    import subprocess
    import sys

    code = ("import sys\nimport dnazoo.pipeline.data\n"
            "print(*[m in sys.modules for m in ('sklearn', 'scipy.stats', 'tensorflow', 'keras')])\n"
            "import pandas as pd\nfrom dnazoo.data.splits import _stratified_holdout\n"
            "_stratified_holdout(pd.RangeIndex(10), pd.Series([0, 1] * 5), 0.2, 0)\n"
            "print('sklearn' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["False False False False", "True"]
