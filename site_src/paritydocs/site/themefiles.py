"""The theme's files, listed again only when a folder of the theme changed.

MkDocs lists the theme's folders on every build to find its static files (`Files.add_files_from_theme`, through
the Jinja environment's `list_templates`): Material has about 14,500 files, most of them icons, and walking and
filtering them took 0.05 s of each build. `ThemeListing` keeps what that listing found instead:

- a folder's names are kept with the modification time of every folder under it, and walked again when one of
  those times changed (a file added, removed or renamed anywhere in it changes its folder's time), or when one
  of them was less than a second old at the walk (`sources.trees.settled`); an edit of a file's content changes
  no name, and MkDocs copies the file it names as before;
- the names MkDocs' filter keeps are kept by what that filter reads besides the name: its code (the file it is
  defined in, by content, and where in it) and the theme's `static_templates`.

A `serve` session keeps both in memory. A one-off build reads the kept names from the extraction cache
(`extraction/theme`, with the folders' times; `PARITYDOCS_NO_CACHE` leaves it out) and checks only the folders'
times: a listing read back is the one a walk gives, or it is not used.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from paritydocs.sources import cache as entries
from paritydocs.sources.trees import file_digest, folder_mtime, folders_unchanged, settled

__all__ = ["THEME_LISTINGS_KEPT", "ThemeListing"]

Folders = tuple[tuple[str, int], ...]
"""Every folder under a theme folder, with its modification time (ns)."""

THEME_LISTINGS_KEPT = 8
"""Listings kept in `extraction/theme`, the most recently used: a few themes, or a few versions of one."""


class ThemeListing:
    """The names of a theme's files (see the module's docstring); `folder`: where listings are kept for the
    builds that follow (None: in this process only); `session`: kept in memory too."""

    def __init__(self, folder: Path | None = None, *, session: bool = True) -> None:
        self.folder = folder
        self.session = session
        """A `serve` session's: the walks are kept in memory too; else forgotten once listed (Material's 14,500
        names, 1.3 MB of a large SDK's peak)."""
        self._walked: dict[tuple[str, bool], tuple[Folders, int, list[str]]] = {}
        """Theme folder → its folders with their times, the walk's number, and the names of its files
        (`/`-separated, sorted)."""
        self._merged: tuple[tuple[int, ...], list[str]] = ((), [])
        """The walks' numbers → the names of all their folders, once each, sorted."""
        self._kept: dict[tuple[Any, ...], list[str]] = {}
        """(the names' key, the filter's key) → the names the filter kept."""
        self.walks = 0
        """How many theme folders were walked (for the tests)."""
        self.read_back = 0
        """How many listings were read back from `folder` (for the tests)."""

    def install(self, theme: Any) -> None:
        """Make `theme.get_env()` give environments whose `list_templates` is this listing's. A theme whose
        environment's loader is not Jinja's `FileSystemLoader` of its folders is listed as MkDocs does."""
        get_env = theme.get_env

        def kept_env() -> Any:
            env = get_env()
            searchpath = getattr(env.loader, "searchpath", None)
            if isinstance(searchpath, list) and all(isinstance(p, str) for p in searchpath):
                static = tuple(sorted(getattr(theme, "static_templates", ()) or ()))
                followlinks = bool(getattr(env.loader, "followlinks", False))
                original = env.list_templates

                def list_templates(extensions: Any = None, filter_func: Callable[[str], bool] | None = None) -> Any:
                    if extensions is not None:
                        return original(extensions=extensions, filter_func=filter_func)
                    return self.names(searchpath, filter_func, static, followlinks=followlinks)

                env.list_templates = list_templates
            return env

        theme.get_env = kept_env

    def names(
        self,
        searchpath: list[str],
        filter_func: Callable[[str], bool] | None,
        static: tuple[str, ...],
        *,
        followlinks: bool = False,
    ) -> list[str]:
        """What `jinja2.Environment.list_templates(filter_func=filter_func)` gives for a `FileSystemLoader` of
        `searchpath`: the names under each folder, once each, sorted, those `filter_func` keeps."""
        filter_key = _filter_key(filter_func) if filter_func is not None else None
        stored = self._stored_key(searchpath, followlinks, filter_key, static)
        if stored is not None and not any((path, followlinks) in self._walked for path in searchpath):
            kept = _read_back(self.folder, stored)
            if kept is not None:
                self.read_back += 1
                return kept
        walks = [self._folder(path, followlinks) for path in searchpath]
        key = tuple(walk for walk, _ in walks)  # a folder walked again has a new number
        if self._merged[0] != key:
            walked = [names for _, names in walks]
            self._merged = (key, walked[0] if len(walked) == 1 else sorted({n for names in walked for n in names}))
        every = self._merged[1]
        if filter_func is None:
            return list(every)
        if filter_key is None:  # not a plain function: what it reads cannot be told
            return [name for name in every if filter_func(name)]
        kept_key = (key, filter_key, static)
        kept = self._kept.get(kept_key)
        if kept is None:
            kept = self._kept[kept_key] = [name for name in every if filter_func(name)]
            self._kept = {k: v for k, v in self._kept.items() if k[0] == key}  # only the current names' entries
            done = [self._walked.get((path, followlinks)) for path in searchpath]
            if stored is not None and self.folder is not None and all(w is not None for w in done):
                # every walk settled: kept for the builds that follow
                times = [list(item) for w in done if w is not None for item in w[0]]
                data = {"folders": times, "names": kept}
                entries.write_entry(self.folder, stored, data, keep=THEME_LISTINGS_KEPT)
        if not self.session:
            self._walked.clear()
            self._merged = ((), [])
            self._kept.clear()
        return list(kept)

    def _stored_key(
        self, searchpath: list[str], followlinks: bool, filter_key: Any, static: tuple[str, ...]
    ) -> str | None:
        """The key of this listing in `folder`; None when it is not kept there (no folder, no filter to key)."""
        if self.folder is None or filter_key is None or entries.extraction_cache_disabled():
            return None
        return entries.entry_key(
            {
                "what": "theme-files",
                "searchpath": list(searchpath),
                "followlinks": followlinks,
                "filter": list(filter_key),
                "static": list(static),
            }
        )

    def _folder(self, path: str, followlinks: bool) -> tuple[int, list[str]]:
        """The walk's number and the names of the files under `path`."""
        kept = self._walked.get((path, followlinks))
        if kept is not None and folders_unchanged(kept[0]):
            return kept[1], kept[2]
        folders: list[tuple[str, int]] = []
        found: list[str] = []
        stack = [path]
        while stack:  # as `os.walk` (which Jinja's loader uses) finds them
            folder = stack.pop()
            folders.append((folder, folder_mtime(folder)))  # read before its names: a change while listing is seen next
            try:
                entries_found = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries_found:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    name = entry.path[len(path) :].strip(os.path.sep).replace(os.path.sep, "/")
                    found.append(name[2:] if name[:2] == "./" else name)
                elif followlinks or not entry.is_symlink():
                    stack.append(entry.path)
        names = sorted(set(found))
        self.walks += 1
        self._walked.pop((path, followlinks), None)
        if settled(*(time for _, time in folders)):  # else walked again: a change in the same tick is unseen
            self._walked[path, followlinks] = (tuple(folders), self.walks, names)
        return self.walks, names


