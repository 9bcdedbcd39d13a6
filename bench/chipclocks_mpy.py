# Run by bench/bench_chipclocks.py in the MicroPython unix port: the per-sample cost of tracking
# each chip's conversion clock, the CLOCKS entries and the corner alignment, against the
# reference loop (store one value into a preallocated ring), best of `repeat` runs.
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2], __file__.rsplit("/", 1)[0]]
from array import array

import mpytiming
from fp.chipclock import ChipClocks
from fp.align import Aligner

CH = int(sys.argv[3])
N = int(sys.argv[4])
REPEAT = int(sys.argv[5])
MASK = (1 << 30) - 1
PER = 12500


def best(f):
    return mpytiming.best(f, N, REPEAT)


def reference():
    mpytiming.reference(N)


# a locked clock per chip (periods 1 % apart), fed as the sampler feeds it
clk = ChipClocks(CH, MASK)
clk.reset(PER)
T = [0]
PERS = [PER + 40 * i for i in range(CH)]


def warm(k):
    t = T[0]
    for j in range(k):
        t += PER
        for i in range(CH):
            clk.observe(i, (t + (j * PERS[i] - j * PER) % 97) & MASK, 20)
    T[0] = t


warm(120)


def observe_all():
    # one conversion of every chip observed: what a sample costs in DOUT edges
    c = clk
    t = T[0]
    for j in range(N):
        t += PER
        for i in range(CH):
            c.observe(i, (t + (i * 37 + j) % 50) & MASK, 20)
    T[0] = t


al = Aligner(CH, MASK)
for i in range(CH):
    al.entry(i, 0, 0, PERS[i] << 4)
vals = array("i", [200000 + 1000 * i for i in range(CH)])


def entries():
    # per sample: each chip's delivered conversion, its instant, the rule's check
    c = clk
    a = al
    t = T[0]
    for j in range(N):
        for i in range(CH):
            inst = c.instant(i, c.delivered(i, t))
            d = ((inst - a.instant(i, j) + (MASK >> 1)) & MASK) - (MASK >> 1)
            if d > (PER >> 1):
                pass
        t += PER


def align():
    a = al
    v = vals
    for j in range(N):
        a.push(j, (j * PER) & MASK, v)


ref = best(reference)
out = {"reference_us": ref, "observe_us": best(observe_all), "entries_us": best(entries),
       "align_us": best(align), "channels": CH}
print(out)
