"""Drop jump: off a box onto the plate, straight back up. Contact time, flight time, jump
height from flight time, RSI (Flanagan & Comyns 2008)."""

from . import hops
from .validity import MetricBook


def analyze(tr):
    res = tr.result
    hs, noise, _, flights = hops.find(tr, from_box=True)
    if not hs:
        raise hops.AnalysisError("no complete ground contact after the drop")
    h = hs[0]
    if len(hs) > 1:
        res.flag("multiple_jumps", f"{len(hs)} contacts after the drop; the first one is analysed")
    res.events.update(first_contact=h.landing, takeoff=h.takeoff,
                      landing=h.next_landing if h.next_landing is not None else float("nan"))
    if h.next_landing is None:
        res.flag("no_landing", "the recording ends before the landing: flight time and RSI are not available")
    book = MetricBook(res, tr.acq)
    hops.put_hop(book, "", h, hops.edge_u(tr, noise), tr.f, tr.t)
    if tr.sides:
        from .asymmetry import contact_sides
        contact_sides(tr, book, h.landing, h.takeoff, h.i_land, h.i_contact, h.contact_time / 4)
    book.close()
