"""`python -m mediatop`: the same entry point as the `mediatop` command."""

import sys

from mediatop.cli import main

sys.exit(main())
