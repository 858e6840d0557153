"""A `serve` session: a dirty rebuild gives the same site as a full build, and a rebuild reuses what it can."""

from __future__ import annotations

import filecmp
import gc
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import jinja2
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from paritydocs.site.session import DirtyWarningFilter, MemoryBytecodeCache, merge_by_page
from site_helpers import copy_demo, count_griffe_loads

SERVE_URL = "http://127.0.0.1:8000/"


# ---------------------------------------------------------------- pieces


def test_merge_by_page_replaces_rendered_pages_in_place():
    old = ["a/", "a/#x", "b/", "b/#y", "c/"]
    new = ["b/", "b/#z", "d/"]
    merged = merge_by_page(old, new, {"b/", "d/"}, location=lambda loc: loc)
    # b's old entries are replaced where they were; a and c are kept; the new page d comes last
    assert merged == ["a/", "a/#x", "b/", "b/#z", "c/", "d/"]


def test_merge_by_page_drops_a_rendered_page_that_has_no_entries_left():
    merged = merge_by_page(["a/", "b/#y"], [], {"b/"}, location=lambda loc: loc)
    assert merged == ["a/"]


def test_memory_bytecode_cache_skips_compiling_until_the_source_changes(tmp_path):
    (tmp_path / "page.jinja").write_text("Hello {{ name }}")
    cache = MemoryBytecodeCache()
    compiled: list[str] = []

    def environment() -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
        original = env.compile

        def counting(source, name=None, filename=None, raw=False, defer_init=False):
            compiled.append(name)
            return original(source, name, filename, raw, defer_init)

        env.compile = counting  # type: ignore[method-assign]
        return env

    assert environment().get_template("page.jinja").render(name="a") == "Hello a"
    assert environment().get_template("page.jinja").render(name="b") == "Hello b"
    assert compiled == ["page.jinja"]  # the second environment (the next rebuild) loaded the bytecode
    (tmp_path / "page.jinja").write_text("Bye {{ name }}")
    assert environment().get_template("page.jinja").render(name="c") == "Bye c"
    assert compiled == ["page.jinja", "page.jinja"]


def test_a_sessions_first_use_of_a_template_reads_it_compiled_from_disk(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.jinja").write_text("Hello {{ name }}")
    disk = jinja2.FileSystemBytecodeCache(str(tmp_path / "compiled"))
    (tmp_path / "compiled").mkdir()
    compiled: list[str] = []

    def render(cache: MemoryBytecodeCache, name: str) -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "templates")), bytecode_cache=cache)
        original = env.compile
        env.compile = lambda source, *args, **kwargs: compiled.append("page") or original(source, *args, **kwargs)  # type: ignore[method-assign]
        return env.get_template("page.jinja").render(name=name)

    first = MemoryBytecodeCache()
    first.disk = disk
    assert render(first, "a") == "Hello a" and compiled == ["page"]  # compiled, and written to disk
    second = MemoryBytecodeCache()  # a new session
    second.disk = disk
    assert render(second, "b") == "Hello b" and compiled == ["page"]  # read from disk
    (tmp_path / "templates" / "page.jinja").write_text("Bye {{ name }}")
    third = MemoryBytecodeCache()
    third.disk = disk
    assert render(third, "c") == "Bye c" and compiled == ["page", "page"]  # the source changed: compiled again


def test_the_dirty_build_warning_is_dropped_and_nothing_else():
    drop = DirtyWarningFilter()

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("mkdocs.commands.build", logging.WARNING, __file__, 1, message, None, None)

    assert not drop.filter(record("A 'dirty' build is being performed, this will likely lead to ..."))
    assert drop.filter(record("Doc file 'x.md' contains a link to 'y.md', which is not found"))


# ---------------------------------------------------------------- a serve session on the demo


