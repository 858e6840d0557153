"""The pipeline from settings to a parity report, without MkDocs: sources → extraction → parity.

The plugin and every CLI command go through here, so both read the SDKs the same way.

Extraction goes through two caches. `Caches` lives in memory for one `serve` session. Without it, the extraction
cache in the cache directory (`extraction/python`, `extraction/elixir`) keeps the models between processes, keyed
by the content of the files read, the settings that change the result and paritydocs' own code
(`python.modelcache`, `elixir.filecache`); `persistent=False` or `PARITYDOCS_NO_CACHE=1` bypasses it. A cached
model gets a fresh `SourceInfo` (spec, revision), as the in-memory cache does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from paritydocs.config import Settings
from paritydocs.model import ExtractionWarning, Language, SdkModel
from paritydocs.parity import ParityReport, load_notes, run_parity
from paritydocs.sources.trees import python_fingerprint

if TYPE_CHECKING:
    import jinja2

    from paritydocs.python.loader import SharedPackages


@dataclass(slots=True)
class Caches:
    """What survives between two builds of one `mkdocs serve` session."""

    elixir: object | None = None
    """An `elixir.ParseCache`: unchanged `.ex` files are not parsed again."""
    python: dict[tuple[str, str], SdkModel] = field(default_factory=dict)
    """Python models keyed by (root, fingerprint of the files read)."""
    parsed: object | None = None
    """A `python.ParsedFiles`: a `.py` edit parses that file again, not the whole package."""
    templates: jinja2.BytecodeCache | None = None
    """Compiled paritydocs templates."""
    filters: object | None = None
    """A `render.memo.FilterMemo`: what the text filters made of each text the previous builds showed."""
    llms: object | None = None
    """A `site.llms.CleanedCopies`: the pages' cleaned Markdown copies of the previous build."""
    sync_files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """A sync report's file pages as the previous build made them (`site.sync_pages`): by the page's path,
    what it was made of (as bytes to compare) and its Markdown."""


def _persistent(persistent: bool) -> bool:
    from paritydocs.sources.cache import extraction_cache_disabled

    return persistent and not extraction_cache_disabled()


def load_python(
    settings: Settings,
    spec: str | None = None,
    *,
    caches: Caches | None = None,
    packages: SharedPackages | None = None,
    persistent: bool = True,
) -> SdkModel:
    """The Python model; `packages` hands the extraction top-level packages already loaded (see `extract_python`).

    `persistent`: read and write the extraction cache (never with `caches`: a serve session keeps its models in
    memory; a tree loaded by mkdocstrings' handler went through its extensions, so its model is kept under the
    handler's `signature`, apart from the extraction's own)."""
    from paritydocs.sources import resolve, source_info

    resolved = resolve(spec or settings.python, cache_dir=settings.cache_dir)
    check_python_tree(resolved.spec, resolved.root, [*settings.python_modules, *settings.python_clients])
    info = source_info(resolved, Language.PYTHON)
    if spec is None and settings.python_shown:
        info.spec = settings.python_shown  # as the user wrote it: never a path of the build machine
    if caches is not None:
        key = (str(resolved.root), python_fingerprint(resolved.root))
        if key in caches.python:
            cached = caches.python[key]
            cached.source = info
            return cached
    store = None
    loader = packages.signature if packages is not None else ""
    if caches is None and (packages is None or loader) and _persistent(persistent):
        from paritydocs.python.modelcache import PythonModelCache

        store = PythonModelCache(
            settings.cache_dir,
            resolved.root,
            modules=settings.python_modules,
            clients=settings.python_clients,
            loader=loader,
        )
        hit = store.load(info)
        if hit is not None:
            return hit
    from paritydocs.python import ParsedFiles, extract_python

    parsed = None
    if caches is not None:
        if not isinstance(caches.parsed, ParsedFiles):
            caches.parsed = ParsedFiles()
        parsed = caches.parsed
    model = extract_python(
        resolved.root,
        modules=settings.python_modules,
        source=info,
        clients=settings.python_clients,
        packages=packages,
        parsed=parsed,
    )
    if store is not None:
        store.store(model)
    if caches is not None:
        caches.python.clear()  # one entry: the previous tree is never read again
        caches.python[key] = model
    return model


