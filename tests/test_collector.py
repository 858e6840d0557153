"""The serve session's garbage collection: collected and frozen while idle, never during a build."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest

from paritydocs.site.collector import IdleCollector


class Later:
    """A scheduler the test runs by hand: the actions armed, and those cancelled."""

    def __init__(self) -> None:
        self.armed: list[tuple[float, object]] = []
        self.cancelled = 0

    def __call__(self, delay, action):
        self.armed.append((delay, action))
        later = self

        class Handle:
            def cancel(self) -> None:
                later.cancelled += 1

        return Handle()

    def run_last(self) -> None:
        self.armed[-1][1]()


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector():
    before = gc.get_threshold()
    later = Later()
    made = IdleCollector(idle=0.5, young=40_000, later=later)
    made.later = later  # type: ignore[attr-defined]
    yield made
    made.close()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_build_collects_its_young_objects_less_often_and_puts_the_thresholds_back(collector):
    before = gc.get_threshold()
    collector.building()
    assert gc.get_threshold() == (40_000, *before[1:])
    collector.building()  # a second start (a build that failed before on_build_error) keeps the first's
    collector.built()
    assert gc.get_threshold() == (40_000, *before[1:])  # not yet: its young objects are not collected now
    collector.building()  # a build within the idle period: still raised
    collector.built()
    collector.later.run_last()  # idle: collected, and the thresholds as before
    assert gc.get_threshold() == before


def test_the_collection_waits_for_the_idle_period_after_a_build(collector):
    collector.building()
    assert collector.later.armed == []
    collector.built()
    assert [delay for delay, _ in collector.later.armed] == [0.5]
    assert collector.collections == 0
    collector.later.run_last()
    assert collector.collections == 1
    assert gc.get_freeze_count() > 0


def test_a_build_that_began_meanwhile_is_not_collected_under(collector):
    collector.built()
    collector.building()
    assert collector.later.cancelled == 1
    collector.later.run_last()  # a timer that fired anyway collects nothing
    assert collector.collections == 0
    collector.built()
    collector.later.run_last()
    assert collector.collections == 1


def test_after_the_session_ends_nothing_is_collected_or_frozen(collector):
    collector.built()
    collector.close()
    collector.later.run_last()
    assert collector.collections == 0
    assert gc.get_freeze_count() == 0


def test_what_a_build_released_after_a_freeze_is_collected_by_the_next(collector):
    kept = Cycle()
    ref = weakref.ref(kept)
    collector.collect()  # `kept` is alive: frozen
    del kept
    gc.collect()  # a frozen cycle is out of the collector's reach
    assert ref() is not None
    collector.collect()  # the freeze undone first: collected
    assert ref() is None
    assert collector.collections == 2


def test_a_failed_serve_build_puts_the_thresholds_back_and_a_one_off_build_has_no_collector():
    from paritydocs.site.plugin import ParitydocsPlugin

    before = gc.get_threshold()
    plugin = ParitydocsPlugin()
    plugin.on_startup(command="serve", dirty=True)
    assert plugin.collector is not None
    plugin.collector.building()
    assert gc.get_threshold() != before
    plugin.on_build_error(error=RuntimeError("a plugin failed"))
    plugin.collector.collect()  # what the idle timer does
    assert gc.get_threshold() == before
    plugin.on_shutdown()
    assert gc.get_freeze_count() == 0
    one_off = ParitydocsPlugin()
    one_off.on_startup(command="build", dirty=False)
    assert one_off.collector is None


def test_the_work_waiting_for_idle_is_done_then_or_when_a_build_starts_or_the_session_ends():
    done: list[str] = []
    later = Later()
    collector = IdleCollector(idle=0.5, later=later, work=lambda: done.append("work"))
    try:
        collector.building()
        collector.built()
        done.clear()
        later.run_last()  # idle: the work, then the collection
        assert done == ["work"] and collector.collections == 1
        collector.building()  # a build before the idle period ends: the work first
        assert done == ["work", "work"]
        collector.built()
    finally:
        collector.close()
    assert done == ["work", "work", "work"]  # the session's end


def test_a_serve_build_queues_its_cache_entries_and_writes_them_when_idle(tmp_path, monkeypatch):
    from paritydocs.site.plugin import ParitydocsPlugin
    from paritydocs.sources import cache as entries

    monkeypatch.setattr(gc, "collect", lambda *args: 0)  # the test's own collection is not what is looked at
    plugin = ParitydocsPlugin()
    plugin.on_startup(command="serve", dirty=True)
    assert plugin.collector is not None
    plugin.collector.building()
    entries.defer_writes(plugin.pending)  # as on_config does for a serve build
    try:
        assert entries.write_entry(tmp_path, "k", {"a": 1})
        assert not (tmp_path / "k.json").exists() and len(plugin.pending) == 1
        plugin.on_build_error(error=RuntimeError("a plugin failed"))  # deferring ends with the build
        assert entries.write_entry(tmp_path, "direct", [1]) and (tmp_path / "direct.json").exists()
        plugin.collector.collect()  # what the idle timer does
        assert entries.read_entry(tmp_path, "k") == {"a": 1} and plugin.pending == []
    finally:
        entries.defer_writes(None)
        plugin.on_shutdown()


def test_work_ahead_is_done_when_idle_and_dropped_when_a_build_comes_first(caplog):
    from paritydocs.site.collector import when_idle

    done: list[str] = []
    later = Later()
    collector = IdleCollector(idle=0.5, later=later, work=lambda: done.append("work"))
    try:
        assert not when_idle(lambda: done.append("outside"))  # no serve build is running
        collector.building()
        assert when_idle(lambda: done.append("ahead"))
        collector.built()
        assert not when_idle(lambda: done.append("after"))  # the build is over
        done.clear()
        later.run_last()  # idle: the work, then what was queued ahead, then the collection
        assert done == ["work", "ahead"] and collector.collections == 1

        def fails() -> None:
            raise RuntimeError("the port vanished")

        collector.building()
        when_idle(fails)
        when_idle(lambda: done.append("second"))
        collector.built()
        done.clear()
        with caplog.at_level(logging.DEBUG, logger="mkdocs.plugins.paritydocs"):
            later.run_last()
        assert done == ["work", "second"]  # the failure is logged and skipped
        assert "the port vanished" in caplog.text
        collector.building()
        when_idle(lambda: done.append("dropped"))
        collector.built()
        collector.building()  # a build before the idle period: what was queued ahead is dropped
        assert "dropped" not in done
        when_idle(lambda: done.append("at the end"))
        collector.built()
    finally:
        collector.close()
    assert "dropped" not in done and "at the end" not in done  # nor done when the session ends
    assert not when_idle(lambda: None)