class Session:
    """One `serve` session on a copy of the demo, as MkDocs runs it: plugins with on_startup are kept."""

    open: ClassVar[list[Session]] = []

    def __init__(self, demo: Path, site: Path, *, dirty: bool) -> None:
        self.demo, self.site, self.dirty = demo, site, dirty
        self.config = self._load()
        self.config.plugins.on_startup(command="serve", dirty=dirty)
        Session.open.append(self)
        build(self.config, serve_url=SERVE_URL, dirty=dirty)
        self.plugin = self.config.plugins["paritydocs"]

    def close(self) -> None:
        self.config.plugins.on_shutdown()

    def _load(self):
        return load_config(config_file=str(self.demo / "mkdocs.yml"), site_dir=str(self.site))

    def rebuild(self) -> None:
        config = self._load()
        assert config.plugins["paritydocs"] is self.plugin
        build(config, serve_url=SERVE_URL, dirty=self.dirty)
        self.config = config


@pytest.fixture(autouse=True)
def _sessions_end():
    """Each test's serve sessions shut down, as MkDocs does when serve stops: the collector put back."""
    yield
    while Session.open:
        Session.open.pop().close()


def test_a_serve_build_collects_garbage_once_idle_and_the_end_of_the_session_puts_it_back(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    before = gc.get_threshold()
    session = Session(copy_demo(tmp_path), tmp_path / "served", dirty=True)
    collector = session.plugin.collector
    assert collector is not None and gc.get_threshold() != before  # raised until the server is idle
    collector.collect()  # what the idle timer does
    assert gc.get_threshold() == before and gc.get_freeze_count() > 0
    session.rebuild()
    collector.collect()
    assert gc.get_threshold() == before
    session.close()
    Session.open.remove(session)
    assert gc.get_freeze_count() == 0


def _differences(expected: Path, actual: Path) -> list[str]:
    found = []
    for root, _, names in os.walk(expected):
        for name in names:
            path = Path(root) / name
            rel = path.relative_to(expected)
            other = actual / rel
            if not other.is_file() or not filecmp.cmp(path, other, shallow=False):
                found.append(str(rel))
    for root, _, names in os.walk(actual):
        for name in names:
            rel = (Path(root) / name).relative_to(actual)
            if not (expected / rel).exists():
                found.append(f"{rel} (only in the dirty build)")
    return sorted(found)


FULL_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="build", dirty=False)
build(config, serve_url=sys.argv[3])
"""


def _full_build(demo: Path, site: Path) -> Path:
    """A one-off build served at the same URL as the session's (serve rewrites `site_url`), in its own
    process: MkDocs keeps plugins that define on_startup (search's index among them) for the whole process."""
    subprocess.run(
        [sys.executable, "-c", FULL_BUILD, str(demo / "mkdocs.yml"), str(site), SERVE_URL],
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return site


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1))


