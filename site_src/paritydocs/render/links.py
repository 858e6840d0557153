"""Links on the generated pages: source lines in the two repositories, HexDocs, and the pages themselves.

- `Links`: URLs for source lines, HexDocs and pages, from configuration.
- `unique_slugs`: page slugs from short type names, unique within one section.
- `relpath_factory`: links from the page being rendered to another generated page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from paritydocs.config import RepoLink, Settings
from paritydocs.model import Location

__all__ = ["Links", "relpath_factory", "unique_slugs"]


@dataclass(slots=True)
class Links:
    """URLs for source lines, HexDocs and pages, from configuration."""

    settings: Settings
    python_ref: str | None = None
    elixir_ref: str | None = None
    pair_pages: dict[str, str] = field(default_factory=dict)
    """Python type path → page path."""
    client_pages: dict[str, str] = field(default_factory=dict)

    def _blob(self, repo: RepoLink | None, ref: str | None, loc: Location | None) -> str | None:
        if repo is None or loc is None or not loc.file:
            return None
        return repo.blob(loc.file, loc.line, ref=ref)

    def python(self, loc: Location | None) -> str | None:
        return self._blob(self.settings.python_repo, self.python_ref, loc)

    def elixir(self, loc: Location | None) -> str | None:
        return self._blob(self.settings.elixir_repo, self.elixir_ref, loc)

    def hexdocs(self, module: str, function: str | None = None) -> str | None:
        if not self.settings.hexdocs:
            return None
        anchor = f"#{function}" if function else ""
        return f"https://hexdocs.pm/{quote(self.settings.hexdocs)}/{quote(module)}.html{quote(anchor, safe='#/?!')}"


def unique_slugs(names: list[tuple[str, str]]) -> dict[str, str]:
    """key → slug from the short name, falling back to the full path where two types share a name."""
    counts: dict[str, int] = {}
    for _, short in names:
        counts[short] = counts.get(short, 0) + 1
    return {key: (short if counts[short] == 1 else key.replace(".", "-")) for key, short in names}


def relpath_factory(page_path: str) -> Callable[[str], str]:
    """Link from the page being rendered to another generated page (both relative to the docs dir)."""
    base = posixpath.dirname(page_path)

    def relpath(target: str) -> str:
        target, _, anchor = target.partition("#")
        rel = posixpath.relpath(target, base or ".")
        return rel + (f"#{anchor}" if anchor else "")

    return relpath
