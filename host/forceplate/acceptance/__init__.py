"""Acceptance of a built plate: the procedure of hardware/calibration-and-acceptance.md."""
