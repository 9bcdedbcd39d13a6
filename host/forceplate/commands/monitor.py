"""forceplate monitor: live force, corners, centre of pressure, rate and drops."""

import time

import click

from forceplate.display import live
from forceplate.errors import DeviceError
from forceplate.storage.export import DEFAULT_PLATE
from forceplate.device.ports import open_device
from forceplate.storage.recording import LAYOUTS, channel_names, default_layout
from forceplate.device.session import Stream


@click.command("monitor")
@click.option("--duration", type=live.Number(float, 0, lo_open=True, unit=" s"), default=None,
              metavar="S", help="Stop after S seconds (default: until Ctrl-C).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line (about 10 per second) on stdout.")
@click.option("--raw", is_flag=True,
              help="Raw ADC counts per chip, no calibration needed: which chip moves when each "
                   "corner is pressed, and any chip that is dead, stuck or saturated.")
@click.pass_context
def command(ctx, duration, as_json, raw):
    """Live total force, per-corner forces, centre of pressure, rate and lost samples."""
    if raw:
        return _raw(ctx, duration, as_json)
    with open_device(ctx.obj["port"]) as dev:
        channels = int(dev.info.get("channels", 4))
        layout = default_layout(channels)
        unit = LAYOUTS.get(layout)
        positions = None
        if unit and len(unit) == channels:
            positions = [(x * DEFAULT_PLATE["width_m"] / 2, y * DEFAULT_PLATE["depth_m"] / 2)
                         for x, y in unit]
        view = live.MonitorView(channel_names(layout, channels), positions, quiet=as_json)
        try:
            view.calibrated = any(dev.get_cal().get("gains_n_per_count") or [])
        except DeviceError:
            view.calibrated = None

        status = {"at": 0.0, "value": None}

        def tick(stream):
            now = time.monotonic()
            if now - status["at"] >= 1.0:  # the device's own counters, once a second
                status["at"] = now
                try:
                    status["value"] = dev.status()
                except DeviceError:
                    pass  # an unplug shows up in the stream itself
            snap = view.snapshot(stream, getattr(dev, "stats", None), status["value"])
            if as_json:
                live.emit_json_line(snap)
            else:
                view.show(snap)

        # refresh with every sample up to 30 times a second (the terminal's limit); JSON lines
        # about 10 times a second
        rate = dev.rate_hz() if callable(getattr(dev, "rate_hz", None)) else 10.0
        tick_s = 0.1 if as_json else max(1.0 / max(rate, 1.0), 1.0 / 30)
        with view:
            stream = Stream(dev).start()
            stream.run(duration_s=duration, on_tick=tick, tick_s=tick_s)
            stream.stop()
    if stream.reason == "disconnected":
        raise DeviceError(stream.detail)


def _raw(ctx, duration, as_json):
    """monitor --raw: counts per chip (workflows/wiring.py)."""
    from fpwire import codes as C
    from forceplate.workflows.wiring import RawWatch

    with open_device(ctx.obj["port"]) as dev:
        channels = int(dev.info.get("channels", 4))
        rate = dev.rate_hz() if callable(getattr(dev, "rate_hz", None)) else 10.0
        watch = RawWatch(channels, rate)
        seen = {"n": 0}
        console = None if as_json else live.err_console()
        from rich.live import Live

        view = None if as_json else Live(console=console, refresh_per_second=10, transient=False,
                                         auto_refresh=False)

        def tick(stream):
            new = stream.n - seen["n"]
            if new > 0:
                watch.add(stream.tail(min(new, int(rate * 4) + 16)))
                seen["n"] = stream.n
            snap = dict(watch.snapshot(), samples=stream.n, samples_lost=stream.samples_lost)
            if as_json:
                live.emit_json_line(snap)
            else:
                view.update(live.raw_table(snap), refresh=True)

        stream = Stream(dev, mode=C.STREAM_RAW).start()
        if view is not None:
            view.__enter__()
        try:
            stream.run(duration_s=duration, on_tick=tick, tick_s=0.1 if as_json else 0.2)
        finally:
            stream.stop()
            if view is not None:
                view.__exit__(None, None, None)
    if stream.reason == "disconnected":
        raise DeviceError(stream.detail)
