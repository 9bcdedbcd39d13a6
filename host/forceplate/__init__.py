"""forceplate: host tools for the open HX711 force plate.

The importable library is the scripting API; the `forceplate` command (cli.py) is a thin
layer over it.
"""

__version__ = "0.1.0"
