"""Two plates (8 chips) through the emulator: an athlete with a known left/right share jumps,
the device's RESULT and the host analysis report each side and the asymmetry index, and they
meet the athlete model's exact per-side truth (emulator/device/athlete.side_truth)."""

import json
import math

import pytest

from forceplate.device.client import Device
from forceplate.emulator.control import parse_asymmetry
from forceplate.storage.database import Store
from forceplate.workflows import jumptest

pytestmark = pytest.mark.emulator

# left share for a 10 % asymmetry index: (s - (1 - s)) / s = 0.10
TEN_PERCENT = 1 / 1.9
SHIFTING = "standing=0.5,braking=0.55,propulsion=0.53,landing=0.6"


def damaged(trial):
    """The recording's own quality flags (samples lost), or the device's RESULT quality word
    (conversions it missed within the trial): then the values are compared but may be marked
    not valid (analysis/agreement.py), so the trial is jumped again."""
    from forceplate.analysis.agreement import QUALITY_CODES
    return bool({f["code"] for f in trial.analysis.get("flags") or []} & set(QUALITY_CODES)) or \
        (trial.summary or {}).get("samples_lost", 0) > 0 or bool((trial.result or {}).get("quality"))


def valid_or_damaged(trial, got):
    return got["valid"]


def jump_once(emu, home, asymmetry, test="cmj", attempts=3):
    """One trial whose recording is whole: a trial the starved emulator damaged (samples lost
    or missed, said by the recording's own flags) is jumped again, up to `attempts` times."""
    for _ in range(attempts):
        # a pull's rest is long enough that arming at any moment still finds a quiet second
        emu.control.scenario(test, asymmetry=asymmetry, rest_s=6.0 if test == "imtp" else 4.0)
        with Device.open(emu.port) as dev:
            (trial,) = jumptest.run_test(dev, test, "Lee", 1, port=emu.port, home=str(home))
        # peak_force is low-rate only when the measured rate fell under 50 SPS (starved)
        if not damaged(trial) and not trial.result["metrics"]["peak_force"].get("low_rate"):
            break
    truth = [t for t in emu.control.truth() if t["kind"] == test]
    # the trial the device analysed: the last one that took off before its RESULT
    return trial, truth[-1]


@pytest.mark.emulator_options(channels=8, calibrated=True, scenario="empty")
@pytest.mark.parametrize("spec", ["%.6f" % TEN_PERCENT, SHIFTING], ids=["ten_percent", "shifting"])
def test_asymmetry_index_meets_the_athletes_truth_on_the_device_and_the_host(
        emulated_device, tmp_path, spec):
    trial, truth = jump_once(emulated_device, tmp_path, parse_asymmetry(spec))
    assert emulated_device.control.fast_rate_hz == 80.0
    device = trial.result["metrics"]
    host = trial.analysis["metrics"]
    for name in ("braking_impulse", "propulsive_impulse"):
        want = truth[f"asymmetry_{name}_pct"]
        for who, metrics in (("device", device), ("host", host)):
            assert f"asymmetry_{name}" in metrics, (who, sorted(metrics), trial.events, trial.analysis.get("flags"))
            got = metrics[f"asymmetry_{name}"]
            assert got["unit"] == "%" and valid_or_damaged(trial, got), (who, name, got)
            assert got["value"] == pytest.approx(want, abs=1.0), (who, name)
    if spec == SHIFTING:   # the shares really differ by phase
        assert truth["asymmetry_braking_impulse_pct"] > 35 > 30 > truth["asymmetry_propulsive_impulse_pct"]
    # each side: the two add up to the device's own total and lie near the truth
    for name in ("peak_propulsive_force", "force_at_peak_propulsive_force"):
        assert device[f"left_{name}"]["value"] + device[f"right_{name}"]["value"] == \
            pytest.approx(device.get(name, device["peak_propulsive_force"])["value"], rel=0.01)
    for side in ("left", "right"):
        assert device[f"{side}_peak_propulsive_force"]["value"] == pytest.approx(
            truth[f"{side}_peak_propulsive_force_n"], rel=0.03)
        assert host[f"{side}_peak_propulsive_force"]["value"] == pytest.approx(
            truth[f"{side}_peak_propulsive_force_n"], rel=0.03)
        assert device[f"{side}_system_weight"]["unit"] == "N"
    assert device["left_system_weight"]["value"] + device["right_system_weight"]["value"] == \
        pytest.approx(device["system_weight"]["value"], rel=1e-4)
    # asymmetry is an ordinary metric of the athlete database, device and host alike
    with Store(str(tmp_path / "forceplate.db"), home=str(tmp_path)) as store:
        row = store.trials("Lee")[-1]   # the trial analysed (earlier ones were damaged)
    for origin, want in (("device", device), ("host", host)):
        got = row["metrics"][origin]["asymmetry_propulsive_impulse"]
        assert got["unit"] == "%" and math.isfinite(got["value"])
        assert got["value"] == pytest.approx(want["asymmetry_propulsive_impulse"]["value"], rel=1e-6)
        assert row["metrics"][origin]["left_propulsive_impulse"]["unit"] == "N s"


