"""Physically exact synthetic trials with known truth, for tests, benchmarks and demos.

Each trial is a continuous force function of time. Its truth (takeoff velocity, flight time,
event times, peak force, depth) comes from integrating that function on a 20 kHz grid, so it
is impulse-momentum consistent by construction: the flight lasts exactly 2 v / g and the
landing impulse stops the body. `sample()` then measures the function the way a plate would:
ideal samples at a lab rate, or an HX711-like converter (moving average over its settling
window, its own clock error, reading jitter and noise).
"""

from dataclasses import dataclass, field

import numpy as np

G = 9.80665
_FINE_HZ = 20000.0


# Takeoff shape, matched to six real lab CMJs: from about 2 body weights 50 ms before takeoff
# the force falls as (t1 - t)^1.5 (real: 1.39 to 1.55; at -50/-30/-10/-2 ms real 2.2/1.55/0.27/
# 0.015 BW, here about 1.8/1.3/0.33/0.03 BW).
TAPER_CURVED = 1.0
TAPER_S = 0.05
PROP_OVERHANG_S = 0.12


def _taper(u):
    """Force share left as takeoff nears (u: 0 -> 1): (1 - u^2)^1.5, smooth where it starts and
    (t1 - t)^1.5 at the end, optionally mixed with the linear-ending (1 - u^2)."""
    v = np.clip(1.0 - u * u, 0.0, 1.0)
    return TAPER_CURVED * v ** 1.5 + (1.0 - TAPER_CURVED) * v


_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 names it trapz


def _bump(t, start, width):
    """sin^2 lobe of unit height from start to start + width, zero elsewhere."""
    u = np.clip((t - start) / width, 0.0, 1.0)
    return np.sin(np.pi * u) ** 2


def _rise(t, start, width):
    """0 before start, 1 after start + width, 1 - (1 - u)^2 between (finite initial slope)."""
    u = np.clip((t - start) / width, 0.0, 1.0)
    return 1.0 - (1.0 - u) ** 2


@dataclass
class Synthetic:
    """A continuous trial: `force(t)` in newtons and its truth (SI units)."""

    force: object
    duration_s: float
    mass_kg: float
    test: str
    truth: dict = field(default_factory=dict)

    def fine(self):
        t = np.arange(0.0, self.duration_s, 1.0 / _FINE_HZ)
        return t, self.force(t)


def _cumtrapz(y, dt):
    out = np.zeros_like(y)
    np.cumsum((y[1:] + y[:-1]) * 0.5 * dt, out=out[1:])
    return out


def cmj(mass_kg=75.0, takeoff_velocity=2.45, quiet_s=2.0, after_s=2.0, unweighting=0.55,
        step_off_after=False, arm_swing=False, duration_scale=1.0):
    """A countermovement jump: quiet standing, unweighting, braking, propulsion, a flight of
    exactly 2 v / g, a landing whose impulse stops the body, quiet standing (optionally a
    step-off at the end)."""
    m, w = mass_kg, mass_kg * G
    t0 = quiet_s
    uw_w = 0.42 * duration_scale
    prop_start, prop_w = t0 + 0.28 * duration_scale, 0.62 * duration_scale
    taper_w = TAPER_S * duration_scale
    t1 = prop_start + prop_w - PROP_OVERHANG_S * duration_scale
    arm = 0.12 * w if arm_swing else 0.0

    def shape(t, p):
        taper = np.where(t >= t1, 0.0, np.where(t < t1 - taper_w, 1.0,
                         _taper((t - (t1 - taper_w)) / taper_w)))
        core = (w + p * _bump(t, prop_start, prop_w) + arm * _bump(t, t0 + 0.1, 0.3)) * taper
        return core - unweighting * w * _bump(t, t0, uw_w) * taper

    # Solve the propulsive amplitude for the takeoff velocity asked for (linear in p).
    tt = np.arange(t0 - 0.1, t1, 1.0 / _FINE_HZ)
    dt = 1.0 / _FINE_HZ

    def v_end(p):
        return _cumtrapz(shape(tt, p) - w, dt)[-1] / m

    v0, v1 = v_end(0.0), v_end(w)
    p = (takeoff_velocity - v0) / (v1 - v0) * w
    flight = 2.0 * takeoff_velocity / G
    t_land = t1 + flight
    landing = _landing_solver(m, takeoff_velocity, t_land, impact=2.2)
    end = t_land + after_s
    step_t = t_land + 1.2 if step_off_after else None

    def force(t):
        t = np.asarray(t, dtype=float)
        f = np.where(t < t1, shape(t, p), np.where(t < t_land, 0.0, landing(t)))
        if step_t is not None:
            f = np.where(t >= step_t, f * (1.0 - _rise(t, step_t, 0.25)), f)
        return f

    syn = Synthetic(force, end, m, "cmj")
    _truth_jump(syn, t0, t1, t_land)
    return syn


