"""The navigation of a site whose `mkdocs.yml` has no `nav`: generated sections first, then the user's pages.

- `build_nav`: the nav, from the generated pages and the user's pages.
- `SECTION_ORDER`, `ALPHABETICAL_SECTIONS`: the order of the generated sections, and the ones sorted by title.
- `NAV_SECTION_LIMIT`, `NAV_CHUNK`: a section longer than the limit is split in groups of NAV_CHUNK pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from paritydocs.render import Page

__all__ = ["ALPHABETICAL_SECTIONS", "NAV_CHUNK", "NAV_SECTION_LIMIT", "SECTION_ORDER", "build_nav"]

SECTION_ORDER = ("", "Types", "Clients", "Reports", "Sync reports", "Python API")
ALPHABETICAL_SECTIONS = ("Types", "Clients", "Python API")


def build_nav(pages: Sequence[Page], user_pages: list[str], *, expanded_second_level: bool = False) -> list[Any]:
    """A navigation for a `mkdocs.yml` without `nav`: generated sections first, then the user's pages.

    `expanded_second_level`: the theme shows the nav's second level expanded on every page (Material's
    `navigation.tabs` with `navigation.sections`), so long sections are grouped one level deeper."""
    sections: dict[str, list[Any]] = {}
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for page in pages:
        if page.group:  # a group of pages, its first page the group's own (`navigation.indexes` shows it so)
            if (page.section, page.group) not in groups:
                members = groups[page.section, page.group] = []
                sections.setdefault(page.section, []).append({page.group: members})
            groups[page.section, page.group].append({page.title: page.path})
        else:
            sections.setdefault(page.section, []).append({page.title: page.path})
    for (_, group), members in groups.items():  # a group is a level below its section: never expanded
        members[1:] = _chunked(group, members[1:])
    for name in ALPHABETICAL_SECTIONS:
        if name in sections:
            sections[name].sort(key=lambda item: next(iter(item)).lower())
    nav: list[Any] = list(sections.pop("", []))
    for name in SECTION_ORDER[1:]:
        if name in sections:
            nav.append({name: _chunked(name, sections.pop(name), expanded_second_level)})
    nav.extend({name: _chunked(name, items, expanded_second_level)} for name, items in sections.items())
    generated = {p.path for p in pages}
    user_groups: dict[str, list[Any]] = {}
    for uri in sorted(user_pages):
        if uri in generated:
            continue
        head, _, _ = uri.partition("/")
        if "/" in uri:
            user_groups.setdefault(head.replace("-", " ").replace("_", " ").capitalize(), []).append(uri)
        else:
            nav.append(uri)
    nav.extend({name: items} for name, items in user_groups.items())
    return nav


NAV_SECTION_LIMIT = 100
NAV_CHUNK = 50


def _chunked(name: str, items: list[dict[str, str]], expanded_second_level: bool = False) -> list[Any]:
    """Split a long nav section into groups of NAV_CHUNK ("AdamParams to Datum").

    Material renders the open section of the nav on every page of it, so one flat section of N pages costs
    N² to build; groups keep that near N·NAV_CHUNK, with `navigation.prune` rendering only the open group.
    Where the theme expands the second level (tabs with sections), the groups would all be open: they go one
    level deeper, under a section of the same name.
    """
    if len(items) <= NAV_SECTION_LIMIT:
        return items
    groups = []
    for start in range(0, len(items), NAV_CHUNK):
        chunk = items[start : start + NAV_CHUNK]
        first, last = next(iter(chunk[0])), next(iter(chunk[-1]))
        groups.append({f"{first} to {last}": chunk})
    return [{name: groups}] if expanded_second_level else groups
