"""The fault matrix's rows (test_fault_matrix.py) as the markdown table in docs/reliability.md,
between its begin/end markers, so the table there is what a run measured:

    FP_FAULT_MATRIX_DOC=docs/reliability.md pytest -p no:xdist tests/emulator/test_fault_matrix.py
"""

import datetime
import os
import re

BEGIN, END = "<!-- fault-matrix:begin -->", "<!-- fault-matrix:end -->"
COLUMNS = (("sent", "sent"), ("received", "received"), ("lost_in_transfer", "lost in transfer"),
           ("missed_on_device", "missed on device"), ("host_counted_lost", "host counted lost"))


def _cell(v):
    return "–" if v is None else str(v)


def _more(row):
    """What a row measured beyond the loss columns."""
    out = []
    if row.get("dropped_on_device"):
        out.append("dropped on device %d" % row["dropped_on_device"])
    link = row.get("link") or {}
    for k in ("corrupted", "dropped", "duplicated"):
        if link.get(k):
            out.append("link %s %d" % (k, link[k]))
    if row.get("frames_repeated"):
        out.append("frames repeated %d (samples %d)" % (row["frames_repeated"],
                                                         row.get("samples_repeated") or 0))
    if "flood_read_s" in row:
        out.append("%d bytes read in %.1f s" % (row["flood_bytes"], row["flood_read_s"]))
    if "lost_at_edges" in row:
        out.append("lost at the edges %s" % ("not countable" if row["lost_at_edges"] is None
                                             else row["lost_at_edges"]))
    if "unseen_tail" in row:
        out.append("unseen tail %.1f samples" % row["unseen_tail"])
    if "exit" in row:
        out.append("exit %d, file %d samples, stderr: \"%s\"" % (
            row["exit"], row["file_samples"], " / ".join(row.get("stderr") or [])[:200]))
    if "kinds" in row:
        out.append("messages: %s" % ", ".join(row["kinds"]))
    return "; ".join(out)


def table(rows):
    try:
        load = "%.1f" % os.getloadavg()[0]
    except OSError:
        load = "?"
    head = ("One run, %s UTC, load average %s (device time: the emulator's default, real "
            "today; the flood rows and the two `forceplate emulate` rows ask for real):\n\n"
            % (datetime.datetime.now(datetime.timezone.utc).strftime("%d %b %Y %H:%M"), load))
    lines = ["| fault | " + " | ".join(h for _, h in COLUMNS) + " | also measured | expected |",
             "|---" * (len(COLUMNS) + 3) + "|"]
    for r in rows:
        lines.append("| %s | %s | %s | %s |" % (
            r["fault"], " | ".join(_cell(r.get(k)) for k, _ in COLUMNS),
            _more(r).replace("|", "/"), r["expected"].replace("|", "/")))
    return head + "\n".join(lines) + "\n"


def write(doc, rows):
    """Replace the table between the markers in `doc` with these rows."""
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise ValueError("%s has no %s ... %s markers" % (doc, BEGIN, END))
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END),
                 lambda _: BEGIN + "\n" + table(rows) + END, text, flags=re.S)
    with open(doc, "w", encoding="utf-8") as f:
        f.write(new)
