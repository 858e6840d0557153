"""The persistent cache of a sync report's Python half (`PythonDiff`): the two revisions' models, their changes
attributed to commits, the other changed files and the range's commits, kept as one JSON entry of the extraction
cache (`extraction/sync` under the cache directory).

The key holds everything the Python half depends on: paritydocs' own code (`own_code_digest`), each revision's
content (`content_key`: a resolved git/PyPI/Hex tree by its commit or release and cache place, a local tree by
the content of its files), both specs as resolved (the range's history is read from them), and the settings that
change a comparison (`python_modules`, `python_clients`, `behaviour_modules`, `model_names`). The Elixir half is
never cached here: targets are found against the port as it is on every run. `PARITYDOCS_NO_CACHE` turns the
cache off; an entry that does not decode is ignored and computed again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paritydocs.config import Settings
from paritydocs.model import ModelDataError, SdkModel, from_data, to_data
from paritydocs.sources import cache as entries
from paritydocs.sources.git import Commit
from paritydocs.sync.report import Change, FileStatus, Revision
from paritydocs.sync.revisions import PythonDiff, content_key
from paritydocs.textsafe import logger

__all__ = ["SYNC_ENTRIES_KEPT", "diff_key", "load_diff", "store_diff"]

SYNC_ENTRIES_KEPT = 16
"""Sync entries kept, the most recently used ones (a site with a few `sync_ranges`, a few CLI runs)."""


def _dir(settings: Settings) -> Path:
    return entries.extraction_dir(settings.cache_dir, "sync")


def diff_key(settings: Settings, old: tuple[Revision, Path], new: tuple[Revision, Path]) -> str | None:
    """The entry key of the Python half comparing `old` to `new` (each a revision and its tree); None when the
    cache is off or a tree cannot be read."""
    if entries.extraction_cache_disabled():
        return None
    try:
        trees = [content_key(rev, root) for rev, root in (old, new)]
    except (OSError, RecursionError) as err:
        logger.debug("sync cache: a tree cannot be fingerprinted (%s); not cached", err)
        return None
    return entries.entry_key(
        {
            "what": "sync-python",
            "code": entries.own_code_digest(),
            "trees": trees,
            "specs": [old[0].spec, new[0].spec],
            "roots": [str(old[1]), str(new[1])],
            "python_modules": list(settings.python_modules),
            "python_clients": list(settings.python_clients),
            "behaviour_modules": list(settings.behaviour_modules),
            "model_names": sorted(settings.model_names.items()),
        }
    )


def load_diff(settings: Settings, key: str | None) -> PythonDiff | None:
    """The cached Python half under `key`, or None (absent, damaged, or of another layout)."""
    if key is None:
        return None
    data = entries.read_entry(_dir(settings), key)
    if data is None:
        return None
    try:
        commits = data["commits"]
        return PythonDiff(
            old=from_data(SdkModel, data["old"]),
            new=from_data(SdkModel, data["new"]),
            changes=[from_data(Change, c) for c in data["changes"]],
            other_files=[from_data(FileStatus, f) for f in data["other_files"]],
            warnings=[str(w) for w in data["warnings"]],
            commits=None if commits is None else [Commit(c[0], c[1], tuple(c[2])) for c in commits],
        )
    except (ModelDataError, KeyError, TypeError, IndexError, RecursionError) as err:
        logger.debug("sync cache: entry %s does not decode (%s); comparing again", key, err)
        return None


def store_diff(settings: Settings, key: str | None, diff: PythonDiff) -> None:
    """Keep `diff` under `key` (nothing when the key is None or the diff has no lossless JSON form)."""
    if key is None:
        return
    try:
        data: dict[str, Any] = {
            "old": to_data(diff.old),
            "new": to_data(diff.new),
            "changes": to_data(diff.changes),
            "other_files": to_data(diff.other_files),
            "warnings": list(diff.warnings),
            "commits": None if diff.commits is None else [[c.sha, c.subject, list(c.files)] for c in diff.commits],
        }
    except (ModelDataError, RecursionError) as err:
        logger.debug("sync cache: the comparison is not cached (%s)", err)
        return
    entries.write_entry(_dir(settings), key, data, keep=SYNC_ENTRIES_KEPT)
