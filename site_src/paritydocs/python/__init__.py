"""Static extraction of a Python SDK's types and clients, with Griffe and `ast`.

Nothing here imports the SDK. Griffe (with inspection disabled) builds the module tree and
resolves imports and re-exports; the standard `ast` module reads what Griffe does not keep
as written: annotations and defaults as source text, which statements sit directly in a
class body (fields) and which sit in `if PYDANTIC_V2:` blocks (framework configuration),
and how often a module binds a name (a constant assigned once at top level can be
evaluated; one assigned in two branches cannot).

Defaults are evaluated by a small evaluator over the default's `ast` (see `_Evaluator`): it
only ever reports a value that Python would compute, and otherwise leaves the default
unresolved with the expression as written.

Public API: `extract_python`.
"""

from __future__ import annotations

import ast
import inspect
import io
import math
import os
import re
import tokenize
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from paritydocs.model import (
    Default,
    ExtractionWarning,
    FieldDef,
    FunctionDef,
    ParamDef,
    SdkModel,
    SourceInfo,
    TypeDef,
    TypeKind,
)
from paritydocs.python.loader import SharedPackages, _describe, find_search_path, griffe_silenced

__all__ = ["extract_python"]


def extract_python(
    root: Path,
    *,
    modules: Sequence[str],
    source: SourceInfo,
    clients: Sequence[str] = (),
    packages: SharedPackages | None = None,
) -> SdkModel:
    """Extract the types of a Python SDK statically.

    Args:
        root: A local tree: a repository with a `src/` layout, a flat layout, an unpacked
            wheel, or the package directory itself.
        modules: Dotted paths to read: packages (read recursively), modules, or single
            objects (`pkg.lib.retry.RetryConfig`).
        source: Where the tree came from; copied into the result.
        clients: Dotted paths of client classes whose public methods are extracted.
        packages: Top-level packages already loaded statically from the same tree (by the site build's
            mkdocstrings handler, or for a sync report's API comparison), so the SDK is read once; None, or a
            package it cannot give, is loaded here.

    Returns:
        The types sorted by file and line, the clients in the order given, and every
        recoverable problem as an `ExtractionWarning` (nothing is logged here).
    """
    tops = {spec.strip().split(".")[0] for spec in (*modules, *clients) if spec.strip()}
    # one tree per extraction: with several top-level packages, each is loaded here
    extractor = _Extractor(Path(root), packages=packages if len(tops) == 1 else None)
    with griffe_silenced():
        types = extractor.extract_types(modules)
        client_defs = extractor.extract_clients(clients)
    return SdkModel(source=source, types=types, warnings=extractor.sorted_warnings(), clients=client_defs)


def _docstring(obj: griffe.Object) -> str | None:
    """The docstring as written: the `SdkDocstrings` extension rewrites it for mkdocstrings, keeping the original."""
    raw = obj.extra.get("paritydocs", {}).get("raw_docstring")
    if isinstance(raw, str):
        return raw
    return obj.docstring.value if obj.docstring else None


# --------------------------------------------------------------------------------------
# Source text helpers
# --------------------------------------------------------------------------------------

_AST_TYPE_ALIAS: Any = getattr(ast, "TypeAlias", None)
"""`type X = ...` statements (Python 3.12+); None on older interpreters."""

_CLOSERS = {")", "]", "}"}
_OPENERS = {"(", "[", "{"}
_SKIPPED_TOKENS = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}


def _flatten(segment: str) -> str:
    """Put a multi-line expression on one line, keeping every token as written.

    Line breaks become one space, or nothing next to a bracket; a trailing comma before a
    closing bracket is dropped unless it makes a one-element tuple.
    """
    if "\n" not in segment:
        return segment
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(segment).readline) if t.type not in _SKIPPED_TOKENS]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return " ".join(line.strip() for line in segment.splitlines() if line.strip())
    out: list[str] = []
    groups: list[list[int]] = []  # per open bracket: [top-level comma count]
    prev: tokenize.TokenInfo | None = None
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.type == tokenize.OP and tok.string in _OPENERS:
            groups.append([0])
        elif tok.type == tokenize.OP and tok.string in _CLOSERS and groups:
            groups.pop()
        if tok.type == tokenize.OP and tok.string == ",":
            if groups:
                groups[-1][0] += 1
            if nxt is not None and nxt.type == tokenize.OP and nxt.string in _CLOSERS:
                one_tuple = nxt.string == ")" and groups and groups[-1][0] == 1
                if not one_tuple:
                    prev = tok
                    continue
        if prev is not None:
            if prev.end[0] == tok.start[0]:
                out.append(" " * max(0, tok.start[1] - prev.end[1]))
            elif not (prev.string in _OPENERS or tok.string in _CLOSERS):
                out.append(" ")
        out.append(tok.string)
        prev = tok
    return "".join(out).strip()


