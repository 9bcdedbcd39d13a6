"""Physically exact synthetic jumps with scripted ground truth.

The athlete's centre-of-mass acceleration is written down piecewise (smooth, analytic), the
force is m (g + a), and every ground-truth number (takeoff velocity, flight time, event times)
follows from integrating that acceleration on a 100 kHz grid. The plate then samples the
force like an ADC: "point" (the value at each sample instant) or "integrating" (HX711-like:
each output is the mean force over its own conversion period), plus white noise.
"""

from dataclasses import dataclass, field

import numpy as np

G = 9.80665
FINE_HZ = 100_000


@dataclass
class Trial:
    force: np.ndarray          # N, at the fine rate
    mass: float
    truth: dict = field(default_factory=dict)  # times in s, velocities m/s, heights m

    @property
    def duration(self):
        return len(self.force) / FINE_HZ

    def sample(self, rate_hz, adc="point", noise_n=0.0, seed=0, phase=0.37, periods=1):
        """Device samples: force in N at t_k = (k + phase) / rate_hz; an integrating ADC
        averages the force over the last `periods` conversion periods."""
        rng = np.random.default_rng(seed)
        n = int((self.duration - 2.0 / rate_hz) * rate_hz)
        t = (np.arange(n) + phase) / rate_hz
        grid = np.arange(len(self.force)) / FINE_HZ
        if adc == "point":
            y = np.interp(t, grid, self.force)
        else:
            cum = np.concatenate([[0.0], np.cumsum((self.force[1:] + self.force[:-1]) / 2)])
            cum /= FINE_HZ
            ends = np.interp(t, grid, cum)
            starts = np.interp(t - periods / rate_hz, grid, cum)
            y = (ends - starts) * rate_hz / periods
        if noise_n:
            y = y + rng.normal(0.0, noise_n, n)
        return t, y

    def index_of(self, time_s, rate_hz, phase=0.37):
        """Continuous sample index of a time (sample k is at (k + phase) / rate_hz)."""
        return time_s * rate_hz - phase


def _grid(seconds):
    return np.arange(int(round(seconds * FINE_HZ))) / FINE_HZ


def cmj(mass=80.0, jump_height=0.35, quiet_s=2.5, unweight_s=0.45, unweight_acc=5.0,
        push_s=0.42, push_exp=3, after_s=2.5, countermovement=True, landing="plate",
        absorb_s=0.22):
    """Countermovement jump (or squat jump with countermovement=False).

    landing: "plate" (normal), "off" (never comes back), "partial" (one foot: 30 % SW).
    """
    v_to = np.sqrt(2 * G * jump_height)
    parts = []
    a_quiet = np.zeros(len(_grid(quiet_s)))
    parts.append(a_quiet)
    truth = {"onset": quiet_s, "takeoff_velocity": v_to, "jump_height": jump_height}
    v1 = 0.0
    if countermovement:
        u = _grid(unweight_s) / unweight_s
        parts.append(-unweight_acc * np.sin(np.pi * u))
        v1 = -2 * unweight_acc * unweight_s / np.pi
        truth["braking"] = quiet_s + unweight_s
    start2 = quiet_s + (unweight_s if countermovement else 0.0)
    # propulsion: a = B sin(pi u) - g u^k reaches -g (force zero) exactly at takeoff
    b = np.pi / 2 * ((v_to - v1) / push_s + G / (push_exp + 1))
    u = _grid(push_s) / push_s
    parts.append(b * np.sin(np.pi * u) - G * u**push_exp)
    t_to = start2 + push_s
    truth["takeoff"] = t_to
    flight = 2 * v_to / G
    truth["flight_time"] = flight
    truth["jump_height_flight_time"] = G * flight**2 / 8
    parts.append(np.full(int(round(flight * FINE_HZ)), -G))
    t_ld = t_to + len(parts[-1]) / FINE_HZ
    truth["landing"] = t_ld
    acc = np.concatenate(parts)
    if landing == "off":
        tail = np.full(int(round(after_s * FINE_HZ)), -G)
    else:
        tail = _landing(v_to, after_s, absorb_s=absorb_s)
    acc = np.concatenate([acc, tail])
    force = mass * (G + acc)
    if landing == "partial":
        i = int(round(t_ld * FINE_HZ))
        force[i:] = np.minimum(force[i:], 0.3 * mass * G)
    vel = np.cumsum(acc) / FINE_HZ
    if countermovement:
        i = int(round(truth["braking"] * FINE_HZ))
        truth["peak_negative_velocity"] = vel[:i + 1].min()
        j = i + int(np.argmax(vel[i:] >= 0))
        truth["propulsion"] = j / FINE_HZ
        disp = np.cumsum(vel) / FINE_HZ
        truth["countermovement_depth"] = disp[j]   # signed displacement, negative
    else:
        truth["propulsion"] = quiet_s
    return Trial(force, mass, truth)


def _landing(v_td, after_s, rise_s=0.015, absorb_s=0.22):
    """Touchdown at -v_td: weight comes on over rise_s (linear ramp) plus an impact bump that
    stops the athlete within absorb_s; then still."""
    t = _grid(after_s)
    k = (v_td + G * rise_s / 2) * np.pi / (2 * G * absorb_s)
    bump = np.where(t < absorb_s, np.sin(np.pi * np.minimum(t, absorb_s) / absorb_s), 0.0)
    return -G * (1 - np.minimum(1.0, t / rise_s)) + G * k * bump


