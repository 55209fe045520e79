"""`python -m mediatop.demo.sample_media [--out DIR]`: regenerate sample_media/."""

import sys

from mediatop.demo.sample_media import main

sys.exit(main())
