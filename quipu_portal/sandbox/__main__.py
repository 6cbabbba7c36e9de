"""``python -m quipu_portal.sandbox`` — the same as ``manage.py quipu_sandbox``, without loading Django."""

import sys

from .cli import main

sys.exit(main())
