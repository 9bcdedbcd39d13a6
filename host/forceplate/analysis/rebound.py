"""CMJ rebound and repeated hops: a jump from standing, then contacts straight into the next
jump. Per hop: contact time, flight time, jump height, RSI; over hops: best, mean, fatigue."""

import numpy as np

from . import hops
from .kinematics import G
from .validity import MetricBook


def analyze(tr):
    res = tr.result
    hs, noise, first_takeoff, flights = hops.find(tr, from_box=False)
    if not hs:
        raise hops.AnalysisError("no complete contact between two flights")
    book = MetricBook(res, tr.acq)
    u = hops.edge_u(tr, noise)
    if first_takeoff is not None:
        res.events["takeoff"] = first_takeoff
        first_tf = hs[0].landing - first_takeoff
        book.put("first_jump_height_flight_time", G * first_tf ** 2 / 8, "m", "jump_height.flight_time",
                 G * first_tf * 1.414 * u / 4)
    rsis = []
    for i, h in enumerate(hs, 1):
        res.events[f"landing_{i}"] = h.landing
        res.events[f"takeoff_{i + 1}"] = h.takeoff
        rsis.append(hops.put_hop(book, f"hop_{i}_", h, u, tr.f, tr.t))
    if hs[-1].next_landing is not None:
        res.events[f"landing_{len(hs) + 1}"] = hs[-1].next_landing
    r = np.array([x for x in rsis if np.isfinite(x)])
    book.put("hop_count", len(hs), "1", "count.hops", 0.0)
    if len(r):
        book.put("rsi_best", r.max(), "m/s", "hops.best_rsi", float("nan"))
        book.put("rsi_mean", r.mean(), "m/s", "hops.mean_rsi", float("nan"))
        if len(r) >= 4:
            book.put("rsi_fatigue", (r.max() - r[-3:].mean()) / r.max() * 100, "%", "hops.fatigue_rsi", float("nan"),
                     relative_check=False)
        jh = [res.value(f"hop_{i}_jump_height_flight_time") for i in range(1, len(hs) + 1)]
        book.put("jump_height_flight_time_best", np.nanmax(jh), "m", "jump_height.flight_time", float("nan"))
        book.put("rebound_rsi", rsis[0], "m/s", "rsi.contact_time", res.metrics["hop_1_rsi"].uncertainty)
    book.put("contact_time_mean", float(np.mean([h.contact_time for h in hs])), "s", "time.event_difference",
             1.414 * u / np.sqrt(len(hs)))
    book.close()
