"""Where a tree's top-level package is importable from: plain path lookups, without Griffe (the extraction cache
and the tree checks need them before, or instead of, loading anything)."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

__all__ = ["find_search_path", "python_search_path"]


def find_search_path(root: Path, top: str) -> Path | None:
    """Where the package `top` is importable from under `root`: `src/` layout, flat layout or unpacked wheel,
    the package directory itself, or one directory further down (an unpacked sdist)."""
    candidates = [root / "src", root]
    if root.name == top:
        candidates.append(root.parent)
    with suppress(OSError):
        if root.is_dir():
            for sub in sorted(root.iterdir()):
                if sub.is_dir() and not sub.name.startswith(".") and sub.name != top:
                    candidates += [sub / "src", sub]
    for cand in candidates:
        if (cand / top / "__init__.py").is_file() or (cand / f"{top}.py").is_file():
            return cand
    for cand in candidates:
        pkg = cand / top
        if pkg.is_dir() and next(pkg.rglob("*.py"), None) is not None:
            return cand
    return None


def python_search_path(root: str) -> str:
    src = Path(root) / "src"
    return str(src if src.is_dir() else Path(root))
