"""Files that run inside MicroPython on the emulated board (never deployed to a real one)."""
