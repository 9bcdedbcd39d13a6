"""CPython stand-in for the parts of `machine` the ESP32 driver uses. Interrupt masking is
recorded so tests can check that SCK is only ever high while interrupts are masked."""

irq_masked = False
mask_count = 0


def disable_irq():
    global irq_masked, mask_count
    state = irq_masked
    irq_masked = True
    mask_count += 1
    return state


def enable_irq(state):
    global irq_masked
    irq_masked = state
