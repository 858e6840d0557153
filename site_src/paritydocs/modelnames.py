"""Model-name example updates: rewrite outdated model ids, and find the ones still in either SDK.

Matching respects model-id boundaries: `Qwen/Qwen2.5-7B` does not match inside `Qwen/Qwen2.5-7B-Instruct`
or `org/Qwen/Qwen2.5-7B`, so only the ids listed are rewritten. Rewriting is idempotent as long as no new
name is itself listed as an old one (checked in `compile_updates`).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paritydocs.errors import ConfigError
from paritydocs.model import Location
from paritydocs.sources.trees import SKIPPED_DIRS, KeptByStatus

# A model id continues with word characters, `-`, `/`, or a `.` followed by a word character (`2.5`).
_BEFORE = r"(?<![\w/.\-])"
_AFTER = r"(?![\w\-/]|\.\w)"


@dataclass(frozen=True, slots=True)
class ModelNameUpdate:
    old: str
    new: str
    pattern: re.Pattern[str]


def compile_updates(model_names: Mapping[str, str]) -> tuple[ModelNameUpdate, ...]:
    olds = set(model_names)
    for old, new in model_names.items():
        if any(_pattern(o).search(new) for o in olds):
            raise ConfigError(
                f"model_names: the new name '{new}' (for '{old}') is itself listed as an old name; "
                "updates would not be idempotent"
            )
    return tuple(ModelNameUpdate(old, new, _pattern(old)) for old, new in model_names.items())


def _pattern(old: str) -> re.Pattern[str]:
    return re.compile(_BEFORE + re.escape(old) + _AFTER)


def apply_updates(text: str, updates: Iterable[ModelNameUpdate]) -> str:
    """Rewrite every listed old id to its new one, in order."""
    for update in updates:
        if update.old in text:
            text = update.pattern.sub(update.new, text)
    return text


def has_outdated(text: str | None, updates: Iterable[ModelNameUpdate]) -> bool:
    if not text:
        return False
    return any(u.old in text and u.pattern.search(text) for u in updates)


# ---- scanning the SDK trees ---------------------------------------------------------------------

SCANNED_SUFFIXES = {
    ".py",
    ".pyi",
    ".md",
    ".rst",
    ".txt",
    ".ex",
    ".exs",
    ".livemd",
    ".yml",
    ".yaml",
    ".toml",
    ".json",
    ".ipynb",
}
INTERNAL_PATTERNS = (
    "test/*",
    "tests/*",
    "*/test/*",
    "*/tests/*",
    "test_*.py",
    "*/test_*.py",
    "*_test.py",
    "*_test.exs",
    "docs/2[0-9][0-9][0-9]*/*",  # dated research folders
    "*research*",
    "*notes*",
    "*/adrs/*",
    "*/prompts/*",
    "*/plans/*",
    "CHANGELOG*",
    "AGENTS.md",
    "CLAUDE.md",
    ".github/*",
    "*.lock",
)
MAX_SCANNED_BYTES = 8 << 20


@dataclass(frozen=True, slots=True)
class Occurrence:
    side: str
    """`python` or `elixir`."""
    file: str
    line: int
    column: int
    old: str
    new: str
    text: str
    """The line, stripped, shortened."""
    audience: str
    """`user-facing` or `internal`."""
    reason: str

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    def to_json(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "file": self.file,
            "line": self.line,
            "old": self.old,
            "new": self.new,
            "audience": self.audience,
            "reason": self.reason,
            "text": self.text,
        }


def classify(relpath: str) -> tuple[str, str]:
    """User-facing (ships to users: README, guides, package docs, doc attributes, code) or internal."""
    for pattern in INTERNAL_PATTERNS:
        if fnmatch.fnmatch(relpath, pattern):
            return "internal", _REASONS.get(pattern, f"matches {pattern}")
    if relpath.endswith((".ex", ".py", ".pyi")):
        return "user-facing", "shipped source (docstrings, @moduledoc/@doc, defaults)"
    if relpath.startswith(("docs/", "guides/")) or "/docs/" in relpath:
        return "user-facing", "published documentation"
    if Path(relpath).name.lower().startswith("readme"):
        return "user-facing", "README"
    if relpath.startswith("examples/") or "/examples/" in relpath:
        return "user-facing", "example"
    return "user-facing", "shipped file"


_REASONS = {
    "test/*": "test",
    "tests/*": "test",
    "*/test/*": "test",
    "*/tests/*": "test",
    "docs/2[0-9][0-9][0-9]*/*": "dated research notes",
    "*research*": "research notes",
    "*/adrs/*": "design records",
    "*/prompts/*": "prompts",
    "CHANGELOG*": "changelog (history)",
}


def scan_tree(root: Path, side: str, updates: tuple[ModelNameUpdate, ...]) -> list[Occurrence]:
    """Every occurrence of an outdated name in a source tree, sorted by file and line.

    While `sources.trees.keep_files` is on (a `serve` session), what a file holds is kept for the process by its
    path, its place in the tree, the names looked for and the file's status (`sources.trees.KeptByStatus`): a
    rebuild reads again only the files that changed, not both trees."""
    found: list[Occurrence] = []
    if not updates:
        return found
    root = root.resolve()
    names = tuple((u.old, u.new) for u in updates)
    for path, linked in _walk_entries(root):
        try:
            # a regular file inside the tree, of a size a source file has: not a link to the build machine's
            # files, not a fifo or /dev/zero, whose reading never ends
            if linked:
                real = path.resolve()
                if not real.is_relative_to(root) or not real.is_file():
                    continue
                st = real.stat()
            else:  # no link on the way from the (resolved) root: the path is its own real path
                st = os.stat(path)
                if not stat.S_ISREG(st.st_mode):
                    continue
            if st.st_size > MAX_SCANNED_BYTES:
                continue
            rel = path.relative_to(root).as_posix()
            key = (str(path), rel, side, names)
            kept = _SCANNED.get(key, st)
            if kept is not None:
                found.extend(kept)
                continue
            raw = path.read_bytes()
        except OSError:
            continue
        occurrences = _scan_file(raw, rel, side, updates)
        _SCANNED.put(key, st, occurrences)
        found.extend(occurrences)
    return sorted(found, key=lambda o: (o.file, o.line, o.column))


FILES_SCANNED_KEPT = 50_000
"""Files whose occurrences `scan_tree` keeps, the most recently scanned: both trees of a few SDK pairs."""

_SCANNED: KeptByStatus[tuple[Occurrence, ...]] = KeptByStatus(FILES_SCANNED_KEPT)


def _scan_file(raw: bytes, rel: str, side: str, updates: tuple[ModelNameUpdate, ...]) -> tuple[Occurrence, ...]:
    """The occurrences in one file's bytes (none in a binary file)."""
    if b"\0" in raw[:4096] or not any(u.old.encode() in raw for u in updates):
        return ()
    text = raw.decode("utf-8", errors="replace")
    audience, reason = classify(rel)
    found: list[Occurrence] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for update in updates:
            if update.old not in line:
                continue
            for match in update.pattern.finditer(line):
                snippet = line.strip()
                found.append(
                    Occurrence(
                        side,
                        rel,
                        lineno,
                        match.start() + 1,
                        update.old,
                        update.new,
                        snippet if len(snippet) <= 160 else snippet[:159] + "\u2026",
                        audience,
                        reason,
                    )
                )
    return tuple(found)


def _walk(root: Path) -> Iterable[Path]:
    for path, _linked in _walk_entries(root):
        yield path


def _walk_entries(root: Path) -> Iterable[tuple[Path, bool]]:
    """The scanned files under `root`, folder by folder in name order, each with whether a symbolic link is on the
    way to it (the file itself, or a folder between `root` and it): only those need resolving."""
    stack = [(root, False)]
    seen: set[tuple[int, int]] = set()
    while stack:
        folder, linked = stack.pop()
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # symlink loop
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            name = entry.name
            if name in SKIPPED_DIRS:
                continue
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir()
            except OSError:
                is_link, is_dir = False, False
            if is_dir:
                stack.append((folder / name, linked or is_link))
            elif _suffix(name) in SCANNED_SUFFIXES or name.lower().startswith("readme"):
                yield folder / name, linked or is_link


def _suffix(name: str) -> str:
    """`Path(name).suffix`, without making the path."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""
