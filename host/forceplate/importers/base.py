"""What every importer returns: one trial's sample times, forces and what the file said."""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Recording:
    time_s: np.ndarray
    force_n: np.ndarray   # (n,) total or (n, k) channels, newtons
    layout: str           # total | left_right | corners4 | corners8
    meta: dict = field(default_factory=dict)  # meta["source"] names the format read
    path: str = None
    index: np.ndarray = None   # a device recording's sample index per sample
    clocks: list = None        # its CLOCKS messages (chip conversion instants), if any


LAYOUT_BY_COUNT = {1: "total", 2: "left_right", 4: "corners4", 8: "corners8"}
