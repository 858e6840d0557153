"""One site build without MkDocs: run the pipeline, render the pages, and compute the published data files.

The MkDocs plugin hands `SiteBuild.pages` to MkDocs as generated files; `paritydocs generate` writes the same
pages to a directory for other builders.

- `build_site`: run the pipeline and render every page (and llms.txt, parity.json, the sync reports).
- `SiteBuild`: what one build made: pages, data files, warnings, errors and the paths `serve` watches.

Submodules: `nav` (the navigation of a `mkdocs.yml` without `nav`), `plugin` (the MkDocs plugin's events),
`files` (the files the plugin adds to MkDocs, and the ones `serve` watches), `mkdocstrings` (the Python API
section: the handler's configuration and the Griffe tree shared with the extraction), `session` (what `serve`
keeps between builds), `watcher` (how `serve` sees an edit), `htmlsafe` (the generated pages' HTML cleaned),
`sync_pages` (the sync reports' pages), `kept` (a one-off build's whole site, kept across builds).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2

from paritydocs.config import Settings
from paritydocs.errors import ConfigError, SourceError
from paritydocs.jsonfile import JsonOutput, TextOutput
from paritydocs.model import ExtractionWarning, Language, SdkModel, SourceInfo
from paritydocs.modelnames import apply_updates, compile_updates
from paritydocs.parity import ParityReport
from paritydocs.parity.baseline import load_baseline
from paritydocs.pipeline import Caches, build_report, load_elixir, load_python
from paritydocs.python.loader import SharedPackages, python_search_path
from paritydocs.render import Page, Renderer
from paritydocs.render.filters import CELL_MARK, PLAIN_MARK
from paritydocs.render.links import source_ref
from paritydocs.render.memo import FilterMemo
from paritydocs.site.llms import CleanedCopies, llms_files
from paritydocs.sources.cache import cache_root
from paritydocs.sources.trees import file_digest, python_fingerprint
from paritydocs.textsafe import logger

__all__ = ["SiteBuild", "build_site", "disk_bytecode_cache"]


@dataclass(slots=True)
class SiteBuild:
    """What one build made: the pages, the data files, warnings, errors, and the paths `serve` watches."""

    settings: Settings
    report: ParityReport | None
    """None for a site read back from the site cache (`site.kept`)."""
    pages: list[Page]
    outputs: dict[str, str | JsonOutput | TextOutput] = field(default_factory=dict)
    """Extra files for the built site (relative path → text): parity.json, llms.txt, sync-*.json."""
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    watch_paths: list[str] = field(default_factory=list)
    api_paths: list[str] = field(default_factory=list)
    python_fingerprint: str = ""
    """Size and mtime of the Python SDK's files ("" when it could not be read)."""
    markdown_copies: dict[str, str] = field(default_factory=dict)
    """The pages' clean Markdown copies (path in the built site → text), written beside the HTML after the build
    (a `.md` among MkDocs' files would be rendered as a page)."""
    kept_key: str | None = None
    """The key to keep this site under once its files are in the page cache (`site.kept`); None: not kept."""
    logged: list[tuple[str, int, str]] = field(default_factory=list)
    """What the pipeline logged while making it (logger, level, message), kept with it."""


def _cleaned_copies(caches: Caches | None) -> CleanedCopies | None:
    """A `serve` session's cleaned copies (none for a one-off build, which cleans each page once anyway)."""
    if caches is None:
        return None
    if not isinstance(caches.llms, CleanedCopies):
        caches.llms = CleanedCopies()
    return caches.llms


def _empty_model(spec: str, language: Language, err: SourceError) -> SdkModel:
    return SdkModel(
        source=SourceInfo(spec=spec, root="", language=language),
        warnings=[ExtractionWarning(file=spec, line=None, message=f"source unavailable: {err}")],
    )


