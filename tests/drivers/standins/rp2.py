"""CPython stand-in for MicroPython's `rp2` module, for tests only.

asm_pio assembles a program written in MicroPython's PIO assembler syntax exactly as the rp2
port does (same instruction words, same [words, -1, -1, execctrl, shiftctrl, out_init,
set_init, sideset_init] layout: written from the RP2040 datasheet encoding and checked against
adafruit_pioasm in test_pio_program.py). StateMachine runs the assembled words instruction by
instruction in `pioemu` (rp2040-pio-emulator) against `world`, a simulated pin bank the test
installs. Side-set (with the optional-enable bit, which pioemu lacks) is applied here; pioemu
executes everything else. Pins are seen rotated by in_base, as the RP2040 IN mapping does.
"""

from array import array
from collections import deque
from dataclasses import replace

import pioemu

world = None  # the test's pin bank: .sck(level, t_s) and .levels(t_s) -> GPIO bitmask


class PIO:
    IN_LOW = 0
    IN_HIGH = 1
    OUT_LOW = 2
    OUT_HIGH = 3
    SHIFT_LEFT = 0
    SHIFT_RIGHT = 1
    JOIN_NONE = 0
    JOIN_TX = 1
    JOIN_RX = 2


class PIOASMError(Exception):
    pass


_NAMES = {
    "gpio": 0, "pins": 0, "x": 1, "y": 2, "null": 3, "pindirs": 4, "pc": 5, "status": 5,
    "isr": 6, "osr": 7, "exec": 8,
    "invert": lambda src: src | 0x08, "reverse": lambda src: src | 0x10,
    "not_x": 1, "x_dec": 2, "not_y": 3, "y_dec": 4, "x_not_y": 5, "pin": 6, "not_osre": 7,
    "noblock": 0x01, "block": 0x21, "iffull": 0x40, "ifempty": 0x40, "clear": 0x40,
    "rel": lambda index: index | 0x10,
}


class _Emitter:
    def __init__(self, *, out_init=None, set_init=None, sideset_init=None, side_pindir=False,
                 in_shiftdir=0, out_shiftdir=0, autopush=False, autopull=False,
                 push_thresh=32, pull_thresh=32, fifo_join=0):
        self.labels = {}
        execctrl = side_pindir << 29
        shiftctrl = (fifo_join << 30 | (pull_thresh & 31) << 25 | (push_thresh & 31) << 20
                     | out_shiftdir << 19 | in_shiftdir << 18 | autopull << 17 | autopush << 16)
        self.prog = [array("H"), -1, -1, execctrl, shiftctrl, out_init, set_init, sideset_init]
        if sideset_init is None:
            self.side_bits = 0
        else:
            self.side_bits = 1 if isinstance(sideset_init, int) else len(sideset_init)
        self.wrap_set = False
        self.n = 0
        self.n_side = 0
        self.pass_ = 0

    def begin(self, pass_):
        if pass_ == 1:
            if not self.wrap_set and self.n:
                self.wrap()
            self.opt = bool(self.side_bits) and self.n_side != self.n
            if self.opt:
                self.prog[3] |= 1 << 30
            self.total_side = self.side_bits + self.opt
            self.delay_max = 31 >> self.total_side
        self.pass_ = pass_
        self.n = 0
        self.n_side = 0

    # directives
    def wrap_target(self):
        self.prog[3] |= self.n << 7

    def wrap(self):
        self.prog[3] |= (self.n - 1) << 12
        self.wrap_set = True

    def label(self, name):
        if self.pass_ == 0:
            if name in self.labels:
                raise PIOASMError("duplicate label " + name)
            self.labels[name] = self.n

    # modifiers
    def __getitem__(self, delay):
        if self.pass_:
            if delay > self.delay_max:
                raise PIOASMError("delay too large")
            self.prog[0][-1] |= delay << 8
        return self

    def side(self, value):
        self.n_side += 1
        if self.pass_:
            if not self.side_bits:
                raise PIOASMError("no sideset")
            if value >= 1 << self.side_bits:
                raise PIOASMError("sideset too large")
            self.prog[0][-1] |= self.opt << 12 | value << (13 - self.total_side)
        return self

    # instructions
    def word(self, instr, label=None):
        self.n += 1
        if self.pass_:
            target = 0 if label is None else self.labels[label]
            self.prog[0].append(instr | target)
        return self

    def nop(self):
        return self.word(0xA042)  # mov y, y

    def jmp(self, cond, label=None):
        if label is None:
            cond, label = 0, cond
        return self.word(cond << 5, label)

    def wait(self, polarity, src, index):
        src = 1 if src == 6 else (0 if src == 0 else 2)
        return self.word(0x2000 | polarity << 7 | src << 5 | index)

    def in_(self, src, bits):
        if not 0 < bits <= 32:
            raise PIOASMError("invalid bit count")
        return self.word(0x4000 | src << 5 | bits & 31)

    def out(self, dest, bits):
        if not 0 < bits <= 32:
            raise PIOASMError("invalid bit count")
        return self.word(0x6000 | (7 if dest == 8 else dest) << 5 | bits & 31)

    def push(self, a=0, b=0):
        v = a | b
        return self.word(0x8000 | ((v | 0x20) if not v & 1 else v) & 0x60)

    def pull(self, a=0, b=0):
        v = a | b
        return self.word(0x8080 | ((v | 0x20) if not v & 1 else v) & 0x60)

    def mov(self, dest, src):
        return self.word(0xA000 | (4 if dest == 8 else dest) << 5 | src)

    def irq(self, mod, index=None):
        if index is None:
            mod, index = 0, mod
        return self.word(0xC000 | mod & 0x60 | index)

    def set(self, dest, data):
        return self.word(0xE000 | dest << 5 | data)


