"""Progress on stderr for work that takes more than a moment.

One updating line on standard error, ``label  37% 3,700/10,000  2.1 s``,
redrawn in place with a carriage return and cleared when the work is done.
Nothing is ever written unless progress is enabled, and even then nothing
appears for work that ends within :data:`DELAY` seconds, so fast calls (and
the test suite) stay silent.

Enabled when, in this order:

1. :func:`set_enabled` was given ``True`` or ``False`` (the command line's
   ``--quiet`` gives ``False``); ``None`` (the default) defers to
2. the environment variable ``STRESSGROUP_PROGRESS``: ``0`` never, ``1``
   always (also when standard error is a file or a pipe); otherwise
3. standard error is a terminal (``sys.stderr.isatty()``). A Jupyter kernel,
   a pipe, a log file or pytest's capture is not.

Bars nest: a bar opened while another is running (a bootstrap inside an
evaluation section) is drawn on the same line after the outer one, the
elapsed time at the end counting from the outermost bar. Labels are plain
text or a mapping ``{"en": ..., "zh": ...}`` shown in the language given to
:func:`set_language`. Dependency-free (the standard library only), so it can
be used from every layer; redraws are throttled to :data:`INTERVAL` and a
disabled bar costs one addition per :meth:`Progress.update`. While an
enabled bar is open, a daemon thread redraws the line every :data:`INTERVAL`
seconds, so that it appears, and its time runs, also when the work between
two updates is long; the thread ends with the last bar (a disabled bar
starts none).

Functions
---------
progress
    A bar over ``total`` steps, advanced with ``.update(n)`` or by looping
    over ``.iterate(items)``; a context manager.
phase
    A line naming a single long step with no count (reading a big file).
set_enabled, set_language, is_enabled
    Global switches.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, Union

__all__ = ["DELAY", "INTERVAL", "ENV", "Progress", "progress", "phase",
           "set_enabled", "set_language", "is_enabled"]

#: Seconds of work before the first line is drawn (shorter work shows nothing).
DELAY = 1.5
#: Least seconds between two redraws.
INTERVAL = 0.1
#: Environment variable forcing progress on (``1``) or off (``0``).
ENV = "STRESSGROUP_PROGRESS"

Label = Union[str, Mapping[str, str]]
T = TypeVar("T")

_forced: "bool | None" = None
_lang = "en"
_stack: "list[Progress]" = []      # the open, enabled bars, outermost first
_lock = threading.RLock()
_drawn = 0                          # display width of the line on screen (0: none)
_last = 0.0                         # clock at the last draw
_TICK = True                        # redraw from a background thread while bars are open
_ticker: "threading.Thread | None" = None


def _clock() -> float:
    """The clock of the delay and the throttle (tests replace it)."""
    return time.monotonic()


def set_enabled(enabled: "bool | None") -> "bool | None":
    """Switch progress on (``True``), off (``False``) or back to automatic (``None``).

    Returns the previous setting, so that a caller can restore it.

    Examples
    --------
    >>> previous = set_enabled(False)
    >>> is_enabled()
    False
    >>> set_enabled(previous)
    False
    """
    global _forced
    if enabled is not None and not isinstance(enabled, bool):
        raise TypeError(f"enabled must be True, False or None, not {enabled!r}")
    previous, _forced = _forced, enabled
    return previous


def set_language(lang: str) -> str:
    """Language of the labels given as ``{"en": ..., "zh": ...}``; returns the previous one.

    Examples
    --------
    >>> previous = set_language("zh")
    >>> set_language(previous)
    'zh'
    """
    global _lang
    if not isinstance(lang, str) or not lang:
        raise ValueError(f"lang must be a language code such as 'en' or 'zh', not {lang!r}")
    previous, _lang = _lang, lang
    return previous


def is_enabled(stream: Any = None) -> bool:
    """Whether a bar started now would draw (on ``stream``, default ``sys.stderr``).

    Examples
    --------
    >>> import io
    >>> is_enabled(io.StringIO())    # not a terminal
    False
    """
    if _forced is not None:
        return _forced
    env = os.environ.get(ENV, "").strip()
    if env == "0":
        return False
    if env == "1":
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # None (pythonw), closed, odd objects
        return False


class Progress:
    """A bar over ``total`` steps (``None``: unknown), started when created.

    Use :func:`progress` to make one. ``update(n)`` advances it, ``close()``
    (or leaving the ``with`` block) removes it and clears the line when it was
    the last bar. A bar made while progress is disabled never writes anything.

    Parameters
    ----------
    total : int, optional
    label : str or mapping
    delay : float, optional
        Seconds of work before the line is drawn (default :data:`DELAY`).
    stream : file-like, optional
        Where to draw (default ``sys.stderr`` at the time of drawing).

    Attributes
    ----------
    n : int
        Steps done so far.
    total : int or None
    label : str or mapping
    """

    __slots__ = ("n", "total", "label", "_on", "_start", "_delay", "_stream")

    def __init__(self, total: "int | None" = None, label: Label = "", *,
                 delay: "float | None" = None, stream: Any = None) -> None:
        self.n = 0
        self.total = None if total is None else int(total)
        self.label = label
        self._stream = stream
        self._delay = DELAY if delay is None else float(delay)
        self._on = is_enabled(stream)
        self._start = _clock()
        if self._on:
            with _lock:
                _stack.append(self)
                _start_ticker()
            if self._delay <= 0:
                _draw(force=True)

    def update(self, n: int = 1, label: "Label | None" = None) -> None:
        """Advance by ``n`` steps (0 to only change the label) and redraw if due."""
        self.n += n
        if label is not None:
            self.label = label
        if self._on:
            _draw(force=label is not None)

    def iterate(self, iterable: Iterable[T],
                label: "Callable[[T], Label] | None" = None) -> Iterator[T]:
        """Yield the items of ``iterable``, one step per item done.

        ``label(item)``, when given, becomes the label while the item is
        being worked on. Use it inside the ``with`` block of the bar, so that
        an error in the loop still closes the bar.

        Examples
        --------
        >>> with progress(3, "squares") as bar:
        ...     squares = [x * x for x in bar.iterate(range(3))]
        >>> squares, bar.n
        ([0, 1, 4], 3)
        """
        for item in iterable:
            if label is not None:
                self.update(0, label=label(item))
            yield item
            self.update()

    def close(self) -> None:
        """Remove the bar; the line is cleared when no other bar is open."""
        if not self._on:
            return
        self._on = False
        with _lock:
            if self in _stack:
                _stack.remove(self)
            if _stack:
                _draw(force=True)
            else:
                _clear(self._stream)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        total = "?" if self.total is None else self.total
        return f"Progress({_text(self.label)!r}, {self.n}/{total})"

    def _segment(self) -> str:
        text = _text(self.label)
        if self.total:
            pct = min(100, int(100 * self.n / self.total))
            return f"{text}  {pct}% {self.n:,}/{self.total:,}".strip()
        if self.n:
            return f"{text}  {self.n:,}".strip()
        return text


def progress(total: "int | None" = None, label: Label = "", *,
             delay: "float | None" = None) -> Progress:
    """A progress bar over ``total`` steps on stderr; use it as a context manager.

    Parameters
    ----------
    total : int, optional
        Number of steps (resamples, sections, ...); None when unknown (the
        count is shown without a percentage).
    label : str or mapping
        What is being done: plain text, or ``{"en": ..., "zh": ...}``.
    delay : float, optional
        Seconds before anything is drawn (default: :data:`DELAY` at the call).

    Returns
    -------
    Progress

    Examples
    --------
    >>> with progress(10_000, "bootstrap") as bar:
    ...     for block in range(10):
    ...         bar.update(1_000)
    >>> bar.n
    10000
    """
    return Progress(total, label, delay=delay)


def phase(label: Label, *, delay: "float | None" = None) -> Progress:
    """A line naming one long step, cleared at the end.

    For work with no steps to count, such as reading a big file. As every
    bar it appears only once the work has lasted ``delay`` seconds (the
    background redraw shows it then), with the elapsed time.

    Examples
    --------
    >>> with phase("reading big.csv (120 MB)"):
    ...     pass
    """
    return Progress(None, label, delay=delay)


# --------------------------------------------------------------------------- drawing


def _text(label: Label) -> str:
    if isinstance(label, Mapping):
        return str(label.get(_lang) or label.get("en") or next(iter(label.values()), ""))
    return str(label)


def _width(text: str) -> int:
    """Display width: wide (CJK) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, columns: int) -> str:
    """``text`` cut from the left (the numbers at the end stay) to ``columns - 1``."""
    room = max(columns - 1, 10)
    if _width(text) <= room:
        return text
    out = []
    used = 1
    for c in reversed(text):
        w = _width(c)
        if used + w > room:
            break
        out.append(c)
        used += w
    return "…" + "".join(reversed(out))


