"""Contacts between flights: the shared core of drop jumps, CMJ rebounds and repeated hops.
Contact time = takeoff - landing, flight time = next landing - takeoff (edges as for a CMJ)."""

import math
from dataclasses import dataclass


from forceplate.errors import AnalysisError

from . import events as ev
from .jumps import loaded_level
from .kinematics import G
from .validity import rss


@dataclass
class Hop:
    landing: float    # start of this contact
    takeoff: float    # end of this contact
    next_landing: float  # None if the recording ends in the air
    i_land: int
    i_contact: int

    @property
    def contact_time(self):
        return self.takeoff - self.landing

    @property
    def flight_time(self):
        return None if self.next_landing is None else self.next_landing - self.takeoff


def find(tr, from_box):
    """Hops in order. from_box (drop jump): the first "flight" is the time off the plate before
    the drop (on the box: from the recording's start, or after stepping off the plate onto it,
    as in the guided test); else the first flight follows a jump from standing and is not
    itself a hop."""
    t, f = tr.t, tr.f
    level = loaded_level(f)
    runs = ev.low_runs(t, f)
    if from_box:
        k = ev.drop_contact(t, f, runs, level)
        if k is None:
            raise AnalysisError("no drop found: a drop jump lands from off the plate (from the box) and leaves it "
                                f"again within {ev.DROP_MAX_CONTACT_S:g} s, without standing in between")
        flights = [runs[k]] + [r for r in runs[k + 1:] if ev.is_flight(t, f, r, level)]
    else:
        flights = [r for r in runs if ev.is_flight(t, f, r, level)]
    if len(flights) < 2:
        raise AnalysisError("no contact between two flights found: no rebound in this recording")
    longest = max(flights[1:] if from_box else flights, key=lambda r: r[1] - r[0])
    thr, fmean, fsd = ev.flight_threshold(f, longest)
    edges = []
    for i, r in enumerate(flights):
        off_box = from_box and i == 0  # stepping onto the box is not a takeoff
        to = None if r[0] == 0 or off_box else ev.takeoff_edge(t, f, r, thr, tr.acq, fmean)
        ld = ev.landing_edge(t, f, r, thr, tr.acq, fmean)
        edges.append((to, ld))
    hops = []
    for k in range(len(flights) - 1):
        ld, kld = edges[k][1]
        to, kto = edges[k + 1][0]
        if ld is None or to is None:
            continue
        nxt = edges[k + 1][1][0]
        hops.append(Hop(ld, to, nxt, kld, kto))
    first_takeoff = edges[0][0][0] if edges[0][0] is not None else None
    if from_box:
        tr.result.events["drop_start"] = float(t[flights[0][0]])  # left the plate (or the recording began) on the box
    return hops, fsd, first_takeoff, flights


def edge_u(tr, noise):
    T = tr.acq.period_s
    from .cmj import HX711_EDGE_U_PERIODS
    return HX711_EDGE_U_PERIODS * T if tr.acq.kind == "hx711" else T / math.sqrt(12)


def put_hop(book, prefix, hop, u_edge, f, t):
    u_ct = math.sqrt(2) * u_edge
    book.put(f"{prefix}contact_time", hop.contact_time, "s", "time.event_difference", u_ct, tau=hop.contact_time,
             relative_check=False)
    seg = f[hop.i_land:hop.i_contact + 1]
    if len(seg):
        book.put(f"{prefix}peak_force", float(seg.max()), "N", "force.max_in_phase", float("nan"), tau=hop.contact_time / 4)
    if hop.flight_time is None:
        for n, u in (("flight_time", "s"), ("jump_height_flight_time", "m"), ("rsi", "m/s")):
            book.put(prefix + n, float("nan"), u, "time.event_difference", valid=False, reason="no landing in the recording")
        return float("nan")
    tf = hop.flight_time
    jh = G * tf ** 2 / 8
    u_jh = G * tf * u_ct / 4
    rsi = jh / hop.contact_time
    book.put(f"{prefix}flight_time", tf, "s", "time.event_difference", u_ct)
    book.put(f"{prefix}jump_height_flight_time", jh, "m", "jump_height.flight_time", u_jh)
    book.put(f"{prefix}rsi", rsi, "m/s", "rsi.contact_time", rsi * rss(u_jh / jh, u_ct / hop.contact_time))
    book.put(f"{prefix}rsi_flight_contact", tf / hop.contact_time, "1", "rsi.flight_over_contact",
             tf / hop.contact_time * rss(u_ct / tf, u_ct / hop.contact_time))
    return rsi
