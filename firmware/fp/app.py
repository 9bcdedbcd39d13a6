# The device application: answers commands over the link. (Minimal protocol spine:
# HELLO/INFO, PING, STATUS; acquisition and the rest build on this.)
import time

import machine
from fpwire import codes as C
from fpwire import messages as M

from fp.boards import detect
from fp.link import Link

FW_VERSION = (0, 1, 0)


class App:
    def __init__(self, board):
        self.board = board
        self.link = Link()
        self.start_ms = time.ticks_ms()
        self.uid = machine.unique_id()
        self._last_req = -1
        self._last_reply = None
        tmax = time.ticks_add(0, -1)
        bits = 0
        while tmax:
            bits += 1
            tmax >>= 1
        self.ticks_bits = min(bits, 32)

    def info(self):
        return M.pack_info(FW_VERSION, C.ADC_HX711, len(self.board["dout"]), 80000, 0, 0,
                           self.ticks_bits, self.uid, self.board["name"])

    def status(self):
        return M.pack_status(uptime_ms=time.ticks_diff(time.ticks_ms(), self.start_ms))

    def handle(self, frame):
        if frame.mtype != C.CMD:
            return
        try:
            req, cmd, args = M.unpack_cmd(frame.payload)
        except ValueError:
            return
        if req == self._last_req and self._last_reply is not None:
            self.link.send_bytes(*self._last_reply)  # idempotent retry: answer from the cache
            return
        if cmd == C.CMD_INFO:
            reply = (C.ACK, M.pack_ack(req, cmd, self.info()))
        elif cmd == C.CMD_PING:
            reply = (C.ACK, M.pack_ack(req, cmd, args))
        elif cmd == C.CMD_STATUS:
            reply = (C.ACK, M.pack_ack(req, cmd, self.status()))
        else:
            reply = (C.NAK, M.pack_nak(req, cmd, C.E_UNKNOWN_COMMAND, "unknown command"))
        self._last_req = req
        self._last_reply = reply
        self.link.send_bytes(*reply)

    def run(self):
        self.link.send_bytes(C.HELLO, self.info())
        while True:
            frames = self.link.commands()
            if frames:
                for f in frames:
                    self.handle(f)
            else:
                time.sleep_ms(1)


def main():
    App(detect()).run()
