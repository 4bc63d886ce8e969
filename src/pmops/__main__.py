"""`python -m pmops`."""

from pmops.cli import main

main()
