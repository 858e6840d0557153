"""The sync pages of a site: one page per `sync_ranges` entry, and its `sync-<slug>.json`."""

from __future__ import annotations

from collections.abc import Sequence

from paritydocs.config import Settings, SyncRange
from paritydocs.errors import SourceError
from paritydocs.parity import ParityReport
from paritydocs.pipeline import Caches
from paritydocs.render import Page, Renderer
from paritydocs.render.filters import do_slug
from paritydocs.render.sync import render_markdown
from paritydocs.sync import build_sync_report

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
        pages.append(Page(path, title, content, SECTION, keep_model_names=True))
    return pages, outputs
