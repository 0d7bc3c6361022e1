"""`python -m numba_lint` is the `numba-lint` command."""

import sys

from .cli import main

sys.exit(main())
