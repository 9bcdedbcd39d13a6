# Converter shapes of the simulated HX711-class chips (emulation only; MicroPython inside the
# simulated plate, CPython for the host's checks and tests): the discrete FIR that turns the
# plate's force into one conversion result. See hx711sim.py.
CONVERTERS = ("point", "sinc1", "sinc2", "sinc3", "sinc4", "sinc5", "boxcar2", "boxcar3",
              "boxcar4")
DEFAULT_CONVERTER = "sinc4"
W_ONE = 1 << 16  # the taps' weights sum to this
SUB_US = 1000  # about this far apart, the sub-samples (M per period, 2..12)


def taps(shape, period_us):
    """(offsets in us back from the conversion instant, integer weights summing to W_ONE) of
    a converter shape at this conversion period."""
    if shape == "point":
        return [0], [W_ONE]
    if shape.startswith("sinc"):
        k, width = int(shape[4:]), 1
    elif shape.startswith("boxcar"):
        k, width = 1, int(shape[6:])
    else:
        raise ValueError("unknown converter " + str(shape))
    m = min(12, max(2, (period_us + SUB_US // 2) // SUB_US))
    # the continuous kernel (k one-period boxes in cascade: the Irwin-Hall density over
    # k periods, or one box of `width` periods) sampled at the middle of each sub-interval
    n = k * width * m
    h = [_density(k, (j + 0.5) / (m * width)) for j in range(n)]
    total = sum(h)
    w = [int(v * W_ONE / total) for v in h]
    w[n // 2] += W_ONE - sum(w)
    offs = [(2 * j + 1) * period_us // (2 * m) for j in range(n)]
    return offs, w


def _density(k, x):
    """Density of the sum of k uniforms on [0, 1] at x (0 < x < k)."""
    tot = 0.0
    binom = 1
    fact = 1
    for j in range(1, k):
        fact *= j
    for j in range(int(x) + 1):
        tot += (-1) ** j * binom * (x - j) ** (k - 1)
        binom = binom * (k - j) // (j + 1)
    return tot / fact
