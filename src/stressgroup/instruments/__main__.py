"""``python -m stressgroup.instruments``: list, show, template, draft."""

from __future__ import annotations

import sys

from .._instruments_cli import main

if __name__ == "__main__":
    sys.exit(main())
