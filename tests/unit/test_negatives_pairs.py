import pandas as pd
import pytest

from dnazoo.data.negatives import distance_matched


def test_distance_matching_needs_both_classes():
    df = pd.DataFrame({"pair_id": ["a"], "chrom1": ["c"], "start1": [0], "end1": [10], "chrom2": ["c"],
                       "start2": [100], "end2": [110], "label": [1], "distance": [100]})
    with pytest.raises(ValueError, match="t.bedpe: distance matching needs positives and negatives"):
        distance_matched(df, source="t.bedpe")


