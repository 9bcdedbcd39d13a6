# Offline simulation of fp/chipclock.py (WIP, branch wip/chip-clocks): chips on their own clocks,
# a polling loop with latency and stalls; prints lattice/period/count errors against the truth.
import random, sys, statistics as st
import pathlib; _r = pathlib.Path(__file__).resolve().parents[1]; sys.path.insert(0, str(_r / "firmware")); sys.path.insert(0, str(_r / "protocol"))
from fp.chipclock import ChipClocks
MASK = (1 << 30) - 1

def run(n=4, rate=80.0, spread=0.01, seconds=60, turn=(50, 400), stall_p=5, stall=(1000, 8000),
        read_us=1200, seed=1, nomerr=0.0):
    rnd = random.Random(seed)
    P = [1e6 / rate * (1 + nomerr) * (1 + rnd.uniform(-spread, spread)) for _ in range(n)]
    ph = [rnd.uniform(0, p) for p in P]
    cc = ChipClocks(n, MASK); cc.reset(int(1e6 / rate))
    t = 0.0; seen = 0; lastread = [-1] * n; tprev = 0.0
    terr = []; reads = 0; true_missed = 0; est_missed = 0; miscount = 0; lastc = [None] * n
    slow = max(range(n), key=lambda j: P[j]); locked_at = None
    while t < seconds * 1e6:
        m = 0
        for j in range(n):
            k = int((t - ph[j]) // P[j]); nxt = ph[j] + (k + 1) * P[j]
            if k > lastread[j] and nxt - t > 60: m |= 1 << j
        fresh = m & ~seen
        for j in range(n):
            if fresh >> j & 1: cc.observe(j, int(t) & MASK, int(t - tprev))
        seen |= fresh
        tprev = t
        if m == (1 << n) - 1:
            tr = int(t) & MASK
            ks = [int((t - ph[j]) // P[j]) for j in range(n)]
            if all(cc.locked(j) for j in range(n)):
                if locked_at is None: locked_at = t
                ns = []
                for j in range(n):
                    c = cc.count_at(j, tr)
                    if lastc[j] is not None:
                        ns.append(c - lastc[j])
                        if c - lastc[j] != ks[j] - lastread[j]: miscount += 1
                    inst = cc.instant(j, c); truec = ph[j] + ks[j] * P[j]
                    terr.append(((inst - int(truec)) + (1 << 29)) % (1 << 30) - (1 << 29))
                    lastc[j] = c
                if len(ns) == n:
                    est_missed += max(0, min(ns) - 1)
                    true_missed += ks[slow] - lastread[slow] - 1
            lastread = ks; seen = 0; reads += 1
            tprev = t
            t += read_us
        dtu = rnd.uniform(*turn); t += dtu
        if rnd.random() < stall_p * dtu / 1e6: t += rnd.uniform(*stall)
    print(f"rate {rate} spread {spread} stall_p {stall_p} nomerr {nomerr}: reads {reads} locked at {locked_at and locked_at/1e6}s missed true {true_missed} est {est_missed} count errors {miscount}")
    print(f"   instant err (us) mean {st.mean(terr):.0f} sd {st.pstdev(terr):.0f} min {min(terr)} max {max(terr)}; per err (us) " +
          " ".join(f"{cc.per[j]/16 - P[j]:+.2f}" for j in range(n)))

for kw in [dict(), dict(stall_p=20), dict(stall_p=50, stall=(500, 3000)), dict(rate=1000, turn=(20, 120), read_us=300), dict(rate=1000, turn=(20, 120), read_us=300, stall_p=20),
           dict(rate=320, spread=0.0), dict(rate=320, turn=(20,300), read_us=600, stall_p=20), dict(rate=10, seconds=120), dict(nomerr=0.14), dict(nomerr=-0.14, stall_p=20), dict(spread=0.05, stall_p=20)]:
    run(**kw)