# virtual device time: a busy host cannot make the firmware miss conversions here
@pytest.mark.emulator_options(channels=8, calibrated=True, scenario="empty", time_mode="virtual")
@pytest.mark.parametrize("test,metric", [("sj", "propulsive_impulse"), ("dj", "contact_impulse"),
                                         ("imtp", "peak_force"), ("imtp", "force_200ms")])
def test_squat_drop_jump_and_pull_carry_each_side_on_the_device_and_the_host(
        emulated_device, tmp_path, test, metric):
    trial, _ = jump_once(emulated_device, tmp_path, 0.55, test)
    want = (0.55 - 0.45) / 0.55 * 100   # the same share in every phase
    # (force_200ms: the pull's 100 ms epoch is 8 samples at 80 SPS, at the validity limit, so
    # its valid flag follows the measured rate on the device and the host alike)
    for who, metrics in (("device", trial.result["metrics"]), ("host", trial.analysis.get("metrics", {}))):
        assert f"asymmetry_{metric}" in metrics, (who, sorted(metrics), trial.analysis.get("error"),
                                                  trial.analysis.get("flags"))
        got = metrics[f"asymmetry_{metric}"]
        assert valid_or_damaged(trial, got) and got["value"] == pytest.approx(want, abs=1.0), (who, got)
        assert metrics[f"left_{metric}"]["value"] > metrics[f"right_{metric}"]["value"] > 0


def test_jump_on_two_plates_runs_from_the_command_line(emulate, tmp_path, run_forceplate):
    # was: "unknown layout 'channels8'" once the device's result arrived
    emu = emulate("--scenario", "cmj", "--channels", "8", "--asymmetry", "0.6")
    p = run_forceplate("--port", emu.port, "jump", "--count", "1", "--json",
                       env={"FORCEPLATE_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    (trial,) = json.loads(p.stdout)["trials"]
    assert "error" not in trial["analysis"], trial["analysis"]
    want = (0.6 - 0.4) / 0.6 * 100
    assert trial["analysis"]["metrics"]["asymmetry_propulsive_impulse"]["value"] == \
        pytest.approx(want, abs=1.0)
    assert trial["device_result"]["metrics"]["asymmetry_propulsive_impulse"]["value"] == \
        pytest.approx(want, abs=1.0)


def test_emulate_refuses_a_bad_asymmetry_in_one_line(run_forceplate):
    for args in (["--channels", "8", "--asymmetry", "1.4"], ["--channels", "8", "--asymmetry", "kick=0.5"],
                 ["--asymmetry", "0.55"]):
        p = run_forceplate("emulate", *args)
        assert p.returncode == 2, (args, p.stderr)
        assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) <= 3, p.stderr


def test_the_live_view_shows_each_plates_force_and_share():
    import numpy as np

    from forceplate.display.live import force_line

    row = np.array([110.0, 100.0, 105.0, 100.0, 95.0, 90.0, 92.0, 93.0])  # N
    line = force_line(row, 785.0)
    assert "force    785.0 N" in line and "left    415.0 N" in line and "right    370.0 N" in line
    assert "(left 52.9 %)" in line and "body weight 785.0 N" in line
    assert "left" not in force_line(np.array([200.0, 200.0, 200.0, 185.0]))   # one plate
    assert force_line(np.zeros(0)).startswith("force      0.0 N")
    row[5] = np.nan   # a chip without a reading: its side has none, never a number
    assert "right   no reading" in force_line(row) and "(left   -  )" in force_line(row)


def test_the_host_weighs_in_the_window_before_the_trial_not_the_one_after_it():
    # a light athlete's short jump at 320 SPS: the device weighed again inside the post-roll;
    # analysing from that weighing left no takeoff in the window (was: "no takeoff found")
    events = [{"name": n, "time_s": t} for n, t in (
        ("armed", 0.0), ("weighing", 0.0), ("weighed", 1.6), ("onset", 2.4), ("takeoff", 3.1),
        ("landing", 3.5), ("trial_end", 3.6), ("weighing", 3.6), ("weighed", 4.6), ("disarmed", 4.7))]
    assert jumptest.weighing_start_s(events) == pytest.approx(0.6)
