"""Per-athlete recordings under the data folder ($FORCEPLATE_HOME, else the platform's user
data folder, see storage.database.data_home):

    athletes/<slug>/<test>/<UTC stamp>-<n>.fprec    the raw recording (events, RESULT, analysis)
    athletes/<slug>/history.jsonl                   the old per-trial summaries (before the
                                                    database; imported into it on first use)
"""

import datetime
import json
import os
import re

from forceplate.errors import UsageError


from forceplate.storage.database import data_home  # noqa: E402  (one data folder for all)


def slug(name):
    s = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    if not s:
        raise UsageError("Athlete names need at least one letter or digit: got %r." % name)
    return s


class Athlete:
    def __init__(self, name, home=None):
        self.name = name
        self.slug = slug(name)
        self.folder = os.path.join(home or data_home(), "athletes", self.slug)

    def new_trial_path(self, test):
        folder = os.path.join(self.folder, test)
        os.makedirs(folder, exist_ok=True)
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        k = 1
        while os.path.exists(os.path.join(folder, "%s-%d.fprec" % (stamp, k))):
            k += 1
        return os.path.join(folder, "%s-%d.fprec" % (stamp, k))

    def add(self, entry):
        """Append one trial summary to the history (one JSON object per line)."""
        os.makedirs(self.folder, exist_ok=True)
        with open(os.path.join(self.folder, "history.jsonl"), "a") as f:
            f.write(json.dumps(entry, allow_nan=False, default=float) + "\n")

    def history(self, test=None):
        path = os.path.join(self.folder, "history.jsonl")
        if not os.path.exists(path):
            return []
        out = []
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    e = json.loads(line)
                except ValueError:
                    continue  # a line cut by a crash: the rest of the history still counts
                if test is None or e.get("test") == test:
                    out.append(e)
        return out


def all_athletes(home=None):
    folder = os.path.join(home or data_home(), "athletes")
    if not os.path.isdir(folder):
        return []
    return sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)))
