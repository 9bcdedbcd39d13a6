"""A force trace exported as Time / Left / Right / Combined (the shape dual-plate systems such
as VALD ForceDecks show; their raw-export layout is not public, so no VALD-specific importer):
the generic CSV reader keeps the two plates and drops the combined column, and says when the
combined column is not their sum."""

import numpy as np
import pytest

from forceplate.importers import load_any


def _write(path, header, combined_offset=0.0, delim=","):
    t = np.arange(0, 2.0, 0.001)
    left = 400 + 50 * np.sin(2 * np.pi * t)
    right = 380 - 20 * np.sin(2 * np.pi * t)
    with open(path, "w") as f:
        f.write(delim.join(header) + "\n")
        for a, b, c in zip(t, left, right):
            f.write(delim.join("%.4f" % v for v in (a, b, c, b + c + combined_offset * (a > 1))) + "\n")
    return t, left, right


@pytest.mark.parametrize("header,delim", [(["Time", "Left", "Right", "Combined"], ","),
                                          (["Time (s)", "Left (N)", "Right (N)", "Combined (N)"], "\t")])
def test_left_right_combined_reads_both_plates(tmp_path, header, delim):
    t, left, right = _write(tmp_path / "trace.csv", header, delim=delim)
    r = load_any(str(tmp_path / "trace.csv"))
    assert r.layout == "left_right"
    assert r.force_n.shape == (len(t), 2)
    np.testing.assert_allclose(r.force_n[:, 0], left, atol=1e-3)
    np.testing.assert_allclose(r.force_n[:, 1], right, atol=1e-3)
    np.testing.assert_allclose(np.diff(r.time_s), 0.001, atol=1e-9)
    assert not any("combined" in n for n in r.meta.get("import_notes", []))


def test_a_combined_column_that_is_not_the_sum_is_reported(tmp_path):
    _write(tmp_path / "trace.csv", ["Time", "Left", "Right", "Combined"], combined_offset=25.0)
    r = load_any(str(tmp_path / "trace.csv"))
    assert r.layout == "left_right"
    assert any("combined column differs from left + right by up to 25.0 N" in n
               for n in r.meta["import_notes"])