def _truth_jump(syn, t0, t1, t_land):
    t, f = syn.fine()
    m, w = syn.mass_kg, syn.mass_kg * G
    dt = 1.0 / _FINE_HZ
    i0, i1 = int(round(t0 * _FINE_HZ)), int(round(t1 * _FINE_HZ))
    a = (f - w) / m
    v = np.zeros_like(f)
    v[i0:] = _cumtrapz(a[i0:], dt)
    s = np.zeros_like(f)
    s[i0:] = _cumtrapz(v[i0:], dt)
    vto = v[i1]
    ib = i0 + int(np.argmin(v[i0:i1]))
    ip = ib + int(np.argmax(v[ib:i1] >= 0.0))
    syn.truth.update(
        system_weight=w, onset=t0, braking_start=t[ib], propulsion_start=t[ip], takeoff=t1,
        landing=t_land, takeoff_velocity=vto, jump_height_impulse=vto ** 2 / (2 * G),
        flight_time=t_land - t1, jump_height_flight_time=G * (t_land - t1) ** 2 / 8,
        time_to_takeoff=t1 - t0, peak_force=float(f[i0:i1].max()),
        countermovement_depth=float(s[i0:i1].min()),
        peak_propulsive_power=float((f[ip:i1] * v[ip:i1]).max()),
    )
    syn.truth["rsi_modified"] = syn.truth["jump_height_impulse"] / syn.truth["time_to_takeoff"]


def squat_jump(mass_kg=75.0, takeoff_velocity=2.2, quiet_s=2.0, after_s=1.5):
    """A squat jump from a held squat: no countermovement, force rises then falls to takeoff."""
    m, w = mass_kg, mass_kg * G
    t0 = quiet_s
    prop_w, taper_w = 0.50, TAPER_S
    t1 = t0 + prop_w - PROP_OVERHANG_S

    def shape(t, p):
        taper = np.where(t >= t1, 0.0, np.where(t < t1 - taper_w, 1.0,
                         _taper((t - (t1 - taper_w)) / taper_w)))
        return (w + p * _bump(t, t0, prop_w)) * taper

    dt = 1.0 / _FINE_HZ
    tt = np.arange(t0 - 0.1, t1, dt)
    v0 = _cumtrapz(shape(tt, 0.0) - w, dt)[-1] / m
    v1 = _cumtrapz(shape(tt, w) - w, dt)[-1] / m
    p = (takeoff_velocity - v0) / (v1 - v0) * w
    t_land = t1 + 2.0 * takeoff_velocity / G
    land = _landing_solver(m, takeoff_velocity, t_land)

    def force(t):
        t = np.asarray(t, dtype=float)
        return np.where(t < t1, shape(t, p), np.where(t < t_land, 0.0, land(t)))

    syn = Synthetic(force, t_land + after_s, m, "sj")
    _truth_jump(syn, t0, t1, t_land)
    syn.truth["propulsion_start"] = t0
    return syn


def _landing_solver(m, v, t_land, impact=2.0):
    w, dt = m * G, 1.0 / _FINE_HZ

    def landing(t, a):
        return w * _rise(t, t_land, 0.03) + impact * w * _bump(t, t_land, 0.06) + a * _bump(t, t_land + 0.02, 0.4)

    tl = np.arange(t_land, t_land + 0.6, dt)
    base = _cumtrapz(landing(tl, 0.0) - w, dt)[-1]
    unit = _cumtrapz(landing(tl, 1.0) - landing(tl, 0.0), dt)[-1]
    a = (m * v - base) / unit
    return lambda t: landing(t, a)


