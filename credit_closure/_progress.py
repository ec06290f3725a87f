"""A tiny progress bar on stderr for the command line.

It draws only when the stream is a terminal and the work has already taken longer than a
delay (two seconds by default), so short runs, pipes, files and CI logs see nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO, TypeVar

T = TypeVar("T")

#: Seconds of work before the bar first appears.
DELAY = 2.0
_WIDTH = 30


class Progress:
    """Count finished items and redraw a one-line bar on a terminal.

    Args:
        total: Number of items expected, or ``None`` when unknown (then only the count and
            rate are shown).
        label: A short word shown before the bar ("scoring").
        stream: Where to draw; ``sys.stderr`` by default. Nothing is drawn unless
            ``stream.isatty()`` is true.
        delay: Seconds before the first draw.
        clock: A monotonic clock (for tests).

    Example:
        >>> import io
        >>> with Progress(3, label="scoring", stream=io.StringIO()) as bar:
        ...     for _ in range(3):
        ...         bar.update()
        >>> bar.done
        3
    """

    def __init__(
        self,
        total: int | None,
        *,
        label: str = "",
        stream: TextIO | None = None,
        delay: float = DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.delay = delay
        self.done = 0
        self._clock = clock
        self._start = clock()
        self._last_draw = -1.0
        self._drawn = False
        isatty = getattr(self.stream, "isatty", None)
        try:
            self.enabled = bool(isatty()) if callable(isatty) else False
        except (OSError, ValueError):
            self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def line(self) -> str:
        """The text of the bar as it stands (without the carriage return)."""
        elapsed = max(self._clock() - self._start, 1e-9)
        rate = self.done / elapsed
        head = f"{self.label} " if self.label else ""
        if self.total:
            frac = min(self.done / self.total, 1.0)
            filled = round(frac * _WIDTH)
            bar = "#" * filled + "-" * (_WIDTH - filled)
            return f"{head}[{bar}] {self.done}/{self.total} {frac:4.0%} {rate:,.0f}/s"
        return f"{head}{self.done} {rate:,.0f}/s"

    def update(self, n: int = 1) -> None:
        """Count ``n`` more finished items; redraw at most ten times a second."""
        self.done += n
        if not self.enabled:
            return
        now = self._clock()
        if now - self._start < self.delay or now - self._last_draw < 0.1:
            return
        self._last_draw = now
        self._drawn = True
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line if anything was drawn."""
        if self._drawn:
            self.stream.write("\r" + self.line() + "\x1b[K\n")
            self.stream.flush()
            self._drawn = False


def progress(
    items: Iterable[T], *, total: int | None = None, label: str = "", stream: TextIO | None = None
) -> Iterator[T]:
    """Yield ``items`` while drawing a :class:`Progress` bar (see there for when it draws).

    Example:
        >>> import io
        >>> list(progress([1, 2, 3], label="x", stream=io.StringIO()))
        [1, 2, 3]
    """
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, label=label, stream=stream) as bar:
        for item in items:
            yield item
            bar.update()
