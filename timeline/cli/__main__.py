"""`python -m timeline.cli` runs the `timeline` command."""

import sys

from timeline.cli import main

sys.exit(main())
