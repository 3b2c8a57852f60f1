"""The progress line: silent unless enabled, nothing before the delay, throttled, cleared."""

from __future__ import annotations

import io
import sys
import time

import pytest

from stressgroup.core import progress as P


class Tty(io.StringIO):
    """A terminal that records what is drawn on it."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """A fake clock, no background redraw, and the module's state reset."""
    c = Clock()
    monkeypatch.setattr(P, "_clock", c)
    monkeypatch.setattr(P, "_TICK", False)
    monkeypatch.setattr(P, "_stack", [])
    monkeypatch.setattr(P, "_drawn", 0)
    monkeypatch.setattr(P, "_forced", None)
    monkeypatch.setattr(P, "_lang", "en")
    monkeypatch.delenv(P.ENV, raising=False)
    return c


def frames(text: str) -> list[str]:
    """The lines drawn, in order (each starts with a carriage return), blanks dropped."""
    return [f.rstrip() for f in text.split("\r") if f.strip()]


def run(clock, stream, steps=((1.0, 1), (2.0, 4), (3.0, 5)), total=10, label="bootstrap"):
    with P.Progress(total, label, stream=stream) as bar:
        for at, n in steps:
            clock.now = 100.0 + at
            bar.update(n)
    return bar


def test_a_terminal_gets_the_line_after_the_delay_and_it_is_cleared(clock):
    tty = Tty()
    bar = run(clock, tty)
    assert bar.n == 10
    assert frames(tty.getvalue()) == ["bootstrap  50% 5/10  2.0 s",
                                      "bootstrap  100% 10/10  3.0 s"]
    out = tty.getvalue()
    assert out.endswith("\r") and out.rsplit("\r", 2)[1].strip() == ""   # cleared
    assert "\n" not in out


def test_short_work_draws_nothing(clock):
    tty = Tty()
    run(clock, tty, steps=((0.5, 5), (1.4, 5)))
    assert tty.getvalue() == ""


@pytest.mark.parametrize("how", ["not a tty", "set_enabled(False)", "env 0"])
def test_disabled_writes_nothing(clock, monkeypatch, how):
    stream = io.StringIO() if how == "not a tty" else Tty()
    if how == "set_enabled(False)":
        monkeypatch.setattr(P, "_forced", False)
    if how == "env 0":
        monkeypatch.setenv(P.ENV, "0")
    bar = run(clock, stream)
    assert stream.getvalue() == "" and bar.n == 10 and P._stack == []


@pytest.mark.parametrize("how", ["env 1", "set_enabled(True)"])
def test_forced_on_draws_on_a_pipe_and_clears(clock, monkeypatch, how):
    if how == "env 1":
        monkeypatch.setenv(P.ENV, "1")
    else:
        P.set_enabled(True)
    pipe = io.StringIO()
    run(clock, pipe)
    assert frames(pipe.getvalue())[-1] == "bootstrap  100% 10/10  3.0 s"
    assert pipe.getvalue().endswith("\r")


def test_set_enabled_wins_over_the_environment(clock, monkeypatch):
    monkeypatch.setenv(P.ENV, "1")
    assert P.set_enabled(False) is None
    assert not P.is_enabled(Tty())
    assert P.set_enabled(None) is False
    assert P.is_enabled(io.StringIO())
    with pytest.raises(TypeError, match="enabled must be"):
        P.set_enabled("yes")


def test_redraws_are_throttled(clock):
    tty = Tty()
    with P.Progress(100, "x", stream=tty) as bar:
        for at in (2.0, 2.05, 2.09, 2.2, 2.25):
            clock.now = 100.0 + at
            bar.update()
    assert [f.split()[-2] for f in frames(tty.getvalue())] == ["2.0", "2.2"]


def test_update_counts_and_iterate_labels(clock):
    seen = []
    with P.progress(3, "evaluation") as bar:   # on the captured stderr: disabled
        for name in bar.iterate(["sample", "profile", "screening"], label=str.upper):
            seen.append((name, bar.label, bar.n))
    assert seen == [("sample", "SAMPLE", 0), ("profile", "PROFILE", 1),
                    ("screening", "SCREENING", 2)]
    assert bar.n == 3
    bar.update(5)
    assert bar.n == 8 and repr(bar) == "Progress('SCREENING', 8/3)"


