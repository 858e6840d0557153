"""Checks and fingerprints of a local SDK tree: links out of it, link loops and special files; what changed."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from paritydocs.errors import SourceError

T = TypeVar("T")

SETTLED_NS = 1_000_000_000
"""How old a file's or folder's times must be for what was read of it to be kept by them (`settled`)."""


def settled(*times_ns: int) -> bool:
    """Whether status times (ns) are old enough that a later change would move them: a file system's clock
    ticks coarsely (a few milliseconds on Linux), so a write in the tick the status was read in can leave the
    times as they were (git's "racy" index entries). What was read of a file changed less than a second ago is
    read again next time."""
    return time.time_ns() - max(times_ns) >= SETTLED_NS


def tree_hazards(root: Path, top: Path, skipped: Iterable[str] = (), *, loops: bool = True) -> list[str]:
    """What in `top` (a folder of the SDK at `root`) the extraction must not read: a symlink leading out of
    `root` (it would publish a file of the build machine), with `loops` a folder symlink that leads back to a
    folder on its own path (Griffe walks such a loop without end; the Elixir extractor notices it), a device,
    fifo or socket (reading it never ends). Folder links inside the tree are followed, as the extractors do.
    Paths relative to `root`.

    While `keep_files` is on (`serve`), a tree with no symbolic link is walked again only when one of its folders
    changed (`folders_unchanged`): a file added, removed, renamed or replaced (by a link, a fifo) changes its
    folder's modification time. What one walk saw is kept only when every folder's time had settled (`settled`)."""
    key = (os.fspath(root), os.fspath(top), frozenset(skipped), loops)
    kept = _HAZARDS.get(key) if KEEPING_FILES[0] else None
    if kept is not None and folders_unchanged(kept[0]):
        return list(kept[1])
    problems, folders, links = _walk_hazards(root, top, frozenset(skipped), loops=loops)
    if KEEPING_FILES[0] and not links and settled(*(time for _, time in folders)):
        _HAZARDS[key] = (folders, list(problems))
    return problems


_HAZARDS: dict[tuple[Any, ...], tuple[list[tuple[str, int]], list[str]]] = {}
"""`tree_hazards`' walks kept for `serve`: (root, top, skipped, loops) → every folder walked with its
modification time, and what the walk found."""


def folder_mtime(folder: str) -> int:
    """A folder's modification time (ns), -1 when it cannot be read: the time a listing of it is kept by
    (`folders_unchanged`)."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def folders_unchanged(folders: Iterable[Sequence[Any]]) -> bool:
    """Whether every folder still has the modification time it was listed with (`(folder, time)` pairs): a name
    added, removed or renamed in a folder moves its time."""
    return all(folder_mtime(folder) == time for folder, time in folders)


def _walk_hazards(
    root: Path, top: Path, skipped: frozenset[str], *, loops: bool
) -> tuple[list[str], list[tuple[str, int]], bool]:
    """`tree_hazards`' walk: what it found, every folder it listed with its time, and whether it met a link."""
    problems: list[str] = []
    folders: list[tuple[str, int]] = []
    links = False
    real_root = os.path.realpath(root)
    # (folder as reached, the real folders on the way to it)
    stack: list[tuple[str, frozenset[str]]] = [(str(top), frozenset({os.path.realpath(top)}))]
    while stack:
        folder, chain = stack.pop()
        folders.append((folder, folder_mtime(folder)))  # before its names: a change while listing is seen next
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name in skipped:
                continue
            rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
                real = entry.path
                if stat.S_ISLNK(mode):
                    links = True
                    real = os.path.realpath(entry.path)
                    if not inside_of(real, real_root):
                        problems.append(f"{rel} links outside the tree")
                        continue
                    mode = os.stat(real).st_mode
                if stat.S_ISDIR(mode):
                    real = os.path.realpath(real)
                    if real in chain:
                        if loops:
                            problems.append(f"{rel} links back to a folder on its own path (a loop)")
                        continue
                    stack.append((entry.path, chain | {real}))
                elif not stat.S_ISREG(mode):
                    problems.append(f"{rel} is a device, fifo or socket")
            except OSError:
                continue
    return problems, folders, links


def inside_of(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or under it (both real paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


SKIPPED_DIRS = {".git", "_build", "deps", "node_modules", "__pycache__", ".venv", "site", ".elixir_ls"}
"""Folders no SDK reading walks into: version control, build output, dependencies, virtualenvs."""


def check_tree(spec: str, root: Path, tops: list[Path], skipped: Iterable[str] = (), *, loops: bool = True) -> None:
    """Refuse a source whose folders `tops` hold a `tree_hazards` entry: one line naming it, and the fix."""
    problems = [p for top in tops if top.is_dir() for p in tree_hazards(root, top, skipped, loops=loops)]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SourceError(spec, f"{problems[0]}{more}", "remove it from the tree, or point at a copy without it")


def tree_fingerprint(root: Path, pattern: str = "*") -> str:
    """Size and mtime of every file matching `pattern` under `root` (virtualenvs, `.git`, build output
    skipped): cheap, and changes whenever an editor saves."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob(pattern)):
        if SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def tree_files(root: Path) -> dict[str, str]:
    """Every file under `root` by its relative POSIX path (→ its path, as text: a `Path` a file cost more than
    the walk): the folders of `tree_fingerprint` skipped, symbolic links not followed, the cache's
    complete-marker left out."""
    files: dict[str, str] = {}
    top = os.fspath(root)
    cut = len(os.path.join(top, ""))
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name in SKIPPED_DIRS or entry.is_symlink():
                continue
            if entry.is_dir():
                stack.append(entry.path)
            elif entry.is_file() and entry.name != ".paritydocs-complete":
                files[entry.path[cut:].replace(os.sep, "/")] = entry.path
    return files


def content_fingerprint(root: Path, suffixes: tuple[str, ...] = ("",)) -> str:
    """The relative path and content of every file of `tree_files(root)` whose name ends with one of `suffixes`
    (all, by default): a key that survives copying the tree elsewhere and changes with any edit."""
    digest = hashlib.sha256()
    for rel, path in sorted(tree_files(root).items()):
        if not rel.endswith(suffixes):
            continue
        try:
            content = file_digest(path)
        except OSError:
            content = "unreadable"
        digest.update(f"{rel}\0{content}\n".encode())
    return digest.hexdigest()


KEEPING_FILES = [False]
"""Whether what is read of a file is kept for the process by its status (`KeptByStatus`: `file_digest`,
`modelnames.scan_tree`): on for a `serve` session (`keep_files`), whose rebuilds read the same files again; off
elsewhere, where each file is read once or twice and what would be kept only adds to a large SDK's peak memory
(N = 5,000: 516 MB)."""


class KeptByStatus(Generic[T]):
    """What was read of each file, kept for the process while `keep_files` is on: by a key naming the file and
    what was read of it, and the file's status (device, inode, size, modification and change times). A write
    moves a file's change time, which no program can set back; a file changed in the last second is not kept
    (`settled`). At most `bound` files, the most recently used."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._kept: OrderedDict[Hashable, tuple[tuple[int, ...], T]] = OrderedDict()
        _KEPT.append(self)

    def get(self, key: Hashable, info: os.stat_result) -> T | None:
        """What was kept for `key` while the file had the status `info` gives, else None."""
        kept = self._kept.get(key) if self._kept else None
        if kept is None or kept[0] != _status(info):
            return None
        self._kept.move_to_end(key)
        return kept[1]

    def put(self, key: Hashable, info: os.stat_result, value: T) -> None:
        """Keep `value`, read of the file while `info` was its status (nothing when not keeping or not settled)."""
        if KEEPING_FILES[0] and settled(info.st_mtime_ns, info.st_ctime_ns):
            self._kept[key] = (_status(info), value)
            if len(self._kept) > self.bound:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()


_KEPT: list[KeptByStatus[Any]] = []
"""Every `KeptByStatus`, for `keep_files(False)` to empty."""


def _status(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def keep_files(on: bool) -> None:
    """Keep what is read of each file for the process (`KEEPING_FILES`), or stop keeping and forget it."""
    KEEPING_FILES[0] = on
    if not on:
        for kept in _KEPT:
            kept.clear()
        _HAZARDS.clear()


def file_digest(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's content (hex), kept by the file's status while `keep_files` is on (a `serve`
    rebuild hashes again only the files that changed). OSError when it cannot be read."""
    name = os.fspath(path)
    info = os.stat(name)  # before the content: a write while it is read moves the status kept
    kept = _DIGESTS.get(name, info)
    if kept is not None:
        return kept
    with open(name, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    _DIGESTS.put(name, info, digest)
    return digest


def kept_digest(path: str | os.PathLike[str]) -> str | None:
    """`file_digest` of a file, when it is kept and its status did not move; else None, and the file unread."""
    if not KEEPING_FILES[0]:
        return None
    name = os.fspath(path)
    try:
        return _DIGESTS.get(name, os.stat(name))
    except OSError:
        return None


def read_file(path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """A file's bytes and their sha256 (hex), which `file_digest` then knows. OSError when it cannot be read."""
    name = os.fspath(path)
    info = os.stat(name)
    with open(name, "rb") as handle:
        data = handle.read()
    digest = hashlib.sha256(data).hexdigest()
    _DIGESTS.put(name, info, digest)
    return data, digest


DIGESTS_KEPT = 100_000
"""Files whose digest `file_digest` keeps: the trees of a few SDK pairs and a site's templates."""

_DIGESTS: KeptByStatus[str] = KeptByStatus(DIGESTS_KEPT)


def python_fingerprint(root: Path) -> str:
    """`tree_fingerprint` of the Python sources alone: what the Python extraction and mkdocstrings read (`serve`
    loads the SDK again when it changes). Not on any page: the API pages carry their own module's content."""
    return tree_fingerprint(root, "*.py")
