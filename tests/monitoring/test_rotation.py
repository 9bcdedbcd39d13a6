"""The rotation's rules without a plate: skip and come back, a no-show moved to the end and
then marked not tested, Ctrl-C keeps what was stored; roster files."""

import pytest

from forceplate.errors import UsageError
from forceplate.monitoring import rotation
from forceplate.storage.database import Store


class FakeTrial:
    def __init__(self, store_id):
        self.store_id = store_id
        self.summary = {"duration_s": 4.0}


def _runner(store, script):
    """do_trial whose outcome per (name, attempt) comes from script (default valid)."""
    calls = []

    def do(name, attempt):
        calls.append((name, attempt))
        outcome = script.get((name, attempt), "valid")
        if outcome == "ctrl-c":
            raise KeyboardInterrupt
        tid = store.add_trial(name, "cmj", valid=outcome == "valid", source="session")
        return FakeTrial(tid), outcome

    return do, calls


def test_skip_comes_back_and_a_no_show_does_not_end_the_session(tmp_path):
    store = Store(str(tmp_path / "db.sqlite"), migrate_history=False, home=str(tmp_path))
    do, calls = _runner(store, {("Ben", 1): "no_jump", ("Ben", 2): "no_jump",
                                ("Ben", 3): "no_jump", ("Ben", 4): "no_jump",
                                ("Cy", 1): "not_valid"})
    first = []

    def decide(name, trial):
        if name == "Ann" and not first:
            first.append(1)
            return rotation.SKIP
        return rotation.KEEP

    s = rotation.run_session(store, ["Ann", "Ben", "Cy"], do, 2, decide=decide)
    # Ben: two tries, to the end, one more try, not tested
    assert [c[0] for c in calls] == ["Ann", "Ben", "Ben", "Cy", "Cy", "Cy", "Ann", "Ben"]
    assert {a["athlete"]: a["status"] for a in s["athletes"]} == {
        "Ann": "done", "Ben": "not tested", "Cy": "done"}
    assert s["trials"][-1]["action"] == "not tested" and not s["interrupted"]


def test_ctrl_c_keeps_every_trial_so_far(tmp_path):
    store = Store(str(tmp_path / "db.sqlite"), migrate_history=False, home=str(tmp_path))
    do, _ = _runner(store, {("Cy", 1): "ctrl-c"})
    s = rotation.run_session(store, ["Ann", "Ben", "Cy"], do, 2)
    assert s["interrupted"] and len(store.trials()) == 4
    assert [a["status"] for a in s["athletes"]] == ["done", "done", "not tested"]


def test_rosters(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("\ufeffAthlete,Group\n Ada  Lovelace ,U21\nBo,U21\n\n")
    assert rotation.read_roster(str(p)) == ["Ada Lovelace", "Bo"]
    p.write_text("Ada\nBo\nAda\n")
    with pytest.raises(UsageError, match="names Ada twice"):
        rotation.read_roster(str(p))
    with pytest.raises(UsageError, match="Cannot read the roster"):
        rotation.read_roster(str(tmp_path / "none.csv"))