def _read_back(folder: Path | None, key: str) -> list[str] | None:
    """A listing kept in `folder` whose folders all have the times it was made with, else None."""
    if folder is None:
        return None
    kept = entries.read_entry(folder, key)
    if not isinstance(kept, dict):
        return None
    folders, names = kept.get("folders"), kept.get("names")
    if not isinstance(folders, list) or not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    pairs = (isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) and isinstance(f[1], int) for f in folders)
    if not all(pairs):
        return None
    return names if folders_unchanged(folders) else None


def _filter_key(filter_func: Callable[[str], bool]) -> tuple[str, str, int, str, str] | None:
    """What tells a filter's code: the file it is defined in (by content), its name and line there, and the
    version of the package it is in (for what it reads from the package's other modules: MkDocs' filter reads
    `mkdocs.utils.markdown_extensions`). None for a callable that is not a plain function, or whose file cannot
    be read."""
    code = getattr(filter_func, "__code__", None)
    if code is None:
        return None
    try:
        digest = file_digest(code.co_filename)
    except OSError:
        return None
    package = str(getattr(filter_func, "__module__", "") or "").partition(".")[0]
    version = str(getattr(sys.modules.get(package), "__version__", ""))
    return code.co_filename, code.co_qualname, code.co_firstlineno, digest, version
