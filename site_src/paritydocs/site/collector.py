"""Python's garbage collector in a `serve` session: collected while the server is idle, not during a rebuild.

A `serve` process holds what the previous builds left (the extracted SDKs, the sync reports, mkdocstrings'
Griffe tree, the session's pages and indexes), and a rebuild that loads the Python SDK again makes hundreds of
thousands of new objects. With the collector's defaults, each of the rebuild's full collections walks all of
that: 0.75 to 1.0 s of a 3 s `.py` rebuild on the Tinker pair. So, between builds:

- once no build has run for `idle` seconds (the rebuilt page has been served by then), everything is
  collected (`gc.collect()`) and what survives is frozen (`gc.freeze()`): the next rebuild's collections walk
  only the objects made since;
- before that collection, the previous freeze is undone (`gc.unfreeze()`), so what a build released (the SDK
  model it replaced) is collected too: garbage outlives a build by at most one idle period;
- during a build, the youngest generation is collected every `young` new objects instead of every 700, so
  the build's own objects are walked less often; the idle collection puts 700 back (it has just emptied that
  generation), not the end of the build, whose next object would otherwise collect them before the page shows.

A one-off build changes nothing here: the process ends with its build. `close()` (on shutdown) puts the
collector back as it was.

`work`, when given, is what else waits for the server to be idle (the cache entries a build queued): done
before the idle collection, and at once when a build starts before it or the session ends.

`when_idle(action)`, called during a build, queues work the session is better off having done ahead (the
memos of what the next rebuild repeats filled): done at the idle collection, before it, and dropped if a
build starts before it or the session ends, as nothing a build needs may wait for it (a build that starts while
it runs waits for it to end, as it does for the collection).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Protocol

from paritydocs.textsafe import logger

__all__ = ["IdleCollector", "when_idle"]

IDLE_SECONDS = 0.5
"""How long after a build the collection waits: the browser has reloaded the page by then."""

YOUNG_THRESHOLD = 50_000
"""The youngest generation's threshold during a build (Python's default: 700)."""


class Pending(Protocol):
    def cancel(self) -> None: ...


def _later(delay: float, action: Callable[[], None]) -> Pending:
    """`action` run on a daemon thread (it never keeps the process alive) once `delay` seconds pass."""
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()
    return timer


_building: list[IdleCollector | None] = [None]
"""The collector of the `serve` build that is running, for `when_idle`; None outside one."""


def when_idle(action: Callable[[], object]) -> bool:
    """Have the running `serve` build's session do `action` once it is idle, unless a build starts first; False
    (and nothing queued) outside a `serve` build."""
    collector = _building[0]
    if collector is None:
        return False
    collector.ahead.append(action)
    return True


class IdleCollector:
    """Collects and freezes the heap when `serve` is idle; `building()` and `built()` bracket every build."""

    def __init__(
        self,
        *,
        idle: float = IDLE_SECONDS,
        young: int = YOUNG_THRESHOLD,
        later: Callable[[float, Callable[[], None]], Pending] = _later,
        work: Callable[[], None] | None = None,
    ) -> None:
        self.idle = idle
        self._work = work
        self.young = young
        self._later = later
        self.collections = 0
        """Idle collections done so far."""
        self._lock = threading.Lock()
        self._timer: Pending | None = None
        self._thresholds: tuple[int, int, int] | None = None
        """The collector's thresholds before the build that is running, None between builds."""
        self._froze = False
        self._epoch = 0
        """Counts builds begun and ended and the session's end: a timer armed before either collects nothing."""
        self.ahead: list[Callable[[], object]] = []
        """What `when_idle` queued: done at the idle collection, dropped when a build starts first."""

    def building(self) -> None:
        """A build starts: no collection while it runs, and its young objects are collected less often."""
        with self._lock:
            self._epoch += 1
            self._cancel()
            self._do_work()
            self.ahead.clear()
            _building[0] = self
            if self._thresholds is None:
                self._thresholds = gc.get_threshold()
                gc.set_threshold(max(self.young, self._thresholds[0]), *self._thresholds[1:])

    def built(self) -> None:
        """A build ended (or failed): a collection once `idle` seconds pass, which puts the thresholds back first.
        Not now: the threshold back at 700 with up to `young` objects counted, the next object made would
        collect them all at once, before the server shows the rebuilt page."""
        with self._lock:
            if _building[0] is self:
                _building[0] = None
            self._cancel()
            self._epoch += 1
            epoch = self._epoch
            self._timer = self._later(self.idle, lambda: self._collect_after(epoch))

    def _collect_after(self, epoch: int) -> None:
        """The timer's collection: skipped when a build began, or the session ended, since it was armed."""
        with self._lock:
            if epoch == self._epoch:
                self._timer = None
                self._do_work()
                self._do_ahead()
                self._collect()

    def collect(self) -> None:
        """What being idle does: the `work`, then collect everything, the previous freeze's objects included,
        and freeze what survives."""
        with self._lock:
            self._do_work()
            self._do_ahead()
            self._collect()

    def _do_ahead(self) -> None:
        """What `when_idle` queued, in order; one that fails is logged at debug level and skipped: it only
        fills what a rebuild would otherwise make."""
        while self.ahead:
            action = self.ahead.pop(0)
            try:
                action()
            except Exception as err:  # idle work never stops the session
                logger.debug("serve: work ahead failed (%s: %s)", type(err).__name__, err)

    def _collect(self) -> None:
        self._restore()
        if self._froze:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._froze = True
        self.collections += 1

    def close(self) -> None:
        """The session ends: no collection pending, nothing frozen, the thresholds as they were."""
        with self._lock:
            self._epoch += 1
            self._cancel()
            self._do_work()
            self.ahead.clear()
            if _building[0] is self:
                _building[0] = None
            self._restore()
            if self._froze:
                gc.unfreeze()
                self._froze = False

    def _do_work(self) -> None:
        if self._work is not None:
            self._work()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _restore(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
