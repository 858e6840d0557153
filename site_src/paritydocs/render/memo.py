"""What the text filters made of each text, kept for a build, or across the builds of a `serve` session.

The text filters of `render.filters` (`doc`, `cell`, `code`, `text`, `message`, `attr`) are pure functions of
their arguments: a docstring, a message or a name, and the model-name updates. A text is shown on several pages,
and a `serve` rebuild renders every page again, nearly every text on them one the previous build filtered.
`FilterMemo.wrap` gives the Jinja environment filters that return what the same filter made of the same
arguments before, and filter only what is new. Never stale: the key is the filter and every argument it was
given (the text itself, not where it came from), and only texts (`str` or None, not a subclass) are kept; a
call with anything else, or a keyword, is filtered as usual. Bounded: the `size` most recently used results
(`FILTER_MEMO_SIZE`).

A `serve` session keeps one across its builds (`pipeline.Caches.filters`); a one-off build has its own, which
goes with its renderer once the pages are made: a text shown on several pages (a type's pair page, its API page,
the checklist, the sync pages) is filtered once.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["FILTER_MEMO_SIZE", "MEMOIZED_FILTERS", "FilterMemo"]

MEMOIZED_FILTERS = frozenset({"doc", "cell", "code", "text", "message", "attr"})
"""The filters whose results are kept: those that take a text and give its Markdown."""

FILTER_MEMO_SIZE = 50_000
"""Results kept: every text of a site of a few thousand types (the seed pair's pages filter about 5,700, 1.7 MB)."""


class FilterMemo:
    """Results of the text filters, the most recently used `size` of them; `hits` and `misses` count calls."""

    def __init__(self, size: int = FILTER_MEMO_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def wrap(self, filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
        """`filters` with the text filters (`MEMOIZED_FILTERS`) answered from this memo."""
        return {name: self._memoized(name, f) if name in MEMOIZED_FILTERS else f for name, f in filters.items()}

    def _memoized(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        kept = self._kept

        @functools.wraps(function)
        def memoized(text: Any, *args: Any, **kwargs: Any) -> Any:
            if kwargs or not (text is None or type(text) is str):
                return function(text, *args, **kwargs)
            key = (name, text, args)
            try:
                result = kept[key]
            except KeyError:
                pass
            except TypeError:  # an argument that cannot be a key
                return function(text, *args)
            else:
                kept.move_to_end(key)
                self.hits += 1
                return result
            self.misses += 1
            result = kept[key] = function(text, *args)
            if len(kept) > self.size:
                kept.popitem(last=False)
            return result

        return memoized
