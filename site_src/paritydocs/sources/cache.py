"""The cache of resolved sources: where it lives, its complete-marker, entries filled in scratch folders and
renamed into place whole under a lock, and the sweep of scratch folders that killed builds left behind; and the
store of the extraction cache (JSON entries written whole, checked when read, bounded in number)."""

from __future__ import annotations

import array
import contextlib
import dataclasses
import functools
import hashlib
import heapq
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from paritydocs.errors import SourceError
from paritydocs.textsafe import logger, one_line

__all__ = [
    "EXTRACTION_ENTRIES_KEPT",
    "EXTRACTION_FORMAT",
    "MARKER",
    "NO_CACHE_ENV",
    "PRUNE_SLACK",
    "SCRATCH_MAX_AGE",
    "WRITTEN_FILE",
    "Deferred",
    "beyond_newest",
    "cache_root",
    "data_of",
    "default_cache_dir",
    "defer_writes",
    "entry_key",
    "extraction_cache_disabled",
    "extraction_dir",
    "is_complete",
    "locked",
    "now_or_deferred",
    "own_code_digest",
    "populate",
    "prune_due",
    "prune_entries",
    "prune_if_due",
    "read_entry",
    "safe_name",
    "short_digest",
    "write_deferred",
    "write_entry",
]

MARKER = ".paritydocs-complete"
"""The file a finished cache entry contains; an entry without it is treated as absent."""
SCRATCH_MAX_AGE = 24 * 3600.0
"""Seconds after which a leftover `.tmp-*` / `.stale-*` directory in the cache is swept away."""
_UNSAFE_FILE_CHARS_RE = re.compile(r"[^A-Za-z0-9._+-]+")


