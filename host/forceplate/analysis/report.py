"""Report of one trial: force-time curve with phases shaded and events marked, velocity,
displacement and power panels, the metrics table; a PNG and a self-contained HTML page."""

import base64
import html
import io
import math
import os


PHASES = [("onset", "braking_start", "unweighting", "#9ecae1"), ("braking_start", "propulsion_start", "braking", "#fdae6b"),
          ("propulsion_start", "takeoff", "propulsion", "#a1d99b"), ("takeoff", "landing", "flight", "#e0e0e0"),
          ("landing", "landing_end", "landing", "#bcbddc")]
KEY_METRICS = ["jump_height_impulse", "jump_height_flight_time", "takeoff_velocity", "flight_time", "time_to_takeoff",
               "rsi_modified", "peak_force", "countermovement_depth", "peak_propulsive_power", "braking_rfd",
               "contact_time", "rsi", "net_peak_force", "rfd_0_100ms", "rfd_0_200ms", "cop_mean_velocity",
               "cop_ellipse_area_95", "rsi_best", "rsi_fatigue"]


def figure(result):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sig = result.signals
    panels = [("force_n", "force (N)")]
    for key, label in (("velocity_m_s", "velocity (m/s)"), ("displacement_m", "displacement (m)"), ("power_w", "power (W)")):
        if key in sig:
            panels.append((key, label))
    if "cop_x_m" in sig:
        panels = [("force_n", "force (N)"), ("cop", "centre of pressure")]
    fig = plt.figure(figsize=(12, max(2.2 * len(panels) + 1.5, 6.0)), dpi=100)
    gs = fig.add_gridspec(len(panels), 2, width_ratios=[3, 1.25])
    t = sig.get("time_s")
    ev = {k: v for k, v in result.events.items() if v is not None and math.isfinite(v)}
    lo, hi = _window(t, ev)
    axes = []
    for row, (key, label) in enumerate(panels):
        ax = fig.add_subplot(gs[row, 0], sharex=axes[0] if axes else None)
        axes.append(ax)
        if key == "cop":
            ax.remove()
            ax = fig.add_subplot(gs[row, 0])
            ax.plot(sig["cop_x_m"] * 1000, sig["cop_y_m"] * 1000, lw=0.6, color="#222222")
            ax.set_xlabel("medio-lateral (mm)")
            ax.set_ylabel("antero-posterior (mm)")
            ax.set_aspect("equal", adjustable="datalim")
            ax.grid(alpha=0.3)
            axes[-1] = ax
            continue
        if t is None or key not in sig:
            continue
        y = sig[key]
        ax.plot(t, y, color="#222222", lw=1.0)
        for a, b, name, colour in PHASES:
            if a in ev and b in ev and ev[b] > ev[a]:
                ax.axvspan(ev[a], ev[b], color=colour, alpha=0.5, lw=0, label=name if row == len(panels) - 1 else None)
        for name, x in ev.items():
            ax.axvline(x, color="#444444", lw=0.6, ls=":")
            if row == 0:
                ax.text(x, 1.0, " " + name, transform=ax.get_xaxis_transform(), rotation=90, va="top", fontsize=7)
        if key == "force_n" and "system_weight" in result.metrics:
            ax.axhline(result.metrics["system_weight"].value, color="#3182bd", lw=0.8, ls="--")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.set_xlim(lo, hi)
    if "cop_x_m" not in sig:
        axes[-1].set_xlabel("time (s)")
    handles, labels = axes[-1].get_legend_handles_labels()
    if labels:
        axes[-1].legend(loc="lower left", fontsize=7, ncol=5)
    title = f"{_who_when(result)}{os.path.basename(result.file) if result.file else 'trial'}: {result.test} at {result.sample_rate_hz:.0f} Hz"
    axes[0].set_title(title, loc="left", fontsize=10)
    tab = fig.add_subplot(gs[:, 1])
    tab.axis("off")
    rows = _rows(result, limit=28)
    tab.text(0, 1, "\n".join(f"{n[:26]:26s} {v:>10s} {u}" for n, v, u, _ in rows), va="top", family="monospace",
             fontsize=7.5, transform=tab.transAxes)
    flags = [f["code"] for f in result.flags]
    if flags:
        tab.text(0, 0.0, "flags: " + ", ".join(flags), va="bottom", fontsize=7, color="#b30000", wrap=True,
                 transform=tab.transAxes)
    fig.tight_layout()
    return fig


