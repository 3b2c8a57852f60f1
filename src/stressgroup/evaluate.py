"""``python -m stressgroup.evaluate DATA ...``: the command line.

In a normal Python process ``stressgroup.evaluate`` is the analysis function
:func:`stressgroup.analysis.evaluate`; this module only runs the command
line. Should it be imported anyway, it stays callable as that function.
"""

from __future__ import annotations

import sys
import types

from ._cli import main


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from .analysis import evaluate

        return evaluate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

if __name__ == "__main__":
    sys.exit(main())
