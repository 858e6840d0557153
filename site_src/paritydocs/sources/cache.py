"""The cache of resolved sources: where it lives, its complete-marker, entries filled in scratch folders and
renamed into place whole under a lock, and the sweep of scratch folders that killed builds left behind."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from paritydocs.errors import SourceError
from paritydocs.textsafe import logger, one_line

__all__ = [
    "MARKER",
    "SCRATCH_MAX_AGE",
    "default_cache_dir",
    "is_complete",
    "locked",
    "populate",
    "safe_name",
    "short_digest",
]

MARKER = ".paritydocs-complete"
"""The file a finished cache entry contains; an entry without it is treated as absent."""
SCRATCH_MAX_AGE = 24 * 3600.0
"""Seconds after which a leftover `.tmp-*` / `.stale-*` directory in the cache is swept away."""
_UNSAFE_FILE_CHARS_RE = re.compile(r"[^A-Za-z0-9._+-]+")


def default_cache_dir() -> Path:
    """`$PARITYDOCS_CACHE`, else `$XDG_CACHE_HOME/paritydocs`, else `~/.cache/paritydocs`."""
    explicit = os.environ.get("PARITYDOCS_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore relative values
        return Path(xdg) / "paritydocs"
    return Path.home() / ".cache" / "paritydocs"


# --------------------------------------------------------------------------- cache entries


def is_complete(entry: Path) -> bool:
    return (entry / MARKER).is_file()


def populate(spec: str, kind_dir: Path, key: str, fill: Callable[[Path, Path], None]) -> Path:
    """`kind_dir/key`, filled by `fill(tree, scratch)` unless already complete; never visible half-written."""
    target = kind_dir / key
    if is_complete(target):
        logger.debug("%s: cached at %s", spec, target)
        return target
    cache_fix = "set PARITYDOCS_CACHE to a writable directory"
    try:
        kind_dir.mkdir(parents=True, exist_ok=True)
        _sweep(kind_dir)
        work = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=kind_dir))
    except OSError as err:
        raise SourceError(spec, f"cannot write the cache at {kind_dir} ({one_line(err)})", cache_fix) from err
    try:
        tree = work / "tree"
        tree.mkdir()
        fill(tree, work)
        (tree / MARKER).write_text(json.dumps({"spec": spec, "created": time.time()}) + "\n", encoding="utf-8")
        return _install(tree, target)
    except OSError as err:
        raise SourceError(spec, f"cannot write the cache entry {target} ({one_line(err)})", cache_fix) from err
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sweep(kind_dir: Path) -> None:
    """Remove scratch directories that builds killed long ago (SIGKILL, power loss) left behind."""
    now = time.time()
    for entry in kind_dir.iterdir():
        if entry.name.startswith((".tmp-", ".stale-")):
            with contextlib.suppress(OSError):
                if now - entry.lstat().st_mtime > SCRATCH_MAX_AGE:
                    shutil.rmtree(entry, ignore_errors=True)


def _install(tree: Path, target: Path) -> Path:
    """Rename a complete `tree` to `target`, unless another build already put a complete one there.

    Under a lock, so a stale entry (no marker) is swept aside by one build only, and never a fresh one.
    """
    with locked(target.parent / ".install.lock"):
        if is_complete(target):
            return target  # another build won the race; the caller discards ours
        if target.is_symlink() or target.exists():
            stale = target.parent / f".stale-{target.name}-{os.getpid()}-{time.monotonic_ns()}"
            os.rename(target, stale)
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink()
        os.rename(tree, target)
    return target


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on `path` (POSIX `flock`; a no-op where there is none)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- small helpers


def safe_name(text: str) -> str:
    return _UNSAFE_FILE_CHARS_RE.sub("_", text).strip("._")[:80]


def short_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