def build_site(
    settings: Settings,
    *,
    caches: Caches | None = None,
    autorefs: bool = False,
    packages: SharedPackages | None = None,
    site_url: str | None = None,
    directory_urls: bool = True,
    markdown_copies: bool = True,
    keep: bool = False,
) -> SiteBuild:
    """Run the pipeline and render every page. `autorefs`: the MkDocs build has the autorefs plugin;
    `packages`: Python packages already loaded by mkdocstrings (see `extract_python`); `site_url` and
    `directory_urls`: MkDocs' options of those names, for `llms.txt`'s absolute links; `markdown_copies`: the
    build publishes the pages' Markdown copies (`SiteBuild.markdown_copies`), which `llms.txt` then links.

    `keep`: a one-off build whose files go to the page cache (the MkDocs plugin's): a site whose inputs did not
    change is read back (`site.kept`), and one made here gets `kept_key`, under which the plugin keeps it once
    its files are in the page cache."""
    errors: list[str] = []
    try:
        python = load_python(settings, caches=caches, packages=packages)
    except SourceError as err:
        errors.append(str(err))
        python = _empty_model(settings.python, Language.PYTHON, err)
    try:
        elixir = load_elixir(settings, caches=caches)
    except SourceError as err:
        errors.append(str(err))
        elixir = _empty_model(settings.elixir, Language.ELIXIR, err)
    baseline: set[str] | None = None
    if settings.baseline:
        try:
            baseline = load_baseline(settings.baseline)
        except ConfigError as err:  # one line; the checklist is published without its "new since" section
            errors.append(str(err))
            settings = replace(settings, baseline=None)
    resolved = _resolved_ranges(settings, elixir)
    sources = _api_sources(python)
    key = None
    if keep and caches is None and not errors:
        from paritydocs.site.kept import load_site, replay, site_key

        key = site_key(
            settings,
            python,
            elixir,
            autorefs=autorefs,
            site_url=site_url,
            directory_urls=directory_urls,
            markdown_copies=markdown_copies,
            resolved=resolved,
            api=sources.every_file(),
        )
        kept = load_site(settings, key) if key is not None else None
        if kept is not None:
            replay(kept.logged)
            site = SiteBuild(
                settings,
                None,
                kept.pages,
                outputs=dict(kept.outputs),
                warnings=kept.warnings,
                markdown_copies=kept.markdown_copies,
            )
            return _finish(site, python, elixir, site_url)
    from paritydocs.site.kept import recording

    logged: list[tuple[str, int, str]]
    with recording(on=key is not None) as logged:
        site = _make_site(
            settings,
            python,
            elixir,
            baseline=baseline,
            errors=errors,
            caches=caches,
            autorefs=autorefs,
            site_url=site_url,
            directory_urls=directory_urls,
            markdown_copies=markdown_copies,
            resolved=resolved,
            sources=sources,
        )
    if key is not None:
        site.kept_key, site.logged = key, logged
    return _finish(site, python, elixir, site_url)


def _make_site(
    settings: Settings,
    python: SdkModel,
    elixir: SdkModel,
    *,
    baseline: set[str] | None,
    errors: list[str],
    caches: Caches | None,
    autorefs: bool,
    site_url: str | None,
    directory_urls: bool,
    markdown_copies: bool,
    resolved: list[Any],
    sources: _ApiSources,
) -> SiteBuild:
    """The report, every page, the data files and the warnings."""
    report = build_report(settings, python=python, elixir=elixir, complete=not errors)
    renderer = Renderer(
        settings, autorefs=autorefs, bytecode_cache=_template_cache(settings, caches), filter_memo=_filter_memo(caches)
    )
    extra_pages, extra_outputs = _sync_pages(settings, report, renderer, caches, resolved)
    pages = renderer.pages(report, extra_pages=extra_pages, baseline=baseline)
    if not settings.python_api or not python.source.root:
        pages = [p for p in pages if p.section != "Python API"]
    updates = compile_updates(settings.model_names)
    for page in pages:
        if not page.keep_model_names:
            page.content = apply_updates(page.content, updates)
        if page.section == "Python API":
            # mkdocstrings reads the SDK itself: the page must change when its module's source does (a dirty
            # `serve` rebuild renders again the pages whose content changed), and only then
            page.content += f"\n<!-- python source {sources.digest(page.content)} -->\n"
    site = SiteBuild(settings, report, pages, errors=errors)
    site.warnings = [str(w) for w in (*python.warnings, *elixir.warnings)] + list(report.warnings)
    plain = [(p.path, n) for p in pages if (n := p.content.count(PLAIN_MARK) + p.content.count(CELL_MARK))]
    if plain:  # the filters cannot log (they are pure): the pages say where they fell back, here it is said once
        shown = ", ".join(f"{path} ({n})" for path, n in plain[:5]) + (" and more" if len(plain) > 5 else "")
        site.warnings.append(
            f"SDK text with too much Markdown punctuation to render in time is shown as plain text on {shown}"
        )
    for repo, model, configured in (
        (settings.python_repo, python, settings.python_configured),
        (settings.elixir_repo, elixir, settings.elixir_configured),
    ):
        if model.source.root and (why := source_ref(repo, model.source, configured)[2]):
            site.warnings.append(why)
    site.outputs = {"parity.json": JsonOutput(report.to_json), **extra_outputs}
    llms = llms_files(
        pages,
        title=f"{settings.nav_title}: Python SDK ↔ Elixir port",
        site_url=site_url,
        directory_urls=directory_urls,
        copies=markdown_copies,
        kept=_cleaned_copies(caches),
    )
    site.outputs["llms.txt"] = llms.index
    site.outputs["llms-full.txt"] = llms.full
    site.markdown_copies = llms.copies if markdown_copies else {}
    return site


