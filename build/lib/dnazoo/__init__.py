"""dnazoo: a reproducible Snakemake benchmark of deep-learning architectures for regulatory genomics.

The library behind the workflow (``Snakefile``, ``workflow/``); every stage is importable and
unit-tested apart from Snakemake:

* :mod:`dnazoo.data.readers`, :mod:`dnazoo.data.genome`, :mod:`dnazoo.data.simulate` — readers of interaction,
  peak, label and coverage tables; FASTA windows (0-based half-open, bp); the simulated demos.
* :mod:`dnazoo.data.splits`, :mod:`dnazoo.data.negatives` — chromosome hold-out, cv, anchor-disjoint and
  given splits; distance- and GC-matched negatives.
* :mod:`dnazoo.data.dataset` — the encoded dataset (uint8 base codes, targets, ``spec.json``).
* :mod:`dnazoo.tasks` — binary, multilabel, regression and profile tasks: head, loss, metrics.
* :mod:`dnazoo.models` — the model zoo registry, built from parts (encoder → tower → fusion →
  neck → head).
* :mod:`dnazoo.training`, :mod:`dnazoo.models.baselines`, :mod:`dnazoo.evaluation`,
  :mod:`dnazoo.evaluation.transfer`, :mod:`dnazoo.data.dna2vec` — training, baselines, metrics and figures,
  cross-dataset transfer, dna2vec k-mer embeddings.
* :mod:`dnazoo.pipeline` — one function per DAG stage, called by ``workflow/scripts``.

Run the default DAG (the simulated demo) with ``snakemake --cores 2 --resources gpu=1`` from the
repository root; see README.md.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("dnazoo")
except _metadata.PackageNotFoundError:  # run from a checkout without install (the Snakefile's PYTHONPATH)
    __version__ = "0+unknown"