EDITS = {
    "elixir moduledoc": ("elixir/lib/orbit/types/node_info.ex", "A machine a job runs on.", "A host that runs jobs."),
    "python docstring": (
        "python/src/orbit/types/job_info.py",
        '"""The node\'s host name."""',
        '"""The host_name of the node."""',
    ),
    "elixir module renamed (a page goes)": (
        "elixir/lib/orbit/types/node_info.ex",
        "defmodule Orbit.Types.NodeInfo do",
        "defmodule Orbit.Types.NodeDetails do",
    ),
    "notes": ("notes.yml", "", "- python: NodeInfo\n  note: Checked by the session test.\n"),
    "title of a hand-written page": ("docs/about.md", "# About this demo", "# About the Orbit demo"),
    "body of a hand-written page": ("docs/about.md", "Both are made up", "Both are invented"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_dirty_rebuild_gives_the_site_a_full_build_gives(tmp_path, monkeypatch, edit):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    file, old, new = EDITS[edit]
    if old:
        _edit(demo / file, old, new)
    else:
        with (demo / file).open("a") as notes:
            notes.write(new)
    session.rebuild()
    full = _full_build(demo, tmp_path / "full")
    assert _differences(full, tmp_path / "served") == []


def test_an_edit_undone_shows_the_page_as_it_was_again(tmp_path, monkeypatch):
    """Saving a file back as it was gives the page content it had before: the cache holds that page's file
    already (pages are kept by content), and it is older than the page last written, yet it is rendered."""
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    page = tmp_path / "served" / "types" / "NodeInfo" / "index.html"
    file, old, new = EDITS["elixir moduledoc"]
    _edit(demo / file, old, new)
    session.rebuild()
    assert new in page.read_text()
    _edit(demo / file, new, old)
    session.rebuild()
    assert old in page.read_text() and new not in page.read_text()
    assert _differences(_full_build(demo, tmp_path / "full"), tmp_path / "served") == []


def test_a_new_title_renders_every_page_and_a_new_body_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    every_page = set(session.plugin.session.rendered)
    _edit(demo / "docs" / "about.md", "Both are made up", "Both are invented")
    session.rebuild()
    assert session.plugin.session.rendered == {"about/"}
    _edit(demo / "docs" / "about.md", "# About this demo", "# About the Orbit demo")
    session.rebuild()
    assert session.plugin.session.rendered == every_page  # every page's nav shows the new title
    nav = (tmp_path / "served" / "types" / "NodeInfo" / "index.html").read_text()
    assert "About the Orbit demo" in nav


def test_a_dirty_rebuild_renders_only_the_pages_that_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    every_page = set(session.plugin.session.rendered)
    parses = session.plugin.caches.elixir.parses
    _edit(demo / EDITS["elixir moduledoc"][0], *EDITS["elixir moduledoc"][1:])
    session.rebuild()
    rendered = session.plugin.session.rendered
    assert "types/NodeInfo/" in rendered
    assert not any(url.startswith("api/") for url in rendered)  # the Python side did not change
    assert len(rendered) < len(every_page) / 2
    assert session.plugin.caches.elixir.parses == parses + 1  # one .ex file parsed again


def test_a_full_rebuild_reuses_the_python_sdk_mkdocstrings_loaded_until_it_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    loads = count_griffe_loads(monkeypatch)
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=False)
    assert loads  # paritydocs' extraction, then mkdocstrings
    loads.clear()

    _edit(demo / EDITS["elixir moduledoc"][0], *EDITS["elixir moduledoc"][1:])
    session.rebuild()
    assert loads == []  # neither paritydocs nor mkdocstrings read the unchanged Python SDK again
    page = (tmp_path / "served" / "api" / "orbit.types.NodeInfo" / "index.html").read_text()
    assert "The node&#39;s host name." in page or "The node's host name." in page

    _edit(demo / EDITS["python docstring"][0], *EDITS["python docstring"][1:])
    session.rebuild()
    assert "orbit" in loads
    page = (tmp_path / "served" / "api" / "orbit.types.NodeInfo" / "index.html").read_text()
    assert "The host_name of the node." in page


# ---------------------------------------------------------------- the theme's files, listed once a session


def _theme_tree(root: Path) -> list[str]:
    (root / "a" / "assets" / "icons").mkdir(parents=True)
    (root / "b" / "partials").mkdir(parents=True)
    for rel in ("a/main.html", "a/assets/app.js", "a/assets/icons/x.svg", "a/.hidden", "b/main.html", "b/b.css"):
        (root / rel).write_text(rel)
    (root / "b" / "partials" / "nav.html").write_text("nav")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "linked.css").write_text("linked")
    (root / "a" / "linked").symlink_to(root / "elsewhere", target_is_directory=True)  # not walked into
    (root / "a" / "file-link.css").symlink_to(root / "elsewhere" / "linked.css")
    return [str(root / "a"), str(root / "b")]


def _not_html(name: str) -> bool:
    return not name.endswith(".html")


