import sys

from ringohunt_desktop.cli import main

sys.exit(main())
