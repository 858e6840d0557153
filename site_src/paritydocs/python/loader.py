"""The one static Griffe loader: packages loaded from source (never imported), namespace gaps filled, and the
packages shared with mkdocstrings so an SDK is read once per build."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from paritydocs.textsafe import brief


def fill_namespace_subpackages(
    module: griffe.Module,
    directory: Path,
    loader: griffe.GriffeLoader | None = None,
    *,
    on_error: Callable[[Path, Exception], None] | None = None,
    _depth: int = 0,
) -> None:
    """Visit the subfolders of a loaded package that hold modules but no `__init__.py`, recursively.

    `on_error(path, error)` hears about a module that cannot be read or parsed; it is skipped either way.
    """
    if _depth > 20:
        return
    try:
        entries = sorted(p for p in directory.iterdir() if p.is_dir() and p.name.isidentifier())
    except OSError:
        return
    for entry in entries:
        existing = module.members.get(entry.name)
        if isinstance(existing, griffe.Module):
            fill_namespace_subpackages(existing, entry, loader, on_error=on_error, _depth=_depth + 1)
            continue
        if existing is not None or not any(entry.rglob("*.py")):
            continue
        # Griffe left this folder out: a namespace subpackage, or a regular package inside one.
        init = entry / "__init__.py"
        sub = _visit(module, init, loader, on_error, name=entry.name) if init.exists() else None
        if sub is None:
            sub = griffe.Module(
                entry.name,
                filepath=[entry],
                parent=module,
                lines_collection=module.lines_collection,
                modules_collection=module.modules_collection,
            )
            module.set_member(entry.name, sub)
        for file in sorted(entry.glob("*.py")):
            if file.stem.isidentifier() and file.stem not in sub.members:
                _visit(sub, file, loader, on_error)
        fill_namespace_subpackages(sub, entry, loader, on_error=on_error, _depth=_depth + 1)


def _visit(
    parent: griffe.Module,
    file: Path,
    loader: griffe.GriffeLoader | None,
    on_error: Callable[[Path, Exception], None] | None,
    *,
    name: str | None = None,
) -> griffe.Module | None:
    """Visit one file as the module `name` (default: its stem) under `parent`; None when it cannot be read."""
    name = name or file.stem
    try:
        code = file.read_text(encoding="utf-8-sig")
        module = griffe.visit(
            name,
            file,
            code,
            parent=parent,
            docstring_parser=loader.docstring_parser if loader else None,
            docstring_options=loader.docstring_options if loader else None,
            lines_collection=parent.lines_collection,
            modules_collection=parent.modules_collection,
            extensions=loader.extensions if loader else None,
        )
    except (OSError, UnicodeDecodeError, SyntaxError) as err:
        if on_error is not None:
            on_error(file, err)
        return None
    parent.lines_collection[file] = code.splitlines()
    parent.set_member(name, module)
    return module


@dataclass(frozen=True, slots=True)
class SharedPackages:
    """Top-level packages another Griffe loader loads (mkdocstrings' Python handler, a sync report's API
    comparison), and how it loads modules: what the extraction adds to that tree itself (a folder the loader
    skipped) goes through the same extensions, so the Python API pages render it sanitised like the rest."""

    load: Callable[[str], griffe.Module | None]
    extensions: griffe.Extensions
    docstring_parser: griffe.Parser | None = None
    docstring_options: Any = None
    """Options for `docstring_parser`, those the parser accepts."""


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


@contextlib.contextmanager
def griffe_silenced() -> Iterator[None]:
    """Silence Griffe's logger while we load: its messages become our warnings instead.

    mkdocstrings swaps Griffe's logger for a `LoggerAdapter` (which has no level), so set the level on the
    logger underneath whichever object is installed.
    """
    target = getattr(griffe.logger, "_logger", None)
    target = getattr(target, "logger", target)
    if not isinstance(target, logging.Logger):
        yield
        return
    old_level = target.level
    target.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        target.setLevel(old_level)


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def python_search_path(root: str) -> str:
    src = Path(root) / "src"
    return str(src if src.is_dir() else Path(root))


_GRIFFE_ERRORS = (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError)


def _final(obj: Any) -> Any:
    """An alias' target (None when it cannot be resolved statically)."""
    seen = 0
    while obj is not None and getattr(obj, "is_alias", False) and seen < 20:
        try:
            obj = obj.target
        except _GRIFFE_ERRORS:
            return None
        seen += 1
    return obj


def _load_package(spec: str, root: Path, top: str, warnings: list[str]) -> griffe.Module | None:
    search = find_search_path(root, top)
    if search is None:
        return None
    try:
        loaded = griffe.load(
            top, search_paths=[search], allow_inspection=False, try_relative_path=False, store_source=True
        )
    except Exception as err:  # griffe wraps syntax and OS errors in its own types
        warnings.append(f"{spec}: griffe cannot load '{top}' ({brief(err)}); API changes are not compared")
        return None
    if not isinstance(loaded, griffe.Module):
        return None
    if (search / top).is_dir():
        fill_namespace_subpackages(
            loaded,
            search / top,
            on_error=lambda path, err: warnings.append(f"{spec}: {path.name}: not read ({brief(err)})"),
        )
    return loaded


def _walk(obj: Any) -> Iterator[Any]:
    """An object and everything defined in it (aliases are followed where they are defined, not here)."""
    yield obj
    if getattr(obj, "is_module", False) or getattr(obj, "is_class", False):
        for member in list(obj.members.values()):
            if member.is_alias:
                continue
            yield from _walk(member)
