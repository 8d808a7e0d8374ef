import gzip
import hashlib

import pytest

from dnazoo.io import ChecksumError, atomic_path, fetch


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
    import requests

    _, base = http_root
    with pytest.raises(requests.HTTPError):
        fetch(f"{base}/missing.gz", tmp_path / "m")
    assert list(tmp_path.iterdir()) == []


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
    script.write_text(f"from dnazoo import stages\nstages.setup_logging({str(log)!r})\n"
                      "raise ValueError('table.bedpe:2: start1 100 > end1 50')\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert proc.returncode != 0
    text = log.read_text()
    assert "job failed: ValueError: table.bedpe:2: start1 100 > end1 50" in text and "Traceback" in text
