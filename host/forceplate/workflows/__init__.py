"""Workflows that drive a device for a user: calibration, the guided jump test, the demo."""
