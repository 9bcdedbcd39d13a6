"""The distribution lists every package in the tree, so a plain (non-editable) install works."""

import pathlib
import tomllib

REPO = pathlib.Path(__file__).resolve().parents[1]


def _declared():
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(cfg["packages"]), cfg["package-dir"]


def test_every_host_and_protocol_package_is_declared_in_pyproject():
    declared, roots = _declared()
    found = set()
    for top, rel in roots.items():
        if top == "forceplate_firmware":
            continue  # device files ship as package data (they are deployed, not imported)
        base = REPO / rel
        for init in base.rglob("__init__.py"):
            parts = init.parent.relative_to(base).parts
            found.add(".".join((top,) + parts))
    assert found - declared == set(), f"add these to [tool.setuptools] packages: {sorted(found - declared)}"


def test_the_top_level_is_the_fixed_architecture():
    allowed = {"firmware", "host", "protocol", "tests", "hardware", "README.md",
               "pyproject.toml", ".ci", "docs", "bench", ".git", ".gitignore"}
    present = {p.name for p in REPO.iterdir()}
    present -= {".venv", ".pytest_cache", ".hypothesis", ".benchmarks", "build", "dist"}
    present = {p for p in present if not p.endswith(".egg-info")}
    assert present <= allowed, f"unexpected top-level entries: {sorted(present - allowed)}"
