# Device entry point: build the app for the detected board and run it.
from fp.app import main

main()
