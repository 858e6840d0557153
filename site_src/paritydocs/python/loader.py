"""The one static Griffe loader: packages loaded from source (never imported), namespace gaps filled, and the
packages shared with mkdocstrings so an SDK is read once per build.

`SdkTree` is the extraction's state: the tree's root, its Griffe loader and the shared packages, the parsed
source files, the lookups in the loaded tree, and the warnings. The other modules of `paritydocs.python` take it.
"""

from __future__ import annotations

import ast
import contextlib
import io
import logging
import os
import re
import tokenize
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from paritydocs.model import ExtractionWarning
from paritydocs.python.paths import find_search_path, python_search_path
from paritydocs.python.scope import Source, collect_scope
from paritydocs.textsafe import brief

__all__ = [
    "GRIFFE_ERRORS",
    "ParsedFiles",
    "SdkTree",
    "SharedPackages",
    "alias_target",
    "fill_namespace_subpackages",
    "final",
    "find_search_path",
    "griffe_silenced",
    "load_package",
    "python_search_path",
    "walk_objects",
]


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
        code = read_source(file)
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
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as err:
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
    signature: str = ""
    """How that loader loads, as text (its extensions and docstring options): the extraction cache keeps a model
    of a tree so loaded under it; "" when it cannot be said, and the model is then extracted every time."""


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


GRIFFE_ERRORS = (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError)
"""What Griffe raises when a member or an alias cannot be resolved statically."""


def alias_target(obj: Any) -> Any:
    """An alias' target (None when it cannot be resolved statically)."""
    seen = 0
    while obj is not None and getattr(obj, "is_alias", False) and seen < 20:
        try:
            obj = obj.target
        except GRIFFE_ERRORS:
            return None
        seen += 1
    return obj


def read_source(path: Path) -> str:
    """A module's text decoded as Python decodes it (PEP 263): the `# -*- coding: latin-1 -*-` line or a BOM,
    else UTF-8. A valid module in another declared encoding is read, not skipped."""
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def module_docstring(text: str) -> str | None:
    """`ast.get_docstring(ast.parse(text))` of a module that parses (Griffe loaded it), from its first statement
    alone: a docstring is that statement or nothing, and parsing whole modules only for it was two thirds of the
    parsing of a cold build's four Tinker trees once constants skipped the modules that bind none."""
    if "\r" in text:  # `tokenize` takes a lone carriage return for a blank line, where the parser ends one
        return _whole_module_docstring(text)
    buffer, lines = io.StringIO(text), []

    def readline() -> str:  # the lines as the tokenizer counts them (`str.splitlines` also splits at `\f`)
        lines.append(buffer.readline())
        return lines[-1]

    tokens = tokenize.generate_tokens(readline)
    skipped = (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING)
    rows: int | None = None
    try:
        first = next((token for token in tokens if token.type not in skipped), None)
        if first is None or first.type == tokenize.ENDMARKER:
            return None  # no statement
        if first.type in (tokenize.NAME, tokenize.NUMBER) or (first.type == tokenize.OP and first.string != "("):
            return None  # a docstring is a string, in parentheses or not, that starts the first statement
        if first.type in (tokenize.STRING, tokenize.OP):  # else (a token the tokenizer made no sense of): whole
            last = next((token for token in tokens if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER)), None)
            rows = last.end[0] if last is not None else None
    except (tokenize.TokenError, SyntaxError):
        pass
    if rows is not None:  # the first statement alone, else the whole module
        with contextlib.suppress(SyntaxError, ValueError, RecursionError):
            return ast.get_docstring(ast.parse("".join(lines[:rows])))
    return _whole_module_docstring(text)


def _whole_module_docstring(text: str) -> str | None:
    try:
        return ast.get_docstring(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError):
        return None


def load_package(spec: str, root: Path, top: str, warnings: list[str]) -> griffe.Module | None:
    """The package `top` of the tree at `root`, loaded statically on its own (a sync report's revision `spec`);
    None, with a warning when Griffe fails, when it cannot be loaded."""
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


