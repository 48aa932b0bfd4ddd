"""PyInstaller entry script: the frozen exe is ``ringohunt-desktop`` (cli.main)."""

import sys

from ringohunt_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
