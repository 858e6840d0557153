"""What a build holds of its generated pages between converting them and writing them.

MkDocs converts every page before it writes the first (autorefs must know every page's anchors to fix links),
and keeps each page's Markdown and HTML to the end of the build. For a site of 10,000 pages that is a few
hundred megabytes of text held at once. Of a generated page:

- its Markdown is not read again once it is converted: it is released then (the page keeps its title);
- its HTML is read again only when MkDocs writes the page (the theme, search): from the end of `on_env` until
  that page's `on_page_context` it is held compressed, then given back whole.

A page whose title MkDocs would read from its Markdown or HTML (no `title` in its metadata and no heading it
rendered one from) keeps both: its title, which every page's navigation shows, stays what it was.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

__all__ = ["HeldPages", "release_markdown"]

_LEVEL = 1
"""zlib's fastest level: a page's HTML compresses to about an eighth, at some 200 MB a second."""


def _titled(page: Any) -> bool:
    """The page's title depends on neither its Markdown nor its HTML."""
    return bool(page.meta.get("title") or getattr(page, "_title_from_render", None))


def release_markdown(page: Any) -> None:
    """Once the page is converted: its Markdown released ("" rather than None, which MkDocs reads as "not read
    yet"), when its title does not come from it."""
    if isinstance(page.markdown, str) and _titled(page):
        page.markdown = ""


class HeldPages:
    """Generated pages' HTML, compressed between the end of `on_env` and the page's own `on_page_context`."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[Any, bytes]] = {}

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, pages: Iterable[Any]) -> None:
        """Compress the HTML of each page given (a page without HTML, or whose title comes from it, is left)."""
        self._held.clear()
        for page in pages:
            content = page.content
            if not isinstance(content, str) or not _titled(page):
                continue
            self._held[page.file.src_uri] = (page, zlib.compress(content.encode("utf-8", "surrogatepass"), _LEVEL))
            page.content = None

    def give_back(self, page: Any) -> None:
        """The page's HTML as it was, before anything of its writing reads it."""
        held = self._held.get(page.file.src_uri)
        if held is not None and held[0] is page:
            del self._held[page.file.src_uri]
            page.content = zlib.decompress(held[1]).decode("utf-8", "surrogatepass")

    def give_back_all(self) -> None:
        """Every page not written (MkDocs skipped it, or the build stopped) gets its HTML back."""
        for page, data in self._held.values():
            page.content = zlib.decompress(data).decode("utf-8", "surrogatepass")
        self._held.clear()
