"""Long statistics are not mistaken for personal data; values that may be one person's
own still are masked."""

import pytest

from stressgroup.core.document import Column, Table
from stressgroup.report._layout import cell_texts
from stressgroup.report._numbers import STYLES


@pytest.mark.parametrize("kind, value, masked", [
    ("statistic", 13812345678.5, False),   # a Wilcoxon V at 300,000 people
    ("count", 13812345678, False),
    ("number", 13812345678.0, True),       # e.g. the maximum of a column: one person's value
    ("text", "13812345678", True),
    ("statistic", "13812345678", True),    # a text in a numeric column is text
])
def test_masking_by_kind(kind, value, masked):
    table = Table(key="t", title="t", columns=(Column("x", "x", kind),), rows=({"x": value},))
    (cell,) = cell_texts(table, table.rows[0], STYLES["apa"], "en")
    assert ("personal data hidden" in cell) is masked