def _text(src: _Source, node: ast.AST | None) -> str:
    """The source text of a node, on one line (see `_flatten`)."""
    if node is None:
        return ""
    segment = src.segment(node)
    if segment is None:
        return ast.unparse(node)
    return _flatten(segment)


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _clean_doc(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = inspect.cleandoc(text).strip()
    return cleaned or None


def _string_after(body: list[ast.stmt], index: int) -> str | None:
    """The attribute docstring: a string literal statement right after `body[index]`."""
    if index + 1 < len(body):
        nxt = body[index + 1]
        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
            return _clean_doc(nxt.value.value)
    return None


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _last(dotted: str | None) -> str | None:
    return dotted.rsplit(".", 1)[-1] if dotted else None


def _head(node: ast.AST | None) -> str | None:
    """The last name of an annotation's head: `Optional` for `typing.Optional[int]`."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value.strip(), mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript):
        node = node.value
    return _last(_dotted(node))


def _subscript_args(node: ast.Subscript) -> list[ast.expr]:
    inner = node.slice
    if isinstance(inner, ast.Tuple):
        return list(inner.elts)
    return [inner]


def _unwrap_annotated(node: ast.expr) -> tuple[ast.expr, list[ast.expr]]:
    """`Annotated[T, m1, m2]` → (T, [m1, m2]); anything else → (node, [])."""
    metadata: list[ast.expr] = []
    while isinstance(node, ast.Subscript) and _head(node) == "Annotated":
        args = _subscript_args(node)
        if not args:
            break
        metadata.extend(args[1:])
        node = args[0]
    return node, metadata


# --------------------------------------------------------------------------------------
# Per-file syntax: bindings of names at module or class level
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Binding:
    kind: str
    """`assign` (a simple `name = value`), `import`, `from`, `class`, `def`, or `other`."""
    line: int
    nested: bool
    """Inside an `if`/`try`/`for`/`with`/… block rather than directly in the scope's body."""
    value: ast.expr | None = None
    module: str | None = None
    """For `import a.b as c`: `a.b`; for `import a.b`: `a`."""


@dataclass(slots=True)
class _Scope:
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    star_lines: list[int] = field(default_factory=list)
    dynamic: set[str] = field(default_factory=set)
    """Names rebound from elsewhere (`global` in a function, `del`): never evaluated."""

    def add(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


def _target_names(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
        elif isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
            yield sub.name
        elif isinstance(sub, ast.MatchMapping) and sub.rest:
            yield sub.rest


def _collect_scope(body: list[ast.stmt], scope: _Scope | None = None, *, nested: bool = False) -> _Scope:
    """Every binding of a name in a module or class body (not inside functions or classes)."""
    scope = scope if scope is not None else _Scope()
    for stmt in body:
        line = stmt.lineno
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.add(stmt.name, _Binding("class" if isinstance(stmt, ast.ClassDef) else "def", line, nested))
            for sub in ast.walk(stmt):
                if isinstance(sub, ast.Global):
                    scope.dynamic.update(sub.names)
            continue
        # Walrus targets anywhere in the statement bind at this level.
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                scope.add(sub.target.id, _Binding("other", line, nested))
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    scope.add(target.id, _Binding("assign", line, nested, value=stmt.value))
                elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
                    for name in _target_names(target):
                        scope.add(name, _Binding("other", line, nested))
        elif isinstance(stmt, ast.AnnAssign):
            if isinstance(stmt.target, ast.Name) and stmt.value is not None:
                scope.add(stmt.target.id, _Binding("assign", line, nested, value=stmt.value))
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name):
                scope.add(stmt.target.id, _Binding("other", line, nested))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.add(alias.asname, _Binding("import", line, nested, module=alias.name))
                else:
                    top = alias.name.split(".", 1)[0]
                    scope.add(top, _Binding("import", line, nested, module=top))
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    scope.star_lines.append(line)
                else:
                    scope.add(alias.asname or alias.name, _Binding("from", line, nested))
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                scope.dynamic.update(_target_names(target))
        elif _AST_TYPE_ALIAS is not None and isinstance(stmt, _AST_TYPE_ALIAS):  # pragma: no cover - 3.12+
            name_node = getattr(stmt, "name", None)
            if isinstance(name_node, ast.Name):
                scope.add(name_node.id, _Binding("other", line, nested))
        else:
            # Compound statements: names bound by their headers, then their bodies.
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                for name in _target_names(stmt.target):
                    scope.add(name, _Binding("other", line, True))
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        for name in _target_names(item.optional_vars):
                            scope.add(name, _Binding("other", line, True))
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    for name in _target_names(case.pattern):
                        scope.add(name, _Binding("other", line, True))
            for attr in ("body", "orelse", "finalbody"):
                sub_body = getattr(stmt, attr, None)
                if isinstance(sub_body, list) and sub_body and isinstance(sub_body[0], ast.stmt):
                    _collect_scope(sub_body, scope, nested=True)
            for handler in getattr(stmt, "handlers", []) or []:
                if handler.name:
                    scope.add(handler.name, _Binding("other", handler.lineno, True))
                _collect_scope(handler.body, scope, nested=True)
            if isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    _collect_scope(case.body, scope, nested=True)
    return scope


@dataclass(slots=True)
class _Source:
    path: Path
    text: str
    tree: ast.Module
    scope: _Scope
    class_scopes: dict[int, _Scope] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    """Lines split as `ast` counts them (only \\n, \\r\\n and \\r end a line)."""

    def segment(self, node: ast.AST) -> str | None:
        """Like `ast.get_source_segment`, without splitting the whole file on every call."""
        lineno, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if lineno is None or end is None or col is None or end_col is None:
            return None
        if not self.lines:
            self.lines = _LINE_RE.findall(self.text)
        if end > len(self.lines):
            return None
        if lineno == end:
            return self.lines[lineno - 1].encode()[col:end_col].decode(errors="replace")
        first = self.lines[lineno - 1].encode()[col:].decode(errors="replace")
        last = self.lines[end - 1].encode()[:end_col].decode(errors="replace")
        return first + "".join(self.lines[lineno : end - 1]) + last

    def class_scope(self, node: ast.ClassDef) -> _Scope:
        key = id(node)
        if key not in self.class_scopes:
            self.class_scopes[key] = _collect_scope(node.body)
        return self.class_scopes[key]


# --------------------------------------------------------------------------------------
# The default evaluator
# --------------------------------------------------------------------------------------


class _Unresolved(Exception):  # control flow only; never escapes this module
    """The expression has no value we can soundly report."""


@dataclass(frozen=True, slots=True)
class _ModuleRef:
    module: griffe.Module


@dataclass(frozen=True, slots=True)
class _ClassRef:
    cls: griffe.Class


@dataclass(frozen=True, slots=True)
class _EnumMemberRef:
    cls: griffe.Class
    name: str
    value: Any
    known: bool


@dataclass(frozen=True, slots=True)
class _CallRef:
    node: ast.Call
    ctx: _Ctx


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where an expression is evaluated: a module, and optionally a class body up to a line."""

    module: griffe.Module
    src: _Source
    class_scope: _Scope | None = None
    line: int | None = None


_REFS = (_ModuleRef, _ClassRef, _EnumMemberRef, _CallRef)
_MAX_DEPTH = 64
_MAX_INT_BITS = 256


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float))


def _check_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise _Unresolved
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
        raise _Unresolved
    return value


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


# --------------------------------------------------------------------------------------
# Docstring `Args:` sections
# --------------------------------------------------------------------------------------

_ARG_SECTIONS = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments", "other parameters"}
_SECTION_RE = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*$")
_LIST_ENTRY_RE = re.compile(r"^[-*+]\s+`?(\*{0,2}[A-Za-z_]\w*)`?\s*(?:\([^)]*\))?\s*(?::|\s[-\u2013\u2014]\s)\s*(.*)$")
_GOOGLE_ENTRY_RE = re.compile(r"^`?(\*{0,2}[A-Za-z_]\w*)`?\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def _param_docs(doc: str | None) -> dict[str, str]:
    """Parameter descriptions from a Google-style `Args:` section (also `- `name`: text` lists)."""
    if not doc:
        return {}
    lines = doc.splitlines()
    result: dict[str, str] = {}
    i = 0
    while i < len(lines):
        header = _SECTION_RE.match(lines[i].strip())
        if not header or header.group(1).strip().lower() not in _ARG_SECTIONS:
            i += 1
            continue
        base = len(lines[i]) - len(lines[i].lstrip())
        i += 1
        current: str | None = None
        entry_indent = -1
        parts: dict[str, list[str]] = {}
        while i < len(lines):
            raw = lines[i]
            stripped = raw.strip()
            indent = len(raw) - len(raw.lstrip())
            if not stripped:
                # A blank line ends the section unless the next line is still indented in it.
                nxt = next((ln for ln in lines[i + 1 :] if ln.strip()), None)
                if nxt is None or ((len(nxt) - len(nxt.lstrip())) <= base and not _LIST_ENTRY_RE.match(nxt.strip())):
                    break
                i += 1
                continue
            if indent <= base and _SECTION_RE.match(stripped):
                break
            match = _LIST_ENTRY_RE.match(stripped)
            if match is None and (entry_indent < 0 or indent <= entry_indent) and indent > base:
                match = _GOOGLE_ENTRY_RE.match(stripped)
            if match is not None and (entry_indent < 0 or indent <= entry_indent):
                current = match.group(1).lstrip("*")
                entry_indent = indent
                parts[current] = [match.group(2).strip()] if match.group(2).strip() else []
            elif current is not None and (indent > entry_indent or indent > base):
                parts[current].append(stripped)
            elif indent <= base:
                break
            i += 1
        for name, texts in parts.items():
            text = " ".join(t for t in texts if t)
            if text and name not in result:
                result[name] = text
    return result


# --------------------------------------------------------------------------------------
# The extractor
# --------------------------------------------------------------------------------------

_PYDANTIC_NAMES = {"BaseModel", "StrictBase", "GenericModel", "RootModel"}
_ENUM_NAMES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "ReprEnum"}
_FRAMEWORK_NAMES = {"model_config", "model_fields", "model_computed_fields", "Config", "__slots__"}
_UNION_HEADS = {"Union", "Optional"}
_FACTORY_VALUES: dict[str, Any] = {"list": [], "dict": {}, "set": [], "tuple": []}
_FIELD_ORIGINS = ("pydantic", "dataclasses", "attr", "attrs")
_PARAM_KINDS = {
    "posonly": griffe.ParameterKind.positional_only.name,
    "regular": griffe.ParameterKind.positional_or_keyword.name,
    "vararg": griffe.ParameterKind.var_positional.name,
    "kwonly": griffe.ParameterKind.keyword_only.name,
    "kwarg": griffe.ParameterKind.var_keyword.name,
}


_SOURCES_KEPT = 256
"""Parsed files the extractor keeps (least recently used dropped): memory stays flat on large SDKs."""


class _Extractor:
    def __init__(self, root: Path, *, packages: SharedPackages | None = None) -> None:
        self.packages = packages
        self.root = root.absolute()
        self.root_resolved = root.resolve()
        self.loader: griffe.GriffeLoader | None = None
        self.warnings: list[ExtractionWarning] = []
        self._warning_keys: set[tuple[str, int | None, str]] = set()
        self._tops: dict[str, griffe.Module | None] = {}
        self._failed_modules: set[str] = set()
        self._sources: OrderedDict[Path, _Source | None] = OrderedDict()
        self._kinds: dict[str, TypeKind] = {}
        self._mros: dict[str, list[griffe.Class]] = {}
        self._enum_cache: dict[str, list[tuple[str, Any, bool]]] = {}
        self._reexports: dict[str, dict[str, str]] = {}
        self._evaluating: list[tuple[str, str, str, int]] = []

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
            ast.parse(file.read_text(encoding="utf-8-sig"), filename=str(file))
        except SyntaxError as syntax:
            self.warn(self.rel(file), syntax.lineno, f"syntax error, module skipped: {syntax.msg}")
            return
        except (OSError, UnicodeDecodeError, ValueError) as other:
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
            code = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
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

    def source(self, path: Path | list[Path] | None) -> _Source | None:
        if path is None or isinstance(path, list):
            return None
        if path in self._sources:
            self._sources.move_to_end(path)
            return self._sources[path]
        result: _Source | None = None
        try:
            text = path.read_text(encoding="utf-8-sig")
            tree = ast.parse(text, filename=str(path))
            result = _Source(path, text, tree, _collect_scope(tree.body))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            result = None
        self._sources[path] = result
        if len(self._sources) > _SOURCES_KEPT:
            # parsed files are read module by module: keep the recent ones, not the whole SDK's syntax trees
            self._sources.popitem(last=False)
        return result

    # ---------------------------------------------------------------- griffe lookups

    @staticmethod
    def final(obj: Any) -> Any:
        """Follow an alias to its target object; None when it leaves the loaded tree."""
        if isinstance(obj, griffe.Alias):
            try:
                return obj.final_target
            except Exception:  # AliasResolutionError, CyclicAliasError
                return None
        return obj

    def lookup(self, path: str) -> Any:
        """The object at a dotted path in the loaded tree (aliases followed), or None."""
        if self.loader is None or not path:
            return None
        parts = path.split(".")
        return self._descend(self.loader.modules_collection.members.get(parts[0]), parts[1:])

    def _descend(self, obj: Any, names: list[str]) -> Any:
        """Follow member names down from `obj`, resolving aliases at each step; None when any step is missing."""
        for part in names:
            obj = self.final(obj)
            if obj is None:
                return None
            try:
                obj = obj.members.get(part)
            except Exception:  # an alias that cannot be resolved
                return None
            if obj is None:
                return None
        return self.final(obj)

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

    def class_node(self, cls: griffe.Class) -> tuple[_Source | None, ast.ClassDef | None]:
        src = self.source(cls.filepath if isinstance(cls.filepath, Path) else None)
        if src is None:
            return None, None
        found: ast.ClassDef | None = None
        for node in ast.walk(src.tree):
            if isinstance(node, ast.ClassDef) and node.name == cls.name:
                lines = {node.lineno, *(d.lineno for d in node.decorator_list)}
                if cls.lineno in lines:
                    return src, node
                found = found or node
        return src, found

    def module_of(self, obj: Any) -> griffe.Module | None:
        try:
            mod = obj.module
        except Exception:
            return None
        return mod if isinstance(mod, griffe.Module) else None

    def ctx_for(self, module: griffe.Module) -> _Ctx | None:
        src = self.source(module.filepath if isinstance(module.filepath, Path) else None)
        if src is None:
            return None
        return _Ctx(module, src)

    # ---------------------------------------------------------------- spec resolution

    def resolve_spec(self, spec: str) -> Any:
        parts = spec.strip().split(".")
        top = self.top(parts[0])
        if top is None:
            return None
        return self._descend(top, parts[1:])

    def _not_found_location(self, spec: str) -> str:
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

    def _failed(self, spec: str) -> bool:
        parts = spec.split(".")
        return any(".".join(parts[:i]) in self._failed_modules for i in range(1, len(parts) + 1))

    # ---------------------------------------------------------------- types

    def extract_types(self, specs: Sequence[str]) -> list[TypeDef]:
        found: dict[str, TypeDef] = {}
        for spec in specs:
            spec = spec.strip()
            obj = self.resolve_spec(spec)
            if obj is None:
                if not self._failed(spec):
                    self.warn(
                        self._not_found_location(spec),
                        None,
                        f"module '{spec}' not found under {self.root}; check the `python_modules` setting",
                    )
                continue
            if isinstance(obj, griffe.Module):
                for module_type in self._module_types(obj, obj):
                    found.setdefault(module_type.path, module_type)
                continue
            typedef = self._object_type(obj, explicit=True)
            if typedef is None:
                filepath = getattr(obj, "filepath", None)
                self.warn(
                    self.rel(filepath if isinstance(filepath, Path) else None),
                    getattr(obj, "lineno", None),
                    f"'{spec}' is not a class or a type alias; nothing extracted from it",
                )
                continue
            if spec != typedef.path:
                typedef.public_path = spec
            found.setdefault(typedef.path, typedef)
        return sorted(found.values(), key=lambda t: (t.file, t.line or 0, t.path))

    def _module_types(self, module: griffe.Module, package: griffe.Module, private: bool = False) -> Iterator[TypeDef]:
        for name, member in list(module.members.items()):
            if isinstance(member, (griffe.Alias, griffe.Module)):
                continue
            if name.startswith("_"):
                continue
            typedef = self._object_type(member, explicit=False)
            if typedef is None:
                continue
            typedef.public_path = self._public_path(typedef.path, package)
            if private and typedef.public_path is None:
                continue
            yield typedef
        for name, member in list(module.members.items()):
            if isinstance(member, griffe.Module):
                if not name.isidentifier():  # `g&h.py`: no import can name it, and its path would break pages
                    filepath = getattr(member, "filepath", None)
                    self.warn(
                        self.rel(filepath if isinstance(filepath, Path) else None),
                        None,
                        f"'{name}' is not a Python module name (it cannot be imported); its types are skipped",
                    )
                    continue
                yield from self._module_types(member, package, private or name.startswith("_"))

    def _public_path(self, path: str, package: griffe.Module) -> str | None:
        """Where the package given in `modules` re-exports `path` (`tinker.types.ModelData`)."""
        return self._reexport_index(package).get(path)

    def _reexport_index(self, pkg: griffe.Module) -> dict[str, str]:
        key = str(pkg.path)
        if key not in self._reexports:
            index: dict[str, str] = {}
            for name, member in pkg.members.items():
                if not isinstance(member, griffe.Alias) or name.startswith("_"):
                    continue
                target = self.final(member)
                if target is None:
                    continue
                target_path = str(target.path)
                current = index.get(target_path)
                # Prefer the name the type is defined with.
                if current is None or (name == target.name and current.rsplit(".", 1)[-1] != target.name):
                    index[target_path] = f"{pkg.path}.{name}"
            self._reexports[key] = index
        return self._reexports[key]

    def _object_type(self, obj: Any, *, explicit: bool) -> TypeDef | None:
        if isinstance(obj, griffe.Class):
            return self._class_type(obj)
        if isinstance(obj, (griffe.Attribute, griffe.TypeAlias)):
            return self._alias_type(obj, explicit=explicit)
        return None

    # ---------------------------------------------------------------- classes

    def _class_type(self, cls: griffe.Class) -> TypeDef:
        kind = self.kind(cls)
        src, node = self.class_node(cls)
        fp = cls.filepath if isinstance(cls.filepath, Path) else None
        doc = _clean_doc(_docstring(cls))
        if node is not None and src is not None:
            bases = [_text(src, b) for b in node.bases]
            bases += [_text(src, k) for k in node.keywords if k.arg is None]
            line: int | None = node.lineno
        else:
            bases = [str(b) for b in cls.bases]
            line = cls.lineno
        typedef = TypeDef(
            path=str(cls.path),
            name=cls.name,
            kind=kind,
            doc=doc,
            file=self.rel(fp),
            line=line,
            bases=bases,
        )
        if kind is TypeKind.ENUM:
            members = self.enum_members(cls)
            if all(known for _, _, known in members):
                typedef.members = [value for _, value, _ in members]
            else:
                typedef.members = [name for name, _, _ in members]
        else:
            typedef.fields = self.fields(cls, kind)
        return typedef

    def kind(self, cls: griffe.Class, seen: frozenset[str] = frozenset()) -> TypeKind:
        key = str(cls.path)
        if key in self._kinds:
            return self._kinds[key]
        if key in seen:
            return TypeKind.CLASS
        seen = seen | {key}
        result = TypeKind.CLASS
        base_kinds = [self._base_kind(base, seen) for base in cls.bases]
        for wanted in (TypeKind.PYDANTIC_MODEL, TypeKind.TYPED_DICT, TypeKind.ENUM):
            if wanted in base_kinds:
                result = wanted
                break
        else:
            for decorator in cls.decorators:
                value = decorator.value
                if isinstance(value, griffe.ExprCall):
                    value = value.function
                if _last(str(value)) == "dataclass":
                    result = TypeKind.DATACLASS
                    break
        self._kinds[key] = result
        return result

    def _base_kind(self, base: Any, seen: frozenset[str]) -> TypeKind | None:
        path = self.expr_path(base)
        target = self.lookup(path)
        if isinstance(target, griffe.Class):
            if str(target.path) in seen:
                return None
            kind = self.kind(target, seen)
            return kind if kind in (TypeKind.PYDANTIC_MODEL, TypeKind.TYPED_DICT, TypeKind.ENUM) else None
        last = _last(path) or ""
        if not isinstance(target, griffe.Class):
            if path.startswith("pydantic") and last in _PYDANTIC_NAMES:
                return TypeKind.PYDANTIC_MODEL
            if last in ("BaseModel", "StrictBase"):
                return TypeKind.PYDANTIC_MODEL
            if last == "TypedDict":
                return TypeKind.TYPED_DICT
            if last in _ENUM_NAMES:
                return TypeKind.ENUM
        return None

    def base_classes(self, cls: griffe.Class) -> list[griffe.Class]:
        result = []
        for base in cls.bases:
            target = self.lookup(self.expr_path(base))
            if isinstance(target, griffe.Class) and target is not cls:
                result.append(target)
        return result

    def mro(self, cls: griffe.Class, seen: frozenset[str] = frozenset()) -> list[griffe.Class]:
        """C3 linearisation over the base classes found in the SDK (others are ignored)."""
        key = str(cls.path)
        if key in self._mros:
            return self._mros[key]
        if key in seen:
            return [cls]
        seen = seen | {key}
        bases = self.base_classes(cls)
        sequences = [list(self.mro(b, seen)) for b in bases] + [list(bases)]
        result: list[griffe.Class] = [cls]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                break
            for seq in sequences:
                head = seq[0]
                if not any(head in s[1:] for s in sequences):
                    break
            else:
                # Inconsistent hierarchy: fall back to depth-first order without repeats.
                for seq in sequences:
                    for c in seq:
                        if c not in result:
                            result.append(c)
                break
            result.append(head)
            sequences = [s[1:] if s[0] is head else s for s in sequences]
        self._mros[key] = result
        return result

    def fields(self, cls: griffe.Class, kind: TypeKind) -> list[FieldDef]:
        lineage = [cls]
        if kind in (TypeKind.PYDANTIC_MODEL, TypeKind.DATACLASS, TypeKind.TYPED_DICT):
            lineage = [c for c in reversed(self.mro(cls)[1:]) if self.kind(c) is kind] + [cls]
        ordered: dict[str, FieldDef] = {}
        for c in lineage:
            for f in self._own_fields(c, kind):
                if c is not cls:
                    f.inherited_from = str(c.path)
                # A redefined field keeps its place (as in pydantic and dataclasses).
                ordered[f.name] = f
        return list(ordered.values())

    def _own_fields(self, cls: griffe.Class, kind: TypeKind) -> list[FieldDef]:
        src, node = self.class_node(cls)
        module = self.module_of(cls)
        if src is None or node is None or module is None:
            return []
        total = True
        for keyword in node.keywords:
            if keyword.arg == "total" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False:
                total = False
        scope = src.class_scope(node)
        result: list[FieldDef] = []
        for index, stmt in enumerate(node.body):
            if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                continue
            name = stmt.target.id
            if name.startswith("_") or name in _FRAMEWORK_NAMES:
                continue
            head = _head(stmt.annotation)
            if head == "ClassVar" or (kind is TypeKind.DATACLASS and head == "InitVar"):
                continue
            ctx = _Ctx(module, src, scope, stmt.lineno)
            fdef = FieldDef(name=name, annotation=_text(src, stmt.annotation), line=stmt.lineno)
            doc = _string_after(node.body, index)
            description: str | None = None
            if kind is TypeKind.TYPED_DICT:
                fdef.required = self._typed_dict_required(stmt.annotation, total)
            else:
                description = self._field_default(fdef, stmt, ctx)
            if doc:
                fdef.doc, fdef.doc_source = doc, "attribute_docstring"
            elif description:
                fdef.doc, fdef.doc_source = description, "field_description"
            result.append(fdef)
        return result

    @staticmethod
    def _typed_dict_required(annotation: ast.expr, total: bool) -> bool:
        node = annotation
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            with suppress(SyntaxError):
                node = ast.parse(node.value.strip(), mode="eval").body
        while True:
            node, _ = _unwrap_annotated(node)
            head = _head(node) if isinstance(node, ast.Subscript) else None
            if head == "Required":
                return True
            if head == "NotRequired":
                return False
            if head == "ReadOnly" and isinstance(node, ast.Subscript):
                node = _subscript_args(node)[0]
                continue
            return total

    def _field_default(self, fdef: FieldDef, stmt: ast.AnnAssign, ctx: _Ctx) -> str | None:
        """Fill `required`/`default`; return a `Field(description=...)` text if any."""
        description: str | None = None
        _, metadata = _unwrap_annotated(stmt.annotation)
        field_calls = [m for m in metadata if isinstance(m, ast.Call) and self._is_field_call(m, ctx)]
        value = stmt.value
        if value is not None and isinstance(value, ast.Call) and self._is_field_call(value, ctx):
            field_calls.append(value)
            value = None
        for call in field_calls:
            kwargs = {k.arg: k.value for k in call.keywords if k.arg}
            if "description" in kwargs:
                description = self._string_value(kwargs["description"], ctx) or description
        if value is not None:
            fdef.default = self.default(value, ctx)
            fdef.required = False
            return description
        if not field_calls:
            fdef.required = True
            return description
        call = field_calls[-1]  # an assigned `= Field(...)` wins over `Annotated[..., Field(...)]`
        if any(k.arg is None for k in call.keywords):
            # `Field(**options)`: the default may be in there; say nothing we cannot know.
            fdef.default = Default(expr=_text(ctx.src, call))
            fdef.required = False
            return description
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}
        default_node = call.args[0] if call.args else kwargs.get("default")
        factory = kwargs.get("default_factory")
        if default_node is not None and not self._is_required_marker(default_node):
            fdef.default = self.default(default_node, ctx)
            fdef.required = False
        elif factory is not None:
            fdef.default = self._factory_default(factory, ctx)
            fdef.required = False
        else:
            fdef.required = True
        return description

    @staticmethod
    def _is_required_marker(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return True
        return _last(_dotted(node)) == "PydanticUndefined"

    def _factory_default(self, factory: ast.expr, ctx: _Ctx) -> Default:
        expr = f"default_factory={_text(ctx.src, factory)}"
        if isinstance(factory, ast.Name) and factory.id in _FACTORY_VALUES:
            shadowed = factory.id in ctx.src.scope.bindings or factory.id in ctx.src.scope.dynamic
            if ctx.class_scope is not None and factory.id in ctx.class_scope.bindings:
                shadowed = True
            if not shadowed and not ctx.src.scope.star_lines:
                value = _FACTORY_VALUES[factory.id]
                return Default(expr=expr, value=type(value)(), resolved=True)
        return Default(expr=expr, value=None, resolved=False)

    def _callee_path(self, call: ast.Call, ctx: _Ctx) -> tuple[str | None, bool]:
        """The callee's dotted path through imports, and whether it was followed to a definition."""
        text = _dotted(call.func)
        if text is None:
            return None, False
        first, _, rest = text.partition(".")
        member = ctx.module.members.get(first)
        if isinstance(member, griffe.Alias):
            followed = self.follow_path(member.target_path)
            return (f"{followed}.{rest}" if rest else followed), True
        if member is not None:
            return str(member.path) + (f".{rest}" if rest else ""), True
        return text, False

    def _is_field_call(self, call: ast.Call, ctx: _Ctx) -> bool:
        path, followed = self._callee_path(call, ctx)
        if path is None or _last(path) not in ("Field", "field"):
            return False
        return (not followed) or path.startswith(_FIELD_ORIGINS)

    def _string_value(self, node: ast.expr, ctx: _Ctx) -> str | None:
        try:
            value = self.evaluate(node, ctx)
        except _Unresolved:
            return None
        return _clean_doc(value) if isinstance(value, str) else None

    # ---------------------------------------------------------------- enums

    def enum_members(self, cls: griffe.Class) -> list[tuple[str, Any, bool]]:
        """(name, value, value known) for each member, in source order."""
        key = str(cls.path)
        if key in self._enum_cache:
            return self._enum_cache[key]
        self._enum_cache[key] = []
        src, node = self.class_node(cls)
        module = self.module_of(cls)
        if src is None or node is None or module is None:
            return []
        lineage = [c for c in self.mro(cls) if self.kind(c) is TypeKind.ENUM]
        base_paths = {self.expr_path(b) for c in lineage for b in c.bases}
        base_names = {_last(p) for p in base_paths}
        str_enum = "StrEnum" in base_names or "str" in base_names
        int_enum = bool({"IntEnum", "IntFlag", "int"} & base_names)
        custom = any(
            name in c.members for c in lineage for name in ("__new__", "_generate_next_value_", "_missing_value_")
        )
        flag = bool({"Flag", "IntFlag"} & base_names)
        scope = src.class_scope(node)
        members: list[tuple[str, Any, bool]] = []
        for stmt in node.body:
            targets: list[ast.expr]
            if isinstance(stmt, ast.Assign):
                targets, value_node = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value_node = [stmt.target], stmt.value
            else:
                continue
            for target in targets:
                if not isinstance(target, ast.Name) or target.id.startswith("_"):
                    continue
                name = target.id
                value: Any = None
                known = False
                if not custom:
                    if isinstance(value_node, ast.Call) and not value_node.args and not value_node.keywords:
                        path, followed = self._callee_path(value_node, _Ctx(module, src, scope, stmt.lineno))
                        if _last(path) == "auto" and (not followed or (path or "").startswith("enum")):
                            if str_enum and not flag:
                                value, known = name.lower(), True
                            members.append((name, value, known))
                            continue
                    try:
                        value = self.to_json(self.evaluate(value_node, _Ctx(module, src, scope, stmt.lineno)))
                        known = True
                    except _Unresolved:
                        value, known = None, False
                    if known and str_enum and not isinstance(value, str):
                        value, known = None, False
                    if known and int_enum and (not isinstance(value, int) or isinstance(value, bool)):
                        value, known = None, False
                members.append((name, value, known))
        self._enum_cache[key] = members
        return members

    # ---------------------------------------------------------------- aliases

    def _alias_statement(self, obj: Any) -> tuple[_Source, ast.stmt] | None:
        module = self.module_of(obj)
        if module is None:
            return None
        src = self.source(module.filepath if isinstance(module.filepath, Path) else None)
        if src is None:
            return None
        match: ast.stmt | None = None
        for stmt in src.tree.body:
            names: list[str] = []
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                names = [stmt.targets[0].id]
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                names = [stmt.target.id]
            elif _AST_TYPE_ALIAS is not None and isinstance(stmt, _AST_TYPE_ALIAS):  # pragma: no cover - 3.12+
                name_node = getattr(stmt, "name", None)
                names = [name_node.id] if isinstance(name_node, ast.Name) else []
            if obj.name in names:
                match = stmt  # the last top-level binding wins, as at runtime
        return (src, match) if match is not None else None

    def _alias_type(self, obj: Any, *, explicit: bool) -> TypeDef | None:
        found = self._alias_statement(obj)
        if found is None:
            return None
        src, stmt = found
        module = self.module_of(obj)
        assert module is not None  # _alias_statement found its module
        value = getattr(stmt, "value", None)
        if not isinstance(value, ast.expr):
            return None
        is_type_alias = not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or (
            isinstance(stmt, ast.AnnAssign) and _head(stmt.annotation) == "TypeAlias"
        )
        inner, _ = _unwrap_annotated(value)
        arms = self._union_arms(inner, is_type_alias)
        kind: TypeKind | None
        if _head(inner) == "Literal" and isinstance(inner, ast.Subscript):
            kind = TypeKind.LITERAL_ALIAS
        elif arms is not None:
            literal_arms = [a for a in arms if isinstance(a, ast.Subscript) and _head(a) == "Literal"]
            kind = TypeKind.LITERAL_ALIAS if arms and len(literal_arms) == len(arms) else TypeKind.UNION_ALIAS
        elif is_type_alias:
            kind = TypeKind.TYPE_ALIAS
        else:
            kind = None
        if kind is None:
            return None
        index = src.tree.body.index(stmt)
        typedef = TypeDef(
            path=str(obj.path),
            name=str(obj.name),
            kind=kind,
            doc=_string_after(src.tree.body, index),
            file=self.rel(src.path),
            line=stmt.lineno,
            annotation=_text(src, value),
        )
        if kind is TypeKind.LITERAL_ALIAS:
            ctx = _Ctx(module, src)
            typedef.members = self._literal_members(inner, ctx)
        return typedef

    @staticmethod
    def _union_arms(node: ast.expr, allow_pipe: bool) -> list[ast.expr] | None:
        if isinstance(node, ast.Subscript) and _head(node) in _UNION_HEADS:
            args = _subscript_args(node)
            if _head(node) == "Optional":
                return [*args, ast.Constant(value=None)]
            return args
        if allow_pipe and isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            arms: list[ast.expr] = []
            stack: list[ast.expr] = [node]
            while stack:
                current = stack.pop()
                if isinstance(current, ast.BinOp) and isinstance(current.op, ast.BitOr):
                    stack += [current.right, current.left]
                else:
                    arms.append(current)
            return arms
        return None

    def _literal_members(self, node: ast.expr, ctx: _Ctx) -> list[Any]:
        members: list[Any] = []
        arms = self._union_arms(node, True) or [node]
        for arm in arms:
            arm, _ = _unwrap_annotated(arm)
            if not isinstance(arm, ast.Subscript):
                continue
            for arg in _subscript_args(arm):
                if isinstance(arg, ast.Subscript) and _head(arg) == "Literal":
                    members.extend(self._literal_members(arg, ctx))
                    continue
                try:
                    value = self.to_json(self.evaluate(arg, ctx))
                except _Unresolved:
                    self.warn(
                        self.rel(ctx.src.path),
                        getattr(arg, "lineno", None),
                        f"Literal member `{_text(ctx.src, arg)}` could not be evaluated; left out of the members",
                    )
                    continue
                if value not in members:
                    members.append(value)
        return members

    # ---------------------------------------------------------------- evaluator

    def default(self, node: ast.expr, ctx: _Ctx) -> Default:
        expr = _text(ctx.src, node)
        try:
            value = self.to_json(self.evaluate(node, ctx))
        except _Unresolved:
            return Default(expr=expr, value=None, resolved=False)
        return Default(expr=expr, value=value, resolved=True)

    @staticmethod
    def to_json(value: Any) -> Any:
        if isinstance(value, _EnumMemberRef):
            if not value.known:
                raise _Unresolved
            value = value.value
        if isinstance(value, _REFS) or not _is_json(value):
            raise _Unresolved
        return value

    def evaluate(self, node: ast.AST, ctx: _Ctx) -> Any:
        try:
            return self._eval(node, ctx, 0)
        except RecursionError:
            raise _Unresolved from None

    def _value(self, node: ast.AST, ctx: _Ctx, depth: int) -> Any:
        return self.to_json(self._eval(node, ctx, depth))

    def _eval(self, node: ast.AST, ctx: _Ctx, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _Unresolved
        depth += 1
        if isinstance(node, ast.Constant):
            value = node.value
            if value is None or isinstance(value, (bool, str)):
                return value
            if isinstance(value, (int, float)):
                return _check_number(value)
            raise _Unresolved
        if isinstance(node, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise _Unresolved
            return [self._value(e, ctx, depth) for e in node.elts]
        if isinstance(node, ast.Dict):
            result: dict[str, Any] = {}
            for key, val in zip(node.keys, node.values, strict=True):
                if key is None:
                    raise _Unresolved
                k = self._value(key, ctx, depth)
                if not isinstance(k, str):
                    raise _Unresolved
                result[k] = self._value(val, ctx, depth)
            return result
        if isinstance(node, ast.UnaryOp):
            operand = self._value(node.operand, ctx, depth)
            if isinstance(node.op, ast.Not):
                return not operand
            if isinstance(node.op, ast.USub) and _is_number(operand):
                return _check_number(-operand)
            if isinstance(node.op, ast.UAdd) and _is_number(operand):
                return _check_number(+operand)
            if isinstance(node.op, ast.Invert) and isinstance(operand, int):
                return _check_number(~operand)
            raise _Unresolved
        if isinstance(node, ast.BinOp):
            return self._binop(node, ctx, depth)
        if isinstance(node, ast.BoolOp):
            result_value: Any = None
            for i, operand_node in enumerate(node.values):
                result_value = self._value(operand_node, ctx, depth)
                last = i == len(node.values) - 1
                if not last and isinstance(node.op, ast.Or) and result_value:
                    return result_value
                if not last and isinstance(node.op, ast.And) and not result_value:
                    return result_value
            return result_value
        if isinstance(node, ast.Name):
            return self._name(node.id, ctx, depth)
        if isinstance(node, ast.Attribute):
            base = self._eval(node.value, ctx, depth)
            return self._attribute(base, node.attr, depth)
        if isinstance(node, ast.Subscript):
            container = self._value(node.value, ctx, depth)
            index = self._value(node.slice, ctx, depth)
            if isinstance(container, dict) and isinstance(index, str) and index in container:
                return container[index]
            if (
                isinstance(container, (list, str))
                and isinstance(index, int)
                and not isinstance(index, bool)
                and -len(container) <= index < len(container)
            ):
                return container[index]
            raise _Unresolved
        if isinstance(node, ast.Call):
            return _CallRef(node, ctx)
        raise _Unresolved

    def _binop(self, node: ast.BinOp, ctx: _Ctx, depth: int) -> Any:
        left = self._value(node.left, ctx, depth)
        right = self._value(node.right, ctx, depth)
        op = node.op
        if isinstance(op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        if not (_is_number(left) and _is_number(right)):
            raise _Unresolved
        try:
            if isinstance(op, ast.Add):
                return _check_number(left + right)
            if isinstance(op, ast.Sub):
                return _check_number(left - right)
            if isinstance(op, ast.Mult):
                return _check_number(left * right)
            if isinstance(op, ast.Div):
                return _check_number(left / right)
            if isinstance(op, ast.FloorDiv):
                return _check_number(left // right)
            if isinstance(op, ast.Mod):
                return _check_number(left % right)
            if isinstance(op, ast.Pow):
                if abs(right) > 1024 or (isinstance(left, int) and abs(left) > 1 and right > _MAX_INT_BITS):
                    raise _Unresolved
                result = left**right
                if isinstance(result, complex):
                    raise _Unresolved
                return _check_number(result)
        except (ZeroDivisionError, OverflowError, ValueError):
            raise _Unresolved from None
        raise _Unresolved

    def _name(self, name: str, ctx: _Ctx, depth: int) -> Any:
        scope = ctx.class_scope
        if scope is not None and ctx.line is not None:
            earlier = [b for b in scope.bindings.get(name, []) if b.line < ctx.line]
            if earlier or name in scope.dynamic:
                if len(earlier) != 1 or earlier[0].nested or earlier[0].kind != "assign" or name in scope.dynamic:
                    raise _Unresolved
                binding = earlier[0]
                assert binding.value is not None  # "assign" bindings carry their value
                return self._eval(binding.value, _Ctx(ctx.module, ctx.src, scope, binding.line), depth)
        return self._module_name(ctx.module, ctx.src, name, depth)

    def _module_name(self, module: griffe.Module, src: _Source, name: str, depth: int) -> Any:
        scope = src.scope
        bindings = scope.bindings.get(name, [])
        if name in scope.dynamic:
            raise _Unresolved
        if not bindings:
            if scope.star_lines:
                member = module.members.get(name)
                if isinstance(member, griffe.Alias):
                    return self._path_value(member.target_path, depth)
            raise _Unresolved
        if len(bindings) != 1 or bindings[0].nested:
            raise _Unresolved
        binding = bindings[0]
        if any(line > binding.line for line in scope.star_lines):
            raise _Unresolved
        if binding.kind == "assign":
            assert binding.value is not None  # "assign" bindings carry their value
            key = (str(module.path), name)
            chain = [(m, n) for m, n, _, _ in self._evaluating]
            if key in chain:
                start = chain.index(key)
                names = [n for _, n in chain[start:]] + [name]
                self.warn(
                    self.rel(src.path),
                    binding.line,
                    f"circular definition of constant '{name}' ({' -> '.join(names)}); its value is left unresolved",
                )
                raise _Unresolved
            self._evaluating.append((key[0], name, str(src.path), binding.line))
            try:
                return self._eval(binding.value, _Ctx(module, src), depth)
            finally:
                self._evaluating.pop()
        if binding.kind == "class":
            member = module.members.get(name)
            if isinstance(member, griffe.Class):
                return _ClassRef(member)
            raise _Unresolved
        if binding.kind == "from":
            member = module.members.get(name)
            if isinstance(member, griffe.Alias):
                return self._path_value(member.target_path, depth)
            if isinstance(member, griffe.Module):
                return _ModuleRef(member)
            raise _Unresolved
        if binding.kind == "import" and binding.module:
            return self._path_value(binding.module, depth)
        raise _Unresolved

    def _path_value(self, path: str, depth: int) -> Any:
        """The value of a dotted path: modules and classes as references, constants evaluated."""
        if self.loader is None or depth > _MAX_DEPTH:
            raise _Unresolved
        parts = path.split(".")
        obj: Any = self.loader.modules_collection.members.get(parts[0])
        if not isinstance(obj, griffe.Module):
            raise _Unresolved
        current: Any = _ModuleRef(obj)
        for part in parts[1:]:
            current = self._attribute(current, part, depth + 1)
        return current

    def _attribute(self, base: Any, attr: str, depth: int) -> Any:
        if isinstance(base, _ModuleRef):
            module = base.module
            ctx = self.ctx_for(module)
            if ctx is not None and (attr in ctx.src.scope.bindings or attr in ctx.src.scope.dynamic):
                return self._module_name(module, ctx.src, attr, depth + 1)
            member = module.members.get(attr)
            if isinstance(member, griffe.Module):
                return _ModuleRef(member)
            if ctx is not None and ctx.src.scope.star_lines and isinstance(member, griffe.Alias):
                return self._path_value(member.target_path, depth + 1)
            raise _Unresolved
        if isinstance(base, _ClassRef):
            if self.kind(base.cls) is TypeKind.ENUM:
                for name, value, known in self.enum_members(base.cls):
                    if name == attr:
                        return _EnumMemberRef(base.cls, name, value, known)
            raise _Unresolved
        if isinstance(base, _EnumMemberRef):
            if attr == "value" and base.known:
                return base.value
            if attr == "name":
                return base.name
            raise _Unresolved
        if isinstance(base, _CallRef):
            callee = _last(_dotted(base.node.func))
            if not callee or not callee[0].isupper():
                raise _Unresolved
            if any(k.arg is None for k in base.node.keywords):
                raise _Unresolved
            for keyword in base.node.keywords:
                if keyword.arg == attr:
                    return self._eval(keyword.value, base.ctx, depth + 1)
            raise _Unresolved
        raise _Unresolved

    # ---------------------------------------------------------------- clients

    def extract_clients(self, specs: Sequence[str]) -> list[TypeDef]:
        result: list[TypeDef] = []
        for spec in specs:
            spec = spec.strip()
            obj = self.resolve_spec(spec)
            same = next((t for t in result if isinstance(obj, griffe.Class) and t.path == obj.path), None)
            if same is not None:
                if same.public_path is None and spec != same.path:
                    same.public_path = spec
                continue
            if not isinstance(obj, griffe.Class):
                if obj is None and self._failed(spec):
                    continue
                self.warn(
                    self._not_found_location(spec),
                    None,
                    f"client '{spec}' not found under {self.root}; check the `python_clients` setting"
                    if obj is None
                    else f"client '{spec}' is not a class; check the `python_clients` setting",
                )
                continue
            src, node = self.class_node(obj)
            typedef = TypeDef(
                path=str(obj.path),
                name=obj.name,
                kind=TypeKind.CLASS,
                doc=_clean_doc(_docstring(obj)),
                file=self.rel(obj.filepath if isinstance(obj.filepath, Path) else None),
                line=node.lineno if node is not None else obj.lineno,
                bases=[_text(src, b) for b in node.bases] if src and node else [str(b) for b in obj.bases],
                functions=self.methods(obj),
            )
            if spec != typedef.path:
                typedef.public_path = spec
            result.append(typedef)
        return result

    def methods(self, cls: griffe.Class) -> list[FunctionDef]:
        seen: set[str] = set()
        result: list[FunctionDef] = []
        for owner in self.mro(cls):
            functions = [
                m
                for name, m in owner.members.items()
                if isinstance(m, griffe.Function) and not name.startswith("_") and name not in seen
            ]
            functions.sort(key=lambda f: f.lineno or 0)
            for function in functions:
                seen.add(function.name)
                fdef = self.function(function, owner)
                if fdef is not None:
                    result.append(fdef)
        return result

    def _function_node(
        self, function: griffe.Function, owner: griffe.Class
    ) -> tuple[_Source, ast.ClassDef, ast.FunctionDef | ast.AsyncFunctionDef] | None:
        src, class_node = self.class_node(owner)
        if src is None or class_node is None:
            return None
        found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        stack: list[ast.stmt] = list(class_node.body)
        while stack:
            stmt = stack.pop(0)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if stmt.name == function.name:
                    found = stmt
                continue
            if isinstance(stmt, ast.ClassDef):
                continue
            for attr in ("body", "orelse", "finalbody"):
                sub = getattr(stmt, attr, None)
                if isinstance(sub, list):
                    stack.extend(s for s in sub if isinstance(s, ast.stmt))
            for handler in getattr(stmt, "handlers", []) or []:
                stack.extend(handler.body)
        return (src, class_node, found) if found is not None else None

    def function(self, function: griffe.Function, owner: griffe.Class) -> FunctionDef | None:
        found = self._function_node(function, owner)
        module = self.module_of(owner)
        if found is None or module is None:
            return None
        src, class_node, node = found
        labels = set(function.labels)
        doc = _clean_doc(ast.get_docstring(node, clean=True))
        param_docs = _param_docs(doc)
        ctx = _Ctx(module, src, src.class_scope(class_node), node.lineno)
        args = node.args
        raw: list[tuple[str, ast.arg, ast.expr | None]] = []
        positional = [*args.posonlyargs, *args.args]
        first_default = len(positional) - len(args.defaults)
        for i, arg in enumerate(positional):
            kind = "posonly" if i < len(args.posonlyargs) else "regular"
            raw.append((kind, arg, args.defaults[i - first_default] if i >= first_default else None))
        if args.vararg is not None:
            raw.append(("vararg", args.vararg, None))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            raw.append(("kwonly", arg, kw_default))
        if args.kwarg is not None:
            raw.append(("kwarg", args.kwarg, None))
        if "staticmethod" not in labels and raw and raw[0][0] in ("posonly", "regular"):
            raw = raw[1:]
        params: list[ParamDef] = []
        pieces: list[str] = []
        star_written = any(kind == "vararg" for kind, _, _ in raw)
        last_posonly = max((i for i, (kind, _, _) in enumerate(raw) if kind == "posonly"), default=-1)
        for i, (kind, arg, default_node) in enumerate(raw):
            annotation = _text(src, arg.annotation) if arg.annotation is not None else None
            default = self.default(default_node, ctx) if default_node is not None else None
            required = default is None and kind not in ("vararg", "kwarg")
            params.append(
                ParamDef(
                    name=arg.arg,
                    kind=_PARAM_KINDS[kind],
                    annotation=annotation,
                    required=required,
                    default=default,
                    doc=param_docs.get(arg.arg),
                )
            )
            if kind == "kwonly" and not star_written:
                pieces.append("*")
                star_written = True
            prefix = "*" if kind == "vararg" else "**" if kind == "kwarg" else ""
            piece = prefix + arg.arg + (f": {annotation}" if annotation else "")
            if default is not None:
                piece += f" = {default.expr}" if annotation else f"={default.expr}"
            pieces.append(piece)
            if i == last_posonly:
                pieces.append("/")
        returns = _text(src, node.returns) if node.returns is not None else None
        spec = f"{function.name}({', '.join(pieces)})" + (f" -> {returns}" if returns else "")
        return FunctionDef(
            name=function.name,
            arity=len(params),
            doc=doc,
            spec=spec,
            line=node.lineno,
            params=params,
            returns=returns,
            is_async=isinstance(node, ast.AsyncFunctionDef) or "async" in labels,
            file=self.rel(src.path),
            decorators=[name for name in map(_decorator_name, node.decorator_list) if name],
        )


def _decorator_name(node: ast.expr) -> str | None:
    """`staticmethod` for `@staticmethod`, `wraps` for `@functools.wraps(f)`."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None
