"""File and folder names from identifiers a device or a file supplied: sanitised and bounded,
so a board name like `../../x` or `/etc` can never choose where the host writes."""

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
MAX_LEN = 48


def safe_component(value, fallback="device", limit=MAX_LEN):
    """One path component made of letters, digits, '_' and '-' only, at most `limit`
    characters. A value that had to be changed gets a short hash of the original, so two
    different hostile names do not share a folder; an empty result becomes `fallback`."""
    raw = "" if value is None else str(value)
    clean = _UNSAFE.sub("_", raw).strip("_")[:limit]
    if clean == raw and clean:
        return clean
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return "%s-%s" % (clean or fallback, digest) if raw else fallback
