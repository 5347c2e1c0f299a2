"""Allow `python -m autocrm.cli`."""

from autocrm.cli import main

main()