_DIRECTIVES = ("wrap_target", "wrap", "label")
_INSTRUCTIONS = ("word", "nop", "jmp", "wait", "in_", "out", "push", "pull", "mov", "irq", "set")


def asm_pio(**kw):
    emit = _Emitter(**kw)

    def assemble(f):
        g = f.__globals__  # like the rp2 port: run f with the assembler's names as globals
        saved = dict(g)
        g.clear()
        g.update(_NAMES)
        g.update({name: getattr(emit, name) for name in _DIRECTIVES + _INSTRUCTIONS})
        try:
            emit.begin(0)
            f()
            emit.begin(1)
            f()
        finally:
            g.clear()
            g.update(saved)
        return emit.prog

    return assemble


def asm_pio_encode(text, side_bits, opt=False):
    emit = _Emitter()
    emit.side_bits = side_bits
    emit.opt = bool(opt)
    emit.total_side = side_bits + emit.opt
    emit.delay_max = 31 >> emit.total_side
    emit.pass_ = 1
    names = dict(_NAMES)
    names.update({name: getattr(emit, name) for name in _INSTRUCTIONS})
    exec(text, names)
    if len(emit.prog[0]) != 1:
        raise PIOASMError("expecting exactly 1 instruction")
    return emit.prog[0][0]


def _gpio(pin):
    return pin if isinstance(pin, int) else pin.gpio


POLL_S = 1e-6  # emulated CPU time of one rx_fifo() poll
_RX_DEPTH = 4  # pioemu's FIFO; with JOIN_RX the stand-in adds 4 more words in front of it


