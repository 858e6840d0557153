"""What MkDocs made of a page, kept across builds: a page whose inputs did not change is not converted again.

Four kinds of entries, in the cache directory (`render/` under `PARITYDOCS_CACHE`), each keyed by everything
that decides it:

- **conversion**: a page's Markdown → HTML (Python-Markdown, and mkdocstrings for `:::` blocks) with what the
  conversion told others: its table of contents, its title, the anchors it holds and links to (MkDocs checks
  them after the build), the anchors it registered with autorefs and the objects it registered in mkdocstrings'
  inventory. A hit sets all of these as the conversion would have, and converts nothing. The key: the page's
  Markdown as the `on_page_markdown` hooks left it, its path and URL, the site's files (links resolve against
  them), the Markdown extensions and their options, every plugin's options, the versions of what renders, and,
  for a page with `:::` blocks, the content of every Python file mkdocstrings' handler can read.
- **search**: the entries Material's search makes of a page, keyed by the page's HTML, table of contents, URL,
  title, metadata and the search options.
- **clean**: a generated page's HTML as `htmlsafe` cleans it (or that cleaning left it as it was), keyed by the
  HTML, paritydocs' code and nh3's version.
- **output**: a page's HTML as the theme writes it (`plan_outputs`).

Never stale, never a warning lost, never shared half-written:

- a conversion that logged anything (a broken link, a mkdocstrings or Griffe warning) is not kept: the page is
  converted on every build and says it again;
- conversions are kept only when every Markdown extension is one whose output depends on the page's text
  alone (`PURE_EXTENSIONS`); an extension that reads files (`pymdownx.snippets`) or is unknown turns them off
  for the build, said once at info level;
- entries are written whole (a temporary file, then a rename) with their checksum, and checked when read;
- the folder is bounded: after each build the least recently used entries beyond `ENTRIES_KEPT` go.

`PARITYDOCS_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paritydocs.site.held import search_entries
from paritydocs.sources import cache as entries
from paritydocs.sources.trees import tree_fingerprint
from paritydocs.textsafe import logger

__all__ = ["ENTRIES_KEPT", "PURE_EXTENSIONS", "RenderCache"]

ENTRIES_KEPT = 20_000
"""Entries kept in `render/` (conversions and search entries together), the most recently used ones: a few
sites of a few thousand pages."""

PURE_EXTENSIONS = frozenset(
    {
        *(
            f"markdown.extensions.{name}"
            for name in [
                "abbr",
                "admonition",
                "attr_list",
                "codehilite",
                "def_list",
                "extra",
                "fenced_code",
                "footnotes",
                "legacy_attrs",
                "legacy_em",
                "md_in_html",
                "meta",
                "nl2br",
                "sane_lists",
                "smarty",
                "tables",
                "toc",
                "wikilinks",
            ]
        ),
        *(
            f"pymdownx.{name}"
            for name in [
                "arithmatex",
                "betterem",
                "blocks.admonition",
                "blocks.details",
                "blocks.html",
                "blocks.tab",
                "caret",
                "critic",
                "details",
                "emoji",
                "escapeall",
                "extra",
                "highlight",
                "inlinehilite",
                "keys",
                "magiclink",
                "mark",
                "progressbar",
                "saneheaders",
                "smartsymbols",
                "striphtml",
                "superfences",
                "tabbed",
                "tasklist",
                "tilde",
            ]
        ),
        "material.extensions.emoji",
        "mkdocs_autorefs",
        "mkdocstrings",
        "paritydocs.guard",
    }
)
"""Markdown extensions whose output depends on the page's text, its path and the site's files alone. Not here:
`pymdownx.snippets` and `pymdownx.b64` (they read other files), and anything unknown."""

KNOWN_PLUGINS = frozenset({"search", "paritydocs", "autorefs", "mkdocstrings"})
"""Plugins whose page events (`on_page_context`, `on_post_page`, …) depend on the page alone: with any other, or
with `hooks`, the theme writes every page on every build (a page's conversion is still kept)."""

_AUTODOC = re.compile(r"^(?:#{1,6} *)?::: ?\S", re.MULTILINE)
"""A mkdocstrings block (its own pattern: `::: identifier`, optionally after a heading's hashes)."""

_RENDERERS = (
    "markdown",
    "pymdown-extensions",
    "mkdocs",
    "mkdocs-material",
    "mkdocs-autorefs",
    "mkdocstrings",
    "mkdocstrings-python",
    "griffe",
    "griffelib",
    "pygments",
)
"""The distributions whose version decides a page's HTML (read once a process, ~15 ms)."""


class RenderCache:
    """The conversions and search entries of one site's builds (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._site: str | None = None
        self._python: str | None = None
        self._pure: bool | None = None
        self._search_start: dict[str, int] = {}
        self._search_keys: dict[str, str] = {}
        self._output_keys: dict[str, str] = {}
        self._reused: set[str] = set()
        self.written = 0
        """Entries written by this build."""
        self._theming: _Recorded | None = None
        self._theming_handler: _Logged | None = None

    # ---------------------------------------------------------------- per build (one instance a build)

    def _write(self, key: str, data: Any) -> None:
        if entries.write_entry(self.folder, key, data, keep=None, prune=False):
            self.written += 1

    def finish(self) -> None:
        """After the build: the least recently used entries beyond the bound go (when it wrote any)."""
        entries.prune_if_due(self.folder, ENTRIES_KEPT, written=self.written)
        logger.debug("paritydocs: render cache: %d pages reused, %d converted", self.hits, self.misses)

    # ---------------------------------------------------------------- conversion

    def prepare(self, page: Any, markdown: str, *, config: Any, files: Any) -> None:
        """Called last of the `on_page_markdown` hooks: the page is either given its cached conversion, or
        converted as usual and kept (if it logged nothing)."""
        if not self._conversions_on(config):
            return
        key = self._conversion_key(page, markdown, config, files)
        if key is None:
            return
        found = entries.read_entry(self.folder, key)
        if found is not None and _replay_conversion(page, found, config, files):
            self.hits += 1
            page.render = lambda config, files: None  # everything set already: MkDocs converts nothing
            return
        self.misses += 1
        original = type(page).render

        def render(config: Any, files: Any) -> None:
            del page.render  # the class's own method again
            with _recording(config) as recorded:
                original(page, config, files)
            if not recorded.logged:
                self._write(key, _conversion_entry(page, recorded))

        page.render = render

    def _conversions_on(self, config: Any) -> bool:
        if self._pure is None:
            impure = sorted(name for name in _extension_names(config) if name not in PURE_EXTENSIONS)
            self._pure = not impure
            if impure:
                logger.info(
                    "paritydocs: pages are converted on every build: the Markdown extension %s is not known to"
                    " depend on the page's text alone (docs/guide/caching.md)",
                    impure[0],
                )
        return self._pure

    def _site_key(self, config: Any, files: Any) -> str:
        """`_site_digest`, once a build: the site's files are final from the first page on."""
        if self._site is None:
            self._site = _site_digest(config, files)
        return self._site

    def _conversion_key(self, page: Any, markdown: str, config: Any, files: Any) -> str | None:
        site = self._site_key(config, files)
        python = ""
        if _AUTODOC.search(markdown):
            if self._python is None:
                self._python = _python_digest(config)
            if not self._python:
                return None  # mkdocstrings' sources cannot be read whole: convert
            python = self._python
        return entries.entry_key(
            {
                "what": "conversion",
                "site": site,
                "python": python,
                "page": [page.file.src_uri, page.file.dest_uri, page.url],
                "markdown": _digest(markdown),
            }
        )

    # ---------------------------------------------------------------- cleaned HTML

    def cleaned(self, html: str, clean: Callable[[str], str]) -> str:
        """`clean(html)` (`htmlsafe.clean_html`), as an earlier build cleaned the same HTML, else cleaned now and
        kept: the cleaner is a function of the HTML alone, its allowlist (paritydocs' code) and nh3's version,
        which the key holds (`clean` entries)."""
        digest = _digest(html)
        key = entries.entry_key({"what": "clean", "cleaner": _cleaner_version(), "html": digest})
        found = entries.read_entry(self.folder, key)
        if isinstance(found, str):
            return found
        if found == _CLEAN_ALREADY:
            return html
        result = clean(html)
        self._write(key, _CLEAN_ALREADY if result == html else result)
        return result

    # ---------------------------------------------------------------- search entries

    def search_before(self, page: Any, search: Any) -> None:
        """Before Material's search indexes the page: a cached page's entries are added here, and search is told
        to skip it (its `search: exclude` metadata, which Material documents, set for that moment)."""
        items = search_entries(search)
        if items is None or (page.meta.get("search") or {}).get("exclude"):
            return
        key = entries.entry_key(
            {
                "what": "search",
                "site": _renderer_versions(),
                "options": entries.plain(dict(getattr(search, "config", {}) or {})),
                "page": [page.url, page.title, entries.plain(page.meta)],
                "toc": _toc_tokens(page.toc),
                "content": _digest(page.content or ""),
            }
        )
        found = entries.read_entry(self.folder, key)
        if isinstance(found, list) and all(isinstance(item, dict) for item in found):
            items.extend(found)
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True, "_paritydocs": True}
            return
        self._search_start[page.url] = len(items)
        self._search_keys[page.url] = key

    def search_after(self, page: Any, search: Any) -> None:
        """After Material's search indexed the page: a cached page's metadata restored, a new page's entries kept."""
        marked = page.meta.get("search")
        if isinstance(marked, dict) and marked.pop("_paritydocs", False):
            marked.pop("exclude", None)
            if not marked:
                del page.meta["search"]
            return
        start = self._search_start.pop(page.url, None)
        key = self._search_keys.pop(page.url, None)
        items = search_entries(search)
        if start is None or key is None or items is None:
            return
        self._write(key, items[start:])

    # ---------------------------------------------------------------- the theme's output

    def plan_outputs(self, env: Any, *, config: Any, files: Any, nav: Any) -> None:
        """Once every page is converted and autorefs fixed their links (`on_env`, late): the key of each page's
        HTML as the theme writes it. A page whose HTML is kept gets it back from `env.get_template` instead of
        the theme's template; the plugins' `on_page_context` and `on_post_page` events still run."""
        if nav is None or not self._outputs_on(config):
            return
        site = entries.entry_key(
            {"site": self._site_key(config, files), "config": _config_digest(config), "nav": _nav_digest(nav)}
        )
        for file in files.documentation_pages():
            page = file.page
            if page is None or not isinstance(page.content, str):
                continue
            self._output_keys[page.url] = entries.entry_key(
                {
                    "what": "output",
                    "site": site,
                    "page": [
                        file.src_uri,
                        page.url,
                        page.title,
                        entries.plain(page.meta),
                        page.canonical_url,
                        page.edit_url,
                        page.is_homepage,
                        [[p.url, p.title] if p is not None else None for p in (page.previous_page, page.next_page)],
                    ],
                    "toc": _toc_tokens(page.toc),
                    "content": _digest(page.content),
                }
            )
        original = env.get_template
        keys, reused, folder = self._output_keys, self._reused, self.folder

        def get_template(name: Any, *args: Any, **kwargs: Any) -> Any:
            page = getattr(config, "_current_page", None)
            # only the template of the page MkDocs is building (`active`), not 404.html or sitemap.xml after it
            if page is not None and page.active and name == page.meta.get("template", "main.html"):
                key = keys.get(page.url)
                found = entries.read_entry(folder, key) if key is not None else None
                if isinstance(found, str):
                    reused.add(page.url)
                    return _Kept(found)
            return original(name, *args, **kwargs)

        env.get_template = get_template

    def theming_started(self, page: Any) -> None:
        """First of the `on_page_context` events: what the theme logs while it writes this page is noticed."""
        if page.url in self._output_keys and page.url not in self._reused:
            self._theming = _Recorded()
            self._theming_handler = _Logged(self._theming)
            _listen(self._theming_handler)

    def theming_done(self, page: Any, output: str) -> None:
        """First of the `on_post_page` events: the theme's HTML of a page not reused is kept, if nothing was
        logged while it was written."""
        recorded, handler = self._theming, self._theming_handler
        self._theming = self._theming_handler = None
        if handler is not None:
            _listen(handler, stop=True)
        key = self._output_keys.get(page.url)
        if key is None or page.url in self._reused or recorded is None or recorded.logged:
            return
        self._write(key, output)

    def _outputs_on(self, config: Any) -> bool:
        """The theme's output is kept only when every plugin is one whose page events are known to depend on the
        page alone, there are no hooks, and the theme is Material or one of MkDocs' own."""
        names = {name.split("/")[-1] for name in config.plugins}
        theme = getattr(config.theme, "name", None)
        return names <= KNOWN_PLUGINS and not config.get("hooks") and theme in {"material", "mkdocs", "readthedocs"}


