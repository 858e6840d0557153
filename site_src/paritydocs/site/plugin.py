"""The MkDocs plugin: configuration, generated files, model-name rewrites, watch. The work is elsewhere."""

from __future__ import annotations

import contextlib
import functools
import time
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files

from paritydocs.config import Settings, load_settings
from paritydocs.errors import ConfigError, ParitydocsError, SourceError
from paritydocs.guard import plugin_started
from paritydocs.modelnames import ModelNameUpdate, apply_updates, compile_updates
from paritydocs.options import ParitydocsConfig
from paritydocs.pipeline import Caches
from paritydocs.site import build_site, disk_bytecode_cache
from paritydocs.site.collector import IdleCollector
from paritydocs.site.files import (
    CSS_URI,
    PAGES_KEPT,
    add_site_files,
    installed_count,
    pages_folder,
    prune_pages,
    stash_markdown_copies,
    watched_paths,
    write_markdown_copies,
)
from paritydocs.site.held import HeldPages, SearchSpool, compress_inventory_by_line, release_markdown
from paritydocs.site.htmlsafe import clean_html
from paritydocs.site.kept import keep_site
from paritydocs.site.mkdocstrings import configure_mkdocstrings, handler_packages, share_between_builds
from paritydocs.site.nav import build_nav
from paritydocs.site.project import REQUIRED_EXTENSIONS
from paritydocs.site.rendercache import RenderCache
from paritydocs.site.session import ServeSession, quiet_dirty_warning
from paritydocs.site.themefiles import ThemeListing
from paritydocs.sources.cache import (
    Deferred,
    cache_root,
    defer_writes,
    extraction_cache_disabled,
    extraction_dir,
    now_or_deferred,
    prune_due,
    write_deferred,
)
from paritydocs.sources.trees import keep_files
from paritydocs.textsafe import logger

__all__ = ["REQUIRED_EXTENSIONS", "ParitydocsConfig", "ParitydocsPlugin"]