class StateMachine:
    """Runs on the emulated PIO clock; the test advances time with run(seconds)."""

    instances = []

    def __init__(self, sm_id, prog=None, **kw):
        self.sm_id = sm_id
        self.running = False
        self.clock = 0
        StateMachine.instances.append(self)
        if prog is not None:
            self.init(prog, **kw)

    def init(self, prog, freq=125_000_000, *, sideset_base=None, in_base=None, **unused):
        self.freq = freq
        words, execctrl, shiftctrl = prog[0], prog[3], prog[4]
        self.side_bits = (0 if prog[7] is None else
                          1 if isinstance(prog[7], int) else len(prog[7]))
        self.opt = bool(execctrl >> 30 & 1)
        self.side_total = self.side_bits + self.opt
        self.words = list(words)
        self.in_base = _gpio(in_base)
        self.sck_gpio = _gpio(sideset_base)
        self.wrap_top = execctrl >> 12 & 31
        self.wrap_target = execctrl >> 7 & 31
        self.autopush = bool(shiftctrl >> 16 & 1)
        self.push_thresh = (shiftctrl >> 20 & 31) or 32
        self.in_right = bool(shiftctrl >> 18 & 1)
        self.out_right = bool(shiftctrl >> 19 & 1)
        self.joined_rx = (shiftctrl >> 30) == PIO.JOIN_RX
        self.rx = deque()  # the extra joined-FIFO words, oldest first
        self.sck = 1 if prog[7] == PIO.OUT_HIGH else 0
        world.sck(self.sck, self.clock / freq)
        self._restart(pioemu.State(clock=self.clock))
        self.running = False

    def _strip(self, opcode):
        return opcode & ~(((1 << self.side_total) - 1) << (13 - self.side_total))

    def _restart(self, state):
        self.state = state
        self.steps = pioemu.emulate(
            [self._strip(op) for op in self.words], initial_state=state,
            stop_when=lambda _op, _st: False, input_source=self._pins,
            auto_push=self.autopush, push_threshold=self.push_thresh,
            shift_isr_right=self.in_right, shift_osr_right=self.out_right,
            wrap_target=self.wrap_target, wrap_top=self.wrap_top)

    def _pins(self, state: pioemu.State) -> int:
        levels = world.levels(state.clock / self.freq)
        r = self.in_base
        return ((levels >> r) | (levels << (32 - r))) & 0xFFFF_FFFF if r else levels

    def _side_set(self, opcode, start_clock):
        if not self.side_bits or (self.opt and not opcode >> 12 & 1):
            return
        level = opcode >> (13 - self.side_total) & 1
        if level != self.sck:
            self.sck = level
            world.sck(level, start_clock / self.freq)

    def _step(self):
        before, after = next(self.steps)
        self._side_set(self.words[before.program_counter], before.clock)
        self.state = after
        self.clock = after.clock
        if self.joined_rx:
            while after.receive_fifo and len(self.rx) < _RX_DEPTH:
                self.rx.append(after.receive_fifo.popleft())  # the deque pioemu keeps using

    def run(self, seconds):
        end = self.clock + round(seconds * self.freq)
        if self.running:
            while self.clock < end:
                self._step()
        self.clock = max(self.clock, end)
        world.levels(self.clock / self.freq)  # the world's time moves on while the SM is stopped

    def active(self, value=None):
        if value is None:
            return self.running
        if value and not self.running and self.state.clock < self.clock:
            self._restart(replace(self.state, clock=self.clock))  # time passed while stopped
        self.running = bool(value)

    def exec(self, instr):
        opcode = asm_pio_encode(instr, self.side_bits, self.opt) if isinstance(instr, str) else instr
        self._side_set(opcode, self.clock)
        one = pioemu.emulate([self._strip(opcode)], initial_state=replace(
            self.state, program_counter=0, clock=self.clock),
            stop_when=lambda _op, st: st.clock > self.clock)
        _, done = next(one)
        self._restart(replace(done, program_counter=self.state.program_counter,
                              clock=self.clock))

    def rx_fifo(self):
        self.run(POLL_S)  # the CPU's poll takes time, and the PIO runs meanwhile
        return len(self.rx) + len(self.state.receive_fifo)

    def _pop(self):
        return self.rx.popleft() if self.rx else self.state.receive_fifo.popleft()

    def get(self, buf=None, shift=0):
        wanted = 1 if buf is None else len(buf)
        limit = self.clock + self.freq  # one emulated second: a blocking get that never ends
        while len(self.rx) + len(self.state.receive_fifo) < wanted:
            if not self.running or self.clock > limit:
                raise TimeoutError("StateMachine.get would block forever")
            self._step()
        if buf is None:
            return self._pop() >> shift
        for i in range(wanted):
            buf[i] = self._pop() >> shift
        return None


def run(seconds):
    """Advance every state machine by `seconds` of emulated time."""
    for sm in StateMachine.instances:
        sm.run(seconds)
