"""A wall-clock budget per article for the per-article stages.

Every reader and stage is bounded by construction (caps on bytes, lines, matches), but a
pathological page may still hit a slow path nobody foresaw. The budget turns that into a
warning on the one article instead of a run that never ends: the stage in flight is
interrupted with :class:`ItemTimeout` and the article's remaining stages are skipped.

The interruption uses ``SIGALRM``, so it only happens in a process's main thread (the CLI,
the worker pool's processes); elsewhere (the API's writer thread) the budget is checked
between stages only, so a stage in flight runs to its end. An outer timer that would fire
first (a test runner's timeout) is left alone, and is restored afterwards.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

#: Seconds the per-article stages may spend on one article (``KABAR_ITEM_SECONDS``; 0: none).
DEFAULT_ITEM_SECONDS = 60.0


class ItemTimeout(Exception):
    """The article used up its time budget."""


def item_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("KABAR_ITEM_SECONDS", DEFAULT_ITEM_SECONDS)))
    except ValueError:
        return DEFAULT_ITEM_SECONDS


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class Budget:
    """What the block may check between steps: a stage that swallowed the alarm's exception
    still cannot let the article run on."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds if seconds > 0 else float("inf")

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.ends

    def check(self) -> None:
        if self.expired:
            raise ItemTimeout(f"took longer than {self.seconds:g} s (KABAR_ITEM_SECONDS)")


@contextmanager
def deadline(seconds: float) -> Iterator[Budget]:
    """Raise :class:`ItemTimeout` inside the block once ``seconds`` have passed."""
    budget = Budget(seconds)
    if seconds <= 0 or not _can_alarm():
        yield budget
        return
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay <= seconds:  # an outer deadline comes first anyway
        yield budget
        return

    def on_alarm(signum: int, frame: object) -> None:
        budget.check()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield budget
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            left = max(outer_delay - (time.monotonic() - start), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, outer_interval)