def walk_objects(obj: Any) -> Iterator[Any]:
    """An object and everything defined in it (aliases are followed where they are defined, not here)."""
    yield obj
    if getattr(obj, "is_module", False) or getattr(obj, "is_class", False):
        for member in list(obj.members.values()):
            if member.is_alias:
                continue
            yield from walk_objects(member)


_SOURCES_KEPT = 256
"""Parsed files the extractor keeps (least recently used dropped): memory stays flat on large SDKs."""


class ParsedFiles:
    """Parsed source files kept across extractions (a `serve` session's): a file whose text is as when it was
    parsed is not parsed again. One entry a path (the text it was parsed from, and what that gave), at most
    `limit`, the least recently used dropped."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self.parses = 0
        """Files parsed so far (not taken from here)."""
        self._files: OrderedDict[Path, tuple[str, Source | None]] = OrderedDict()

    def get(self, path: Path, text: str) -> tuple[bool, Source | None]:
        """(True, what parsing `text` gave) when `path` was parsed from that same text, else (False, None)."""
        kept = self._files.get(path)
        if kept is None or kept[0] != text:
            return False, None
        self._files.move_to_end(path)
        return True, kept[1]

    def put(self, path: Path, text: str, source: Source | None) -> None:
        self.parses += 1
        self._files[path] = (text, source)
        self._files.move_to_end(path)
        while len(self._files) > self.limit:
            self._files.popitem(last=False)


def final(obj: Any) -> Any:
    """Follow an alias to its target object; None when it leaves the loaded tree."""
    if isinstance(obj, griffe.Alias):
        try:
            return obj.final_target
        except Exception:  # AliasResolutionError, CyclicAliasError
            return None
    return obj


class SdkTree:
    """One SDK tree loaded statically: its packages, parsed files and lookups, and the warnings met on the way."""

    def __init__(
        self, root: Path, *, packages: SharedPackages | None = None, parsed: ParsedFiles | None = None
    ) -> None:
        self.packages = packages
        self.parsed = parsed
        """Files parsed by earlier extractions, reused while their text is unchanged (None: parse each)."""
        self.root = root.absolute()
        self.root_resolved = root.resolve()
        self.loader: griffe.GriffeLoader | None = None
        self.warnings: list[ExtractionWarning] = []
        self._warning_keys: set[tuple[str, int | None, str]] = set()
        self._tops: dict[str, griffe.Module | None] = {}
        self._failed_modules: set[str] = set()
        self._sources: OrderedDict[Path, Source | None] = OrderedDict()

    # ---------------------------------------------------------------- warnings / paths

    def warn(self, file: str, line: int | None, message: str) -> None:
        key = (file, line, message)
        if key not in self._warning_keys:
            self._warning_keys.add(key)
            self.warnings.append(ExtractionWarning(file, line, message))

    def sorted_warnings(self) -> list[ExtractionWarning]:
        return sorted(self.warnings, key=lambda w: (w.file, w.line or 0, w.message))

    def rel(self, path: Path | str | None) -> str:
        if path is None:
            return ""
        p = Path(path)
        for base in (self.root_resolved, self.root):
            with suppress(ValueError):
                return p.relative_to(base).as_posix() or "."
        with suppress(ValueError, OSError):
            return p.resolve().relative_to(self.root_resolved).as_posix() or "."
        return Path(os.path.relpath(p, self.root_resolved)).as_posix()

    # ---------------------------------------------------------------- loading

    def _search_path(self, top: str) -> Path | None:
        return find_search_path(self.root, top)

    def _get_loader(self, search_path: Path) -> griffe.GriffeLoader:
        if self.loader is None:
            self.loader = griffe.GriffeLoader(
                search_paths=[search_path], allow_inspection=False, force_inspection=False, store_source=True
            )
        else:
            self.loader.finder.append_search_path(search_path)
        return self.loader

    def top(self, name: str) -> griffe.Module | None:
        if name in self._tops:
            return self._tops[name]
        self._tops[name] = None
        if not name.isidentifier():
            return None
        search_path = self._search_path(name)
        if search_path is None:
            return None
        pkg_dir = (search_path / name).resolve()
        shared = self._shared_package(name, search_path)
        if shared is not None:
            # loaded, with exports and wildcards expanded, by the other loader: only fill what it left out, the
            # way that loader would (its extensions sanitise what the Python API pages render)
            assert self.packages is not None
            self.loader = griffe.GriffeLoader(
                search_paths=[search_path],
                extensions=self.packages.extensions,
                docstring_parser=self.packages.docstring_parser,
                docstring_options=self.packages.docstring_options,
                allow_inspection=False,
                force_inspection=False,
                store_source=True,
                modules_collection=shared.modules_collection,
                lines_collection=shared.lines_collection,
            )
            if pkg_dir.is_dir():
                self._fill_gaps(shared, pkg_dir, {pkg_dir})
            self._tops[name] = shared
            return shared
        loader = self._get_loader(search_path)
        module: griffe.Module | None = None
        try:
            loaded = loader.load(name, submodules=True, try_relative_path=False)
            module = loaded if isinstance(loaded, griffe.Module) else None
        except Exception as error:  # griffe wraps syntax/OS errors in LoadingError; anything else is a griffe bug
            self._failed_modules.add(name)
            init = pkg_dir / "__init__.py"
            file = init if init.exists() else search_path / f"{name}.py"
            self._warn_unloadable(file, error)
        if module is None and pkg_dir.is_dir():
            # The package's __init__ (or a submodule: Griffe may have registered the package before it failed)
            # could not be loaded: keep what loaded under the package, else under a bare one.
            existing = loader.modules_collection.members.get(name)
            if isinstance(existing, griffe.Module):
                module = existing
            else:
                module = griffe.Module(
                    name,
                    filepath=[pkg_dir],
                    lines_collection=loader.lines_collection,
                    modules_collection=loader.modules_collection,
                )
                loader.modules_collection.set_member(name, module)
            self._failed_modules.add(name)
        if module is None:
            return None
        if pkg_dir.is_dir():
            self._fill_gaps(module, pkg_dir, {pkg_dir})
            with suppress(Exception):
                loader.expand_exports(module)
                loader.expand_wildcards(module, external=False)
        self._tops[name] = module
        return module

    def _shared_package(self, name: str, search_path: Path) -> griffe.Module | None:
        """The package `name` from `self.packages`, if that loader read it from `search_path` (not from another
        copy of the package)."""
        if self.packages is None:
            return None
        module = self.packages.load(name)
        if not isinstance(module, griffe.Module):
            return None
        files = module.filepath if isinstance(module.filepath, list) else [module.filepath]
        expected = (search_path / name).resolve()
        for file in files:
            if file is None:
                return None
            path = Path(file).resolve()
            if expected not in (path, path.parent) and path != expected.with_suffix(".py"):
                return None
        return module

    def _warn_unloadable(self, file: Path, error: BaseException) -> None:
        cause: BaseException | None = error
        while cause is not None and not isinstance(cause, (SyntaxError, OSError, UnicodeDecodeError)):
            cause = cause.__cause__
        if isinstance(cause, SyntaxError):
            self.warn(self.rel(file), cause.lineno, f"syntax error, module skipped: {cause.msg}")
            return
        if isinstance(cause, (OSError, UnicodeDecodeError)):
            self.warn(self.rel(file), None, f"could not read the module, skipped: {_describe(cause)}")
            return
        # Griffe hides the original error: reproduce it to report the line.
        try:
            ast.parse(read_source(file), filename=str(file))
        except SyntaxError as syntax:
            self.warn(self.rel(file), syntax.lineno, f"syntax error, module skipped: {syntax.msg}")
            return
        except (OSError, UnicodeDecodeError, ValueError, LookupError) as other:
            self.warn(self.rel(file), None, f"could not read the module, skipped: {_describe(other)}")
            return
        self.warn(self.rel(file), None, f"griffe could not load the module, skipped: {error}")

    def _fill_gaps(self, module: griffe.Module, directory: Path, seen: set[Path]) -> None:
        """Visit what Griffe's loader left out: namespace subpackages and modules that failed."""
        try:
            entries = sorted(directory.iterdir(), key=lambda p: p.name)
        except OSError as error:
            self.warn(self.rel(directory), None, f"could not list the directory, skipped: {_describe(error)}")
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name == "__pycache__":
                continue
            if name.endswith(".py"):
                stem = name[:-3]
                if stem == "__init__" or not stem.isidentifier():
                    continue
                existing = module.members.get(stem)
                if isinstance(existing, griffe.Module):
                    continue
                self._visit_file(module, stem, entry)
                continue
            if not name.isidentifier():
                continue
            try:
                if not entry.is_dir():
                    continue
                real = entry.resolve()
            except OSError:
                continue
            if real in seen:
                continue
            existing = module.members.get(name)
            sub: griffe.Module | None = existing if isinstance(existing, griffe.Module) else None
            if sub is None:
                init = entry / "__init__.py"
                if init.exists() or init.is_symlink():
                    sub = self._visit_file(module, name, init)
                elif next(entry.rglob("*.py"), None) is None:
                    continue
                if sub is None:
                    sub = griffe.Module(
                        name,
                        filepath=[entry],
                        parent=module,
                        lines_collection=module.lines_collection,
                        modules_collection=module.modules_collection,
                    )
                    module.set_member(name, sub)
            self._fill_gaps(sub, entry, seen | {real})

    def _visit_file(self, parent: griffe.Module, name: str, path: Path) -> griffe.Module | None:
        dotted = f"{parent.path}.{name}"
        try:
            code = read_source(path)
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as error:
            self._failed_modules.add(dotted)
            self.warn(self.rel(path), None, f"could not read the module, skipped: {_describe(error)}")
            return None
        loader = self.loader
        assert loader is not None  # set before any module is visited
        try:
            visited = griffe.visit(
                name,
                filepath=path,
                code=code,
                extensions=loader.extensions,
                parent=parent,
                docstring_parser=loader.docstring_parser,
                docstring_options=loader.docstring_options,
                lines_collection=loader.lines_collection,
                modules_collection=loader.modules_collection,
            )
        except SyntaxError as error:
            self._failed_modules.add(dotted)
            self.warn(self.rel(path), error.lineno, f"syntax error, module skipped: {error.msg}")
            return None
        except Exception as error:  # a griffe bug on odd input must not stop the extraction
            self._failed_modules.add(dotted)
            self.warn(self.rel(path), None, f"griffe could not load the module, skipped: {error}")
            return None
        loader.lines_collection[path] = code.splitlines(keepends=False)
        parent.set_member(name, visited)
        return visited

    def source(self, path: Path | list[Path] | None, *, only_if: re.Pattern[str] | None = None) -> Source | None:
        """The parsed module at `path` (kept, the most recently used ones), or None when it cannot be read or
        parsed. `only_if`: a module not parsed yet whose text has no match of it is not parsed (None, nothing
        kept): for a reader that needs only some modules, such as those that may bind a constant."""
        if path is None or isinstance(path, list):
            return None
        if path in self._sources:
            self._sources.move_to_end(path)
            return self._sources[path]
        result: Source | None = None
        try:
            text = read_source(path)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, LookupError):
            text = None
        if text is not None:
            found, result = self.parsed.get(path, text) if self.parsed is not None else (False, None)
            if not found and only_if is not None and only_if.search(text) is None:
                return None
            if not found:
                try:
                    tree = ast.parse(text, filename=str(path))
                    result = Source(path, text, tree, collect_scope(tree.body))
                except (SyntaxError, ValueError, RecursionError):
                    result = None
                if self.parsed is not None:
                    self.parsed.put(path, text, result)
        self._sources[path] = result
        if len(self._sources) > _SOURCES_KEPT:
            # parsed files are read module by module: keep the recent ones, not the whole SDK's syntax trees
            self._sources.popitem(last=False)
        return result

    def docstring_as_written(self, path: Path) -> str | None:
        """The docstring of the module at `path` as its file has it (a shared tree's docstrings may have been
        rewritten by its extensions): from its parse when one is kept, else from its first statement alone."""
        if path in self._sources:
            src = self._sources[path]
            return ast.get_docstring(src.tree) if src is not None else None
        try:
            text = read_source(path)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, LookupError):
            return None
        found, parsed = self.parsed.get(path, text) if self.parsed is not None else (False, None)
        if found:
            return ast.get_docstring(parsed.tree) if parsed is not None else None
        return module_docstring(text)

    # ---------------------------------------------------------------- griffe lookups

    def lookup(self, path: str) -> Any:
        """The object at a dotted path in the loaded tree (aliases followed), or None."""
        if self.loader is None or not path:
            return None
        parts = path.split(".")
        return self._descend(self.loader.modules_collection.members.get(parts[0]), parts[1:])

    def _descend(self, obj: Any, names: list[str]) -> Any:
        """Follow member names down from `obj`, resolving aliases at each step; None when any step is missing."""
        for part in names:
            obj = final(obj)
            if obj is None:
                return None
            try:
                obj = obj.members.get(part)
            except Exception:  # an alias that cannot be resolved
                return None
            if obj is None:
                return None
        return final(obj)

    def follow_path(self, path: str) -> str:
        """The dotted path an import chain ends at, even outside the tree (`pydantic.Field`)."""
        seen: set[str] = set()
        while path not in seen:
            seen.add(path)
            parts = path.split(".")
            if self.loader is None:
                return path
            obj: Any = self.loader.modules_collection.members.get(parts[0])
            if obj is None:
                return path
            for i, part in enumerate(parts[1:], start=1):
                if isinstance(obj, griffe.Alias):
                    target = obj.target_path
                    path = ".".join([target, *parts[i:]])
                    break
                try:
                    nxt = obj.members.get(part)
                except Exception:
                    return path
                if nxt is None:
                    return path
                obj = nxt
            else:
                if isinstance(obj, griffe.Alias):
                    path = obj.target_path
                    continue
                return str(obj.path)
        return path

    def expr_path(self, expr: Any) -> str:
        """The canonical dotted path of a griffe base expression (`Generic[T]` → `typing.Generic`)."""
        if isinstance(expr, griffe.ExprSubscript):
            expr = expr.left
        if isinstance(expr, (griffe.ExprName, griffe.ExprAttribute)):
            try:
                return self.follow_path(expr.canonical_path)
            except Exception:
                return str(expr)
        return str(expr)

    def class_node(self, cls: griffe.Class) -> tuple[Source | None, ast.ClassDef | None]:
        src = self.source(cls.filepath if isinstance(cls.filepath, Path) else None)
        if src is None:
            return None, None
        key = (cls.name, cls.lineno)
        if key in src.class_nodes:  # a class is read several times (fields, properties, `__init__`, its subclasses)
            return src, src.class_nodes[key]
        found: ast.ClassDef | None = None
        for node in ast.walk(src.tree):
            if isinstance(node, ast.ClassDef) and node.name == cls.name:
                lines = {node.lineno, *(d.lineno for d in node.decorator_list)}
                if cls.lineno in lines:
                    found = node
                    break
                found = found or node
        src.class_nodes[key] = found
        return src, found

    def module_of(self, obj: Any) -> griffe.Module | None:
        try:
            mod = obj.module
        except Exception:
            return None
        return mod if isinstance(mod, griffe.Module) else None

    # ---------------------------------------------------------------- spec resolution

    def resolve_spec(self, spec: str) -> Any:
        parts = spec.strip().split(".")
        top = self.top(parts[0])
        if top is None:
            return None
        return self._descend(top, parts[1:])

    def not_found_location(self, spec: str) -> str:
        parts = spec.split(".")
        for i in range(len(parts), 0, -1):
            obj = self.lookup(".".join(parts[:i]))
            if isinstance(obj, griffe.Module):
                fp = obj.filepath
                if isinstance(fp, list):
                    return self.rel(fp[0]) if fp else "."
                if fp is not None:
                    return self.rel(fp.parent if fp.name == "__init__.py" else fp)
        return "."

    def load_failed(self, spec: str) -> bool:
        parts = spec.split(".")
        return any(".".join(parts[:i]) in self._failed_modules for i in range(1, len(parts) + 1))
