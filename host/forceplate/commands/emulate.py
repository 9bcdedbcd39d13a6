"""forceplate emulate: a virtual board on a pseudo-terminal, running the real firmware."""

import signal
import threading

import click

from forceplate.display import live
from forceplate.emulator.device.adcfilter import CONVERTERS, DEFAULT_CONVERTER
from forceplate.emulator.device.athlete import SCENARIOS


@click.command("emulate")
@click.option("--scenario", type=click.Choice(SCENARIOS), default="still", show_default=True,
              help="What the simulated athlete does (repeated every few seconds).")
@click.option("--mass", type=float, default=80.0, show_default=True, help="Body mass, kg.")
@click.option("--jump-height", type=float, default=0.35, show_default=True, help="Jump height, m.")
@click.option("--adc", type=click.Choice(["hx711", "hx717"]), default="hx711", show_default=True)
@click.option("--rate", type=live.Number(float, 0, lo_open=True, unit=" Hz"), default=None, metavar="HZ",
              help="Fast conversion rate (RATE pin high); default 80 (HX711) or 320 (HX717).")
@click.option("--channels", type=click.IntRange(1, 8), default=4, show_default=True,
              help="Number of HX711 chips (4 = one plate, 8 = two plates).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Seed of the chips' offsets, gains and clock errors.")
@click.option("--flash-dir", type=click.Path(file_okay=False), default=None,
              help="Keep the device filesystem in DIR (used as is) instead of a fresh temp dir.")
@click.option("--blank", is_flag=True, help="Start with an empty filesystem (then `forceplate flash`).")
@click.option("--mpy", is_flag=True, help="Deploy the firmware precompiled with mpy-cross.")
@click.option("--clock-spread", type=click.FloatRange(0.0, 0.15), default=0.01, show_default=True,
              metavar="FRACTION",
              help="How far apart the chips' own oscillators run (stock modules). 0 = one clock "
                   "for all chips, the build hardware/wiring.md recommends for jump testing.")
@click.option("--asymmetry", default=None, metavar="SHARE",
              help="Two plates (--channels 8): the left plate's share of the force, e.g. 0.55, "
                   "or per phase: standing=0.5,braking=0.55,propulsion=0.53,landing=0.6 "
                   "(phases: standing, unweighting, braking, propulsion, landing).")
@click.option("--converter", type=click.Choice(CONVERTERS), default=DEFAULT_CONVERTER,
              show_default=True,
              help="Each conversion's settling filter: sincK = K one-period averages in cascade "
                   "(sinc4: the HX711's 4-period settling), boxcarL = one average over L "
                   "periods, point = the force at one instant (other ADCs).")
@click.option("--uncalibrated", is_flag=True,
              help="Leave the plate uncalibrated (default: it starts with the simulated chips' "
                   "true offsets and gains stored, like a factory-calibrated plate).")
@click.option("--time", "time_mode", type=click.Choice(["virtual", "real"]), default="real",
              show_default=True,
              help="The device's clock: virtual advances with the firmware's work and sleeps "
                   "(host load costs no conversions); real is the host's clock (stress tests).")
@click.option("--corrupt", type=float, default=None, metavar="FRACTION",
              help="Link fault: replace this fraction of the device's bytes (0.01 = 1 %).")
@click.option("--drop", type=float, default=None, metavar="FRACTION",
              help="Link fault: lose this fraction of the device's bytes.")
@click.option("--faults-to-device", is_flag=True,
              help="Apply --corrupt and --drop to the host's bytes too.")
@click.option("--stall", multiple=True, metavar="AT[:SECONDS]",
              help="The link stops carrying device bytes at AT s after start, for SECONDS "
                   "(default: for good), as a host that keeps the port open and stops reading.")
@click.option("--dead-chip", multiple=True, metavar="CHIP[@AT]",
              help="Chip CHIP stops answering (DOUT stuck high) from AT s (default 0).")
@click.option("--saturate", multiple=True, metavar="CHIP[@AT]",
              help="Chip CHIP reads positive full scale from AT s (default 0).")
@click.option("--reboot-at", multiple=True, type=float, metavar="SECONDS",
              help="Power-cycle the board SECONDS after start (repeatable).")
def command(scenario, mass, jump_height, adc, rate, channels, seed, flash_dir, blank, mpy,
            clock_spread, uncalibrated, asymmetry, converter, corrupt, drop, faults_to_device,
            stall, dead_chip, saturate, reboot_at, time_mode):
    """Print the port (first line), then run until Ctrl-C. The second line names the
    control directory for forceplate.emulator.control.Control (scripting from elsewhere)."""
    from forceplate.emulator import Emulator
    from forceplate.emulator.control import parse_asymmetry

    if asymmetry is not None:
        asymmetry = parse_asymmetry(asymmetry)
        if channels < 8:
            raise click.UsageError("--asymmetry needs two plates: --channels 8")

    from forceplate.emulator.faultplan import FaultPlan

    plan = FaultPlan.parse(corrupt=corrupt, drop=drop, to_device=faults_to_device, stalls=stall,
                           dead_chips=dead_chip, saturate=saturate, reboot_at=reboot_at,
                           channels=channels)
    dev = Emulator(flash_dir=flash_dir, blank=blank, scenario=scenario, mass_kg=mass,
                   jump_height_m=jump_height, adc=adc, rate_hz=rate, channels=channels,
                   seed=seed, mpy=mpy, calibrated=not uncalibrated, clock_spread=clock_spread,
                   asymmetry=asymmetry, converter=converter, time_mode=time_mode)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        dev.start()
        click.echo(dev.port)
        click.echo(f"control {dev.run_dir}")
        for line in plan.describe():
            click.echo(f"fault at {line}")
        import sys
        sys.stdout.flush()
        plan.start(dev, stop)
        while not stop.wait(0.5):
            pass
    finally:
        dev.stop()
