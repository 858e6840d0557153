"""The sync pages of a site: for each `sync_ranges` entry, its page, a page per changed Python file, and its
`sync-<slug>.json`.

A range's pages and JSON are kept across builds (`sync-page` entries of the extraction cache, `extraction/sync-pages`,
the 16 most recently used: a folder of their own, so the entries of a port edited many times never push out the
Python halves they were made from, which cost a Griffe load of two revisions to make again):
the two Python revisions never change once resolved, so a build whose inputs did not change renders the kept
pages. The key holds everything the pages are made of: the Python half's key (`sync.store.diff_key`: both trees'
content, both specs, the settings that change a comparison, paritydocs' code), the content of every file of the
port (its targets are looked up in them), the port's source as shown, the review notes, the outdated model names
found in the port, the settings, the templates (built-in and custom), the range and its page's path.

When a port file changes, the range is compared again and every page rendered again; MkDocs converts again only
the pages whose Markdown changed (`paritydocs.site.rendercache`): the file pages the port file is a target of.
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeGuard

from paritydocs.config import Settings, SyncRange
from paritydocs.errors import SourceError
from paritydocs.model import SourceInfo
from paritydocs.parity import ParityReport
from paritydocs.pipeline import Caches
from paritydocs.render import Page, Renderer, builtin_templates
from paritydocs.render.filters import do_slug
from paritydocs.render.links import unique_name
from paritydocs.render.sync import Memo, render_markdown, render_site_pages
from paritydocs.site.collector import when_idle
from paritydocs.sources import cache as entries
from paritydocs.sources.trees import content_fingerprint
from paritydocs.sync import build_sync_report, shared_trees
from paritydocs.sync.report import SyncReport
from paritydocs.sync.revisions import Revision, range_spec, resolve_revision
from paritydocs.sync.store import diff_key

__all__ = ["SECTION", "range_sides", "sync_site_pages"]

SECTION = "Sync reports"

Side = tuple[Revision, Path]
"""A range's side: its Python revision and the tree it resolved to."""


def _slugs(ranges: Sequence[SyncRange]) -> list[str]:
    taken: set[str] = set()
    bases = [item.slug or do_slug(item.title or f"{item.from_spec}-{item.to_spec}") for item in ranges]
    return [unique_name(base, taken) for base in bases]


def sync_site_pages(
    settings: Settings,
    report: ParityReport,
    renderer: Renderer,
    caches: Caches | None,
    *,
    resolved: Sequence[tuple[Side, Side] | None] | None = None,
) -> tuple[list[Page], dict[str, str]]:
    """The pages of each `sync_ranges` entry (`sync/<slug>/index.md` and a page per changed Python file) and its
    `sync-<slug>.json`. A range whose source fails gets a page that says which spec failed and how to fix it; the
    rest of the site is built as usual. `resolved`: each range's `range_sides`, when the build has them already."""
    pages: list[Page] = []
    outputs: dict[str, str] = {}
    occurrences = [o for o in report.model_names if o.side == "elixir"]
    common = _common_key(settings, report, renderer, occurrences)
    written: list[str] = []  # the file pages kept by this build
    with shared_trees():  # a release two ranges compare is loaded once
        port = report.elixir_model.source
        if resolved is None:
            resolved = [range_sides(settings, item, port) for item in settings.sync_ranges]
        for item, slug, sides in zip(settings.sync_ranges, _slugs(settings.sync_ranges), resolved, strict=True):
            title = item.title or f"{item.from_spec} → {item.to_spec}"
            path = renderer.path(f"sync/{slug}/index.md")
            key = _page_key(settings, sides, common, item, title=title, path=path)
            kept = entries.read_entry(_dir(settings), key) if key is not None else None
            if _is_kept(kept):
                pages += _range_pages(title, path, kept["content"], kept["files"])
                outputs[f"sync-{slug}.json"] = kept["json"]
                if caches is not None and not caches.sync_files:  # `serve`, no range compared yet
                    ahead = functools.partial(_ahead, settings, report, renderer, caches, common=common)
                    when_idle(functools.partial(ahead, item=item, sides=sides, title=title, path=path))
                continue
            try:
                sync = _compare_range(settings, report, item, title=title, sides=sides)
            except SourceError as err:
                content = render_markdown(renderer, settings, None, title=title, failure=err, page_path=path)
                report.warnings.append(f"sync report '{title}': {err}")
                pages += _range_pages(title, path, content, [])
                continue
            memo = _file_pages_memo(settings, common, written, caches.sync_files if caches is not None else None)
            content, files = render_site_pages(renderer, settings, sync, title=title, page_path=path, memo=memo)
            outputs[f"sync-{slug}.json"] = sync.dumps()
            kept_files = [[f.path, f.title, f.content] for f in files]
            if key is not None:
                data = {"content": content, "files": kept_files, "json": outputs[f"sync-{slug}.json"]}
                entries.write_entry(_dir(settings), key, data, keep=RANGE_PAGES_KEPT)
            pages += _range_pages(title, path, content, kept_files)
    entries.prune_if_due(_files_dir(settings), FILE_PAGES_KEPT, written=len(written))
    return pages, outputs


