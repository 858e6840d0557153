"""What one `serve` session keeps between two builds, so that a rebuild is fast and still right.

Every rebuild (`mkdocs serve`, `paritydocs serve --full`):
- compiled templates stay in memory (Jinja bytecode, checked against each template's source), for the theme,
  mkdocstrings and paritydocs alike;
- the Python SDK that mkdocstrings loaded with Griffe is handed to the next build while neither the SDK's files
  nor mkdocstrings' configuration changed.

A *dirty* rebuild (`paritydocs serve`, `mkdocs serve --dirty`) renders only the pages whose Markdown changed.
MkDocs warns that this leaves the rest of the site inaccurate; the session keeps it accurate instead:
- when the navigation, the configuration file, the theme's `custom_dir` or the heading a page is titled by
  changed, every page is rendered again, and the pages of removed files are deleted;
- the pages MkDocs skips keep their titles and metadata in the nav of the pages it renders (it does not read
  them, so their title would be "None");
- cross-references into pages that were not rendered again still resolve (autorefs only knows the anchors of
  the pages it saw in this build), with their link titles;
- the search index and mkdocstrings' `objects.inv` keep the entries of pages that were not rendered again and
  replace those that were (Material's search merges a dirty build correctly only when it rendered one page).
The result is the site a full build gives, byte for byte (`tests/test_session.py` checks it).

What is read from another plugin goes through `getattr` with a default: if a later version renames it, the
session does less, and the build itself is unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from paritydocs.site.files import StoredFiles
from paritydocs.site.themefiles import ThemeListing
from paritydocs.textsafe import logger

T = TypeVar("T")


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory; Jinja recompiles a template whose source checksum changed. `disk`: the
    compiled templates on disk (`site.disk_bytecode_cache`), read for a template not yet in memory and written
    for one compiled here, so a session's first use of a template does not compile it again."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        self.disk: jinja2.BytecodeCache | None = None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
        elif self.disk is not None:
            self.disk.load_bytecode(bucket)  # Jinja checks it against the source and its own version
            if bucket.code is not None:
                self._code[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        if self.disk is not None:
            self.disk.dump_bytecode(bucket)

    def clear(self) -> None:
        self._code.clear()


class DirtyWarningFilter(logging.Filter):
    """Drops MkDocs' warning that a dirty build leaves navigation and links stale: the session keeps them
    right, and in a strict configuration that warning alone would stop every rebuild."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def quiet_dirty_warning() -> None:
    build_logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, DirtyWarningFilter) for f in build_logger.filters):
        build_logger.addFilter(DirtyWarningFilter())


