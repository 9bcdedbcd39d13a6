"""The device's viper-compiled frame writer produces exactly the protocol's frames (every
payload length 0..1024 class, runs of zeros and none, the 254/255 COBS boundaries)."""

SCRIPT = """
import random
from fpwire.frame import FrameWriter
from fp.fastframe import FastFrameWriter

ref = FrameWriter(1024)
fast = FastFrameWriter(1024)
random.seed(11)
lengths = [0, 1, 243, 244, 247, 248, 249, 250, 253, 254, 255, 500, 1023, 1024]
lengths += [random.randint(0, 1024) for _ in range(300)]
bad = 0
for k, n in enumerate(lengths):
    zeros = (0.0, 1.0, 0.5, 0.01)[k % 4]
    for i in range(n):
        v = 0 if random.random() < zeros else random.randint(1, 255)
        ref.payload[i] = v
        fast.payload[i] = v
    a = ref.frame(0x10 + k % 5, n)
    b = fast.frame(0x10 + k % 5, n)
    if a != b or ref.out[:a] != fast.out[:b]:
        bad += 1
print("frames", len(lengths))
print("different", bad)
"""


def test_the_fast_writer_gives_the_protocols_bytes(mpy):
    out = dict(line.split() for line in mpy(SCRIPT))
    assert int(out["frames"]) == 314
    assert int(out["different"]) == 0
