"""``python -m minusma_kg``: the same command line as the ``minusma-kg`` script."""

import sys

from .cli import main

sys.exit(main())