def _hop_lobe(u):
    """Contact force shape: rises linearly from touchdown (real landings: p = 0.9) and ends as
    (1 - u)^1.5 like a real takeoff."""
    return np.sin(np.pi * u) * np.sqrt(1.0 - u)


_HOP_LOBE_AREA = float(_trapezoid(_hop_lobe(np.linspace(0, 1, 200001)), np.linspace(0, 1, 200001)))


def hops(mass_kg=75.0, velocities=(2.0, 1.9, 1.8, 1.7, 1.6), contact_s=(0.20, 0.21, 0.23, 0.25, 0.27),
         quiet_s=2.0, drop=False, after_s=1.5):
    """Repeated hops (or a drop jump when drop=True and one velocity): each contact stops the
    landing velocity and relaunches at the next; flights last exactly 2 v / g. With drop=True
    the recording starts unloaded (athlete on a box) and the first landing comes from a drop
    of height v0^2 / 2g where v0 = velocities[0] * 1.05."""
    m, w = mass_kg, mass_kg * G
    pieces = []  # (start, end, func)
    truth_hops = []
    if drop:
        v_in = velocities[0] * 1.05
        t = quiet_s
        first_contact = t
    else:
        # A countermovement start, then hops: reuse the CMJ generator for the first takeoff.
        first = cmj(mass_kg, velocities[0], quiet_s=quiet_s, after_s=0.1)
        t = first.truth["takeoff"] + 2 * velocities[0] / G
        pieces.append((0.0, t, first.force))
        v_in = velocities[0]
        velocities = velocities[1:]
        contact_s = contact_s[1:]
        first_contact = None
    for v_out, tc in zip(velocities, contact_s):
        lobe = lambda u, tc=tc, start=t: _hop_lobe(np.clip((u - start) / tc, 0.0, 1.0))
        # impulse needed: m (v_in + v_out) + w tc  ->  amplitude of the lobe
        amp = (m * (v_in + v_out) + w * tc) / (tc * _HOP_LOBE_AREA)
        pieces.append((t, t + tc, lambda u, amp=amp, lobe=lobe: amp * lobe(u)))
        truth_hops.append(dict(landing=t, takeoff=t + tc, contact_time=tc, v_out=v_out,
                               jump_height=v_out ** 2 / (2 * G), flight_time=2 * v_out / G,
                               rsi=(v_out ** 2 / (2 * G)) / tc))
        t = t + tc + 2 * v_out / G
        v_in = v_out
    land = _landing_solver(m, v_in, t)
    end = t + after_s

    def force(u):
        u = np.asarray(u, dtype=float)
        f = land(u) * (u >= t)
        for a, b, fn in pieces:
            f = np.where((u >= a) & (u < b), fn(u), f)
        return f

    syn = Synthetic(force, end, m, "dj" if drop else "rebound")
    syn.truth.update(system_weight=w, hops=truth_hops, final_landing=t, first_contact=first_contact,
                     drop_velocity=velocities[0] * 1.05 if drop else None)
    return syn


def drop_jump(mass_kg=75.0, takeoff_velocity=2.0, contact_s=0.22, quiet_s=1.0):
    return hops(mass_kg, (takeoff_velocity,), (contact_s,), quiet_s=quiet_s, drop=True)


def imtp(mass_kg=80.0, peak_net_n=2200.0, rise_tau_s=0.12, quiet_s=2.0, hold_s=3.0, after_s=1.0):
    """Isometric mid-thigh pull: standing on the plate, then net force 1 - exp(-t/tau) up to a
    plateau, released after hold_s. Truth gives force and impulse at each epoch."""
    m, w = mass_kg, mass_kg * G
    t0 = quiet_s

    def net(t):
        u = np.clip(t - t0, 0.0, None)
        rise = peak_net_n * (1.0 - np.exp(-u / rise_tau_s))
        release = 1.0 - _rise(t, t0 + hold_s, 0.3)
        return rise * release

    def force(t):
        t = np.asarray(t, dtype=float)
        return w + net(t)

    syn = Synthetic(force, t0 + hold_s + 0.3 + after_s, m, "imtp")
    truth = dict(system_weight=w, onset=t0, peak_force=w + float(net(np.arange(t0, t0 + hold_s, 1e-4)).max()))
    truth["net_peak_force"] = truth["peak_force"] - w
    for ms in (50, 100, 150, 200, 250):
        e = t0 + ms / 1000.0
        tt = np.arange(t0, e + 1e-9, 1.0 / _FINE_HZ)
        truth[f"force_{ms}ms"] = float(force(e))
        truth[f"rfd_0_{ms}ms"] = float(net(e)) / (ms / 1000.0)
        truth[f"impulse_0_{ms}ms"] = float(_trapezoid(net(tt), tt))
    syn.truth.update(truth)
    return syn


