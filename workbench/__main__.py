"""``python -m workbench``: the ``workbench`` command, for when its script is not on the PATH."""

from workbench.cli import main

main()