def _finish(site: SiteBuild, python: SdkModel, elixir: SdkModel, site_url: str | None) -> SiteBuild:
    """What a site made and a site read back both need: the Python sources' fingerprint, the paths `serve`
    watches, and the info line on relative `llms.txt` links."""
    settings = site.settings
    site.python_fingerprint = python_fingerprint(Path(python.source.root)) if python.source.root else ""
    if not site_url:
        logger.info(
            "paritydocs: llms.txt links are relative to the site's root: set site_url in mkdocs.yml for the absolute"
            " links llmstxt.org asks for"
        )
    for model in (python, elixir):
        root = model.source.root
        local = model.source.spec and not model.source.spec.startswith(("git:", "pypi:", "hex:"))
        if root and local and Path(root).is_dir():
            site.watch_paths.append(root)  # a local checkout: edits there rebuild `mkdocs serve`
    if settings.python_api and python.source.root:
        site.api_paths.append(python_search_path(python.source.root))
    return site


class _ApiSources:
    """The content digest of the file that defines the object an API page documents (`::: tinker.types.Datum`):
    a `.py` edit changes the pages of that module only, and a checkout at another path changes none."""

    _IDENT = re.compile(r"^::: (\S+)", re.MULTILINE)

    def __init__(self, root: str, files: dict[str, str]) -> None:
        self.root, self.files = root, files
        self.digests: dict[str, str] = {}

    def digest(self, content: str) -> str:
        """The digest the API page of Markdown `content` carries."""
        found = self._IDENT.search(content)
        file = self.files.get(found.group(1)) if found else None
        if not file or not self.root:
            return "unknown"
        return self._file_digest(file)

    def every_file(self) -> dict[str, str]:
        """The digest of every file an API page can carry (relative path → digest), for the kept site's key."""
        if not self.root:
            return {}
        return {file: self._file_digest(file) for file in sorted(set(self.files.values()))}

    def _file_digest(self, file: str) -> str:
        if file not in self.digests:
            try:
                self.digests[file] = file_digest(os.path.join(self.root, file))[:16]
            except OSError:
                self.digests[file] = "unreadable"
        return self.digests[file]


def _api_sources(python: SdkModel) -> _ApiSources:
    files: dict[str, str] = {}
    for t in python.types:
        for key in (t.path, t.public_path):
            if key and t.file:
                files[key] = t.file
    return _ApiSources(python.source.root, files)


def _filter_memo(caches: Caches | None) -> FilterMemo:
    """The memo of the text filters: `serve`'s, made at its first build; a one-off build's own, released with its
    renderer once the pages are made (before MkDocs converts them)."""
    if caches is None:
        return FilterMemo()
    if not isinstance(caches.filters, FilterMemo):
        caches.filters = FilterMemo()
    return caches.filters


def _template_cache(settings: Settings, caches: Caches | None) -> jinja2.BytecodeCache | None:
    """Compiled templates: `serve`'s in memory; else on disk in the cache folder, across builds."""
    if caches is not None:
        return caches.templates
    return disk_bytecode_cache(settings, "paritydocs")


def disk_bytecode_cache(settings: Settings, role: str) -> jinja2.BytecodeCache | None:
    """Compiled templates of one Jinja environment (`role`: paritydocs' own, the theme's) on disk in the cache
    folder, across builds. Jinja checks each entry against its template's source and its own Python version: a
    changed template compiles again. None with `PARITYDOCS_NO_CACHE` or a read-only cache (compiled in memory)."""
    if os.environ.get("PARITYDOCS_NO_CACHE"):
        return None
    folder = cache_root(settings.cache_dir) / "jinja" / role
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _resolved_ranges(settings: Settings, elixir: SdkModel) -> list[Any]:
    """Each sync range's two Python revisions, resolved once a build for the site's key and the range's pages."""
    if not settings.sync_ranges:
        return []
    from paritydocs.site.sync_pages import range_sides

    return [range_sides(settings, item, elixir.source) for item in settings.sync_ranges]


def _sync_pages(
    settings: Settings,
    report: ParityReport,
    renderer: Renderer,
    caches: Caches | None,
    resolved: list[Any] | None = None,
) -> tuple[list[Page], dict[str, str]]:
    if not settings.sync_ranges:
        return [], {}
    from paritydocs.site.sync_pages import sync_site_pages

    return sync_site_pages(settings, report, renderer, caches, resolved=resolved)
