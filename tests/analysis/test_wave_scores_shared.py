"""The evaluation hands its scores to the profile and subgroup sections; they equal
what score() computes for the same rows."""

import pytest
from pandas.testing import assert_frame_equal

from stressgroup import evaluate, load_instrument, read_survey
from stressgroup.analysis._profile import wave_scores


@pytest.fixture(scope="module")
def sample():
    return read_survey("data/sample/qcity_long.csv", instrument="five-level-stress")


@pytest.mark.parametrize("wave, keep", [("pre", ()), ("post", ("gender",)),
                                        (None, ("gender", "age"))])
def test_shared_scores_equal_fresh(sample, wave, keep):
    from types import SimpleNamespace

    from stressgroup import score

    inst = load_instrument("five-level-stress")
    data = sample.data
    rows = data if wave is not None else data[data["wave"] == "pre"]
    shared = SimpleNamespace(data=rows, absent_items=set(),
                             scores=score(rows, inst), scores_instrument=inst)
    fresh = SimpleNamespace(data=rows, absent_items=set())
    assert_frame_equal(wave_scores(shared, inst, wave, list(keep)),
                       wave_scores(fresh, inst, wave, list(keep)))


def test_evaluation_sections_unchanged(sample):
    from stressgroup.analysis import profile

    ev = evaluate(sample, "five-level-stress")
    prof = ev.sections["profile"].result
    direct = profile(sample, "five-level-stress", wave="pre", group="group")
    for lab, block in direct.groups.items():
        assert_frame_equal(prof.groups[lab].levels, block.levels)
    assert "subgroups" in ev.sections
