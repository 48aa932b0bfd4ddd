"""``python -m ringohunt_desktop.relay`` = ``ringohunt-relay``."""

import sys

from ringohunt_desktop.relay.cli import main

sys.exit(main())