def _window(t, ev):
    if t is None or len(t) == 0:
        return 0, 1
    if not ev:
        return float(t[0]), float(t[-1])
    a, b = min(ev.values()) - 0.5, max(ev.values()) + 0.7
    return max(a, float(t[0])), min(b, float(t[-1]))


def _rows(result, limit=None):
    names = [n for n in KEY_METRICS if n in result.metrics] + [n for n in result.metrics if n not in KEY_METRICS]
    out = []
    for n in names[:limit]:
        m = result.metrics[n]
        v = "-" if not math.isfinite(m.value) else f"{m.value:.4g}"
        u = m.unit + ("" if m.valid else " (n/v)")
        out.append((n, v, u, m))
    return out


def png_bytes(result):
    import matplotlib.pyplot as plt
    fig = figure(result)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _who_when(result):
    """"Athlete, date: " from the recording (its names are data: control characters out)."""
    import re
    parts = [re.sub(r"[\x00-\x1f\x7f]", "", result.extra.get(k, ""))
             for k in ("athlete", "recorded_utc")]
    parts[1] = parts[1][:10]
    parts = [p for p in parts if p]
    return ", ".join(parts) + ": " if parts else ""


def write(result, out_dir):
    """Write <stem>.png and <stem>.html into out_dir (a report already there is kept: the new
    one gets -2, -3...); returns both paths."""
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.splitext(os.path.basename(result.file or "trial"))[0] + "-report"
    stem, k = base, 2
    while os.path.exists(os.path.join(out_dir, stem + ".png")) or \
            os.path.exists(os.path.join(out_dir, stem + ".html")):
        stem, k = "%s-%d" % (base, k), k + 1
    png = png_bytes(result)
    png_path = os.path.join(out_dir, stem + ".png")
    with open(png_path, "wb") as fh:
        fh.write(png)
    html_path = os.path.join(out_dir, stem + ".html")
    with open(html_path, "w", encoding="utf-8") as fh:
        fh.write(html_page(result, png))
    return png_path, html_path


def html_page(result, png):
    esc = html.escape
    rows = "\n".join(
        f"<tr{'' if m.valid else ' class=nv'}><td>{esc(n)}</td><td>{esc(v)}</td><td>{esc(m.unit)}</td>"
        f"<td>{'' if not math.isfinite(m.uncertainty) else f'{m.uncertainty:.2g}'}</td>"
        f"<td>{'yes' if m.valid else 'no'}</td><td>{esc(m.method)}</td></tr>"
        for n, v, _, m in _rows(result))
    flags = "".join(f"<li><b>{esc(f['code'])}</b>: {esc(f['message'])}</li>" for f in result.flags)
    events = "".join(f"<li>{esc(k)}: {v:.4f} s</li>" for k, v in result.events.items() if v is not None and math.isfinite(v))
    img = base64.b64encode(png).decode("ascii")
    title = esc(f"{_who_when(result)}{os.path.basename(result.file) if result.file else 'trial'} - {result.test}")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{padding:2px 8px;border-bottom:1px solid #ddd}}
.nv{{color:#999}}img{{max-width:100%}}</style></head><body>
<h1>{title}</h1><p>sample rate {result.sample_rate_hz:.1f} Hz</p>
<img alt="force-time report" src="data:image/png;base64,{img}">
<h2>Events</h2><ul>{events}</ul><h2>Flags</h2><ul>{flags or '<li>none</li>'}</ul>
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>unit</th><th>uncertainty</th><th>valid</th><th>method</th></tr>
{rows}</table></body></html>
"""