def _columns(stream: Any) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _line(now: float) -> str:
    text = "  |  ".join(s for s in (b._segment() for b in _stack) if s)
    elapsed = now - _stack[0]._start
    return f"{text}  {elapsed:.1f} s" if elapsed >= 0.5 else text


def _draw(force: bool = False) -> None:
    global _drawn, _last
    with _lock:
        if not _stack:
            return
        first = _stack[0]
        now = _clock()
        if now - first._start < first._delay:
            return
        if not force and _drawn and now - _last < INTERVAL:
            return
        stream = first._stream if first._stream is not None else sys.stderr
        line = _fit(_line(now), _columns(stream))
        width = _width(line)
        try:
            stream.write("\r" + line + " " * max(0, _drawn - width))
            stream.flush()
        except (AttributeError, ValueError, OSError):
            return
        _drawn, _last = max(width, 1), now


def _start_ticker() -> None:
    """Start the background redraw (under ``_lock``): it lets a bar appear, and its time
    run, while the work between two updates is long (an evaluation section, a phase)."""
    global _ticker
    if _TICK and _ticker is None:
        _ticker = threading.Thread(target=_tick, name="stressgroup-progress", daemon=True)
        _ticker.start()


def _tick() -> None:
    global _ticker
    while True:
        time.sleep(INTERVAL)
        with _lock:
            if not _stack:      # the last bar closed: stop (a new bar starts a new thread)
                _ticker = None
                return
            _draw()


def _after_fork() -> None:
    """A forked child starts with no bars, no redraw thread and a free lock."""
    global _lock, _ticker, _drawn, _stack
    _lock, _ticker, _drawn, _stack = threading.RLock(), None, 0, []


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork)


def _clear(stream: Any) -> None:
    global _drawn
    if not _drawn:
        return
    stream = stream if stream is not None else sys.stderr
    try:
        stream.write("\r" + " " * _drawn + "\r")
        stream.flush()
    except (AttributeError, ValueError, OSError):
        pass
    _drawn = 0
