"""Device strings are data: what a board sends (INFO board name, NAK and ERROR messages, LOG
text, USB descriptors, mpremote output) is shown only after passing through here, so escape
sequences cannot retitle or recolour the terminal and rich markup in them is shown, not run."""

import re

# C0 controls (incl. ESC, CR, BEL), DEL, C1 controls (incl. the 8-bit CSI 0x9b), and the
# Unicode bidirectional overrides/isolates that reorder what the reader sees.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_CHARS = 500  # the longest device string the protocol carries (LOG text)


def _visible(match):
    c = ord(match.group())
    return "\\x%02x" % c if c < 0x100 else "\\u%04x" % c


def plain(value, limit=MAX_CHARS):
    """The string with every control character shown as a visible escape (\\x1b), bounded."""
    s = "" if value is None else str(value)
    if len(s) > limit:
        s = s[:limit] + "..."
    return _CONTROL.sub(_visible, s)


def markup(value, limit=MAX_CHARS):
    """plain(), with rich markup escaped: safe inside a string printed by a rich console."""
    from rich.markup import escape

    return escape(plain(value, limit))


def text(value, limit=MAX_CHARS):
    """plain() as a rich Text (never parsed for markup): for table cells and titles."""
    from rich.text import Text

    return Text(plain(value, limit))
