"""Storage: the .fprec recording format, exports (CSV, C3D) and the per-athlete history."""