def _ahead(
    settings: Settings,
    report: ParityReport,
    renderer: Renderer,
    caches: Caches,
    *,
    common: dict[str, Any] | None,
    item: SyncRange,
    sides: tuple[Side, Side] | None,
    title: str,
    path: str,
) -> None:
    """A range read back whole, compared and rendered again while `serve` is idle, its pages thrown away: the
    first edit of the port then finds what a rebuild carries from the one before (the Python half in memory,
    which port files hold each string, the filters' results, each file page and what it was made of), and costs
    what the edits after it cost (0.16 s more on the seed pair before). Nothing is written but what the caches
    lost since (a pruned file page), as a build would."""
    sync = _compare_range(settings, report, item, title=title, sides=sides)
    memo = _file_pages_memo(settings, common, [], caches.sync_files)
    render_site_pages(renderer, settings, sync, title=title, page_path=path, memo=memo)


def _compare_range(
    settings: Settings, report: ParityReport, item: SyncRange, *, title: str, sides: tuple[Side, Side] | None
) -> SyncReport:
    """The range's report against the site's port (`report`'s Elixir model and its outdated model names)."""
    occurrences = [o for o in report.model_names if o.side == "elixir"]
    return build_sync_report(
        settings,
        item.from_spec,
        item.to_spec,
        elixir=report.elixir_model,
        parity=report,
        title=title,
        elixir_occurrences=occurrences if report.elixir_model.source.root else None,
        revisions=sides,
    )


def _range_pages(title: str, path: str, content: str, files: list[list[str]]) -> list[Page]:
    """A range's page and its file pages (`[path, title, content]`), grouped under the range's title. They show
    old docstrings as they were: the model-name updates skip them."""
    return [
        Page(page_path, page_title, text, SECTION, keep_model_names=True, group=title)
        for page_path, page_title, text in [[path, title, content], *files]
    ]


def _file_pages_memo(
    settings: Settings,
    common: dict[str, Any] | None,
    written: list[str],
    previous: dict[str, tuple[bytes, str]] | None = None,
) -> Memo | None:
    """File pages kept on their own (`sync-file-page` entries): when a port file changes, the range is compared
    again, and the file pages whose changes and targets came out the same are not rendered again. Their key is
    what the page shows (`what`), the settings, the templates, and paritydocs' code.

    `previous` (a `serve` session's): each file page as the previous build made it, by its path, with what it was
    made of pickled, to compare bytes with, never to load: a page made of the very same data (pickle tells
    `True`, `1` and `1.0` apart, as the entries' JSON does) is that page, with neither its key nor its entry
    made or read (0.02 s of a rebuild after an `.ex` edit on the seed pair)."""
    if common is None:
        return None
    shared = {k: common[k] for k in ("settings", "templates", "autorefs")}
    folder = _files_dir(settings)
    shared_bytes = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL) if previous is not None else b""

    def memo(what: dict[str, Any], make: Callable[[], str]) -> str:
        page = entries.data_of(what)
        made_of = b""
        if previous is not None:
            try:
                made_of = shared_bytes + pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
                made_of = b""
            before = previous.get(what["path"]) if made_of else None
            if before is not None and before[0] == made_of:
                return before[1]
        content = _kept_file_page(folder, shared, page, make, written)
        if made_of and previous is not None:
            previous[what["path"]] = (made_of, content)
        return content

    return memo


