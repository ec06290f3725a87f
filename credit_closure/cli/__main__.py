"""``python -m credit_closure.cli``: the ``credit-closure`` command."""

import sys

from credit_closure.cli import main

sys.exit(main())