class ServeSession:
    """State of one `serve` session, held by the plugin instance MkDocs keeps across rebuilds."""

    def __init__(self, *, dirty: bool) -> None:
        self.dirty = dirty
        self.bytecode: dict[str, MemoryBytecodeCache] = {}
        """One in-memory bytecode cache per Jinja environment: theme, mkdocstrings, paritydocs."""
        self.signature: str | None = None
        """Navigation, configuration file and theme overrides of the previous build."""
        self.outputs: set[str] = set()
        """The HTML files of the previous build's pages."""
        self.urls: dict[str, str] = {}
        """autorefs identifier → site-relative URL, as of the end of the previous build."""
        self.titles: dict[str, str] = {}
        """autorefs URL → link title, as of the end of the previous build."""
        self.rendered: set[str] = set()
        """URLs of the pages rendered in the current build."""
        self.pages: dict[str, tuple[str | None, dict]] = {}
        """Docs-relative path → (title, metadata) of every page as last rendered."""
        self.title_sources: dict[str, str] = {}
        """Docs-relative path → the lines a page's title comes from, for pages the nav does not title."""
        self.everything = False
        """Every page is rendered in the current build: the previous search index and inventory are obsolete."""
        self.inventory: dict[str, Any] = {}
        """mkdocstrings' objects.inv items, as of the end of the previous build."""
        self.griffe: tuple[str, Any, Any] | None = None
        """(key, modules collection, lines collection) that mkdocstrings' Python handler filled."""
        self.sources: dict[str, str] = {}
        """Docs-relative path → the file MkDocs read it from, as of the previous build."""
        self.builds = 0
        self.theme = ThemeListing()
        """The theme's files, listed again only when one of its folders changed (`site.themefiles`)."""
        self.stored = StoredFiles()
        """The generated files' texts and their page cache files, as the last build stored them."""

    def bytecode_cache(self, role: str) -> MemoryBytecodeCache:
        return self.bytecode.setdefault(role, MemoryBytecodeCache())

    # ---------------------------------------------------------------- every build

    def begin(self) -> None:
        self.rendered.clear()
        self.everything = False
        self.builds += 1

    def share_griffe(self, handler: Any, key: str) -> None:
        """Give mkdocstrings' new Python handler the SDK its previous instance loaded, if nothing changed.

        `key` fingerprints the SDK's files and mkdocstrings' configuration.
        """
        modules = getattr(handler, "_modules_collection", None)
        lines = getattr(handler, "_lines_collection", None)
        if modules is None or lines is None:
            return
        if self.griffe is not None and self.griffe[0] == key:
            handler._modules_collection, handler._lines_collection = self.griffe[1], self.griffe[2]
        else:
            self.griffe = (key, modules, lines)

    # ---------------------------------------------------------------- dirty builds

    def check_site_shape(self, config: Any, files: Any, pages: list[Any]) -> None:
        """Before pages are rendered: if the nav, config file, theme overrides or the title of a page changed,
        render them all; else give the pages MkDocs will skip their last title and metadata."""
        signature = site_signature(config, files)
        changed = self.signature is not None and signature != self.signature
        self.signature = signature
        previous, self.outputs = self.outputs, {f.abs_dest_path for f in files.documentation_pages()}
        if not self.dirty:
            return
        retitled = [p.file.src_uri for p in pages if self._title_may_change(p)]
        if not (changed or retitled):
            self._restore_pages(pages)
            return
        self.everything = True
        what = f"the title of {retitled[0]}" if retitled and not changed else "the navigation or configuration"
        logger.info("paritydocs: %s changed: rendering every page again", what)
        for gone in sorted(previous - self.outputs):  # a dirty build leaves the pages of removed files behind
            with contextlib.suppress(OSError):
                os.remove(gone)
                os.rmdir(os.path.dirname(gone))  # `types/Foo/`, when nothing else is in it
        for file in files.documentation_pages():
            dest = file.abs_dest_path
            if os.path.exists(dest):
                os.utime(dest, (0, 0))  # older than any source: MkDocs renders the page again

    def renew_changed_sources(self, files: Any) -> None:
        """A file whose source is another file than in the previous build is made newer than its page, so a dirty
        rebuild renders it: generated pages are kept by content (`site.files.page_file`), and an edit undone
        brings back the file of the content before, older than the page the edit wrote."""
        current = {f.src_uri: f.abs_src_path for f in files if f.abs_src_path}
        if self.dirty:
            for uri, path in current.items():
                if self.sources.get(uri, path) != path:
                    with contextlib.suppress(OSError):
                        os.utime(path)
        self.sources = current

    def page_rendered(self, page: Any) -> None:
        self.rendered.add(page.url)
        self.pages[page.file.src_uri] = (page.title, dict(page.meta))
        if self.dirty and "title" not in vars(page):  # titled by its source, not by the nav
            self.title_sources[page.file.src_uri] = title_source(page.file)

    def _title_may_change(self, page: Any) -> bool:
        """A page about to be rendered again whose title comes from its source, and whose heading or `title`
        metadata changed: every other page's nav shows that title."""
        before = self.title_sources.get(page.file.src_uri)
        return before is not None and page.file.is_modified() and title_source(page.file) != before

    def _restore_pages(self, pages: list[Any]) -> None:
        """The title and metadata of each page MkDocs will skip, as last rendered.

        MkDocs does not read a page it skips, so the nav of every page it does render would title that page
        "None" (and lose its metadata, which Material reads for nav icons and status).
        """
        for page in pages:
            remembered = self.pages.get(page.file.src_uri)
            if remembered is None or page.markdown is not None or page.file.is_modified():
                continue
            title, meta = remembered
            page.markdown = ""  # read, as far as the title goes: `Page.title` gives None until then
            page.meta = {**meta, "title": title} if title else meta

    def restore_urls(self, autorefs: Any) -> None:
        """Register last build's URLs as fallbacks; anchors seen in this build take precedence over them."""
        if not self.dirty or self.everything or not self.urls:
            return
        register = getattr(autorefs, "register_url", None)
        if register is None:
            return
        for identifier, url in self.urls.items():
            register(identifier, url)
        titles = getattr(autorefs, "_title_map", None)  # link titles, e.g. `title="HealthResponse"`
        if isinstance(titles, dict):
            for url, title in self.titles.items():
                titles.setdefault(url, title)

    def remember_urls(self, autorefs: Any) -> None:
        """After the build: every identifier autorefs could resolve, for the next dirty build."""
        if not self.dirty:
            return
        urls = dict(_str_map(getattr(autorefs, "_abs_url_map", None)))
        for name in ("_secondary_url_map", "_primary_url_map"):  # primary last: it wins
            for identifier, found in _str_map(getattr(autorefs, name, None), first=True):
                urls[identifier] = found
        self.urls = urls
        self.titles = dict(_str_map(getattr(autorefs, "_title_map", None)))

    def merge_search_index(self, search: Any) -> None:
        """Before Material's search writes its index: the previous entries of pages not rendered again, then
        this build's entries."""
        index = getattr(search, "search_index", None)
        previous = getattr(search, "search_index_prev", None)
        entries = getattr(index, "entries", None)
        old = getattr(previous, "entries", None)
        if not isinstance(entries, list) or not isinstance(old, list):
            return
        if not self.dirty or self.everything or self.builds == 1:
            # every page was rendered, and some may have gone; on a first build, what search holds comes from
            # an earlier session in this process (MkDocs keeps plugins that define on_startup)
            search.search_index_prev = None
            return
        index.entries = merge_by_page(old, entries, self.rendered, _search_location)  # type: ignore[union-attr]
        search.search_index_prev = None  # merged here: Material writes `entries` as they are

    def merge_inventory(self, inventory: Any) -> None:
        """Before mkdocstrings writes `objects.inv`: keep the objects of API pages not rendered again."""
        if not self.dirty or not isinstance(inventory, dict):
            return
        if self.inventory and not self.everything:
            merged = merge_by_page(
                list(self.inventory.items()), list(inventory.items()), self.rendered, _inventory_location
            )
            inventory.clear()
            inventory.update(merged)
        self.inventory = dict(inventory)


