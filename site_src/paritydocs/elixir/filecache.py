"""The persistent layer of the per-file parse cache: each `.ex` file's `FileResult` kept as JSON in the cache
directory, keyed by its relative path and the sha256 of its content.

One entry per Elixir tree (its root, as given and resolved, the folders read and paritydocs' own code make the key)
holds every file's result: a warm run reads one file, and an edited `.ex` file is the only one parsed again
(the entry is then rewritten with the current files only).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paritydocs.elixir.records import FileResult
from paritydocs.model import ExtractionWarning, ModelDataError, TypeDef, from_data, to_data
from paritydocs.sources import cache as entries
from paritydocs.textsafe import logger

__all__ = ["PersistentParseCache"]


class PersistentParseCache:
    """A `ParseCache` for one extraction, read from and saved to the cache directory.

    `extract_elixir(..., cache=...)` takes it: `get` serves a file whose path and content are unchanged, `put`
    records a file just parsed. `save()` writes the entry back when anything changed."""

    def __init__(self, cache_dir: Path | None, root: Path, dirs: Sequence[str]) -> None:
        self.parses = 0
        self.hits = 0
        self.dir = entries.extraction_dir(cache_dir, "elixir")
        where = {"root": str(root), "real_root": os.path.realpath(root), "dirs": list(dirs)}
        self.key = entries.entry_key({"code": entries.own_code_digest(), **where})
        self._stored: dict[str, Any] = {}
        self._used: dict[str, Any] = {}
        self._changed = False
        data = entries.read_entry(self.dir, self.key)
        if isinstance(data, dict) and isinstance(data.get("files"), dict):
            self._stored = data["files"]
        elif data is not None:
            logger.debug("extraction cache: elixir entry %s is not an object of files; ignored", self.key)

    def __len__(self) -> int:
        return len(self._used)

    def get(self, path: str, digest: str) -> FileResult | None:
        entry = self._stored.get(path)
        if not isinstance(entry, dict) or entry.get("sha256") != digest:
            return None
        try:
            result = FileResult(
                [from_data(TypeDef, t) for t in entry["types"]],
                [from_data(ExtractionWarning, w) for w in entry["warnings"]],
            )
        except (ModelDataError, KeyError, TypeError, RecursionError) as err:
            logger.debug("extraction cache: elixir entry for %s does not decode (%s); parsing it", path, err)
            return None
        self.hits += 1
        self._used[path] = entry
        return result

    def put(self, path: str, digest: str, result: FileResult) -> None:
        self._changed = True
        try:
            self._used[path] = {"sha256": digest, "types": to_data(result.types), "warnings": to_data(result.warnings)}
        except (ModelDataError, RecursionError) as err:
            logger.debug("extraction cache: %s not cached (%s)", path, err)

    def save(self) -> None:
        """Write the entry when a file was parsed or one cached is gone (the entry keeps the current files only)."""
        if not self._changed and self._used.keys() == self._stored.keys():
            return
        entries.write_entry(self.dir, self.key, {"files": self._used})
