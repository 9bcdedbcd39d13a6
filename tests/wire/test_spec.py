"""protocol/SPEC.md stays in step with the code: its worked examples are what the code
produces now, and every number in codes.py appears in it with its value."""

import importlib.util
import re

import pytest

from wire_env import PROTOCOL

_spec = importlib.util.spec_from_file_location("fpwire_spec_examples",
                                               PROTOCOL / "tools" / "examples.py")
examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(examples)
from fpwire import codes as C  # noqa: E402
from fpwire import messages as M  # noqa: E402

SPEC = (PROTOCOL / "SPEC.md").read_text()
SKIP = {"PROTOCOL_VERSION", "MAX_PAYLOAD"}
CONSTANTS = sorted((k, v) for k, v in vars(C).items()
                   if k.isupper() and isinstance(v, int) and k not in SKIP)


def test_every_worked_example_is_what_the_code_produces_now():
    blocks = re.findall(r"<!-- example: ([a-z-]+) -->\n(.*?)<!-- /example -->", SPEC, re.S)
    assert {name for name, _ in blocks} == set(examples.EXAMPLES)
    for name, text in blocks:
        assert text == examples.render(name), f"example {name} is stale: run examples.py --write"


def _documented(name, value):
    cells = {f"| {value} |", f"| 0x{value:02x} |", f"| 0x{value:04x} |"}
    for line in SPEC.lower().splitlines():
        if f"`{name.lower()}`" in line and any(c in line for c in cells):
            return True
    return False


@pytest.mark.parametrize("name,value", CONSTANTS, ids=[k for k, _ in CONSTANTS])
def test_every_code_appears_in_the_spec_with_its_value(name, value):
    assert _documented(name, value), f"{name} = {value} is not documented in SPEC.md"


def test_every_metric_appears_with_its_id_and_unit():
    for mid, (name, unit) in C.METRICS.items():
        assert f"| {mid} | `{name}` | {unit} |" in SPEC


def test_every_status_field_and_rejection_reason_is_named_in_the_spec():
    for field in M.STATUS_FIELDS:
        assert f"`{field}`" in SPEC
    source = (PROTOCOL / "fpwire" / "frame.py").read_text()
    reasons = set(re.findall(r'count\("([a-z_]+)"\)', source))
    assert len(reasons) >= 7
    for reason in reasons:
        assert f"[`{reason}`" in SPEC, reason


def test_the_spec_states_the_crc_check_value_the_code_computes():
    from fpwire.crc import crc32
    assert f"**0x{crc32(b'123456789'):08X}**" in SPEC