def _search_location(entry: Any) -> str:
    return str(entry.get("location", "")) if isinstance(entry, dict) else ""


def _inventory_location(item: tuple[str, Any]) -> str:
    return str(getattr(item[1], "uri", ""))


def _page_of(location: str) -> str:
    return location.split("#", 1)[0]


def merge_by_page(old: list[T], new: list[T], rendered: set[str], location: Callable[[T], str]) -> list[T]:
    """The previous items with each rendered page's items replaced in place (a full build's order); items of
    pages new to the site come last. `location(item)` is the item's URL, `page/#anchor`."""
    fresh: dict[str, list[T]] = {}
    for item in new:
        fresh.setdefault(_page_of(location(item)), []).append(item)
    merged: list[T] = []
    for item in old:
        page = _page_of(location(item))
        if page not in rendered:
            merged.append(item)
        elif page in fresh:
            merged.extend(fresh.pop(page))  # at the first old item of the page; its other old items dropped
    for items in fresh.values():
        merged.extend(items)
    return merged


def _str_map(value: Any, *, first: bool = False) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    pairs = []
    for key, item in value.items():
        if first and isinstance(item, list):
            item = item[0] if item else None
        if isinstance(key, str) and isinstance(item, str):
            pairs.append((key, item))
    return pairs


def title_source(file: Any) -> str:
    """What a page's title is taken from: its `title` metadata and its level-1 headings (`# …`, or a line
    underlined with `===`). Code comments that look like headings count too: a change there only costs a full
    render."""
    from mkdocs.utils import meta

    try:
        markdown, data = meta.get_data(file.content_string)
    except (OSError, ValueError):
        return ""
    lines = markdown.splitlines()
    headings = [line.strip() for line in lines if line.startswith("# ")]
    headings += [
        lines[i - 1].strip() for i, line in enumerate(lines) if i and line.strip() and set(line.strip()) == {"="}
    ]
    return json.dumps([data.get("title"), headings], default=str)


def site_signature(config: Any, files: Any) -> str:
    """What every page's chrome depends on: the nav, the configuration file, the theme's overrides."""
    digest = hashlib.sha256()
    digest.update(json.dumps(config.nav, sort_keys=True, default=str).encode())
    digest.update("\0".join(sorted(f.src_uri for f in files.documentation_pages())).encode())
    path = getattr(config, "config_file_path", None)
    if path:
        with contextlib.suppress(OSError):
            digest.update(Path(path).read_bytes())
    custom_dir = getattr(config.theme, "custom_dir", None)
    if custom_dir and Path(custom_dir).is_dir():
        from paritydocs.sources.trees import tree_fingerprint

        digest.update(tree_fingerprint(Path(custom_dir)).encode())
    return digest.hexdigest()