def test_an_error_in_the_loop_closes_the_bar(clock):
    tty = Tty()
    with pytest.raises(ZeroDivisionError):
        with P.Progress(3, "x", stream=tty) as bar:
            for i in bar.iterate(range(3)):
                clock.now = 102.0 + i
                1 / (1 - i)
    assert P._stack == [] and tty.getvalue().endswith("\r")


def test_unknown_total_shows_the_count(clock):
    tty = Tty()
    run(clock, tty, total=None, label="rows")
    assert frames(tty.getvalue())[0] == "rows  5  2.0 s"


def test_nested_bars_share_one_line(clock):
    tty = Tty()
    with P.Progress(2, "evaluation: reliability", stream=tty) as outer:
        clock.now = 102.0
        with P.Progress(1000, "bootstrap", stream=tty) as inner:
            inner.update(500)
        outer.update()
        clock.now = 103.0
        outer.update()
    drawn = frames(tty.getvalue())
    assert drawn[0] == "evaluation: reliability  0% 0/2  |  bootstrap  50% 500/1,000  2.0 s"
    assert drawn[1] == "evaluation: reliability  0% 0/2  2.0 s"  # the inner bar closed
    assert drawn[-1] == "evaluation: reliability  100% 2/2  3.0 s"
    assert tty.getvalue().endswith("\r") and P._stack == []


def test_a_shorter_line_overwrites_the_longer_one(clock):
    tty = Tty()
    with P.Progress(2, "a long label here", stream=tty) as bar:
        clock.now = 102.0
        bar.update(0)
        clock.now = 103.0
        bar.update(1, label="short")
    first, second = tty.getvalue().split("\r")[1:3]
    assert len(second) >= len(first) and second.rstrip() == "short  50% 1/2  3.0 s"


def test_labels_in_chinese(clock):
    tty = Tty()
    assert P.set_language("zh") == "en"
    run(clock, tty, label={"en": "bootstrap", "zh": "自助抽样"})
    assert frames(tty.getvalue())[0] == "自助抽样  50% 5/10  2.0 s"
    P.set_language("de")                    # no German label: English
    assert P._text({"en": "bootstrap", "zh": "自助抽样"}) == "bootstrap"
    with pytest.raises(ValueError, match="lang must be"):
        P.set_language("")


def test_a_line_wider_than_the_terminal_is_cut_from_the_left():
    assert P._width("自助抽样 ab") == 11
    cut = P._fit("评估：" * 20 + "  50% 5/10  2.0 s", 40)
    assert cut.startswith("…") and cut.endswith("  50% 5/10  2.0 s")
    assert P._width(cut) <= 39
    assert P._fit("short", 40) == "short"


def test_a_phase_appears_after_the_delay_with_its_time(clock, monkeypatch):
    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    with P.phase("reading big.csv (120 MB)") as ph:
        clock.now = 101.0
        ph.update(0)
        assert tty.getvalue() == ""
        clock.now = 102.5
        ph.update(0)
    assert frames(tty.getvalue()) == ["reading big.csv (120 MB)  2.5 s"]
    assert tty.getvalue().endswith("\r")


def test_zero_delay_draws_at_once(clock):
    tty = Tty()
    with P.Progress(None, "now", delay=0, stream=tty):
        pass
    assert frames(tty.getvalue()) == ["now"]


def test_a_broken_stream_is_ignored(clock):
    class Closed(Tty):
        def write(self, text):
            raise ValueError("I/O operation on closed file")

    run(clock, Closed())   # no error
    assert P._stack == []


def test_the_background_redraw_shows_long_silent_work(monkeypatch):
    """Work with no update between (one long section) still gets its line, and the
    thread ends with the last bar."""
    monkeypatch.setattr(P, "_stack", [])
    monkeypatch.setattr(P, "_drawn", 0)
    monkeypatch.setattr(P, "_forced", None)
    tty = Tty()
    with P.Progress(3, "evaluation: individual", delay=0.05, stream=tty):
        time.sleep(0.5)
    assert frames(tty.getvalue())[0].startswith("evaluation: individual  0% 0/3")
    deadline = time.monotonic() + 5
    while P._ticker is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert P._ticker is None


def test_a_forked_child_starts_clean(monkeypatch):
    monkeypatch.setattr(P, "_stack", [object()])
    monkeypatch.setattr(P, "_drawn", 12)
    monkeypatch.setattr(P, "_ticker", object())
    monkeypatch.setattr(P, "_lock", P._lock)
    P._after_fork()
    assert P._stack == [] and P._drawn == 0 and P._ticker is None
