"""`paritydocs serve`'s watcher: the system's file events where they work, MkDocs' polling where they do not.

`mkdocs serve` polls the watched folders every half second (watchdog's `PollingObserver`) and then waits 0.1 s
for the edits to stop: a save waits 0.1 to 0.6 s before its rebuild starts, and the SDK checkouts `serve`
watches are walked twice a second while nothing changes. `paritydocs serve` runs MkDocs' own server with
`EventWatcher` in its place:

- the system's file events (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows: watchdog's
  `Observer`), only those that change a file (created, modified, deleted, moved, closed after writing), as
  polling sees them: a build that reads the SDK's files does not set off the next one;
- where those cannot be had (the system's limit of watches reached, a file system that gives none), it says
  so in one line and polls, as MkDocs does; `--poll` asks for polling from the start (a network share or a
  container's mounted folder, whose edits made elsewhere raise no event here).

Then the build waits for quiet, as MkDocs' does, but 0.05 s instead of 0.1 s: the events of one save (an
editor's write, or its temporary file renamed over the old) come within a millisecond of each other, and
polling sees them in one look anyway. A `git checkout` of many files may outlast it: a build then starts before
the last file is written, and the events that follow start one more (MkDocs rebuilds for the events during a
build), so the page shows the checkout once it is whole.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterator
from typing import Any

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from paritydocs.textsafe import logger

__all__ = ["POLL_SECONDS", "QUIET_SECONDS", "EventWatcher", "live_reload_server"]

POLL_SECONDS = 0.5
"""How often polling looks, as `mkdocs serve` does."""

QUIET_SECONDS = 0.05
"""How long no event must come before a build starts (`mkdocs serve`: 0.1 s)."""

CHANGES: list[type] = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent]
"""The events that change a file; not opening one, nor closing one that was only read (inotify's), nor a folder's
(polling's: MkDocs' server ignores those)."""


class EventWatcher:
    """The observer MkDocs' `LiveReloadServer` drives (`schedule`, `unschedule`, `start`, `stop`, `join`): the
    system's file events, or polling when asked (`poll`) or when the events cannot be had at `start`."""

    def __init__(self, *, poll: bool = False, interval: float = POLL_SECONDS) -> None:
        self.interval = interval
        self.polling = poll
        self._observer: BaseObserver = self._new_observer()
        self._scheduled: dict[int, tuple[FileSystemEventHandler, str, bool]] = {}
        self._watches: dict[int, ObservedWatch] = {}
        self._keys = itertools.count(1)
        self._lock = threading.Lock()

    def _new_observer(self) -> BaseObserver:
        return PollingObserver(timeout=self.interval) if self.polling else Observer()

    def _schedule_on(self, key: int) -> None:
        handler, path, recursive = self._scheduled[key]
        self._watches[key] = self._observer.schedule(handler, path, recursive=recursive, event_filter=CHANGES)

    def schedule(self, event_handler: FileSystemEventHandler, path: str, recursive: bool = False) -> int:
        """Watch `path`; the key `unschedule` takes."""
        with self._lock:
            key = next(self._keys)
            self._scheduled[key] = (event_handler, path, recursive)
            self._schedule_on(key)
            return key

    def unschedule(self, key: int) -> None:
        with self._lock:
            self._scheduled.pop(key, None)
            watch = self._watches.pop(key, None)
            if watch is not None:
                self._observer.unschedule(watch)

    def start(self) -> None:
        try:
            self._observer.start()
        except OSError as err:  # inotify's limit of watches or instances reached, or no events on this system
            if self.polling:
                raise
            logger.warning(
                "paritydocs: the system's file events cannot be watched (%s): polling every %g s instead;"
                " raise the limit (Linux: fs.inotify.max_user_watches) or pass --poll to say so",
                err.strerror or err,
                self.interval,
            )
            self._poll_instead()

    def _poll_instead(self) -> None:
        with self._lock:
            with contextlib.suppress(Exception):
                self._observer.stop()
            self.polling = True
            self._observer = self._new_observer()
            self._watches.clear()
            for key in list(self._scheduled):
                self._schedule_on(key)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()

    def join(self, timeout: float | None = None) -> None:
        if self._observer.is_alive():
            self._observer.join(timeout)


def _server_class(poll: bool) -> Any:
    from mkdocs.livereload import LiveReloadServer

    class LiveServer(LiveReloadServer):
        """MkDocs' live-reload server, watching with `EventWatcher`."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.observer = EventWatcher(poll=poll)  # type: ignore[assignment]
            self.build_delay = QUIET_SECONDS

    return LiveServer


@contextlib.contextmanager
def live_reload_server(*, poll: bool) -> Iterator[None]:
    """While open, `mkdocs.commands.serve.serve` builds its server with `EventWatcher` (its only way in: the
    server is made inside that function, and watches the docs folder and `mkdocs.yml` before any plugin sees
    it); MkDocs' own class again on leaving."""
    import mkdocs.commands.serve as mkdocs_serve

    original = mkdocs_serve.LiveReloadServer
    mkdocs_serve.LiveReloadServer = _server_class(poll)  # type: ignore[misc]
    try:
        yield
    finally:
        mkdocs_serve.LiveReloadServer = original  # type: ignore[misc]
