"""The sync pages of a site: one page per `sync_ranges` entry, and its `sync-<slug>.json`.

A range's page and JSON are kept across builds (`sync-page` entries of the extraction cache, `extraction/sync`):
the two Python revisions never change once resolved, so a build whose inputs did not change renders the kept
page. The key holds everything the page is made of: the Python half's key (`sync.store.diff_key`: both trees'
content, both specs, the settings that change a comparison, paritydocs' code), the content of every file of the
port (its targets are looked up in them), the port's source as shown, the review notes, the outdated model names
found in the port, the settings, the templates (built-in and custom), the range and its page's path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paritydocs.config import Settings, SyncRange
from paritydocs.errors import SourceError
from paritydocs.parity import ParityReport
from paritydocs.pipeline import Caches
from paritydocs.render import Page, Renderer, builtin_templates
from paritydocs.render.filters import do_slug
from paritydocs.render.sync import render_markdown
from paritydocs.sources import cache as entries
from paritydocs.sources.trees import content_fingerprint
from paritydocs.sync import build_sync_report
from paritydocs.sync.revisions import range_spec, resolve_revision
from paritydocs.sync.store import SYNC_ENTRIES_KEPT, diff_key

__all__ = ["SECTION", "sync_site_pages"]

SECTION = "Sync reports"


def _slugs(ranges: Sequence[SyncRange]) -> list[str]:
    out: list[str] = []
    for item in ranges:
        base = item.slug or do_slug(item.title or f"{item.from_spec}-{item.to_spec}")
        slug, n = base, 1
        while slug in out:
            n += 1
            slug = f"{base}-{n}"
        out.append(slug)
    return out


def sync_site_pages(
    settings: Settings, report: ParityReport, renderer: Renderer, caches: Caches | None
) -> tuple[list[Page], dict[str, str]]:
    """One page per `sync_ranges` entry (and `sync-<slug>.json`). A range whose source fails gets a page that
    says which spec failed and how to fix it; the rest of the site is built as usual."""
    del caches  # the Python half is cached in paritydocs.sync: resolved trees never change
    pages: list[Page] = []
    outputs: dict[str, str] = {}
    occurrences = [o for o in report.model_names if o.side == "elixir"]
    for item, slug in zip(settings.sync_ranges, _slugs(settings.sync_ranges), strict=True):
        title = item.title or f"{item.from_spec} → {item.to_spec}"
        path = renderer.path(f"sync/{slug}.md")
        key = _page_key(settings, item, report, renderer, title=title, path=path, occurrences=occurrences)
        kept = entries.read_entry(_dir(settings), key) if key is not None else None
        if isinstance(kept, dict) and isinstance(kept.get("content"), str) and isinstance(kept.get("json"), str):
            pages.append(Page(path, title, kept["content"], SECTION, keep_model_names=True))
            outputs[f"sync-{slug}.json"] = kept["json"]
            continue
        try:
            sync = build_sync_report(
                settings,
                item.from_spec,
                item.to_spec,
                elixir=report.elixir_model,
                parity=report,
                title=title,
                elixir_occurrences=occurrences if report.elixir_model.source.root else None,
            )
        except SourceError as err:
            content = render_markdown(renderer, settings, None, title=title, failure=err, page_path=path)
            report.warnings.append(f"sync report '{title}': {err}")
        else:
            content = render_markdown(renderer, settings, sync, title=title, page_path=path)
            outputs[f"sync-{slug}.json"] = sync.dumps()
            if key is not None:
                data = {"content": content, "json": outputs[f"sync-{slug}.json"]}
                entries.write_entry(_dir(settings), key, data, keep=SYNC_ENTRIES_KEPT)
        pages.append(Page(path, title, content, SECTION, keep_model_names=True))
    return pages, outputs


def _dir(settings: Settings) -> Path:
    return entries.extraction_dir(settings.cache_dir, "sync")


def _page_key(
    settings: Settings,
    item: SyncRange,
    report: ParityReport,
    renderer: Renderer,
    *,
    title: str,
    path: str,
    occurrences: list[Any],
) -> str | None:
    """The key of a range's kept page and JSON (see the module's docstring); None when it cannot be told (the
    cache is off, a revision cannot be resolved, a tree cannot be read): the page is then made as usual."""
    if entries.extraction_cache_disabled():
        return None
    port = report.elixir_model.source
    try:
        sides = [
            resolve_revision(settings, range_spec(settings, spec, port.mirrors, port_read=bool(port.root)))
            for spec in (item.from_spec, item.to_spec)
        ]
        python = diff_key(settings, sides[0], sides[1])
        port_files = content_fingerprint(Path(port.root), (".ex", ".exs")) if port.root else ""
        templates = [content_fingerprint(builtin_templates())]
        if settings.custom_templates:
            templates.append(content_fingerprint(Path(settings.custom_templates)))
    except (SourceError, OSError, RecursionError):
        return None
    if python is None:
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
    return entries.entry_key(
        {
            "what": "sync-page",
            "python": python,
            "port": [port_files, entries.plain(dataclasses.asdict(port))],
            "notes": entries.plain(notes),
            "occurrences": entries.plain([dataclasses.asdict(o) for o in occurrences]),
            "settings": entries.plain(dataclasses.asdict(settings)),
            "templates": templates,
            "autorefs": renderer.autorefs,
            "range": [item.from_spec, item.to_spec, title, path],
        }
    )