class ParitydocsPlugin(BasePlugin[ParitydocsConfig]):
    """Generates the parity pages from the two SDKs and hands them to MkDocs."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.caches: Caches | None = None
        self.updates: tuple[ModelNameUpdate, ...] = ()
        self.keep_names: set[str] = set()
        self.generated: set[str] = set()
        """Pages this build generated: their HTML is cleaned (`htmlsafe`)."""
        self.autorefs = False
        self.watch_paths: list[str] = []
        self.session: ServeSession | None = None
        self.markdown_copies: dict[str, str] = {}
        """The pages' Markdown copies, written beside their HTML once the site is built."""
        self.copies_written: tuple[str, dict[str, str]] | None = None
        """`serve` only: the site folder and the copies the last build left in it (`write_markdown_copies`)."""
        self.nav: Any = None
        self.render_cache: RenderCache | None = None
        """What MkDocs made of each page, across builds (`rendercache`); None with `PARITYDOCS_NO_CACHE`."""
        self.held = HeldPages()
        """The generated pages' HTML, compressed from the end of `on_env` until each page is written (`held`)."""
        self.spool = SearchSpool()
        """Material's search entries, in a temporary file from each page's indexing until the index is written."""
        self._installed_before = 0
        """The page cache's files this process had added when the build began (`installed_count`)."""
        self.search: Any = None
        """Material's search plugin of this build's configuration, when the site has it (`on_config`)."""
        self.collector: IdleCollector | None = None
        """`serve` only: garbage collected between builds, not during them (`collector`)."""

    # Defining on_startup makes MkDocs keep this instance across `mkdocs serve` rebuilds, and with it the caches.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Only `serve` builds again: there, keep the extracted SDKs, compiled templates and what a dirty
        # rebuild needs between builds; a one-off build holds nothing.
        self.session = ServeSession(dirty=dirty) if command == "serve" else None
        if self.session is not None and dirty:
            quiet_dirty_warning()
        self.caches = Caches() if command == "serve" else None
        if self.caches is not None and self.session is not None:
            self.caches.templates = self.session.bytecode_cache("paritydocs")
        self.pending: Deferred = []
        """`serve`: what a build queued for the server's idle time: cache entries to write, folders to prune
        (`sources.cache.defer_writes`)."""
        pending = self.pending
        self.collector = IdleCollector(work=lambda: write_deferred(pending)) if command == "serve" else None
        keep_files(command == "serve")  # what is read of each file kept by its status, for the rebuilds

    def on_shutdown(self) -> None:
        if self.collector is not None:
            defer_writes(None)  # a build stopped midway
            self.collector.close()  # writes what is queued
            keep_files(False)

    # Before mkdocstrings (priority 0): its Python handler is created in its own on_config and reads `paths` then.
    @event_priority(100)
    def on_config(self, config: Any) -> Any:
        self.search = None
        if self.collector is not None:
            self.collector.building()  # what the build before queued is written first
            defer_writes(self.pending)  # this build's entries are for the builds that follow
        if not self.config.enabled:
            return config
        plugin_started()  # the `paritydocs.guard` extension: the generated pages will be there
        if self.session is not None:
            self.session.begin()
        raw = {k: v for k, v in self.config.items() if k != "enabled" and v is not None}
        base_dir = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        try:
            self.settings = load_settings(raw, base_dir=base_dir)
            self.updates = compile_updates(self.settings.model_names)
        except ConfigError as err:
            raise PluginError(str(err)) from err
        if self.session is not None:  # compiled templates: in memory, over those on disk
            for role in ("paritydocs", "theme", "mkdocstrings"):
                self.session.bytecode_cache(role).disk = disk_bytecode_cache(self.settings, role)
        # the theme's files listed once (`serve`), or read back with the times of its folders (a one-off build)
        listing = self.session.theme if self.session is not None else ThemeListing(session=False)
        listing.folder = None if extraction_cache_disabled() else extraction_dir(self.settings.cache_dir, "theme")
        listing.install(config.theme)
        self._compile_once(config.theme)
        for ext in REQUIRED_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        if self.settings.python_api:
            configure_mkdocstrings(config, self.settings)
        self.render_cache = None
        self.spool.clear()
        self.search = _material_search(config)
        if self.session is None and self.search is not None and hasattr(self.search, "search_index_prev"):
            # MkDocs keeps plugins that define on_startup for the whole process: a search plugin kept from an
            # earlier `serve` session holds that session's last index, which Material would merge into this one
            self.search.search_index_prev = None
        if not extraction_cache_disabled():
            self.render_cache = RenderCache(cache_root(self.settings.cache_dir) / "render")
        # Checked before mkdocstrings adds its own limited autorefs instance, which resolves only its own anchors.
        self.autorefs = "autorefs" in config.plugins
        return config

    def _compile_once(self, theme: Any) -> None:
        """Every Jinja environment the theme makes in this build gets the theme's compiled templates (in memory
        over those on disk in `serve`, on disk in a one-off build): MkDocs' own, and those other plugins make,
        such as Material's search plugin, which makes three a build to read its translations and compiled two
        templates for each (0.02 s of every build). An environment that came with a bytecode cache keeps it."""
        assert self.settings is not None
        cache = (
            self.session.bytecode_cache("theme")
            if self.session is not None
            else disk_bytecode_cache(self.settings, "theme")
        )
        if cache is None:
            return
        get_env = theme.get_env

        def env_with_compiled_templates() -> Any:
            env = get_env()
            if env.bytecode_cache is None:
                env.bytecode_cache = cache
            return env

        theme.get_env = env_with_compiled_templates

    # After MkDocs collected the docs dir, before the nav is built from `config.nav`.
    @event_priority(50)
    def on_files(self, files: Files, *, config: Any) -> Files:
        if not self.config.enabled or self.settings is None:
            return files
        started = time.perf_counter()
        self._installed_before = installed_count()
        try:
            site = build_site(
                self.settings,
                caches=self.caches,
                autorefs=self.autorefs,
                packages=handler_packages(config, self.settings),
                site_url=config.site_url,
                directory_urls=config.use_directory_urls,
                keep=self.session is None,  # `serve` keeps what it needs in memory
            )
        except SourceError as err:
            logger.error("%s", err)
            site = None
        except ParitydocsError as err:
            raise PluginError(str(err)) from err
        logger.debug("paritydocs: sources, extraction, parity and pages took %.2f s", time.perf_counter() - started)
        if site is None:
            return files
        for error in site.errors:
            logger.error("%s", error)  # one line naming the source and the fix; the rest still builds
        for warning in site.warnings:
            if not warning.endswith(tuple(site.errors)):
                logger.warning("%s", warning)
        self.watch_paths = site.watch_paths
        stored = self.session.stored if self.session is not None else None
        self.markdown_copies = stash_markdown_copies(self.settings, site.markdown_copies, stored)  # paths, not text
        user_pages = [f.src_uri for f in files.documentation_pages()]
        self.generated, self.keep_names = add_site_files(files, config, site, stored)
        if site.kept_key is not None:  # a one-off build with no error: the next one may read it back
            keep_site(
                self.settings,
                site.kept_key,
                pages=site.pages,
                outputs=list(site.outputs),
                copies=list(site.markdown_copies),
                warnings=site.warnings,
                logged=site.logged,
                files=files,
                stashed=self.markdown_copies,
            )
        if self.session is not None:
            self.session.renew_changed_sources(files)
        if config.nav is None:
            features = set(config.theme.get("features") or [])
            config.nav = build_nav(
                site.pages, user_pages, expanded_second_level={"navigation.tabs", "navigation.sections"} <= features
            )
        if self.session is not None:
            share_between_builds(config, self.settings, self.session, site.python_fingerprint)
        return files

    # Last, once every plugin changed the nav: a dirty rebuild renders every page again if the nav changed,
    # else it gives autorefs the URLs of the pages it will not render.
    @event_priority(-100)
    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        self.nav = nav
        if self.session is not None:
            self.session.check_site_shape(config, files, nav.pages)
            if "autorefs" in config.plugins:
                self.session.restore_urls(config.plugins["autorefs"])
        return nav

    # After mkdocstrings rendered every page, before it writes objects.inv (priority -20): `serve`'s inventory
    # merged, and the inventory's lines compressed as they are made.
    def _inventory(self, env: Any, *, config: Any, files: Files) -> Any:
        mkdocstrings = config.plugins.get("mkdocstrings")
        if mkdocstrings is not None:
            with contextlib.suppress(Exception):  # mkdocstrings not configured: nothing was rendered
                inventory = mkdocstrings.handlers.inventory
                if self.session is not None:
                    self.session.merge_inventory(inventory)
                compress_inventory_by_line(inventory)  # the same objects.inv, never joined whole first (`held`)
        return env

    # After autorefs fixed every page's links (priority -50): the theme's output of each page can be keyed.
    @event_priority(-100)
    def _plan_outputs(self, env: Any, *, config: Any, files: Files) -> Any:
        if self.render_cache is not None:
            self.render_cache.plan_outputs(env, config=config, files=files, nav=self.nav)
        return env

    # Last, once every plugin read the converted pages: each generated page's HTML held compressed until MkDocs
    # writes it, so a build does not hold every page's HTML at once.
    @event_priority(-1000)
    def _hold_pages(self, env: Any, *, config: Any, files: Files) -> Any:
        generated = self.generated
        self.held.hold(f.page for f in files.documentation_pages() if f.page is not None and f.src_uri in generated)
        return env

    on_env = CombinedEvent(_inventory, _plan_outputs, _hold_pages)

    def _clean_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.src_uri in self.generated:
            html = clean_html(html) if self.render_cache is None else self.render_cache.cleaned(html, clean_html)
        if self.session is not None:
            self.session.page_rendered(page)
        return html

    # Last, once every plugin read the page's Markdown and HTML: a generated page's Markdown is not read again.
    @event_priority(-1000)
    def _release_markdown(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.src_uri in self.generated:
            release_markdown(page)
        return html

    on_page_content = CombinedEvent(_clean_content, _release_markdown)

    # Last, once the page's HTML is written: a generated page's content is not needed again (autorefs fixed every
    # page before the first was written, search indexed it): released, so a build does not hold every page's
    # HTML beside the search index it grows.
    @event_priority(-100)
    def _release_content(self, output: str, *, page: Any, config: Any) -> str:
        if page.file.src_uri in self.generated:
            page.content = None
        return output

    # First, before any plugin changed the theme's HTML: that HTML is what is kept.
    @event_priority(100)
    def _keep_output(self, output: str, *, page: Any, config: Any) -> str:
        if self.render_cache is not None:
            self.render_cache.theming_done(page, output)
        return output

    on_post_page = CombinedEvent(_keep_output, _release_content)

    # First, before any plugin or the theme reads the page being written: its HTML given back whole.
    @event_priority(1000)
    def _give_back(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        self.held.give_back(page)
        return context

    # Before Material's search (priority 0) writes its index.
    @event_priority(10)
    def _finish_build(self, *, config: Any) -> None:
        self.held.give_back_all()  # a page MkDocs did not write keeps its HTML
        site_dir = str(config.site_dir)
        last = self.copies_written
        written = write_markdown_copies(
            Path(site_dir), self.markdown_copies, last[1] if last is not None and last[0] == site_dir else None
        )
        self.copies_written = (site_dir, written) if self.session is not None else None
        if self.render_cache is not None:
            self.render_cache.finish()
        if self.settings is not None:
            folder, added = pages_folder(self.settings), installed_count() - self._installed_before
            if prune_due(folder, PAGES_KEPT, written=added):  # in `serve`, once the page is served
                used = len(self.generated) + len(self.markdown_copies)
                now_or_deferred(functools.partial(prune_pages, folder, used=used))
        if self.session is None:
            return
        if self.search is not None:
            self.session.merge_search_index(self.search)
        if "autorefs" in config.plugins:
            self.session.remember_urls(config.plugins["autorefs"])

    # After Material's search wrote its index of no entries (priority 0), before its offline plugin reads it
    # (priority -100): the index with the entries the spool holds.
    @event_priority(-10)
    def _write_search_index(self, *, config: Any) -> None:
        if self.session is None and self.search is not None:
            self.spool.write(self.search, config.site_dir)

    # Last: the build is over, so the serve session's garbage is collected once the server is idle.
    @event_priority(-1000)
    def _built(self, *, config: Any) -> None:
        self._build_over()

    on_post_build = CombinedEvent(_finish_build, _write_search_index, _built)

    def on_build_error(self, *, error: Exception) -> None:
        self._build_over()

    def _build_over(self) -> None:
        """A `serve` build ended, or failed: its queued work waits for idle, and what follows writes at once."""
        if self.collector is not None:
            defer_writes(None)
            self.collector.built()

    # Before other plugins read the page: they should see current model names too.
    @event_priority(50)
    def _update_model_names(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if not self.config.enabled or not self.updates or page.file.src_uri in self.keep_names:
            return markdown
        if page.meta.get("paritydocs_keep_model_names"):
            return markdown
        return apply_updates(markdown, self.updates)

    # Last, once every plugin changed the page's Markdown: a page converted before with the same inputs is not
    # converted again.
    @event_priority(-1000)
    def _reuse_conversion(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if self.render_cache is not None:
            self.render_cache.prepare(page, markdown, config=config, files=files)
        return markdown

    on_page_markdown = CombinedEvent(_update_model_names, _reuse_conversion)

    @event_priority(100)
    def _theming_started(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.render_cache is not None:
            self.render_cache.theming_started(page)
        return context

    # Around Material's search (priority 0): a page indexed before with the same HTML is not parsed again.
    @event_priority(10)
    def _search_before(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.render_cache is not None and self.search is not None:
            self.render_cache.search_before(page, self.search)
        return context

    @event_priority(-10)
    def _search_after(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.render_cache is not None and self.search is not None:
            self.render_cache.search_after(page, self.search)
        return context

    # Once search indexed the page and its entries were kept: a one-off build spools them to a file (`held`).
    @event_priority(-20)
    def _spool_search(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.session is None and self.search is not None:
            self.spool.take(self.search)
        return context

    on_page_context = CombinedEvent(_give_back, _theming_started, _search_before, _search_after, _spool_search)

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.settings is None:
            return server
        for path in watched_paths(self.settings, self.watch_paths):
            server.watch(path)
        return server


def _material_search(config: Any) -> Any:
    """Material's search plugin, when the site has it."""
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search"):
            return plugin
    return None
