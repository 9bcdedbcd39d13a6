"""A Ctrl-C that lands while the client is decoding what it read from the port must not
lose what was read: the recorder's loss on Ctrl-C is 0 (issue 14 "Done when": Ctrl-C of the
recorder, loss 0). Python raises KeyboardInterrupt at whatever bytecode runs when SIGINT
arrives; Stream.run takes SIGINT as a flag instead, and stops between two reads."""

import os
import signal
import types

import numpy as np

from forceplate.device.session import Stream
from fpwire import codes as C


class _Board:
    """Hands over one frame of 16 samples per poll; on the third poll SIGINT arrives after
    the bytes were read and before the poll returns them (as in the middle of decoding)."""

    def __init__(self):
        self.info = {"ticks_bits": 32}
        self.stats = {}
        self.rx_bytes = 0
        self.next = 0
        self.polls = 0

    def start(self, mode=None):
        pass

    def stop(self):
        pass

    def poll(self, timeout=0.05):
        self.polls += 1
        idx = np.arange(self.next, self.next + 16)
        self.next += 16
        self.rx_bytes += 300
        block = types.SimpleNamespace(index=idx, t_us=idx * 12500, values=np.zeros((16, 4), np.int32),
                                      fmt=C.FORMAT_RAW24)
        if self.polls == 3:
            os.kill(os.getpid(), signal.SIGINT)  # delivered at once, inside this poll
        return [types.SimpleNamespace(kind="samples", data=block)]


def test_a_ctrl_c_during_a_read_keeps_that_read_and_ends_the_stream_as_interrupted():
    # SIGINT as in `forceplate record` started from a shell (a suite started with nohup
    # inherits it ignored: ctrlc.py)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        board = _Board()
        stream = Stream(board, mode=C.STREAM_RAW).start()
        assert stream.run(duration_s=60) == "interrupted"
        # every sample the board handed over, the one read during the Ctrl-C included
        index, _, _, _ = stream.arrays()
        assert list(index) == list(range(board.next)) and board.polls == 3
        assert stream.summary()["samples_lost"] == 0
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
    finally:
        signal.signal(signal.SIGINT, old)
