"""The profile task's data: simulated bigWig tracks and binned coverage per window."""

import numpy as np
import pandas as pd
import pytest

from dnazoo.config import SCHEMA
from dnazoo.pipeline.data import coverage_stage, simulate_profile_stage
from dnazoo.data.simulate import PROFILE_MOTIFS, ProfileParams, simulate_profile

pytest.importorskip("pybigtools")


def test_simulated_peaks_sit_on_the_planted_motifs():
    p = ProfileParams(seed=3, n_chromosomes=3, chrom_length=200_000, window=1000, sites_per_window=0.5)
    genome, regions, tracks = simulate_profile(p)
    again = simulate_profile(p)
    assert all(np.array_equal(genome[c], again[0][c]) for c in genome)  # deterministic from the seed
    assert len(regions) == 3 * 190 and (regions["end"] - regions["start"] == 1000).all()
    for track in PROFILE_MOTIFS:
        # windows with sites hold far more reads than windows without (the first 10 kb are N)
        per_window = np.concatenate([(tracks[track][c] * p.resolution).reshape(-1, p.window // p.resolution)
                                     .sum(axis=1)[10:] for c in genome])
        n_sites = regions[f"n_{track}"].to_numpy()
        # background 0.05 x 1,000 bp = 50 reads; a site adds ~ 2 x sqrt(2 pi) x 20 = 100
        assert per_window[n_sites > 0].mean() > 2.5 * per_window[n_sites == 0].mean()
        assert per_window[n_sites == 0].mean() == pytest.approx(50, rel=0.15)
        assert (regions[f"n_{track}"] > 0).mean() == pytest.approx(1 - np.exp(-0.5), abs=0.06)


def test_coverage_bins_sum_the_bigwig_counts(tmp_path):
    fasta, bed = tmp_path / "g.fa", tmp_path / "r.bed"
    tracks = {t: tmp_path / f"{t}.bw" for t in PROFILE_MOTIFS}
    simulate_profile_stage({"seed": 2, "n_chromosomes": 3, "chrom_length": 100_000}, 1000, fasta, bed, tracks)
    table = coverage_stage(fasta, bed, tracks, 1000, 50, tmp_path / "t.tsv.gz", tmp_path / "c.npy")
    cov = np.load(tmp_path / "c.npy")
    assert cov.shape == (len(table), 50, 2) and len(table) == 3 * 90
    _, regions, simulated = simulate_profile(ProfileParams(seed=2, n_chromosomes=3, chrom_length=100_000))
    c, start = table.loc[5, "chrom"], int(table.loc[5, "start"])
    want = simulated["ctcf"][c][start // 10:(start + 1000) // 10].reshape(50, 2).sum(axis=1) * 10
    assert np.allclose(cov[5, :, 0], want, atol=1e-3)
    assert table.loc[5, "sequence"] == pd.read_csv(tmp_path / "t.tsv.gz", sep="\t").loc[5, "sequence"]
    tiled = coverage_stage(fasta, None, tracks, 1000, 50, tmp_path / "t2.tsv.gz", tmp_path / "c2.npy")
    assert len(tiled) == len(table)  # tiling the genome skips the all-N telomere windows
    with pytest.raises(ValueError, match="bins do not divide"):
        coverage_stage(fasta, bed, tracks, 1000, 30, tmp_path / "t3.tsv.gz", tmp_path / "c3.npy")


def test_profile_config_errors_name_the_key():
    from dnazoo.config import ConfigError, check

    base = {"kind": "sequences", "task": "profile", "window": 1000, "bins": 30, "simulate": {"seed": 1}}
    with pytest.raises(ConfigError, match=r"datasets.p.bins: 30 bins do not divide the 1000-bp window"):
        check({"datasets": {"p": dict(base)}, "models": ["dilated_cnn"]})
    with pytest.raises(ConfigError, match="takes the tasks"):
        check({"datasets": {"p": {**base, "bins": 50}}, "models": ["deepbind"]})


def _schema_error(config: dict) -> str:
    """The schema's complaint about ``config`` ('' when it validates): snakemake.utils.validate,
    the validator the workflow runs first."""
    from snakemake.utils import validate

    try:
        validate(config, str(SCHEMA), set_default=False)
    except Exception as err:  # snakemake's WorkflowError wraps jsonschema's ValidationError
        return str(err)
    return ""


def test_regression_on_coverage_validates_only_with_a_coverage_source():
    """task: regression takes a file's label columns, or coverage (tracks on a genome, or the
    profile simulation) but then no bins and no train file; tracks on a binary task are refused."""
    sim = {"kind": "sequences", "task": "regression", "window": 1024, "simulate": {"seed": 1}}
    tracks = {"kind": "sequences", "task": "regression", "window": 1024, "genome": "g",
              "tracks": {"ctcf": {"path": "ctcf.bw"}}}
    ok = [sim, tracks, {"kind": "sequences", "task": "regression", "window": 101,
                        "train": {"path": "t.csv", "format": "csv"}, "label_columns": ["y"]}]
    for ds in ok:
        assert _schema_error({"datasets": {"d": ds}, "models": ["dilated_cnn"], "genomes": {"g": {"path": "g.fa"}}}) == ""
    bad = [{**sim, "bins": 4}, {k: v for k, v in tracks.items() if k != "genome"},
           {**sim, "train": {"path": "t.csv", "format": "csv"}}, {**tracks, "task": "binary", "train": {"path": "t.csv", "format": "csv"}},
           {"kind": "sequences", "task": "regression", "window": 101}]
    for ds in bad:
        assert _schema_error({"datasets": {"d": ds}, "models": ["dilated_cnn"], "genomes": {"g": {"path": "g.fa"}}}), ds
    from dnazoo.config import coverage_task

    assert coverage_task(sim) and coverage_task(tracks) and not coverage_task(ok[2])
    assert not coverage_task({**tracks, "kind": "pairs"})


def test_a_bigwig_under_any_file_name_gives_exact_window_sums(tmp_path):
    """The workflow's local copy of a user's bigWig is named track_<name>.raw: it is read by content,
    and a 4,000-bp window's total is the exact sum of its base-pair values (not the zoom levels'
    approximation)."""
    import shutil

    fasta, bed = tmp_path / "g.fa", tmp_path / "r.bed"
    made = {t: tmp_path / f"{t}.bw" for t in PROFILE_MOTIFS}
    simulate_profile_stage({"seed": 3, "n_chromosomes": 2, "chrom_length": 200_000}, 4000, fasta, bed, made)
    tracks = {}
    for t, path in made.items():
        tracks[t] = tmp_path / f"track_{t}.raw"
        shutil.copyfile(path, tracks[t])
    table = coverage_stage(fasta, bed, tracks, 4000, 1, tmp_path / "t.tsv.gz", tmp_path / "c.npy")
    cov = np.load(tmp_path / "c.npy")
    _, _, simulated = simulate_profile(ProfileParams(seed=3, n_chromosomes=2, chrom_length=200_000, window=4000))
    for j, t in enumerate(PROFILE_MOTIFS):
        want = np.array([simulated[t][c][s // 10:(s + 4000) // 10].sum() * 10
                         for c, s in zip(table["chrom"], table["start"].astype(int))])
        assert np.allclose(cov[:, 0, j], want, rtol=1e-5, atol=1e-3), t
    (tmp_path / "bad.raw").write_bytes(b"not a bigwig")
    with pytest.raises(ValueError, match=r"bad.raw \(track 'ctcf'\): not a readable bigWig"):
        coverage_stage(fasta, bed, {"ctcf": tmp_path / "bad.raw"}, 4000, 1, tmp_path / "t2.tsv.gz", tmp_path / "c2.npy")