def test_the_theme_listing_is_jinjas_and_walks_again_only_when_a_folder_changed(tmp_path, monkeypatch):
    from paritydocs.site.themefiles import ThemeListing
    from paritydocs.sources import trees

    searchpath = _theme_tree(tmp_path)
    listing = ThemeListing()
    listing.names(searchpath, None, ())
    listing.names(searchpath, None, ())
    assert listing.walks == 4  # folders changed in the last second: walked again, a change in their tick unseen
    monkeypatch.setattr(trees, "SETTLED_NS", 0)  # from here on, every folder's time is old enough
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(searchpath))

    def same() -> bool:
        return all(listing.names(searchpath, f, ()) == env.list_templates(filter_func=f) for f in (None, _not_html))

    assert same() and listing.walks == 6
    assert same() and listing.walks == 6  # nothing changed: neither folder walked again
    (tmp_path / "a" / "assets" / "app.js").write_text("edited")  # content only: the names are the same
    assert same() and listing.walks == 6
    (tmp_path / "a" / "assets" / "icons" / "y.svg").write_text("new")  # a folder two levels down changed
    assert same() and listing.walks == 7
    (tmp_path / "b" / "b.css").unlink()
    assert same() and listing.walks == 8
    (tmp_path / "a" / "assets" / "icons" / "x.svg").rename(tmp_path / "a" / "assets" / "icons" / "z.svg")
    assert same() and listing.walks == 9
    assert "assets/icons/z.svg" in listing.names(searchpath, None, ())


def test_a_serve_session_lists_the_theme_once_and_sees_a_file_added_to_custom_dir(tmp_path, monkeypatch):
    from paritydocs.sources import trees

    monkeypatch.setattr(trees, "SETTLED_NS", 0)  # the folders just made count as old enough
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    (demo / "overrides" / "assets").mkdir(parents=True)
    (demo / "overrides" / "assets" / "one.css").write_text("/* one */")
    _edit(demo / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: overrides\n")
    session = Session(demo, tmp_path / "served", dirty=True)
    listing = session.plugin.session.theme
    walks = listing.walks
    assert walks == len(session.config.theme.dirs)
    session.rebuild()
    assert listing.walks == walks  # no theme folder changed
    (demo / "overrides" / "assets" / "two.css").write_text("/* two */")
    session.rebuild()
    assert listing.walks == walks + 1  # the custom_dir alone, walked again
    assert (tmp_path / "served" / "assets" / "two.css").read_text() == "/* two */"
    assert _differences(_full_build(demo, tmp_path / "full"), tmp_path / "served") == []


def test_a_listing_kept_in_the_cache_is_read_back_while_no_folder_of_the_theme_changed(tmp_path, monkeypatch):
    from paritydocs.site.themefiles import ThemeListing
    from paritydocs.sources import trees

    searchpath = _theme_tree(tmp_path / "theme")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(searchpath))
    kept = tmp_path / "cache" / "extraction" / "theme"
    assert ThemeListing(kept).names(searchpath, _not_html, ()) == env.list_templates(filter_func=_not_html)
    assert not kept.exists()  # its folders changed in the last second: nothing kept
    monkeypatch.setattr(trees, "SETTLED_NS", 0)

    def listed(static: tuple[str, ...] = (), check=_not_html) -> ThemeListing:
        listing = ThemeListing(kept, session=False)  # a new one-off build's
        assert listing.names(searchpath, check, static) == [n for n in env.list_templates() if check(n)]
        return listing

    assert listed().walks == 2
    again = listed()
    assert again.walks == 0 and again.read_back == 1
    assert listed(("b.css",)).walks == 2  # another theme's `static_templates`: another listing
    assert listed(check=lambda name: name.endswith(".css")).walks == 2  # another filter
    (tmp_path / "theme" / "a" / "assets" / "icons" / "new.svg").write_text("new")
    changed = listed()
    assert changed.walks == 2 and changed.read_back == 0  # a folder's time moved: walked again, and kept again
    assert listed().read_back == 1
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    assert listed().walks == 2


