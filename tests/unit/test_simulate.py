import numpy as np
from sklearn.metrics import roc_auc_score

from dnazoo.data.encoding import decode_codes, encode_codes, reverse_complement_codes
from dnazoo.data.simulate import MOTIF, SimulationParams, simulate
from dnazoo.data.readers import read_bedpe

SMALL = SimulationParams(seed=5, n_chromosomes=3, chrom_length=600_000, n_pairs=400, motif_fidelity=1.0)


def test_simulation_is_deterministic_and_balanced():
    g1, p1 = simulate(SMALL)
    g2, p2 = simulate(SMALL)
    assert p1.equals(p2)
    assert all(np.array_equal(g1[c], g2[c]) for c in g1)
    assert p1["label"].sum() == 200 and len(p1) == 400
    _, p3 = simulate(SimulationParams(**{**SMALL.__dict__, "seed": 6}))
    assert not p1.equals(p3)


def test_planted_grammar_is_convergent_in_positives_only():
    genome, pairs = simulate(SMALL)
    fwd, rev = MOTIF, decode_codes(reverse_complement_codes(encode_codes(MOTIF)))

    def strands(chrom, start, end):
        s = genome[chrom][start - 200:end + 200].tobytes().decode()
        return (fwd in s), (rev in s)

    for _, r in pairs.iterrows():
        a1 = strands(r.chrom1, r.start1, r.end1)
        a2 = strands(r.chrom2, r.start2, r.end2)
        if r.label == 1:
            assert a1 == (True, False) and a2 == (False, True)
        else:
            assert r.grammar != "convergent" and (any(a1) or any(a2))
            assert not (a1 == (True, False) and a2 == (False, True))


def test_distance_alone_does_not_separate_classes(tmp_path):
    from dnazoo.data.simulate import write_bedpe

    _, pairs = simulate(SMALL)
    write_bedpe(pairs, tmp_path / "p.bedpe")
    df = read_bedpe(tmp_path / "p.bedpe")  # the simulated BEDPE is read by the normal reader
    auc = roc_auc_score(df["label"], -np.log10(df["distance"]))
    assert abs(auc - 0.5) < 0.05


def test_plant_radius_bounds_the_motif_offset_from_the_anchor_midpoint():
    fwd, rev = MOTIF, decode_codes(reverse_complement_codes(encode_codes(MOTIF)))

    def offsets(params):
        genome, pairs = simulate(params)
        out = []
        for _, r in pairs.iterrows():
            for chrom, start, end in ((r.chrom1, r.start1, r.end1), (r.chrom2, r.start2, r.end2)):
                mid = (start + end) // 2
                s = genome[chrom][mid - 400:mid + 400].tobytes().decode()
                hits = [s.find(m) for m in (fwd, rev) if m in s]
                out += [h - 400 + len(MOTIF) // 2 for h in hits]
        return np.array(out)

    aligned = offsets(SimulationParams(**{**SMALL.__dict__, "plant_radius": 0}))
    assert len(aligned) >= 400 and np.all(aligned == 0)
    jittered = offsets(SMALL)
    assert np.abs(jittered).max() <= SMALL.plant_radius and np.unique(jittered).size > 50
