"""Device I/O: the serial link, port discovery, flashing, the scripting API (Device), streaming sessions, and the host replay of the device's own analysis."""
