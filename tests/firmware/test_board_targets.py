"""The firmware's viper and native code compiles to machine code for the boards (mpy-cross
-march): ARMv6-M (RP2040), ARMv7E-M (RP2350) and windowed Xtensa (ESP32, ESP32-S3), as well as
x64 (the unix port the tests run it on). The analyser (fp/jump_weigh.py feed(), fp/jump.py
_move()), the calibration (fp/calib.py), and the per-chip clocks and corner alignment
(fp/chipclock.py, fp/align.py), and the two plates' side ring (fp/jump_sides.py)."""

import subprocess

import pytest


@pytest.mark.parametrize("arch", ["armv6m", "armv7emsp", "xtensawin", "x64"])
@pytest.mark.parametrize("module", ["jump.py", "jump_weigh.py", "jump_fit.py", "calib.py", "chipclock.py",
                                    "align.py", "jump_sides.py"])
def test_the_fast_paths_compile_for_each_board(repo_root, tmp_path, module, arch):
    out = tmp_path / (module + ".mpy")
    source = repo_root / "firmware" / "fp" / module
    run = subprocess.run(["mpy-cross", "-march=" + arch, str(source), "-o", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    head = out.read_bytes()[:4]
    assert head[0:1] == b"M" and head[2] >> 2 != 0   # the .mpy carries machine code for arch
    # without a target the native and viper functions cannot be compiled at all
    bare = subprocess.run(["mpy-cross", str(source), "-o", str(tmp_path / "bare.mpy")],
                          capture_output=True, text=True, timeout=60)
    assert bare.returncode != 0 and "invalid arch" in bare.stderr
