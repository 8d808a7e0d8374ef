"""The transfer stages (rule group transfer): the cross-dataset matrix and the comparison with DeepChromeHiC's published results."""

from __future__ import annotations

import logging

import pandas as pd

from dnazoo.io import read_table, write_table
from dnazoo.pipeline.common import configure_backend

log = logging.getLogger("dnazoo")


def transfer_stage(model: str, model_path, train_dataset: str, test_dirs: dict, out, threads: int = 1) -> pd.DataFrame:
    """Rows of the transfer matrix for one trained model: its test AUROC / Pearson r on every
    transfer dataset (:func:`dnazoo.evaluation.transfer.transfer_table`)."""
    from dnazoo.evaluation.transfer import transfer_table

    configure_backend(threads, model)
    df = transfer_table(model, model_path, train_dataset, test_dirs)
    log.info("%s trained on %s:\n%s", model, train_dataset, df.to_string(index=False))
    write_table(df, out)
    return df


def transfer_matrix_stage(tables: list, out_table, out_dir, note: str = "") -> pd.DataFrame:
    """The long transfer table (columns of ``auc+pearson.csv``) and its figures."""
    from dnazoo.plots.transfer import plot_transfer

    df = pd.concat([read_table(t) for t in tables], ignore_index=True)
    write_table(df, out_table)
    plot_transfer(df, out_dir, note)
    return df


def compare_original_stage(summary, original_csv, split_note: str, out_table, out_stem) -> pd.DataFrame:
    """dnazoo's within-dataset AUROC beside DeepChromeHiC's published ``auc+pearson.csv``."""
    from dnazoo.evaluation.transfer import compare_with_original, read_original_results
    from dnazoo.plots.transfer import plot_comparison_with_original

    table = compare_with_original(read_table(summary), read_original_results(original_csv))
    write_table(table, out_table)
    plot_comparison_with_original(table, split_note, out_stem)
    log.info("compared %d dataset/model pairs with the original", len(table))
    return table