def default_cache_dir() -> Path:
    """`$PARITYDOCS_CACHE`, else the platform's user cache folder (`platformdirs`): `$XDG_CACHE_HOME/paritydocs`
    or `~/.cache/paritydocs` on Linux (a relative `$XDG_CACHE_HOME` is ignored, as the XDG spec says),
    `~/Library/Caches/paritydocs` on macOS, `%LOCALAPPDATA%\\paritydocs\\Cache` on Windows."""
    explicit = os.environ.get("PARITYDOCS_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("paritydocs", appauthor=False))


# --------------------------------------------------------------------------- cache entries


def is_complete(entry: Path) -> bool:
    return (entry / MARKER).is_file()


def _files(tree: Path) -> Iterator[str]:
    """The path of every file under `tree`, folders and names sorted."""
    for folder, dirs, names in os.walk(tree):
        dirs.sort()
        for name in sorted(names):
            yield os.path.join(folder, name)


def _manifest(tree: Path) -> dict[str, str]:
    """The SHA-256 of every file under `tree` (relative POSIX path → hex), the marker left out; symbolic links
    as their target text."""
    files: dict[str, str] = {}
    for name in _files(tree):
        path = Path(name)
        rel = path.relative_to(tree).as_posix()
        if rel == MARKER:
            continue
        if path.is_symlink():
            files[rel] = "link:" + os.readlink(path)
            continue
        with path.open("rb") as handle:
            files[rel] = hashlib.file_digest(handle, "sha256").hexdigest()
    return files


def _stat_fingerprint(tree: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under `tree` with its size and modification time, in walk order (the marker included: an entry
    fetched again gets a new one)."""
    return tuple((path, (info := os.lstat(path)).st_size, info.st_mtime_ns) for path in _files(tree))


_VERIFIED: dict[str, tuple[tuple[str, int, int], ...]] = {}
"""Entry → its files' sizes and times when this process last found them as their manifest says: a `serve`
session resolves the same releases on every rebuild, and hashes them again only if a file's size or time moved."""

_WARNED: set[tuple[str, str, str]] = set()
"""Changed entries already said (a registry's lookup and `populate` both check one entry)."""


def usable(spec: str, entry: Path, *, verify: bool = True) -> bool:
    """The entry is complete and, with `verify`, every file is as it was written (its marker's manifest of
    content hashes). A file changed, truncated, removed or added since: one warning, and the entry is fetched
    again (an entry from before manifests is fetched again too: it cannot be checked)."""
    if not is_complete(entry):
        return False
    if not verify:
        return True
    try:
        stats = _stat_fingerprint(entry)
    except OSError:
        stats = None
    if stats is not None and _VERIFIED.get(str(entry)) == stats:
        return True  # checked by content in this process, and no file's size or time changed since
    recorded = _recorded(entry)
    try:
        actual = _manifest(entry)
    except OSError:
        actual = {}
    if recorded is not None and recorded == actual and stats is not None:
        _VERIFIED[str(entry)] = stats
    if recorded is None:
        logger.warning(
            "paritydocs: %s: the cached copy at %s has no manifest to check it by; fetching it again", spec, entry
        )
        return False
    if recorded == actual:
        return True
    changed = sorted(k for k in recorded.keys() | actual.keys() if recorded.get(k) != actual.get(k))
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    if (spec, str(entry), shown) in _WARNED:
        return False
    _WARNED.add((spec, str(entry), shown))
    logger.warning(
        "paritydocs: %s: the cached copy at %s was changed since it was fetched (%s); fetching it again",
        spec,
        entry,
        shown,
    )
    return False


def populate(spec: str, kind_dir: Path, key: str, fill: Callable[[Path, Path], None], *, verify: bool = True) -> Path:
    """`kind_dir/key`, filled by `fill(tree, scratch)` unless already there and intact (`usable`); never visible
    half-written. `verify=False` for an entry that is updated in place (a git mirror fetched into)."""
    target = kind_dir / key
    if usable(spec, target, verify=verify):
        logger.debug("%s: cached at %s", spec, target)
        return target
    cache_fix = "set PARITYDOCS_CACHE to a writable directory"
    try:
        kind_dir.mkdir(parents=True, exist_ok=True)
        _sweep(kind_dir)
        work = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-pid{os.getpid()}-", dir=kind_dir))
    except OSError as err:
        raise SourceError(spec, f"cannot write the cache at {kind_dir} ({one_line(err)})", cache_fix) from err
    try:
        tree = work / "tree"
        tree.mkdir()
        logger.info("paritydocs: fetching %s (first use; cached in %s)", spec, kind_dir)
        fill(tree, work)
        marker: dict[str, object] = {"spec": spec, "created": time.time()}
        if verify:
            marker["files"] = _manifest(tree)
        (tree / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        return _install(tree, target, replace_complete=True)
    except OSError as err:
        raise SourceError(spec, f"cannot write the cache entry {target} ({one_line(err)})", cache_fix) from err
    finally:
        shutil.rmtree(work, ignore_errors=True)


_SCRATCH_PID = re.compile(r"-pid(\d+)-")


def _sweep(kind_dir: Path) -> None:
    """Remove scratch directories builds left behind: at once when the build that made one on this machine is
    gone (killed mid-fetch: its folder names its process), else after `SCRATCH_MAX_AGE` (power loss, another
    machine on a shared cache)."""
    now = time.time()
    for entry in kind_dir.iterdir():
        if not entry.name.startswith((".tmp-", ".stale-")):
            continue
        with contextlib.suppress(OSError):
            owner = _SCRATCH_PID.search(entry.name)
            if (owner and not _alive(int(owner.group(1)))) or now - entry.lstat().st_mtime > SCRATCH_MAX_AGE:
                shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    """A process of that number runs on this machine (`kill(pid, 0)`: no signal is sent)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and belongs to someone else
        return True
    return True


def _install(tree: Path, target: Path, *, replace_complete: bool = False) -> Path:
    """Rename a complete `tree` to `target`, unless another build already put a complete one there.

    Under a lock, so a stale entry (no marker) is swept aside by one build only, and never a fresh one. With
    `replace_complete`, a complete entry that is not intact (`usable` said so) is swept aside too, unless it
    became intact again meanwhile (another build replaced it first).
    """
    with locked(target.parent / ".install.lock"):
        if is_complete(target) and (not replace_complete or _intact(target)):
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


def _recorded(entry: Path) -> dict[str, str] | None:
    """The manifest the entry's marker holds, or None (no marker, no manifest, not JSON)."""
    try:
        recorded = json.loads((entry / MARKER).read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    return recorded if isinstance(recorded, dict) else None


def _intact(entry: Path) -> bool:
    recorded = _recorded(entry)
    try:
        return recorded is not None and recorded == _manifest(entry)
    except OSError:
        return False


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


# --------------------------------------------------------------------------- the extraction cache
#
# Extracted models, as JSON files under `cache_dir/extraction/<kind>/<key>.json` (never pickle: cache folders
# are shared through CI caches). An entry is a header line (format, kind, key, sha256 of the body) and the body;
# it is written to a temporary file and renamed into place, so a reader sees a whole entry or none. Each kind keeps
# its `EXTRACTION_ENTRIES_KEPT` most recently used entries. Whatever goes wrong reading one (missing, truncated,
# edited, another format) makes it absent: the caller extracts cold.

EXTRACTION_FORMAT = 1
"""The layout of an entry; entries of another format are ignored (and swept away by the bound)."""
EXTRACTION_ENTRIES_KEPT = 16
"""Entries kept per kind (`python`, `elixir`), the most recently used ones."""
NO_CACHE_ENV = "PARITYDOCS_NO_CACHE"
"""Set to anything but empty, `0`, `false` or `no`: the extraction cache is neither read nor written."""


def extraction_cache_disabled(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(NO_CACHE_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no")


def cache_root(cache_dir: Path | None) -> Path:
    """The cache folder: `cache_dir` when one is configured, else `default_cache_dir()`."""
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()


def extraction_dir(cache_dir: Path | None, kind: str) -> Path:
    """Where entries of `kind` live: `extraction/<kind>` under `cache_root(cache_dir)`."""
    return cache_root(cache_dir) / "extraction" / kind


def plain(value: Any) -> Any:
    """`value` as JSON-able data for `entry_key`: mappings sorted by key, sets sorted, paths as text, other
    objects by their `repr` (by their type's name when that `repr` holds an address, which changes every run)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Path):
        return str(value)
    text = repr(value)
    return f"<{type(value).__module__}.{type(value).__qualname__}>" if " at 0x" in text else text


def data_of(value: Any) -> Any:
    """A tree of dataclasses as data, as `dataclasses.asdict` makes it (dataclasses as dicts of their fields,
    lists, tuples and dicts through), without copying each leaf: it only feeds `entry_key`, which reads it once.
    A leaf that is not JSON (a set, an object) stays as it is, so `entry_key` fails on it as on `asdict`'s."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: data_of(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):  # a tuple is a JSON list, as `asdict`'s tuple is
        return [data_of(item) for item in value]
    if isinstance(value, dict):
        return {data_of(k): data_of(v) for k, v in value.items()}
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def entry_key(parts: object) -> str:
    """A key from any JSON-able description of what an entry depends on."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:40]


def read_entry(kind_dir: Path, key: str) -> Any | None:
    """The JSON body of entry `key`, or None (absent, unreadable, damaged, another format: logged at debug)."""
    path = kind_dir / f"{key}.json"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        logger.debug("extraction cache: cannot read %s (%s)", path, one_line(err))
        return None
    try:
        head, sep, body = raw.partition(b"\n")
        header = json.loads(head)
        if not sep or not isinstance(header, dict):
            raise ValueError("no header line")
        if header.get("format") != EXTRACTION_FORMAT or header.get("key") != key:
            raise ValueError(f"format {header.get('format')!r}, key {header.get('key')!r}")
        if header.get("sha256") != hashlib.sha256(body).hexdigest():
            raise ValueError("the body does not match its checksum")
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        logger.debug("extraction cache: ignoring %s (%s)", path, one_line(err))
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the bound
    return data


Deferred = list[Callable[[], object]]
"""What waits to be done later: entries to write, folders to prune."""

_deferring: list[Deferred | None] = [None]
"""Where `write_entry` and `prune_if_due` put what they are asked to do, while `defer_writes` says so; None: they
do it at once."""


def defer_writes(queue: Deferred | None) -> None:
    """From now on `write_entry` and `prune_if_due` queue their work in `queue` (None: do it at once again), for
    `write_deferred` to do: a `serve` build's entries are for the builds that follow, and are written, and their
    folders pruned, once the rebuilt page is served. What is queued must not change until it is written."""
    _deferring[0] = queue


def now_or_deferred(action: Callable[[], object]) -> None:
    """Do `action` now, or queue it while `defer_writes` says so (a `serve` build's cache upkeep)."""
    queue = _deferring[0]
    if queue is not None:
        queue.append(action)
    else:
        action()


def write_deferred(queue: Deferred) -> None:
    """Do what `queue` holds, in order, and empty it."""
    while queue:
        queue.pop(0)()


def write_entry(kind_dir: Path, key: str, data: Any, *, keep: int | None = None, prune: bool = True) -> bool:
    """Write entry `key` whole (temporary file, then rename), then drop all but the `keep` most recent entries
    (`prune=False`: the caller prunes, once for many entries); queued instead while `defer_writes` says so.

    Never raises for the cache's sake: a cache that cannot be written is logged at debug and skipped."""
    queue = _deferring[0]
    if queue is not None:
        queue.append(functools.partial(_write_entry, kind_dir, key, data, keep=keep, prune=prune))
        return True
    return _write_entry(kind_dir, key, data, keep=keep, prune=prune)


def _write_entry(kind_dir: Path, key: str, data: Any, *, keep: int | None, prune: bool) -> bool:
    try:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=True).encode("utf-8")
        header = {"format": EXTRACTION_FORMAT, "key": key, "sha256": hashlib.sha256(body).hexdigest()}
        kind_dir.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(prefix=f".tmp-{key}-", suffix=".json", dir=kind_dir)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(json.dumps(header).encode("ascii") + b"\n" + body)
            os.replace(scratch, kind_dir / f"{key}.json")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(scratch)
            raise
    except (OSError, ValueError, TypeError, RecursionError) as err:
        logger.debug("extraction cache: cannot write %s/%s.json (%s)", kind_dir, key, one_line(err))
        return False
    if prune:
        prune_entries(kind_dir, EXTRACTION_ENTRIES_KEPT if keep is None else keep)
    return True


PRUNE_SLACK = 20
"""A folder bounded to `keep` entries is listed again once a twentieth of `keep` entries were written since."""

WRITTEN_FILE = ".written"
"""In a bounded folder: how many entries were written to it since it was last listed (a decimal number)."""

_written_since_prune: dict[str, int] = {}
"""Folder → entries written to it since it was last listed, as this process counted them: for a folder whose
`WRITTEN_FILE` cannot be read or written (a read-only cache)."""


def prune_due(folder: Path, keep: int, *, written: int) -> bool:
    """Whether a folder bounded to `keep` entries, to which a build just wrote `written`, should be pruned now:
    once the entries written since it was last listed reach `keep / PRUNE_SLACK`, counted in the folder's
    `WRITTEN_FILE` by every build, one-off or `serve`, of every process; a folder with no count (never listed, or
    the count lost) is listed. Builds that write a few entries each then do not list a folder of thousands every
    time (0.16 s of a one-off build after an `.ex` edit, with the folders of a few weeks), and the folder holds at
    most `keep` plus that slack, plus what two builds at once counted over each other."""
    if written <= 0:
        return False
    name = str(folder)
    counted = _read_count(folder / WRITTEN_FILE)
    since = counted if counted is not None else _written_since_prune.get(name)
    due = since is None or since + written >= max(keep // PRUNE_SLACK, 1)
    now = 0 if due else (since or 0) + written
    _written_since_prune[name] = now
    with contextlib.suppress(OSError):
        (folder / WRITTEN_FILE).write_text(str(now), encoding="ascii")
    return due


def _read_count(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None  # half-written by another build: listed, to be safe


def prune_if_due(kind_dir: Path, keep: int, *, written: int) -> None:
    """`prune_entries(kind_dir, keep)` after a build that wrote `written` entries there, when `prune_due`; queued
    while `defer_writes` says so."""
    if prune_due(kind_dir, keep, written=written):
        now_or_deferred(functools.partial(prune_entries, kind_dir, keep))


def prune_entries(kind_dir: Path, keep: int) -> None:
    """Keep the `keep` most recently used entries of `kind_dir`; remove scratch files older than a day."""
    now = time.time()

    def listing() -> Iterator[tuple[float, str]]:
        with os.scandir(kind_dir) as items:
            for item in items:
                with contextlib.suppress(OSError):
                    mtime = item.stat(follow_symlinks=False).st_mtime
                    if item.name.startswith(".tmp-"):
                        if now - mtime > SCRATCH_MAX_AGE:
                            os.unlink(item.path)
                    elif item.name.endswith(".json") and item.is_file(follow_symlinks=False):
                        yield mtime, item.name

    try:
        for name in beyond_newest(listing, keep):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(kind_dir, name))
    except OSError:
        return


def beyond_newest(listing: Callable[[], Iterable[tuple[float, str]]], keep: int) -> Iterator[str]:
    """The names of `listing()` (time, name) but the `keep` newest (the greater name first among equal times):
    what a bounded folder prunes. The listing is made twice, and only its times are held between: a folder of
    tens of thousands costs a build no more than their number in floats."""
    times = array.array("d", (stamp for stamp, _ in listing()))
    if len(times) <= keep:
        return
    keep = max(keep, 0)
    cutoff = heapq.nlargest(keep, times)[-1] if keep else math.inf
    newer = sum(1 for stamp in times if stamp > cutoff)
    del times
    tied: list[str] = []
    for stamp, name in listing():
        if stamp < cutoff:
            yield name
        elif stamp == cutoff:
            tied.append(name)
    tied.sort(reverse=True)
    yield from tied[keep - newer :]


def own_code_digest() -> str:
    """A digest of paritydocs' own source (every `.py` and `.scm` file of the package) and of what else decides an
    extraction's result: the Python version and the installed Griffe and tree-sitter distributions. During
    development the version string does not change when the code does, so it is not enough."""
    return _own_code_digest()


@functools.cache
def _own_code_digest() -> str:
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    digest.update(f"python {sys.version}\n".encode())
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".scm")):
                path = Path(folder, name)
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    for dist in distributions(("griffe", "tree_sitter", "tree_sitter_elixir")):
        digest.update(f"{dist}\n".encode())
    return digest.hexdigest()


def distributions(modules: tuple[str, ...]) -> list[str]:
    """The installed distributions (`name-version.dist-info`) of top-level `modules`, without importing them or
    `importlib.metadata` (both cost more than the rest of a warm run); a module found elsewhere is named by its
    location and modification time."""
    import importlib.util

    found = []
    for module in modules:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        if not origin:
            found.append(f"{module}: absent")
            continue
        package = Path(origin).parent
        site = package.parent
        prefix = module.lower() + "-"
        try:
            names = sorted(n for n in os.listdir(site) if n.lower().startswith(prefix) and n.endswith(".dist-info"))
        except OSError:
            names = []
        if names:
            found += names
        else:
            try:
                found.append(f"{origin} {os.stat(origin).st_mtime_ns}")
            except OSError:
                found.append(origin)
    return found
