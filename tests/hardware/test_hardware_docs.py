"""The hardware documents hang together: every link resolves, every document is reachable."""

import re

import pytest

from hardware_files import HARDWARE

DOCS = sorted(HARDWARE.glob("*.md"))
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_local_link_and_image_in_a_document_exists(doc):
    for target in LINK.findall(doc.read_text()):
        if "://" in target:
            continue
        assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_the_readme_links_every_document():
    readme = (HARDWARE / "README.md").read_text()
    linked = set(LINK.findall(readme))
    assert {d.name for d in DOCS if d.name != "README.md"} <= linked


def test_every_diagram_image_is_shown_in_some_document():
    text = "".join(d.read_text() for d in DOCS)
    for svg in (HARDWARE / "diagrams").glob("*.svg"):
        assert f"diagrams/{svg.name}" in text, svg.name
