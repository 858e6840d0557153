"""The theme's files, listed once a `serve` session and again only when a folder of the theme changed.

MkDocs lists the theme's folders on every build to find its static files (`Files.add_files_from_theme`, through
the Jinja environment's `list_templates`): Material has about 14,500 files, most of them icons, and walking and
filtering them took 0.05 s of each rebuild. A `ServeSession` keeps the list instead (`ThemeListing`):

- a folder's names are kept with the modification time of every folder under it, and walked again when one of
  those times changed (a file added, removed or renamed anywhere in it changes its folder's time), or when one
  of them was less than a second old at the walk (`sources.trees.settled`); an edit of a file's content changes
  no name, and MkDocs copies the file it names as before;
- the names MkDocs' filter keeps are kept by the filter's code and the theme's `static_templates`, the two
  things that filter reads besides the name.

One-off builds list the theme as MkDocs does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from paritydocs.sources.trees import settled

__all__ = ["ThemeListing"]

Folders = tuple[tuple[str, int], ...]
"""Every folder under a theme folder, with its modification time (ns)."""


class ThemeListing:
    """The names of a theme's files, kept for a `serve` session (see the module's docstring)."""

    def __init__(self) -> None:
        self._walked: dict[tuple[str, bool], tuple[Folders, int, list[str]]] = {}
        """Theme folder → its folders with their times, the walk's number, and the names of its files
        (`/`-separated, sorted)."""
        self._merged: tuple[tuple[int, ...], list[str]] = ((), [])
        """The walks' numbers → the names of all their folders, once each, sorted."""
        self._kept: dict[tuple[Any, ...], list[str]] = {}
        """(the names' key, the filter's key) → the names the filter kept."""
        self.walks = 0
        """How many theme folders were walked in this session (for the tests)."""

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
        walks = [self._folder(path, followlinks) for path in searchpath]
        key = tuple(walk for walk, _ in walks)  # a folder walked again has a new number
        if self._merged[0] != key:
            walked = [names for _, names in walks]
            self._merged = (key, walked[0] if len(walked) == 1 else sorted({n for names in walked for n in names}))
        every = self._merged[1]
        if filter_func is None:
            return list(every)
        code = getattr(filter_func, "__code__", None)
        if code is None:  # not a plain function: what it reads cannot be told
            return [name for name in every if filter_func(name)]
        kept_key = (key, code, static)
        kept = self._kept.get(kept_key)
        if kept is None:
            kept = self._kept[kept_key] = [name for name in every if filter_func(name)]
            self._kept = {k: v for k, v in self._kept.items() if k[0] == key}  # only the current names' entries
        return list(kept)

    def _folder(self, path: str, followlinks: bool) -> tuple[int, list[str]]:
        """The walk's number and the names of the files under `path`."""
        kept = self._walked.get((path, followlinks))
        if kept is not None and all(_mtime(folder) == time for folder, time in kept[0]):
            return kept[1], kept[2]
        folders: list[tuple[str, int]] = []
        found: list[str] = []
        stack = [path]
        while stack:  # as `os.walk` (which Jinja's loader uses) finds them
            folder = stack.pop()
            folders.append((folder, _mtime(folder)))  # read before its names: a change while listing is seen next
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
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
        if settled(*(time for _, time in folders)):  # else walked again: a change in the same tick is unseen
            self._walked[path, followlinks] = (tuple(folders), self.walks, names)
        return self.walks, names


def _mtime(folder: str) -> int:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1
