from forceplate.cli import main

main()