def drop_jump(mass=70.0, drop_height=0.30, jump_height=0.25, contact_s=0.22, quiet_s=2.0,
              off_s=1.5, after_s=2.5):
    """Weigh on the plate, step onto a box (plate unloaded), drop, rebound, land."""
    v_td = np.sqrt(2 * G * drop_height)
    v_to = np.sqrt(2 * G * jump_height)
    step = _grid(0.3) / 0.3
    acc_quiet = np.zeros(len(_grid(quiet_s)))
    f_quiet = mass * G * np.ones(len(acc_quiet))
    f_step = mass * G * 0.5 * (1 + np.cos(np.pi * step))      # unloading onto the box
    f_off = np.zeros(len(_grid(off_s)))
    # contact: force = m (g + a), a = C sin(pi u) - g u^3 + ... must change v from -v_td to v_to
    u = _grid(contact_s) / contact_s
    c = np.pi / 2 * ((v_to + v_td) / contact_s + G / 4)
    a_contact = c * np.sin(np.pi * u) - G * u**3
    # touchdown: the force ramps up from zero over 10 ms (as in the emulator's athlete)
    f_contact = mass * (G + a_contact) * np.minimum(1.0, _grid(contact_s) / 0.010)
    # the blend removes impulse: add it back in the middle of the contact
    lost = np.sum(mass * (G + a_contact) - f_contact) / FINE_HZ
    f_contact += lost / (contact_s / 2) * np.sin(np.pi * u) ** 2
    flight = 2 * v_to / G
    f_flight = np.zeros(int(round(flight * FINE_HZ)))
    f_land = mass * (G + _landing(v_to, after_s))
    force = np.concatenate([f_quiet, f_step, f_off, f_contact, f_flight, f_land])
    t_c = quiet_s + 0.3 + off_s
    truth = {"contact": t_c, "takeoff": t_c + contact_s, "contact_time": contact_s,
             "flight_time": flight, "landing": t_c + contact_s + flight,
             "jump_height_flight_time": G * flight**2 / 8, "drop_height": drop_height,
             "takeoff_velocity": v_to}
    return Trial(force, mass, truth)


def isometric_pull(mass=85.0, peak_net_n=2500.0, rise_s=0.25, hold_s=2.5, quiet_s=2.0,
                   after_s=1.5):
    """Mid-thigh pull: force rises smoothly from system weight to a plateau, then relaxes."""
    sw = mass * G
    u = _grid(rise_s) / rise_s
    rise = sw + peak_net_n * 0.5 * (1 - np.cos(np.pi * u))
    hold = sw + peak_net_n * np.ones(len(_grid(hold_s)))
    relax = sw + peak_net_n * 0.5 * (1 + np.cos(np.pi * _grid(0.3) / 0.3))
    force = np.concatenate([sw * np.ones(len(_grid(quiet_s))), rise, hold, relax,
                            sw * np.ones(len(_grid(after_s)))])

    def at(t):
        return sw + peak_net_n * 0.5 * (1 - np.cos(np.pi * min(t, rise_s) / rise_s))

    truth = {"onset": quiet_s, "peak_force": sw + peak_net_n,
             "force_at": {e: at(e) for e in (0.05, 0.1, 0.2)}}
    return Trial(force, mass, truth)


def step_off(mass=75.0, quiet_s=2.5, step_s=0.5, after_s=2.0):
    """Stand still, then step off the plate (one foot, then the other): no jump."""
    sw = mass * G
    u = _grid(step_s) / step_s
    f_step = np.where(u < 0.5, sw * (1 - 0.45 * np.sin(np.pi * u)),
                      sw * 0.55 * (1 - (u - 0.5) * 2) ** 2)
    force = np.concatenate([sw * np.ones(len(_grid(quiet_s))), f_step,
                            np.zeros(len(_grid(after_s)))])
    return Trial(force, mass, {"onset": quiet_s})


def double_bounce(mass=80.0, jump_height=0.30):
    """Two countermovements before takeoff: dip, recover, dip again, jump."""
    base = cmj(mass=mass, jump_height=jump_height, quiet_s=2.5)
    sw = mass * G
    # prepend a first small countermovement (unweight then brake back to rest) after 2.0 s
    u = _grid(0.5) / 0.5
    bounce = sw * (1 - 0.35 * np.sin(2 * np.pi * u))   # net impulse zero: velocity back to 0
    i = int(2.0 * FINE_HZ)
    force = np.concatenate([base.force[:i], bounce, base.force[i:]])
    return Trial(force, mass, {"onset": 2.0})


def moving_while_weighing(mass=80.0, seconds=4.0, sway_n=40.0, then_still_s=0.0):
    sw = mass * G
    t = _grid(seconds)
    force = sw + sway_n * np.sin(2 * np.pi * 0.8 * t)
    if then_still_s:
        force = np.concatenate([force, sw * np.ones(len(_grid(then_still_s)))])
    return Trial(force, mass, {})
