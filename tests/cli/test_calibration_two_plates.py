"""Calibration of two plates (8 chips) and the wiring check, against the emulator: the
`forceplate calibrate` process asks for each placement on stderr, a helper thread places the
mass there in the simulation (Control.place), as the person with the masses would."""

import json
import os
import subprocess
import sys
import threading

import pytest

from forceplate.emulator.control import chip_params

pytestmark = pytest.mark.emulator

# mass centres from a plate's centre (x right, y front, m): over each corner of a 0.6 x 0.4 m plate
PLACES = {"centre": (0.0, 0.0), "front-left": (-0.24, 0.16), "front-right": (0.24, 0.16),
          "back-left": (-0.24, -0.16), "back-right": (0.24, -0.16)}


def _place_on_cue(proc, control, seen):
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("Empty the plate"):
            control.place(0.0)
        elif line.startswith("Place "):
            mass = float(line.split()[1])
            plate = "left" if "left plate" in line else "right" if "right plate" in line else None
            where = "centre" if "centre" in line else line.split("over the ")[1].split()[0]
            control.place(mass, *PLACES[where], plate=plate)


def calibrate(emu, tmp_path, *extra):
    proc = subprocess.Popen([sys.executable, "-m", "forceplate", "--port", emu.port, "calibrate",
                             "--masses", "20,40", "--seconds", "0.3", "--wait", "0.35", "--json",
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, FORCEPLATE_HOME=str(tmp_path)))
    seen = []
    helper = threading.Thread(target=_place_on_cue, args=(proc, emu.control, seen))
    helper.start()
    stdout = proc.stdout.read()
    proc.wait(120)
    helper.join(5)
    return proc.returncode, stdout, "".join(seen)


@pytest.mark.emulator_options(channels=8, scenario="empty")
def test_two_plates_are_calibrated_plate_by_plate_with_the_wiring_checked(emulated_device, tmp_path):
    code, out, err = calibrate(emulated_device, tmp_path)
    assert code == 0, err
    fit = json.loads(out)
    assert "Place 20 kg on the left plate over the front-left corner" in err
    assert "Place 40 kg on the right plate at the centre" in err
    truth = [1.0 / c["cpn"] for c in chip_params(8, 1)[:8]]
    assert fit["gains_n_per_count"] == pytest.approx(truth, rel=0.003)
    assert len(fit["rows"]) == 20
    assert set(fit["plates"]) == {"left", "right"}
    for plate in fit["plates"].values():
        assert plate["max_residual_pct"] < 0.3 and plate["corner_error_pct"] < 0.3
    assert [(w["expected_chip"], w["found_chip"]) for w in fit["wiring"]] == [(i, i) for i in range(8)]


@pytest.mark.emulator_options(channels=8, scenario="empty", swap=(2, 5))
def test_a_swapped_pair_across_the_plates_is_named(emulated_device, tmp_path):
    code, out, err = calibrate(emulated_device, tmp_path)
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("Error: Wiring check failed: chips 2 and 5 are swapped"), last
    assert "left plate, back-left corner moved chip 5" in last and "Traceback" not in err


@pytest.mark.emulator_options(channels=4, scenario="empty", swap=(0, 3))
def test_a_swapped_pair_on_one_plate_is_named(emulated_device, tmp_path):
    code, out, err = calibrate(emulated_device, tmp_path)
    assert code == 1
    assert "Wiring check failed: chips 0 and 3 are swapped (the front-left corner moved chip 3" in err
