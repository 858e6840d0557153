"""The MkDocs plugin: configuration, generated files, model-name rewrites, watch. The work is elsewhere."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from paritydocs.config import Settings, load_settings
from paritydocs.errors import ConfigError, ParitydocsError, SourceError
from paritydocs.jsonfile import JsonOutput
from paritydocs.modelnames import ModelNameUpdate, apply_updates, compile_updates
from paritydocs.pipeline import Caches
from paritydocs.site.session import ServeSession, quiet_dirty_warning
from paritydocs.textsafe import logger

CSS_URI = "assets/paritydocs.css"
NAMESPACE_EXTENSION = "paritydocs.site.mkdocstrings:NamespaceSubpackages"
DOCSTRING_EXTENSION = "paritydocs.site.mkdocstrings:SdkDocstrings"
REQUIRED_EXTENSIONS = (
    "tables",
    "admonition",
    "pymdownx.details",
    "pymdownx.tasklist",
    "md_in_html",
    "attr_list",
    "toc",
)


class ParitydocsConfig(base.Config):
    """Every option of `paritydocs.config.Settings`; the raw values are validated there in one place."""

    enabled = opt.Type(bool, default=True)
    python = opt.Optional(opt.Type(str))
    elixir = opt.Optional(opt.Type(str))
    python_modules = opt.Optional(opt.Type(list))
    python_clients = opt.Optional(opt.Type(list))
    elixir_dirs = opt.Optional(opt.Type(list))
    type_prefixes = opt.Optional(opt.Type(dict))
    type_map = opt.Optional(opt.Type(dict))
    client_map = opt.Optional(opt.Type(dict))
    field_aliases = opt.Optional(opt.Type(dict))
    method_aliases = opt.Optional(opt.Type(dict))
    model_names = opt.Optional(opt.Type(dict))
    notes = opt.Optional(opt.Type(str))
    custom_templates = opt.Optional(opt.Type(str))
    python_repo = opt.Optional(opt.Type((dict, str)))
    elixir_repo = opt.Optional(opt.Type((dict, str)))
    hexdocs = opt.Optional(opt.Type(str))
    python_api = opt.Optional(opt.Type(bool))
    sync_ranges = opt.Optional(opt.Type(list))
    behaviour_modules = opt.Optional(opt.Type(list))
    fail_on = opt.Optional(opt.Type(str))
    cache_dir = opt.Optional(opt.Type(str))
    nav_title = opt.Optional(opt.Type(str))
    output_dir = opt.Optional(opt.Type(str))


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

    # Before mkdocstrings (priority 0): its Python handler is created in its own on_config and reads `paths` then.
    @event_priority(100)
    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        if self.session is not None:
            self.session.begin()
        raw = {k: v for k, v in self.config.items() if k != "enabled" and v is not None}
        base_dir = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        try:
            self.settings = load_settings(raw, base_dir=base_dir)
            self.updates = compile_updates(self.settings.model_names)
        except ConfigError as err:
            raise PluginError(str(err)) from err
        for ext in REQUIRED_EXTENSIONS:
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        if self.settings.python_api:
            self._configure_mkdocstrings(config)
        # Checked before mkdocstrings adds its own limited autorefs instance, which resolves only its own anchors.
        self.autorefs = "autorefs" in config.plugins
        return config

    # After MkDocs collected the docs dir, before the nav is built from `config.nav`.
    @event_priority(50)
    def on_files(self, files: Files, *, config: Any) -> Files:
        if not self.config.enabled or self.settings is None:
            return files
        from paritydocs.site import build_site

        started = time.perf_counter()
        try:
            site = build_site(
                self.settings, caches=self.caches, autorefs=self.autorefs, packages=self._mkdocstrings_packages(config)
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
        self.keep_names = set()
        self.generated = set()
        user_pages = [f.src_uri for f in files.documentation_pages()]
        for page in site.pages:
            existing = files.get_file_from_path(page.path)
            if existing is not None and not existing.generated_by:
                logger.warning(
                    "docs/%s exists and replaces the generated page of the same name; "
                    "set the paritydocs 'output_dir' option to generate elsewhere",
                    page.path,
                )
                continue
            if existing is not None:
                files.remove(existing)
            files.append(self._page_file(config, page.path, page.content))
            self.generated.add(page.path)
            if page.keep_model_names:
                self.keep_names.add(page.path)
        # parity.json, llms.txt, sync-*.json: files MkDocs copies, so no copy of them is held through the build
        for rel, content in site.outputs.items():
            if files.get_file_from_path(rel) is None:
                files.append(self._page_file(config, rel, content))
        css = Path(__file__).parents[1] / "assets" / "paritydocs.css"
        if files.get_file_from_path(CSS_URI) is None:
            files.append(File.generated(config, CSS_URI, abs_src_path=str(css), inclusion=InclusionLevel.NOT_IN_NAV))
        if config.nav is None:
            features = set(config.theme.get("features") or [])
            config.nav = site.nav(
                user_pages, expanded_second_level={"navigation.tabs", "navigation.sections"} <= features
            )
        if self.session is not None:
            self._keep_between_builds(config, site.python_fingerprint)
        return files

    def _keep_between_builds(self, config: Any, python_fingerprint: str) -> None:
        """serve: hand mkdocstrings the SDK and templates it had."""
        assert self.session is not None
        handler = self._python_handler(config)
        if handler is None or not python_fingerprint:
            return
        key = python_fingerprint + repr(sorted(config.plugins["mkdocstrings"].config.items(), key=str))
        self.session.share_griffe(handler, key)
        env = getattr(handler, "env", None)
        if env is not None:
            env.bytecode_cache = self.session.bytecode_cache("mkdocstrings")

    # Last, once every plugin changed the nav: a dirty rebuild renders every page again if the nav changed,
    # else it gives autorefs the URLs of the pages it will not render.
    @event_priority(-100)
    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        if self.session is not None:
            self.session.check_site_shape(config, files, nav.pages)
            if "autorefs" in config.plugins:
                self.session.restore_urls(config.plugins["autorefs"])
        return nav

    # After mkdocstrings rendered every page, before it writes objects.inv (priority -20).
    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        if self.session is not None:
            env.bytecode_cache = self.session.bytecode_cache("theme")
            mkdocstrings = config.plugins.get("mkdocstrings")
            if mkdocstrings is not None:
                with contextlib.suppress(Exception):  # mkdocstrings not configured: nothing was rendered
                    self.session.merge_inventory(mkdocstrings.handlers.inventory)
        return env

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        if page.file.src_uri in self.generated:
            from paritydocs.site.htmlsafe import clean_html

            html = clean_html(html)
        if self.session is not None:
            self.session.page_rendered(page)
        return html

    # Before Material's search (priority 0) writes its index.
    @event_priority(10)
    def on_post_build(self, *, config: Any) -> None:
        if self.session is None:
            return
        for plugin in config.plugins.values():
            if type(plugin).__module__.startswith("material.plugins.search"):
                self.session.merge_search_index(plugin)
        if "autorefs" in config.plugins:
            self.session.remember_urls(config.plugins["autorefs"])

    def _page_file(self, config: Any, path: str, content: str | JsonOutput) -> File:
        """A generated file backed by a file that is rewritten only when its content changes.

        A dirty rebuild (`paritydocs serve`) then renders again only the pages whose content changed (their
        mtime moved), so a rebuild after one edited `.ex` file renders that type's page and not the whole site.
        """
        import filecmp
        import hashlib

        from paritydocs.sources import default_cache_dir

        assert self.settings is not None
        key = hashlib.sha256(str(config.config_file_path or config.docs_dir).encode()).hexdigest()[:16]
        target = (self.settings.cache_dir or default_cache_dir()) / "pages" / key / path
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            if isinstance(content, JsonOutput):  # encoded to disk first: compared there, never held as a string
                target.parent.mkdir(parents=True, exist_ok=True)
                content.write(temporary)
                if target.is_file() and filecmp.cmp(temporary, target, shallow=False):
                    temporary.unlink()
                else:
                    os.replace(temporary, target)
            else:
                data = content.encode("utf-8")
                if not target.is_file() or target.read_bytes() != data:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    temporary.write_bytes(data)
                    os.replace(temporary, target)
        except OSError:  # a read-only cache: build from memory
            text = content.text() if isinstance(content, JsonOutput) else content
            return File.generated(config, path, content=text)
        return File.generated(config, path, abs_src_path=str(target))

    def _python_handler(self, config: Any) -> Any:
        """mkdocstrings' Python handler, when the Python API section is on; else None."""
        mkdocstrings = config.plugins.get("mkdocstrings")
        if mkdocstrings is None or self.settings is None or not self.settings.python_api:
            return None
        try:
            return mkdocstrings.handlers.get_handler("python")
        except Exception as err:  # mkdocstrings reports its own configuration errors when it renders
            logger.debug("paritydocs: mkdocstrings' Python handler is unavailable: %s", err)
            return None

    def _mkdocstrings_packages(self, config: Any) -> Any:
        """The SDK's packages as mkdocstrings' Python handler loads them, so the build reads them once."""
        from paritydocs.site.mkdocstrings import mkdocstrings_packages

        handler = self._python_handler(config)
        return mkdocstrings_packages(handler) if handler is not None else None

    def _configure_mkdocstrings(self, config: Any) -> None:
        """Point mkdocstrings' Python handler at the resolved Python tree, so `:::` blocks find the SDK."""
        from paritydocs.python.loader import python_search_path
        from paritydocs.sources import resolve

        assert self.settings is not None
        try:
            mkdocstrings = config.plugins["mkdocstrings"]
        except KeyError:
            logger.warning(
                "python_api is on but the mkdocstrings plugin is not enabled: add 'mkdocstrings' to plugins "
                "in mkdocs.yml, or set python_api: false"
            )
            return
        try:
            root = resolve(self.settings.python, cache_dir=self.settings.cache_dir).root
        except SourceError:
            return  # reported once, with the fix, when the pages are generated
        handler = mkdocstrings.config.handlers.setdefault("python", {})
        paths = handler.setdefault("paths", [])
        path = python_search_path(str(root))
        if path not in paths:
            paths.insert(0, path)
        options = handler.setdefault("options", {})
        # static, like the extraction: never import the SDK (and so both can share one Griffe load)
        options.setdefault("allow_inspection", False)
        extensions = options.setdefault("extensions", [])
        if NAMESPACE_EXTENSION not in extensions:
            extensions.append(NAMESPACE_EXTENSION)
        extensions[:] = [e for e in extensions if not (isinstance(e, dict) and DOCSTRING_EXTENSION in e)]
        extensions.append({DOCSTRING_EXTENSION: {"model_names": dict(self.settings.model_names)}})

    # Before other plugins read the page: they should see current model names too.
    @event_priority(50)
    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if not self.config.enabled or not self.updates or page.file.src_uri in self.keep_names:
            return markdown
        if page.meta.get("paritydocs_keep_model_names"):
            return markdown
        return apply_updates(markdown, self.updates)

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        if self.settings is None:
            return server
        from paritydocs.render import builtin_templates

        watched = {str(builtin_templates().resolve())}
        if self.settings.custom_templates:
            watched.add(str(self.settings.custom_templates))
        if self.settings.notes:
            watched.add(str(self.settings.notes))
        watched.update(self.watch_paths)
        for path in sorted(watched):
            if Path(path).exists():
                server.watch(path)
        return server
