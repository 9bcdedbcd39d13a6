# rp2 stand-in for the emulated board (the unix port has no rp2 module). Enough for code
# that imports rp2 or builds a PIO program to load; state machines do not run here (the
# emulated board uses the portable GPIO driver, see firmware/fp/boards/emulator.py).
PIO_OUT_LOW = 0
PIO_OUT_HIGH = 1
PIO_IN_LOW = 2
PIO_IN_HIGH = 3
PIO_SHIFT_LEFT = 0
PIO_SHIFT_RIGHT = 1


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
    IRQ_SM0 = 0x100

    def __init__(self, id):
        self.id = id

    def state_machine(self, *args, **kw):
        raise OSError("PIO state machines do not run on the emulated board")


class StateMachine:
    def __init__(self, *args, **kw):
        raise OSError("PIO state machines do not run on the emulated board")


def asm_pio(**kw):
    def wrap(fn):
        return fn
    return wrap


def bootsel_button():
    return 0