class _Kept:
    """A page's HTML as the theme wrote it before: what `template.render(context)` gives."""

    def __init__(self, output: str) -> None:
        self.output = output

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.output


# -------------------------------------------------------------------- what a conversion told others


class _Recorded:
    def __init__(self) -> None:
        self.anchors: list[list[Any]] = []
        self.inventory: list[list[Any]] = []
        self.logged = False


class _Logged(logging.Handler):
    def __init__(self, recorded: _Recorded) -> None:
        super().__init__(logging.INFO)
        self.recorded = recorded

    def emit(self, record: logging.LogRecord) -> None:
        self.recorded.logged = True


def _listen(handler: logging.Handler, *, stop: bool = False) -> None:
    """Give `handler` every record logged from now on (`stop`: no longer): the root logger's and MkDocs' own,
    which does not propagate to the root."""
    for each in (logging.getLogger(), logging.getLogger("mkdocs")):
        if stop:
            each.removeHandler(handler)
        else:
            each.addHandler(handler)


@contextmanager
def _recording(config: Any) -> Iterator[_Recorded]:
    """While a page converts: the anchors it registers with autorefs, the objects it registers in mkdocstrings'
    inventory, and whether anything was logged at info level or above."""
    recorded = _Recorded()
    autorefs = _plugin(config, "autorefs")
    inventory = _inventory(config)
    undo: list[Callable[[], None]] = []
    if autorefs is not None:
        register_anchor = autorefs.register_anchor

        def anchor(page: Any, identifier: str, anchor: str | None = None, **kwargs: Any) -> None:
            recorded.anchors.append([identifier, anchor, kwargs.get("title"), kwargs.get("primary", True)])
            register_anchor(page, identifier, anchor, **kwargs)

        autorefs.register_anchor = anchor
        undo.append(lambda: vars(autorefs).pop("register_anchor", None))
    if inventory is not None:
        register = inventory.register

        def item(*args: Any, **kwargs: Any) -> None:
            recorded.inventory.append([list(args), kwargs])
            register(*args, **kwargs)

        inventory.register = item
        undo.append(lambda: vars(inventory).pop("register", None))
    handler = _Logged(recorded)
    _listen(handler)
    try:
        yield recorded
    finally:
        _listen(handler, stop=True)
        for step in undo:
            step()