def _kept_file_page(
    folder: Path, shared: dict[str, Any], page: Any, make: Callable[[], str], written: list[str]
) -> str:
    """A file page from its `sync-file-page` entry, else made and kept there."""
    parts = {**shared, "what": "sync-file-page", "page": page, "code": entries.own_code_digest()}
    try:  # dataclasses as dicts are JSON already, but for an odd value
        key = entries.entry_key(parts)
    except (TypeError, ValueError):
        key = entries.entry_key({**parts, "page": entries.plain(page)})
    kept = entries.read_entry(folder, key)
    if isinstance(kept, str):
        return kept
    content = make()
    if entries.write_entry(folder, key, content, prune=False):
        written.append(key)
    return content


RANGE_PAGES_KEPT = 16
"""Range pages kept (`extraction/sync-pages`), the most recently used: a few ranges over a few edits of the port."""

FILE_PAGES_KEPT = 5_000
"""File pages kept (`extraction/sync-files`), the most recently used: the pages of a few ranges over many edits."""


def _is_kept(kept: Any) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(kept, dict)
        and isinstance(kept.get("content"), str)
        and isinstance(kept.get("json"), str)
        and isinstance(kept.get("files"), list)
        and all(isinstance(f, list) and len(f) == 3 and all(isinstance(x, str) for x in f) for f in kept["files"])
    )


def _dir(settings: Settings) -> Path:
    return entries.extraction_dir(settings.cache_dir, "sync-pages")


def _files_dir(settings: Settings) -> Path:
    return entries.extraction_dir(settings.cache_dir, "sync-files")


def _common_key(
    settings: Settings, report: ParityReport, renderer: Renderer, occurrences: list[Any]
) -> dict[str, Any] | None:
    """What every range's key holds (see the module's docstring), computed once a build; None when the cache is off
    or a tree cannot be read: the pages are then made as usual."""
    if entries.extraction_cache_disabled():
        return None
    port = report.elixir_model.source
    try:
        port_files = content_fingerprint(Path(port.root), (".ex", ".exs")) if port.root else ""
        templates = [content_fingerprint(builtin_templates())]
        if settings.custom_templates:
            templates.append(content_fingerprint(Path(settings.custom_templates)))
    except (OSError, RecursionError):
        return None
    notes = [
        [
            pair.python.path,
            pair.python.public_path,
            list(pair.notes),
            [[r.python.name, r.notes] for r in pair.rows if r.python],
        ]
        for pair in report.pairs
    ]
    return {
        "port": [port_files, entries.plain(dataclasses.asdict(port))],
        "notes": entries.plain(notes),
        "occurrences": entries.plain([dataclasses.asdict(o) for o in occurrences]),
        "settings": entries.plain(dataclasses.asdict(settings)),
        "templates": templates,
        "autorefs": renderer.autorefs,
    }


def range_sides(settings: Settings, item: SyncRange, port: SourceInfo) -> tuple[Side, Side] | None:
    """The range's two Python revisions (`port`: where the port came from, for `declared`), resolved once for its
    key and its comparison; None when one cannot be (the comparison then says why, on the range's page)."""
    try:
        old, new = (
            resolve_revision(settings, range_spec(settings, spec, port.mirrors, port_read=bool(port.root)))
            for spec in (item.from_spec, item.to_spec)
        )
    except (SourceError, OSError, RecursionError):
        return None
    return old, new


def _page_key(
    settings: Settings,
    sides: tuple[Side, Side] | None,
    common: dict[str, Any] | None,
    item: SyncRange,
    *,
    title: str,
    path: str,
) -> str | None:
    """The key of a range's kept pages and JSON; None when it cannot be told (no `common` part, a revision that
    could not be resolved, a tree that cannot be read): the pages are then made as usual."""
    if common is None or sides is None:
        return None
    try:
        python = diff_key(settings, sides[0], sides[1])
    except (SourceError, OSError, RecursionError):
        return None
    if python is None:
        return None
    return entries.entry_key(
        {**common, "what": "sync-page", "python": python, "range": [item.from_spec, item.to_spec, title, path]}
    )