def test_a_one_off_build_after_a_serve_session_in_the_same_process_has_its_own_search_index(tmp_path, monkeypatch):
    """MkDocs keeps plugins that define on_startup for the whole process: Material's search then holds the
    session's last index, which it would merge into a later one-off build's."""
    import json

    from site_helpers import build_site

    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    session.rebuild()
    session.close()
    Session.open.remove(session)
    indexes = []
    for name in ("once", "again"):  # made, then read back (`site.kept`)
        site = build_site(demo / "mkdocs.yml", tmp_path / name)
        indexes.append((site / "search" / "search_index.json").read_bytes())
    locations = [doc["location"] for doc in json.loads(indexes[0])["docs"]]
    assert indexes[0] == indexes[1] and len(locations) == len(set(locations))


def test_a_rebuild_stores_again_only_the_files_whose_text_changed_or_that_left_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    stored = session.plugin.session.stored
    assert stored.hits == 0
    file, old, new = EDITS["elixir moduledoc"]
    _edit(demo / file, old, new)
    session.rebuild()
    edited = stored.hits
    session.rebuild()  # nothing changed: every file found as it was
    unchanged = stored.hits - edited
    assert 0 < edited < unchanged  # the edited type's page and copy, and what shows it, stored again
    copies = session.plugin.markdown_copies
    cached = next(f for rel, f in copies.items() if rel.startswith("types/NodeInfo/"))
    Path(cached).unlink()  # gone from the page cache (pruned by another build, say)
    before = stored.hits
    session.rebuild()
    assert stored.hits - before == unchanged - 1 and Path(cached).is_file()  # stored again
    assert _differences(_full_build(demo, tmp_path / "full"), tmp_path / "served") == []


def test_a_rebuilds_cache_entries_are_written_once_the_server_is_idle_or_the_session_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    render = tmp_path / "cache" / "render"
    assert session.plugin.pending and not render.exists()  # the first build's too
    session.plugin.collector.collect()  # what the idle timer does
    before = set(render.rglob("*.json"))
    assert before and session.plugin.pending == []
    _edit(demo / EDITS["elixir moduledoc"][0], *EDITS["elixir moduledoc"][1:])
    session.rebuild()
    queued = list(session.plugin.pending)
    assert queued and set(render.rglob("*.json")) == before  # the edited page's conversion, not written yet
    session.close()
    Session.open.remove(session)
    assert session.plugin.pending == [] and set(render.rglob("*.json")) - before  # written now


def test_a_serve_session_prunes_the_page_cache_once_idle(tmp_path, monkeypatch):
    """Listing the page cache (0.25 s of the first `.ex` rebuild of the seed pair) waits until the page is served."""
    from paritydocs.site import plugin as plugin_module

    pruned: list[int] = []
    real = plugin_module.prune_pages
    monkeypatch.setattr(
        plugin_module, "prune_pages", lambda folder, used: pruned.append(used) or real(folder, used=used)
    )
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    session = Session(demo, tmp_path / "served", dirty=True)
    plugin = session.plugin
    assert pruned == [] and plugin.pending  # the first build added files: its prune is waiting
    plugin.collector.collect()  # what the idle timer does
    assert len(pruned) == 1 and plugin.pending == []
    _edit(demo / EDITS["elixir moduledoc"][0], *EDITS["elixir moduledoc"][1:])
    session.rebuild()
    assert len(pruned) == 1  # a prune is due again after a twentieth of the bound is written, not now
    assert _differences(_full_build(demo, tmp_path / "full"), tmp_path / "served") == []


def test_every_environment_the_theme_makes_reads_compiled_templates(tmp_path, monkeypatch):
    """Material's search plugin makes its own environments of the theme (three a build, to read its
    translations): they read the compiled templates as MkDocs' does, in a `serve` rebuild and in the next one-off
    build alike."""
    from site_helpers import build_site

    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    session = Session(demo, tmp_path / "served", dirty=True)
    assert "partials/language.html" in compiled
    compiled.clear()
    session.rebuild()
    assert compiled == []
    build_site(demo / "mkdocs.yml", tmp_path / "one-off")  # the session wrote them to disk too
    assert "partials/language.html" not in compiled
    compiled.clear()
    build_site(demo / "mkdocs.yml", tmp_path / "one-off-again")
    assert compiled == []