def _conversion_entry(page: Any, recorded: _Recorded) -> dict[str, Any]:
    links = page.links_to_anchors
    return {
        "content": page.content,
        "toc": _toc_tokens(page.toc),
        "title": page._title_from_render,
        "present": sorted(page.present_anchor_ids or ()),
        "links": None if links is None else {f.src_uri: dict(anchors) for f, anchors in links.items()},
        "anchors": recorded.anchors,
        "inventory": recorded.inventory,
    }


def _replay_conversion(page: Any, found: Any, config: Any, files: Any) -> bool:
    """Set on `page` what its conversion set, and register again what it registered. False when the entry does
    not fit (another layout, or a file it links to is gone): the page is converted."""
    from mkdocs.structure.toc import get_toc

    try:
        content, toc, title = found["content"], found["toc"], found["title"]
        links = found["links"]
        resolved = None
        if links is not None:
            resolved = {}
            for uri, anchors in links.items():
                target = files.get_file_from_path(uri)
                if target is None:
                    return False
                resolved[target] = dict(anchors)
        if not isinstance(content, str) or not (title is None or isinstance(title, str)):
            return False
        table = get_toc(toc)
        present = {str(anchor) for anchor in found["present"]}
        anchors, inventory = list(found["anchors"]), list(found["inventory"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    autorefs = _plugin(config, "autorefs")
    items = _inventory(config)
    if (anchors and autorefs is None) or (inventory and items is None):
        return False
    page.content, page.toc, page._title_from_render = content, table, title
    page.present_anchor_ids = present
    if resolved is not None:
        page.links_to_anchors = resolved
    for identifier, anchor, anchor_title, primary in anchors:
        autorefs.register_anchor(page, identifier, anchor, title=anchor_title, primary=primary)
    for args, kwargs in inventory:
        items.register(*args, **kwargs)
    return True


def _toc_tokens(toc: Any) -> list[dict[str, Any]]:
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": _toc_tokens(item.children)}
        for item in (toc or [])
    ]


# -------------------------------------------------------------------- what every key of a build holds


def _plugin(config: Any, name: str) -> Any:
    try:
        return config.plugins.get(name)
    except AttributeError:
        return None


def _inventory(config: Any) -> Any:
    mkdocstrings = _plugin(config, "mkdocstrings")
    try:
        return mkdocstrings.handlers.inventory if mkdocstrings is not None else None
    except Exception:  # mkdocstrings not configured: it registers nothing
        return None


def _extension_names(config: Any) -> list[str]:
    names = []
    for ext in config.markdown_extensions:
        if isinstance(ext, str):
            names.append(ext if "." in ext else f"markdown.extensions.{ext}")  # `toc`, as MkDocs accepts it
        else:
            module = type(ext).__module__
            names.append(module.split("._internal")[0].split(".")[0] if "_internal" in module else module)
    return names


def _site_digest(config: Any, files: Any) -> str:
    """What every page's conversion may depend on beyond its own text: the site's files, the Markdown
    extensions and their options, every plugin's options, MkDocs' link options, and the renderers' versions."""
    site_files = sorted((f.src_uri, f.url, str(getattr(f, "inclusion", ""))) for f in files)
    # a hook is a module among the plugins, with no options
    plugins = [
        (name, entries.plain(dict(getattr(plugin, "config", None) or {}))) for name, plugin in config.plugins.items()
    ]
    return entries.entry_key(
        {
            "files": _digest(json.dumps(site_files)),
            "extensions": _extension_names(config),
            "options": entries.plain(config.mdx_configs),
            # a `-q` build does not make info messages, so cannot tell a page that would log one: its own entries
            "quiet": logging.getLogger("mkdocs").getEffectiveLevel() > logging.INFO,
            "plugins": plugins,
            "urls": bool(config.use_directory_urls),
            "validation": entries.plain(config.get("validation")),
            "theme": entries.plain(dict(config.theme)) if config.theme is not None else None,
            "renderers": _renderer_versions(),
            "code": entries.own_code_digest(),
        }
    )


_UNREAD = frozenset({"site_dir", "docs_dir", "plugins", "markdown_extensions", "mdx_configs", "theme", "nav"})
"""Configuration the theme does not read (where files go), or that `_site_digest` and `_nav_digest` hold."""


def _config_digest(config: Any) -> str:
    """What the theme reads of the configuration (`site_name`, `extra`, `copyright`, `extra_css`, …), and the
    files of its `custom_dir` (the theme's own templates are those of its installed version, in the key)."""
    values = {key: entries.plain(config[key]) for key in sorted(config) if key not in _UNREAD}
    custom = getattr(config.theme, "custom_dir", None)
    return entries.entry_key({"values": values, "custom_dir": tree_fingerprint(Path(custom)) if custom else None})


def _nav_digest(nav: Any) -> str:
    """Every item of the navigation, as every page's nav shows it: sections, pages (title, URL, metadata) and
    links."""

    def item(node: Any) -> Any:
        children = getattr(node, "children", None)
        if getattr(node, "is_page", False):
            return ["page", node.title, node.url, entries.plain(node.meta)]
        if getattr(node, "is_section", False) or children is not None:
            return ["section", node.title, [item(child) for child in children or []]]
        return ["link", node.title, getattr(node, "url", None)]

    return entries.entry_key([item(node) for node in nav.items])


def _python_digest(config: Any) -> str:
    """The content of every Python file under mkdocstrings' Python handler `paths` ("" when there are none, or
    too many to read: the pages with `:::` blocks are then converted on every build)."""
    mkdocstrings = _plugin(config, "mkdocstrings")
    options = getattr(mkdocstrings, "config", None)
    handlers_config = getattr(options, "handlers", None) or {}
    paths = list((handlers_config.get("python") or {}).get("paths") or ["."])
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    templates = getattr(options, "custom_templates", None)  # mkdocstrings' template overrides, read whole too
    digest = hashlib.sha256()
    seen = 0
    for entry in [*paths, *([templates] if templates else [])]:
        root = (base / entry).resolve()
        digest.update(str(root).encode("utf-8", "surrogatepass") + b"\0")
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED)
            for name in sorted(names):
                if not name.endswith((".py", ".pyi", ".html", ".jinja", ".css")):
                    continue
                seen += 1
                if seen > _PYTHON_FILES_READ:
                    return ""
                path = Path(folder, name)
                try:
                    data = path.read_bytes()
                except OSError:
                    return ""
                digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogatepass") + b"\0")
                digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


_SKIPPED = frozenset({"__pycache__", "node_modules", "site", "site-packages", "venv", "build", "dist"})
_PYTHON_FILES_READ = 5_000


_CLEAN_ALREADY = 1
"""A `clean` entry's body when cleaning left the HTML as it was (most pages): the HTML is not stored twice."""


@functools.cache
def _cleaner_version() -> str:
    """paritydocs' code (the allowlist of `htmlsafe`) and the version of nh3, which parses and cleans."""
    return f"{entries.own_code_digest()} {_installed('nh3')}"


@functools.cache
def _renderer_versions() -> list[str]:
    return [_installed(name) for name in _RENDERERS]


def _digest(text: str) -> str:
    """The sha256 of a text, lone surrogates included (a page's Markdown or HTML may hold them)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _installed(name: str) -> str:
    """`name VERSION` of an installed distribution, or `name absent`."""
    from importlib import metadata

    try:
        return f"{name} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name} absent"
