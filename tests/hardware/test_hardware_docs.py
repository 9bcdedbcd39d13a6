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


def _command_lines():
    """Every `forceplate ...` line in a bash block of the hardware pages and the top README,
    and every `forceplate ...` in backticks in a table row (the walk log)."""
    out = []
    for doc in DOCS + [HARDWARE.parent / "README.md"]:
        text = doc.read_text()
        for block in re.findall(r"```bash\n(.*?)```", text, re.S):
            for line in block.splitlines():
                line = line.split(" #")[0].strip()
                if line.startswith("forceplate "):
                    out.append((doc.name, line))
        for line in text.splitlines():
            if line.startswith("|"):
                out += [(doc.name, c) for c in re.findall(r"`(forceplate [^`]+)`", line)]
    return out


@pytest.mark.parametrize("where,line", _command_lines(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_the_pages_give_is_one_the_tool_takes(where, line):
    """A maker copies these lines: each subcommand and option must exist and parse (click's own
    parser; nothing is run). `...`, PORT, IMAGE are placeholders to fill in."""
    import shlex

    import click

    from forceplate.cli import cli

    words = shlex.split(line.split(" > ")[0])[1:]   # a redirection is the shell's
    words = ["/dev/ttyUSB0" if w == "PORT" else "IMAGE" if "..." in w else w for w in words]
    while words[:1] == ["--port"]:   # the group's own option, before the command
        words = words[2:]
    ctx = click.Context(cli, info_name="forceplate")
    args = words
    assert args, "%s: %r names no command" % (where, line)
    sub = cli.get_command(ctx, args[0])
    assert sub is not None, "%s: %r: no command %r" % (where, line, args[0])
    try:
        sub.make_context(args[0], list(args[1:]), parent=ctx)
    except click.UsageError as exc:
        pytest.fail("%s: %r: %s" % (where, line, exc.format_message()))