def check_python_tree(spec: str, root: Path, paths: list[str]) -> None:
    """Refuse a Python tree whose packages hold a link out of the tree, a link loop or a special file
    (`sources.tree_hazards`): Griffe follows links and walks loops without end."""
    from paritydocs.python.paths import find_search_path
    from paritydocs.sources.trees import check_tree

    tops = sorted({path.split(".")[0] for path in paths})
    found = [(search, top) for top in tops if (search := find_search_path(root, top)) is not None]
    check_tree(spec, root, [search / top for search, top in found], {"__pycache__"})


def load_elixir(
    settings: Settings, spec: str | None = None, *, caches: Caches | None = None, persistent: bool = True
) -> SdkModel:
    """The Elixir model; `persistent`: unchanged `.ex` files come from the extraction cache (not with `caches`)."""
    from paritydocs.elixir import ParseCache, extract_elixir
    from paritydocs.sources import resolve, source_info
    from paritydocs.sources.trees import SKIPPED_DIRS, check_tree

    resolved = resolve(spec or settings.elixir, cache_dir=settings.cache_dir)
    dirs = [resolved.root / d for d in settings.elixir_dirs]
    check_tree(resolved.spec, resolved.root, dirs, SKIPPED_DIRS, loops=False)  # the extractor notices loops
    cache: object | None = None
    stored = None
    if caches is not None:
        if caches.elixir is None:
            caches.elixir = ParseCache()
        cache = caches.elixir
    elif _persistent(persistent):
        from paritydocs.elixir.filecache import PersistentParseCache

        cache = stored = PersistentParseCache(settings.cache_dir, resolved.root, settings.elixir_dirs)
    model = extract_elixir(
        resolved.root,
        dirs=settings.elixir_dirs,
        source=source_info(resolved, Language.ELIXIR),
        cache=cache,  # type: ignore[arg-type]
    )
    if stored is not None:
        stored.save()
    if spec is None and settings.elixir_shown:
        model.source.spec = settings.elixir_shown  # as the user wrote it: never a path of the build machine
    model.source.mirrors = declared_python_release(settings, resolved.root, model.warnings)
    if model.source.version is None:  # a local or git tree: the release its mix.exs says it is
        from paritydocs.elixir import mix_project

        model.source.version = mix_project(resolved.root)[0]
    return model


def python_packages(settings: Settings) -> list[str]:
    """The Python SDK's top-level packages, from `python_modules` and `python_clients`, sorted."""
    return sorted({p.strip().split(".")[0] for p in (*settings.python_modules, *settings.python_clients) if p.strip()})


def declared_python_release(
    settings: Settings, elixir_root: Path, warnings: list[ExtractionWarning] | None = None
) -> str | None:
    """The Python release the port's `mix.exs` says it mirrors (`@tinker_sdk_version`), for the Python SDK's
    top-level package; None when it declares none. A `mix.exs` that cannot be read says so in `warnings`."""
    from paritydocs.elixir import declared_sdk_versions

    declared = declared_sdk_versions(elixir_root, warnings)
    return next((declared[p] for p in python_packages(settings) if p in declared), None)


def build_report(
    settings: Settings,
    *,
    python: SdkModel | None = None,
    elixir: SdkModel | None = None,
    caches: Caches | None = None,
    complete: bool = True,
    persistent: bool = True,
) -> ParityReport:
    """Types, model names and clients compared; review notes applied last, so they reach every finding
    (`parity.run_parity` assembles the report).

    `complete=False` (a side could not be read) keeps notes that match nothing quiet: they cannot be checked.
    `persistent=False`: the models are extracted cold, the extraction cache neither read nor written.
    """
    python = python or load_python(settings, caches=caches, persistent=persistent)
    elixir = elixir or load_elixir(settings, caches=caches, persistent=persistent)
    notes = load_notes(settings.notes)
    return run_parity(
        python, elixir, settings, notes, model_names=True, clients=True, constants=True, warn_unused=complete
    )
