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


def _exit(code: int) -> None:
    """End the process without tearing the interpreter down: the exit handlers run and
    the standard streams are flushed, but the objects of a large evaluation are not
    freed one by one (0.1 to 0.3 s at 100,000 people); the system takes the memory
    back at once. Every file the command line writes is closed before ``main`` returns.
    """
    import atexit
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe or stream: nothing more to say
            pass
    os._exit(code)


#: glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
_MALLOC_SETTINGS = ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
                    "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")


def _keep_freed_memory() -> bool:
    """Have glibc's malloc keep the memory the process frees, for its next arrays.

    By default every array of more than a few MB is mapped afresh and handed back to
    the system when freed, so the next one faults its pages in again (and the system
    zeroes them). A large evaluation makes and drops many such arrays: at 1,000,000
    people that was a third of the run spent in the kernel. Here large blocks come
    from the heap and the heap is not trimmed (below 2 GB of free top), so freed
    memory is reused; the peak resident size grows by a few percent
    (benchmarks/run.py; the README gives the figures). Only the command line does
    this, for its own process, and only when the user set none of glibc's malloc
    variables; True when it did.
    """
    import os

    if not sys.platform.startswith("linux") or any(v in os.environ for v in _MALLOC_SETTINGS):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):   # not glibc (musl has a stub that does nothing)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, 2**31 - 1))


if __name__ == "__main__":
    _keep_freed_memory()
    _exit(main())
