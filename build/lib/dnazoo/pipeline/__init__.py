"""One function per DAG stage, grouped by rule group; ``workflow/scripts/*.py`` only unpack
``snakemake`` objects and call these.

* :mod:`dnazoo.pipeline.common`: logging to the rule's log file, source names, backend threads;
* :mod:`dnazoo.pipeline.data`: fetch, simulate, read tables, windows, split, encode, dna2vec;
* :mod:`dnazoo.pipeline.train`, :mod:`dnazoo.pipeline.evaluate`, :mod:`dnazoo.pipeline.transfer`,
  :mod:`dnazoo.pipeline.interpret`, :mod:`dnazoo.pipeline.methylation`.

Each function takes plain paths and config dictionaries, reads its inputs, calls the library
below it and writes its outputs (atomically), so the stages are unit-tested without Snakemake.
"""
