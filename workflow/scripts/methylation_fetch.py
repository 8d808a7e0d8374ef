"""Copy one configured methylation profile (kept gzip; checksum verified)."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.io import fetch

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0])

src = dict(sm.params.source)
fetch(src.get("url") or src["path"], sm.output[0], {k: src.get(k) for k in ("md5", "sha256")}, decompress=False)
