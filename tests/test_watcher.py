"""`paritydocs serve`'s watcher: file events that change a file start a rebuild, reading one does not, and
where the system's events cannot be had it says so and polls."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import FileSystemEventHandler

from paritydocs.site import watcher
from paritydocs.site.watcher import EventWatcher, live_reload_server


class Seen(FileSystemEventHandler):
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.event = threading.Event()

    def on_any_event(self, event) -> None:
        if not event.is_directory:
            self.paths.append(str(event.src_path))
            self.event.set()

    def wait(self, timeout: float = 10.0) -> bool:
        """True once an event came (within `timeout`, a bound for a slow machine, not a measure)."""
        found = self.event.wait(timeout)
        self.event.clear()
        return found


def _watching(tmp_path: Path, **options) -> tuple[EventWatcher, Seen]:
    seen = Seen()
    w = EventWatcher(**options)
    w.schedule(seen, str(tmp_path), recursive=True)
    w.start()
    return w, seen


def test_an_edit_is_seen_and_reading_a_file_is_not(tmp_path):
    (tmp_path / "lib").mkdir()
    source = tmp_path / "lib" / "model_data.ex"
    source.write_text("defmodule A do\nend\n")
    w, seen = _watching(tmp_path)
    try:
        assert not w.polling
        source.read_text()  # a build reads the SDK's files: no rebuild for that
        assert not seen.wait(0.5)
        source.write_text("defmodule B do\nend\n")
        assert seen.wait()
        assert str(source) in seen.paths
    finally:
        w.stop()
        w.join()


def test_where_the_system_gives_no_events_it_says_so_once_and_polls(tmp_path, monkeypatch, caplog):
    class NoEvents(watcher.PollingObserver):  # an observer whose start fails as inotify's does at its limit
        def start(self) -> None:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher, "Observer", NoEvents)
    source = tmp_path / "model_data.ex"
    source.write_text("a")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        w, seen = _watching(tmp_path, interval=0.05)
    try:
        lines = [r.getMessage() for r in caplog.records if "file events" in r.getMessage()]
        assert lines == [
            "paritydocs: the system's file events cannot be watched (inotify watch limit reached): polling every"
            " 0.05 s instead; raise the limit (Linux: fs.inotify.max_user_watches) or pass --poll to say so"
        ]
        assert w.polling
        time.sleep(0.1)
        source.write_text("bb")
        assert seen.wait()
    finally:
        w.stop()
        w.join()


def test_asked_to_poll_it_polls_and_an_unscheduled_folder_is_not_watched(tmp_path):
    watched, dropped = tmp_path / "watched", tmp_path / "dropped"
    watched.mkdir()
    dropped.mkdir()
    seen, other = Seen(), Seen()
    w = EventWatcher(poll=True, interval=0.05)
    w.schedule(seen, str(watched), recursive=True)
    key = w.schedule(other, str(dropped), recursive=True)
    w.unschedule(key)
    w.start()
    try:
        assert w.polling
        time.sleep(0.1)
        (dropped / "x.ex").write_text("x")
        (watched / "y.ex").write_text("y")
        assert seen.wait()
        assert not other.wait(0.3)
    finally:
        w.stop()
        w.join()


def test_serve_runs_mkdocs_server_with_the_watcher_and_puts_mkdocs_class_back(tmp_path):
    import mkdocs.commands.serve as mkdocs_serve

    original = mkdocs_serve.LiveReloadServer
    with live_reload_server(poll=True):
        server = mkdocs_serve.LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
        try:
            assert isinstance(server, original)
            assert isinstance(server.observer, EventWatcher)
            assert server.observer.polling
            assert server.build_delay == watcher.QUIET_SECONDS < 0.1  # MkDocs waits 0.1 s for quiet
        finally:
            server.server_close()
    assert mkdocs_serve.LiveReloadServer is original


@pytest.mark.parametrize("poll", [False, True])
def test_a_watcher_never_started_stops_and_joins(poll):
    w = EventWatcher(poll=poll)
    w.stop()
    w.join()
