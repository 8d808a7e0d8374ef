"""Labelled sequences -> canonical sequence table."""
from dnazoo.pipeline.common import setup_logging
from dnazoo.pipeline.data import read_sequences_stage

sm = snakemake  # noqa: F821  (injected by Snakemake)
setup_logging(sm.log[0], sm.params.copies)

ds = sm.params.ds
read_sequences_stage(ds["train"], ds.get("test"), ds.get("negatives", {}), sm.input.train,
                            sm.input.get("test"), sm.output.table, fasta=sm.input.get("fasta"), window=sm.params.window,
                            validation=ds.get("validation"), validation_path=sm.input.get("validation"), ds=dict(ds),
                            label_files={p: sm.input.get(f"{p}_labels") for p in ("train", "validation", "test")},
                            label_names_path=sm.input.get("label_names"), overlap_out=sm.output.overlap,
                            dataset=sm.wildcards.dataset)
