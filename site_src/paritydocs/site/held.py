"""What a build holds of its generated pages between converting them and writing them.

MkDocs converts every page before it writes the first (autorefs must know every page's anchors to fix links),
and keeps each page's Markdown and HTML to the end of the build. For a site of 10,000 pages that is a few
hundred megabytes of text held at once. Of a generated page:

- its Markdown is not read again once it is converted: it is released then (the page keeps its title);
- its HTML is read again only when MkDocs writes the page (the theme, search): from the end of `on_env` until
  that page's `on_page_context` it is held compressed, then given back whole.

A page whose title MkDocs would read from its Markdown or HTML (no `title` in its metadata and no heading it
rendered one from) keeps both: its title, which every page's navigation shows, stays what it was.

Material's search keeps every section's text of every page until the last is written, then encodes them as one
JSON string and that string as bytes: at 10,000 pages, some 100 MB at the end of the build. In a one-off build
(`serve` merges the entries of a dirty rebuild itself, `session`), each page's entries are encoded as soon as
search made them and written to a temporary file; after Material wrote its index (of no entries, then), the
index is written again piece by piece, with Material's own `config` part: the same bytes Material writes
(`tests/test_held.py`).

mkdocstrings writes `objects.inv` once every page is converted: each of its items as a line, the lines joined,
the whole compressed. For this build's inventory, the lines are compressed as they are made instead, in the
same order and with the same zlib level: the same bytes, checked against mkdocstrings' own header each time.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from collections.abc import Iterable
from typing import IO, Any

from paritydocs.textsafe import logger

__all__ = ["HeldPages", "SearchSpool", "compress_inventory_by_line", "release_markdown", "search_entries"]

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


class SearchSpool:
    """Material's search entries, encoded as Material encodes them, page by page, into a temporary file."""

    _SEPARATORS = (",", ":")
    """Those of Material's `json.dumps` (`search.plugin.SearchIndex.generate_search_index`)."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._size = 0
        """Bytes of whole pages' entries in the file."""
        self._pages = 0
        self._off = False
        """The temporary file could not be written: search keeps the rest of this build's entries itself."""

    def __len__(self) -> int:
        """The pages whose entries it holds."""
        return self._pages

    def clear(self) -> None:
        if self._file is not None:
            self._file.close()  # a temporary file: gone once closed
        self._file, self._size, self._pages, self._off = None, 0, 0, False

    def take(self, search: Any) -> None:
        """After search indexed a page: its entries (all search holds) encoded, written out, and taken from it."""
        entries = search_entries(search)
        if not entries or self._off:
            return
        text = ",".join(json.dumps(e, separators=self._SEPARATORS, default=str) for e in entries)
        data = (b"," if self._pages else b"") + text.encode("utf-8")
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="paritydocs-search-")  # noqa: SIM115 (closed by `clear`)
            self._file.seek(self._size)
            self._file.write(data)
            self._file.flush()
        except OSError as err:
            logger.debug("paritydocs: search entries kept in memory: the temporary file failed (%s)", err)
            self._off = True
            entries[:0] = self._spooled()  # the pages before this one first, as search had them
            return
        self._size += len(data)
        self._pages += 1
        entries.clear()  # the list Material appends to, emptied in place

    def _spooled(self) -> list[Any]:
        """The entries written so far, read back (and the file closed)."""
        if self._file is None or not self._size:
            self.clear()
            return []
        self._file.seek(0)
        data = self._file.read(self._size)
        self._file.close()
        self._file, self._size, self._pages = None, 0, 0
        return list(json.loads(b"[" + data + b"]"))

    def write(self, search: Any, site_dir: str) -> None:
        """After Material wrote its index without the entries taken: the index again, with them, piece by piece."""
        if self._file is None:
            self.clear()
            return
        index = getattr(search, "search_index", None)
        entries = search_entries(search)
        empty = index.generate_search_index(None) if entries == [] and index is not None else None
        path = os.path.join(site_dir, "search", "search_index.json")
        if not isinstance(empty, str) or not empty.endswith('"docs":[]}'):
            # not the index this was written for: its entries given back, and Material's own index written
            logger.debug("paritydocs: Material's search index is not as expected; writing it whole")
            if isinstance(entries, list):
                entries.extend(self._spooled())
                if index is not None:
                    _write(path, [index.generate_search_index(None).encode("utf-8")])
        else:
            head = empty[: -len("]}")].encode("utf-8")  # Material's index up to `"docs":[`
            self._file.seek(0)
            _write(path, _between(head, self._file, self._size, b"]}"))
        self.clear()


_PIECE = 1 << 20
"""Bytes of the spooled entries copied at a time."""


def _between(head: bytes, spooled: IO[bytes], size: int, tail: bytes) -> Iterable[bytes]:
    yield head
    while size > 0 and (piece := spooled.read(min(_PIECE, size))):
        size -= len(piece)
        yield piece
    yield tail


def _write(path: str, pieces: Iterable[bytes]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        for piece in pieces:
            out.write(piece)


def search_entries(search: Any) -> list[Any] | None:
    """The list Material's search plugin (`search`) appends each page's entries to, or None (not Material's)."""
    entries = getattr(getattr(search, "search_index", None), "entries", None)
    return entries if isinstance(entries, list) else None


_INVENTORY_LEVEL = 9
"""mkdocstrings' (`Inventory.format_sphinx`)."""


def compress_inventory_by_line(inventory: Any) -> None:
    """Have mkdocstrings' `inventory` (this build's) write `objects.inv` compressing its lines as they are made.

    The header is taken from mkdocstrings: an inventory of no items, of the same project and version, must be
    that header and mkdocstrings' compressed empty line, else its own method is kept."""
    original = getattr(inventory, "format_sphinx", None)
    values = getattr(inventory, "values", None)
    if original is None or values is None or "format_sphinx" in vars(inventory):
        return

    def format_sphinx() -> bytes:
        try:
            empty = type(inventory)(project=inventory.project, version=inventory.version).format_sphinx()
        except (AttributeError, TypeError):
            return bytes(original())
        tail = zlib.compress(b"\n", _INVENTORY_LEVEL)
        items = sorted(values(), key=lambda item: (item.domain, item.name))
        if not items or not isinstance(empty, bytes) or not empty.endswith(tail):
            return bytes(original())
        compressor = zlib.compressobj(_INVENTORY_LEVEL)
        pieces = [empty[: -len(tail)]]
        for item in items:
            pieces.append(compressor.compress(item.format_sphinx().encode("utf8") + b"\n"))
        pieces.append(compressor.flush())
        return b"".join(pieces)

    inventory.format_sphinx = format_sphinx