def balance(mass_kg=70.0, duration_s=30.0, plate_size_m=(0.40, 0.60), sway_m=0.004, seed=1):
    """Quiet standing on one plate with 4 corner cells. The centre of pressure follows a sum
    of slow sinusoids, so its path length and velocity are known analytically on the fine grid.
    Returns the Synthetic whose force(t) gives (n, 4) corner forces: front-left, front-right,
    back-left, back-right, with corners at (-+w/2, +-l/2)."""
    rng = np.random.default_rng(seed)
    w = mass_kg * G
    hw, hl = plate_size_m[0] / 2, plate_size_m[1] / 2
    freqs = np.array([0.13, 0.31, 0.57, 0.83])
    ax, ay = rng.uniform(0.5, 1.0, 4) * sway_m, rng.uniform(0.5, 1.0, 4) * sway_m * 1.5
    px, py = rng.uniform(0, 2 * np.pi, 4), rng.uniform(0, 2 * np.pi, 4)

    def cop(t):
        t = np.asarray(t, dtype=float)[..., None]
        x = (ax * np.sin(2 * np.pi * freqs * t + px)).sum(-1)
        y = (ay * np.sin(2 * np.pi * freqs * t + py)).sum(-1)
        return x, y

    def force(t):
        x, y = cop(t)
        # bilinear split of the weight over the 4 corners reproduces the COP exactly
        fx, fy = (x / hw + 1) / 2, (y / hl + 1) / 2
        return w * np.stack([(1 - fx) * fy, fx * fy, (1 - fx) * (1 - fy), fx * (1 - fy)], axis=-1)

    syn = Synthetic(force, duration_s, mass_kg, "balance")
    tt = np.arange(0, duration_s, 1.0 / _FINE_HZ)
    x, y = cop(tt)
    path = float(np.hypot(np.diff(x), np.diff(y)).sum())
    syn.truth.update(system_weight=w, cop_path_length=path, cop_mean_velocity=path / duration_s,
                     cop_range_ml=float(np.ptp(x)), cop_range_ap=float(np.ptp(y)),
                     plate_size_m=plate_size_m)
    return syn


def sample(syn, rate_hz=1000.0, noise_n=1.5, hx711=False, clock_error=0.0, jitter_s=0.0,
           settling_periods=4, seed=0, start_s=0.0):
    """Measure a synthetic trial. Ideal: F(t_k) + noise at rate_hz. HX711-like: the converter
    runs at rate_hz * (1 + clock_error), each output is the mean force over the last
    `settling_periods` conversion periods (its settling window), and the host timestamp is the
    end of that window plus uniform jitter. Returns (time_s, force_n)."""
    rng = np.random.default_rng(seed)
    true_rate = rate_hz * (1.0 + clock_error)
    period = 1.0 / true_rate
    if not hx711:
        t = np.arange(start_s, syn.duration_s, period)
        f = syn.force(t)
    else:
        win = settling_periods * period
        t = np.arange(start_s + win, syn.duration_s, period)
        tf, ff = syn.fine()
        c = np.concatenate([[0.0], np.cumsum((ff[1:] + ff[:-1]) * 0.5 / _FINE_HZ)])
        if ff.ndim > 1:
            c = np.concatenate([np.zeros((1,) + ff.shape[1:]), np.cumsum((ff[1:] + ff[:-1]) * 0.5 / _FINE_HZ, axis=0)])
            f = (np.stack([np.interp(t, tf, c[:, k]) - np.interp(t - win, tf, c[:, k]) for k in range(c.shape[1])], -1)) / win
        else:
            f = (np.interp(t, tf, c) - np.interp(t - win, tf, c)) / win
        t = t + rng.uniform(0.0, jitter_s, t.shape) if jitter_s else t
    f = f + rng.normal(0.0, noise_n, f.shape)
    return t, f
