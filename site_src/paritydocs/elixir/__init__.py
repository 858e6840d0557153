"""Static extraction of an Elixir SDK with tree-sitter: modules, structs, typespecs, docs, public functions.

Nothing is compiled or run. Each `.ex` file is parsed with tree-sitter-elixir (`parse_elixir`),
module definitions and a few expression shapes are found with the queries in
`paritydocs/queries/elixir_*.scm`, and the statements of each module body are read in order
(`@moduledoc`, `@type t`, `defstruct`, `@doc`/`@spec`/`def`, ...).

Literal values (struct defaults, `Keyword.get(opts, :key, default)` defaults, module attributes)
are evaluated only when that is sound; anything else is kept as text with `resolved=False`.

Bad input never raises: syntax errors, bytes that are not UTF-8, empty files, very deep nesting
and symlink loops each become an `ExtractionWarning` naming the file (and line when there is one),
and extraction goes on with what the tree has.
"""

from __future__ import annotations

import bisect
import copy
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from paritydocs.model import (
    Default,
    ExtractionWarning,
    FieldDef,
    FunctionDef,
    OptionRead,
    ParamDef,
    SdkModel,
    SourceInfo,
    TypeDef,
    TypeKind,
)
from paritydocs.textsafe import logger

__all__ = ["ParseCache", "extract_elixir", "parse_elixir"]

QUERY_FILES = (
    "elixir_modules.scm",
    "elixir_option_reads.scm",
    "elixir_attribute_refs.scm",
    "elixir_errors.scm",
)
"""The query files (in `paritydocs/queries/`) compiled together into one query, run once per file."""

MAX_LITERAL_DEPTH = 200
"""Nesting depth past which a literal is not evaluated (kept as text, with a warning)."""

MAX_LITERAL_BYTES = 256 * 1024
"""Size past which a default expression is not evaluated (kept as shortened text, with a warning)."""

MAX_MODULE_DEPTH = 100
"""Nesting depth of `defmodule` past which inner modules are skipped (with a warning)."""

MAX_END_REPAIRS = 3
"""How many `end`s may be appended to a file whose parse is missing some, to recover its structure."""

_DEF_KEYWORDS = frozenset({"def", "defp", "defmacro", "defmacrop", "defdelegate", "defguard", "defguardp"})
_PUBLIC_DEF_KEYWORDS = frozenset({"def", "defdelegate"})
_STRUCT_KEYWORDS = frozenset({"defstruct", "defexception"})
_TYPE_ATTRIBUTES = frozenset({"type", "typep", "opaque"})
_ENCODERS = frozenset({"Jason.Encoder", "JSON.Encoder", "Poison.Encoder"})
_OPENERS = {"do": "end", "fn": "end", "(": ")", "[": "]", "{": "}", "<<": ">>"}
_CLOSERS = frozenset(_OPENERS.values())
OPTS_PARAM = re.compile(r"^_?(?:opts|options|\w+_opts|\w+_options|opts_\w+)$")
"""Names of an opts-like parameter: the keyword options read from it are listed as the function's options."""
_NEWLINE_INDENT = re.compile(r"[ \t]*\r?\n[ \t]*")
_MODULE_REF = re.compile(r"\b[A-Z]\w*(?:\.[A-Z]\w*)+\b")
_MULTI_ALIAS = re.compile(r"\b([A-Z]\w*(?:\.[A-Z]\w*)*)\.\{([^}]*)\}")

# --------------------------------------------------------------------------------------------
# tree-sitter


_TREE_SITTER: dict[str, Any] = {}
"""Lazily built, once per process: `parser` (in `parse_elixir`) and `query` (in `_run_query`)."""


def parse_elixir(source: bytes) -> Any:
    """Parse Elixir source bytes into a tree-sitter `Tree`.

    The one place that builds the tree-sitter `Language` and `Parser` (lazily, once);
    the rest of the module works on the returned tree (and `tree.language` for queries).
    """
    parser = _TREE_SITTER.get("parser")
    if parser is None:
        import tree_sitter
        import tree_sitter_elixir

        parser = _TREE_SITTER["parser"] = tree_sitter.Parser(tree_sitter.Language(tree_sitter_elixir.language()))
    return parser.parse(source)


def _query_source() -> str:
    folder = resources.files("paritydocs.elixir").joinpath("queries")
    return "\n".join(folder.joinpath(name).read_text(encoding="utf-8") for name in QUERY_FILES)


def _run_query(tree: Any) -> list[tuple[int, dict[str, list[Any]]]]:
    """All matches of the compiled queries over `tree`, in document order."""
    import tree_sitter

    query = _TREE_SITTER.get("query")
    if query is None:
        query = _TREE_SITTER["query"] = tree_sitter.Query(tree.language, _query_source())
    return list(tree_sitter.QueryCursor(query).matches(tree.root_node))


# --------------------------------------------------------------------------------------------
# Cache


@dataclass(slots=True)
class _FileResult:
    types: list[TypeDef]
    warnings: list[ExtractionWarning]


class ParseCache:
    """Per-file extraction results keyed by (relative path, sha256 of the content).

    `parses` counts the files actually parsed; a file whose path and content are unchanged is
    served from the cache (as a copy, so callers may change what they get). One entry per path:
    a changed file replaces its old entry.
    """

    def __init__(self) -> None:
        self.parses: int = 0
        self.hits: int = 0
        self._entries: dict[str, tuple[str, _FileResult]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, path: str, digest: str) -> _FileResult | None:
        entry = self._entries.get(path)
        if entry is None or entry[0] != digest:
            return None
        self.hits += 1
        return copy.deepcopy(entry[1])

    def put(self, path: str, digest: str, result: _FileResult) -> None:
        self._entries[path] = (digest, copy.deepcopy(result))

    def clear(self) -> None:
        self._entries.clear()


# --------------------------------------------------------------------------------------------
# Entry point


def extract_elixir(
    root: Path,
    *,
    dirs: Sequence[str] = ("lib",),
    source: SourceInfo,
    cache: ParseCache | None = None,
) -> SdkModel:
    """Extract every module of the `.ex` files under `dirs` (relative to `root`), in path order."""
    root = Path(root)
    model = SdkModel(source=source)
    files = _collect_files(root, dirs, model.warnings)
    for rel, path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            model.warnings.append(ExtractionWarning(rel, None, f"cannot read file: {exc.strerror or exc}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        result = cache.get(rel, digest) if cache is not None else None
        if result is None:
            result = _extract_file(rel, data)
            if cache is not None:
                cache.parses += 1
                cache.put(rel, digest, result)
        model.types.extend(result.types)
        model.warnings.extend(result.warnings)
    for warning in model.warnings:
        logger.debug("elixir extraction: %s", warning)
    return model


def _collect_files(root: Path, dirs: Sequence[str], warnings: list[ExtractionWarning]) -> list[tuple[str, Path]]:
    """`.ex` files under each of `dirs`, sorted by relative POSIX path; directory symlinks are followed
    once (a directory reached again, e.g. through a symlink loop, is skipped with a warning)."""
    found: dict[str, Path] = {}
    visited: set[tuple[int, int]] = set()
    for d in dirs:
        base = root / d
        if not base.is_dir():
            warnings.append(ExtractionWarning(_rel(root, base), None, "source directory not found"))
            continue
        stack: list[Path] = [base]
        while stack:
            current = stack.pop()
            try:
                st = current.stat()
            except OSError as exc:
                warnings.append(ExtractionWarning(_rel(root, current), None, f"cannot read directory: {exc}"))
                continue
            key = (st.st_dev, st.st_ino)
            if key in visited and current == base:
                continue  # `dirs` overlap (`lib` and `lib/sub`): its files are already in
            if key in visited:
                what = "symlink loop" if _is_loop(current) else "directory reached twice through a symlink"
                warnings.append(ExtractionWarning(_rel(root, current), None, f"{what}; skipped"))
                continue
            visited.add(key)
            try:
                entries = sorted(os.scandir(current), key=lambda e: e.name)
            except OSError as exc:
                warnings.append(ExtractionWarning(_rel(root, current), None, f"cannot list directory: {exc}"))
                continue
            subdirs: list[Path] = []
            for entry in entries:
                path = Path(entry.path)
                try:
                    if entry.is_dir(follow_symlinks=True):
                        subdirs.append(path)
                    elif entry.name.endswith(".ex"):
                        if entry.is_file(follow_symlinks=True):
                            found.setdefault(_rel(root, path), path)
                        elif entry.is_symlink():
                            warnings.append(ExtractionWarning(_rel(root, path), None, "broken symlink; skipped"))
                except OSError as exc:
                    warnings.append(ExtractionWarning(_rel(root, path), None, f"cannot stat: {exc}"))
            stack.extend(reversed(subdirs))
    return sorted(found.items())


def _is_loop(path: Path) -> bool:
    """Whether `path` resolves to one of its own ancestors (a symlink loop) rather than a sibling."""
    try:
        real = path.resolve()
        return any(parent.resolve() == real for parent in path.parents)
    except (OSError, RuntimeError):
        return True


def _rel(root: Path, path: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------------------------
# One file


def _extract_file(rel: str, data: bytes) -> _FileResult:
    warnings: list[ExtractionWarning] = []
    if not data.strip():
        warnings.append(ExtractionWarning(rel, 1, "empty file" if not data else "file has only whitespace"))
        return _FileResult([], warnings)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warnings.append(ExtractionWarning(rel, line, "bytes that are not UTF-8 (replaced with U+FFFD)"))
        data = data.decode("utf-8", errors="replace").encode("utf-8")
    try:
        return _FileExtractor(rel, data, warnings).run()
    except RecursionError:
        warnings.append(ExtractionWarning(rel, None, "nesting too deep to extract; file skipped"))
    except Exception as exc:  # a bug here must not stop the other files
        logger.debug("elixir extraction failed on %s", rel, exc_info=True)
        warnings.append(ExtractionWarning(rel, None, f"extraction failed: {type(exc).__name__}: {exc}"))
    return _FileResult([], warnings)


@dataclass(slots=True)
class _Clause:
    """One `def`/`defp`/... head, with the module it belongs to."""

    keyword: str
    name: str
    params: list[tuple[str | None, Any]]
    """(name or None, default expression node or None) per parameter."""
    node: Any
    line: int
    doc: str | None
    hidden: bool
    reads: list[_OptionRead] = field(default_factory=list)
    attribute_refs: list[tuple[str, Any]] = field(default_factory=list)
    """(attribute name, `@name` node) for each module attribute the clause reads."""

    @property
    def arity(self) -> int:
        return len(self.params)

    @property
    def min_arity(self) -> int:
        return sum(1 for _, default in self.params if default is None)


@dataclass(slots=True)
class _OptionRead:
    var: str
    key: str
    function: str
    """`get`, `fetch`, `fetch!` or `access` (`opts[:key]`)."""
    default: Any
    """The default expression node, or None."""
    line: int


class _Unresolved(Exception):
    """A literal that cannot be evaluated soundly."""


class _TooDeep(_Unresolved):
    """A literal nested deeper than MAX_LITERAL_DEPTH."""


@dataclass(slots=True)
class _Module:
    """What the statements of one module body say, before it becomes a TypeDef."""

    name: str
    node: Any
    body: list[Any] | None
    """The body's statements (comments included), None when there is no body."""
    attributes: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    """Attribute name to its definitions: (start byte, value node), in order."""
    clauses: list[_Clause] = field(default_factory=list)
    specs: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    moduledoc: str | None = None
    typedoc: str | None = None
    type_t: Any = None
    """The right side of `@type t ::`."""
    struct: Any = None
    """The `defstruct`/`defexception` call."""
    enforce_keys: Any = None
    derives: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class _Captures:
    """The query's captures in one file, by kind."""

    module_nodes: list[tuple[Any, Any]] = field(default_factory=list)
    read_caps: list[dict[str, list[Any]]] = field(default_factory=list)
    fallbacks: dict[int, Any] = field(default_factory=dict)
    """Node id of `x` in `x || default` → `default`."""
    refs: list[Any] = field(default_factory=list)


class _FileExtractor:
    def __init__(self, rel: str, data: bytes, warnings: list[ExtractionWarning]) -> None:
        self.rel = rel
        self.src = data
        self.warnings = warnings
        self.warned: set[tuple[int | None, str]] = set()
        self.syntax_error = False

    # -- helpers ---------------------------------------------------------------------------

    def text(self, node: Any) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def warn(self, node_or_line: Any, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) or node_or_line is None else _line(node_or_line)
        if (line, message) not in self.warned:  # the same default can be evaluated twice
            self.warned.add((line, message))
            self.warnings.append(ExtractionWarning(self.rel, line, message))

    # -- parse -----------------------------------------------------------------------------

    def parse(self) -> tuple[Any, list[tuple[int, dict[str, list[Any]]]]]:
        tree = parse_elixir(self.src)
        matches = _run_query(tree)
        if not tree.root_node.has_error:
            return tree, matches
        line, what = self.describe_error(_first_error(matches))
        self.syntax_error = True
        # A truncated file (missing `end`s at the bottom) parses cleanly once they are appended;
        # the repaired tree keeps the module structure the broken one loses.
        for count in range(1, MAX_END_REPAIRS + 1):
            patched = self.src + b"\n" + b"end\n" * count
            repaired = parse_elixir(patched)
            if not repaired.root_node.has_error:
                self.warn(line, f"{what}; parsed as if {count} `end` were appended at the end of the file")
                self.src = patched  # node offsets now refer to the patched text
                return repaired, _run_query(repaired)
        self.warn(line, f"{what}; extracted what could be parsed")
        return tree, matches

    def describe_error(self, node: Any) -> tuple[int, str]:
        """The line and a short description of the first syntax error."""
        last_line = self.src.count(b"\n") + (0 if self.src.endswith(b"\n") else 1)
        if node is None:
            return 1, "syntax error"
        line = min(_line(node), max(last_line, 1))
        if node.is_missing:
            return line, f"missing `{node.type}`"
        if node.end_byte >= len(self.src.rstrip()):  # the error runs to the end: something is not closed
            openers: list[Any] = []
            for child in node.children:
                if child.is_named:
                    continue
                if child.type in ('"""', "'''", '"', "'"):
                    return _line(child), "unterminated string or heredoc"
                if child.type in _OPENERS:
                    openers.append(child)
                elif child.type in _CLOSERS and openers and _OPENERS[openers[-1].type] == child.type:
                    openers.pop()
            if openers:
                return line, f"syntax error; `{openers[-1].type}` on line {_line(openers[-1])} is never closed"
        return line, "syntax error"

    # -- run -------------------------------------------------------------------------------

    def captures(self) -> _Captures:
        """Parse the file and sort the query's captures by what they are."""
        _tree, matches = self.parse()
        found = _Captures()
        for _pattern, caps in matches:
            if "module" in caps:
                found.module_nodes.append((caps["module"][0], caps["module.name"][0]))
            elif "read" in caps:
                found.read_caps.append(caps)
            elif "or" in caps:
                found.fallbacks[caps["or.left"][0].id] = caps["or.default"][0]
            elif "attribute_ref" in caps:
                found.refs.append(caps["attribute_ref"][0])
        return found

    def run(self) -> _FileResult:
        found = self.captures()
        module_nodes, read_caps, fallbacks, refs = found.module_nodes, found.read_caps, found.fallbacks, found.refs
        reads = [(caps["read"][0], self.option_read(caps, fallbacks)) for caps in read_caps]

        modules = self.modules(module_nodes)
        clauses = sorted((c for m in modules for c in m.clauses), key=lambda c: c.node.start_byte)
        starts = [c.node.start_byte for c in clauses]
        for node, read in reads:
            clause = _containing(clauses, starts, node)
            if clause is not None:
                clause.reads.append(read)
        for node in refs:
            clause = _containing(clauses, starts, node)
            if clause is not None:
                operand = node.child_by_field_name("operand")
                clause.attribute_refs.append((self.text(operand), node))
        typedefs = [self.typedef(m) for m in modules]
        references = self.references()
        for typedef in typedefs:
            typedef.references = references
        return _FileResult(typedefs, self.warnings)

    def references(self) -> list[str]:
        """Module names the file mentions in full (`Tinkex.Foo`) or through a multi-alias (`alias Tinkex.{A, B}`)."""
        text = self.src.decode("utf-8", errors="replace")
        names = set(_MODULE_REF.findall(text))
        for head, tail in _MULTI_ALIAS.findall(text):
            names.update(f"{head}.{part.strip()}" for part in tail.split(",") if part.strip())
        return sorted(names)

    # -- modules ---------------------------------------------------------------------------

    def modules(self, found: list[tuple[Any, Any]]) -> list[_Module]:
        found.sort(key=lambda pair: (pair[0].start_byte, -pair[0].end_byte))
        result: list[_Module] = []
        stack: list[tuple[int, str]] = []  # (end byte, full name) of the enclosing modules
        seen: set[int] = set()
        for node, name_node in found:
            if node.id in seen:
                continue
            seen.add(node.id)
            while stack and stack[-1][0] <= node.start_byte:
                stack.pop()
            enclosing = stack[-1][1] if stack else None
            if len(stack) >= MAX_MODULE_DEPTH:
                self.warn(node, f"defmodule nested more than {MAX_MODULE_DEPTH} deep; skipped")
                continue
            name = self.module_name(name_node, enclosing)
            if name is None:
                self.warn(node, f"module name `{_short(self.text(name_node))}` is not an alias; skipped")
                continue
            stack.append((node.end_byte, name))
            module = _Module(name=name, node=node, body=self.module_body(node))
            if module.body is None:
                if not self.syntax_error:  # else the syntax error is the news
                    self.warn(node, f"defmodule {name} has no do-block")
            else:
                self.statements(module)
            result.append(module)
        return result

    def module_body(self, node: Any) -> list[Any] | None:
        """The statements of `defmodule X do ... end`, or of `defmodule X, do: (...)`."""
        block = _child_of_type(node, "do_block")
        if block is not None:
            return list(block.named_children)
        args = _child_of_type(node, "arguments")
        keywords = _child_of_type(args, "keywords") if args is not None else None
        for pair in _named(keywords) if keywords is not None else []:
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and value is not None and self.keyword_name(key) == "do":
                return list(value.named_children) if value.type == "block" else [value]
        return None

    def module_name(self, node: Any, enclosing: str | None) -> str | None:
        if node.type == "alias":
            name = _strip_space(self.text(node))
            if name.startswith("Elixir."):
                return name.removeprefix("Elixir.")
            return f"{enclosing}.{name}" if enclosing else name
        if node.type == "identifier" and self.text(node) == "__MODULE__":
            return enclosing
        if node.type == "dot":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None and right.type == "alias":
                head = self.module_name(left, enclosing) if left.type != "alias" else _strip_space(self.text(left))
                if head is not None:
                    return f"{head}.{_strip_space(self.text(right))}"
        return None

    def statements(self, module: _Module) -> None:
        pending_doc: str | None = None
        doc_false = False
        impl = False
        pending_typedoc: str | None = None
        for stmt in module.body or []:
            kind = stmt.type
            if kind == "unary_operator":
                operand = stmt.child_by_field_name("operand")
                op = stmt.child_by_field_name("operator")
                if op is None or op.type != "@" or operand is None or operand.type != "call":
                    continue
                target = operand.child_by_field_name("target")
                if target is None or target.type != "identifier":
                    continue
                name = self.text(target)
                args = _child_of_type(operand, "arguments")
                value = _first_named(args) if args is not None else None
                if value is None:
                    continue
                module.attributes.setdefault(name, []).append((stmt.start_byte, value))
                if name == "moduledoc":
                    if value.type == "boolean" and self.text(value) == "false":
                        module.moduledoc = None
                    else:
                        doc = self.doc_value(value, module)
                        if doc is not None:
                            module.moduledoc = doc
                elif name == "doc":
                    if value.type == "boolean" and self.text(value) == "false":
                        doc_false = True
                    else:
                        doc = self.doc_value(value, module)
                        if doc is not None:
                            pending_doc = doc
                elif name == "impl":
                    impl = not (value.type == "boolean" and self.text(value) == "false")
                elif name == "typedoc":
                    pending_typedoc = self.doc_value(value, module)
                elif name in _TYPE_ATTRIBUTES:
                    if self.is_type_t(value) and module.type_t is None:
                        module.type_t = value.child_by_field_name("right")
                        module.typedoc = pending_typedoc
                    pending_typedoc = None
                elif name == "spec":
                    key = self.spec_key(value)
                    if key is not None:
                        module.specs.setdefault(key, []).append(_NEWLINE_INDENT.sub(" ", self.text(value)))
                elif name == "enforce_keys":
                    module.enforce_keys = value
                elif name == "derive":
                    module.derives.append(value)
            elif kind == "call":
                target = stmt.child_by_field_name("target")
                if target is None or target.type != "identifier":
                    continue
                keyword = self.text(target)
                if keyword in _DEF_KEYWORDS:
                    clause = self.clause(keyword, stmt, pending_doc, doc_false or (impl and pending_doc is None))
                    if clause is not None:
                        module.clauses.append(clause)
                    pending_doc, doc_false, impl = None, False, False
                elif keyword in _STRUCT_KEYWORDS:
                    if module.struct is None:
                        module.struct = stmt
                    else:
                        self.warn(stmt, f"{module.name}: second {keyword} ignored")

    def doc_value(self, node: Any, module: _Module) -> str | None:
        """A documentation string: string, heredoc, ~s/~S sigil (interpolations kept as written)."""
        if node.type in ("string", "sigil"):
            value = self.string_value(node, keep_interpolation=True)
            return _clean_doc(value) if value is not None else None
        if node.type == "unary_operator":  # @moduledoc @shared_doc
            try:
                value = self.evaluate(node, module, node.start_byte)
            except _Unresolved:
                return None
            return _clean_doc(value) if isinstance(value, str) else None
        return None  # keyword metadata (`@doc since: "1.2"`), function calls, ...

    def is_type_t(self, node: Any) -> bool:
        if node.type != "binary_operator" or _operator(node) != "::":
            return False
        left = node.child_by_field_name("left")
        if left is None:
            return False
        if left.type == "identifier":
            return self.text(left) == "t"
        if left.type == "call":
            target = left.child_by_field_name("target")
            args = _child_of_type(left, "arguments")
            return (
                target is not None
                and target.type == "identifier"
                and self.text(target) == "t"
                and (args is None or not _named(args))
            )
        return False

    def spec_key(self, node: Any) -> tuple[str, int] | None:
        if node.type == "binary_operator" and _operator(node) == "when":
            node = node.child_by_field_name("left")
        if node is None or node.type != "binary_operator" or _operator(node) != "::":
            return None
        head = node.child_by_field_name("left")
        if head is None:
            return None
        if head.type == "identifier":
            return self.text(head), 0
        if head.type == "call":
            target = head.child_by_field_name("target")
            if target is None or target.type != "identifier":
                return None
            args = _child_of_type(head, "arguments")
            return self.text(target), len(_named(args)) if args is not None else 0
        return None

    def clause(self, keyword: str, stmt: Any, doc: str | None, hidden: bool) -> _Clause | None:
        args = _child_of_type(stmt, "arguments")
        head = _first_named(args) if args is not None else None
        if head is None:
            return None
        if head.type == "binary_operator" and _operator(head) == "when":
            head = head.child_by_field_name("left")
            if head is None:
                return None
        params: list[tuple[str | None, Any]] = []
        if head.type == "identifier":
            name = self.text(head)
        elif head.type == "call":
            target = head.child_by_field_name("target")
            if target is None or target.type != "identifier":
                return None  # def unquote(name)(...), def a.b(...)
            name = self.text(target)
            head_args = _child_of_type(head, "arguments")
            for param in _named(head_args) if head_args is not None else []:
                params.append(self.param(param))
        else:
            return None  # operator definitions (`def a + b`)
        return _Clause(keyword, name, params, stmt, _line(stmt), doc, hidden)

    def param(self, node: Any) -> tuple[str | None, Any]:
        default = None
        if node.type == "binary_operator" and _operator(node) == "\\\\":
            default = node.child_by_field_name("right")
            node = node.child_by_field_name("left")
        if node is None:
            return None, default
        if node.type == "identifier":
            return self.text(node), default
        if node.type == "binary_operator" and _operator(node) == "=":
            for side in ("right", "left"):
                child = node.child_by_field_name(side)
                if child is not None and child.type == "identifier":
                    return self.text(child), default
        return None, default

    def option_read(self, caps: dict[str, list[Any]], fallbacks: dict[int, Any]) -> _OptionRead:
        read = caps["read"][0]
        key = self.text(caps["read.key"][0])[1:]
        function = self.text(caps["read.function"][0]) if "read.function" in caps else "access"
        default = None
        if "read.args" in caps:
            values = _named(caps["read.args"][0])
            expected = 2 if read.type == "binary_operator" else 3  # the pipe form has no var argument
            if len(values) >= expected and function == "get":
                default = values[expected - 1]
        if default is None and function in ("get", "access"):
            default = fallbacks.get(read.id)  # Keyword.get(opts, :key) || default
        return _OptionRead(self.text(caps["read.var"][0]), key, function, default, _line(read))

    # -- evaluation ------------------------------------------------------------------------

    def default(self, node: Any, module: _Module, at: int) -> Default:
        """The `Default` of an expression: evaluated when sound, else kept as text, unresolved.

        A module attribute (`@default_x`) is looked up as defined before byte `at`; the expression
        recorded is then the attribute's literal text as written."""
        expr = self.text(node)
        target, where = node, at
        for _ in range(MAX_LITERAL_DEPTH):  # follow @a -> @b -> literal, for the text
            attr = self.attribute_value(target, module, where)
            if attr is None:
                break
            where, target = attr
        if target is not node:
            expr = self.text(target)
        size = target.end_byte - target.start_byte
        if size > MAX_LITERAL_BYTES:
            self.warn(node, f"literal of {size} bytes not evaluated (limit {MAX_LITERAL_BYTES})")
            return Default(expr=_short(expr, 2000), value=None, resolved=False)
        try:
            value = self.evaluate(node, module, at)
        except _TooDeep:
            self.warn(node, f"literal nested more than {MAX_LITERAL_DEPTH} deep; not evaluated")
            return Default(expr=_short(expr, 2000), value=None, resolved=False)
        except _Unresolved:
            return Default(expr=expr, value=None, resolved=False)
        return Default(expr=expr, value=value, resolved=True)

    def attribute_value(self, node: Any, module: _Module, at: int) -> tuple[int, Any] | None:
        """If `node` is `@name`, the (position, value node) of its last definition before `at`."""
        if node.type != "unary_operator" or _operator(node) != "@":
            return None
        operand = node.child_by_field_name("operand")
        if operand is None or operand.type != "identifier":
            return None
        definitions = module.attributes.get(self.text(operand), [])
        earlier = [d for d in definitions if d[0] < at]
        return earlier[-1] if earlier else None

    def evaluate(self, node: Any, module: _Module, at: int, depth: int = 0) -> Any:
        """The JSON value of an Elixir literal, or raise `_Unresolved`. Never guesses."""
        if depth > MAX_LITERAL_DEPTH:
            raise _TooDeep
        kind = node.type
        if kind == "integer":
            return _parse_integer(self.text(node))
        if kind == "float":
            return float(self.text(node).replace("_", ""))
        if kind == "boolean":
            return self.text(node) == "true"
        if kind == "nil":
            return None
        if kind == "atom":
            return self.text(node)[1:]
        if kind == "quoted_atom":
            value = self.string_value(node)
            if value is None:
                raise _Unresolved
            return value
        if kind == "char":
            return _parse_char(self.text(node))
        if kind in ("string", "sigil"):
            if kind == "sigil":
                words = self.sigil_words(node)
                if words is not None:
                    return words
            value = self.string_value(node)
            if value is None:
                raise _Unresolved
            return value
        if kind == "list":
            return self.evaluate_items(_named(node), module, at, depth)
        if kind == "tuple":
            return [self.evaluate(c, module, at, depth + 1) for c in _named(node)]
        if kind == "map":
            if _child_of_type(node, "struct") is not None:
                raise _Unresolved  # %Struct{}: its defaults live in another module
            content = _child_of_type(node, "map_content")
            return self.evaluate_map(_named(content) if content is not None else [], module, at, depth)
        if kind == "block":
            inner = _named(node)
            if len(inner) != 1:
                raise _Unresolved
            return self.evaluate(inner[0], module, at, depth + 1)
        if kind == "unary_operator":
            op = _operator(node)
            operand = node.child_by_field_name("operand")
            if operand is None:
                raise _Unresolved
            if op == "@":
                attr = self.attribute_value(node, module, at)
                if attr is None:
                    raise _Unresolved
                return self.evaluate(attr[1], module, attr[0], depth + 1)
            if op in ("-", "+"):
                value = self.evaluate(operand, module, at, depth + 1)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _Unresolved
                return -value if op == "-" else value
            raise _Unresolved
        if kind == "binary_operator":
            return self.evaluate_binary(node, module, at, depth)
        raise _Unresolved

    def evaluate_binary(self, node: Any, module: _Module, at: int, depth: int) -> Any:
        op = _operator(node)
        if op not in ("+", "-", "*", "/", "<>"):
            raise _Unresolved
        left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left_node is None or right_node is None:
            raise _Unresolved
        left = self.evaluate(left_node, module, at, depth + 1)
        right = self.evaluate(right_node, module, at, depth + 1)
        if op == "<>":
            if isinstance(left, str) and isinstance(right, str):
                return left + right
            raise _Unresolved
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
        if not numbers:
            raise _Unresolved
        try:
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op == "*":
                return left * right
            return float(left) / float(right)  # Elixir's `/` always gives a float
        except (ZeroDivisionError, OverflowError) as exc:
            raise _Unresolved from exc

    def evaluate_items(self, items: list[Any], module: _Module, at: int, depth: int) -> Any:
        """A list: plain values, or a keyword list (as a JSON object when every item is a pair)."""
        values: list[Any] = []
        pairs: list[tuple[str, Any]] = []
        plain = False
        for item in items:
            if item.type == "keywords":
                for pair in _named(item):
                    pairs.append(self.evaluate_pair(pair, module, at, depth))
            else:
                plain = True
                values.append(self.evaluate(item, module, at, depth + 1))
        if not pairs:
            return values
        if plain:  # [1, a: 2] is [1, {:a, 2}]
            return values + [[k, v] for k, v in pairs]
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise _Unresolved  # a keyword list with a repeated key has no JSON object form
        return dict(pairs)

    def evaluate_pair(self, pair: Any, module: _Module, at: int, depth: int) -> tuple[str, Any]:
        if pair.type != "pair":
            raise _Unresolved
        key_node, value_node = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key_node is None or value_node is None:
            raise _Unresolved
        key = self.keyword_name(key_node)
        if key is None:
            raise _Unresolved
        return key, self.evaluate(value_node, module, at, depth + 1)

    def evaluate_map(self, items: list[Any], module: _Module, at: int, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for item in items:
            if item.type == "keywords":
                entries = [self.evaluate_pair(p, module, at, depth) for p in _named(item)]
            elif item.type == "binary_operator" and _operator(item) == "=>":
                key_node, value_node = item.child_by_field_name("left"), item.child_by_field_name("right")
                if key_node is None or value_node is None:
                    raise _Unresolved
                key = self.evaluate(key_node, module, at, depth + 1)
                if not isinstance(key, str):
                    raise _Unresolved  # JSON objects only have string keys
                entries = [(key, self.evaluate(value_node, module, at, depth + 1))]
            else:
                raise _Unresolved  # %{map | key: value}, ...
            for key, value in entries:
                if key in result:
                    raise _Unresolved  # :a and "a" would collide
                result[key] = value
        return result

    def keyword_name(self, node: Any) -> str | None:
        if node.type == "keyword":
            return self.text(node).rstrip().removesuffix(":")
        if node.type == "quoted_keyword":
            return self.string_value(node)
        return None

    def string_value(self, node: Any, *, keep_interpolation: bool = False) -> str | None:
        """The value of a string, heredoc, quoted atom/keyword or ~s/~S sigil; None when it
        interpolates (unless `keep_interpolation`, for docs) or is another sigil."""
        sigil_name = None
        for child in node.children:
            if child.type == "sigil_name":
                sigil_name = self.text(child)
            elif child.type == "interpolation" and not keep_interpolation:
                return None
        start = node.child_by_field_name("quoted_start")
        end = node.child_by_field_name("quoted_end")
        if start is None or end is None:
            return None
        if sigil_name is not None and sigil_name not in ("s", "S"):
            return None
        raw = self.src[start.end_byte : end.start_byte].decode("utf-8", errors="replace")
        delimiter = self.text(start)
        if delimiter in ('"""', "'''"):
            raw = _dedent_heredoc(raw)
        if sigil_name == "S":
            return raw
        return _unescape(raw)

    def sigil_words(self, node: Any) -> list[str] | None:
        """`~w(a b c)` as ["a", "b", "c"] (also with the `a` modifier: atom names); None otherwise."""
        name = _child_of_type(node, "sigil_name")
        if name is None or self.text(name) not in ("w", "W"):
            return None
        modifiers = _child_of_type(node, "sigil_modifiers")
        if modifiers is not None and self.text(modifiers) not in ("s", "a"):
            raise _Unresolved  # ~w()c: charlists
        if any(c.type == "interpolation" for c in node.children):
            raise _Unresolved
        start, end = node.child_by_field_name("quoted_start"), node.child_by_field_name("quoted_end")
        if start is None or end is None:
            raise _Unresolved
        raw = self.src[start.end_byte : end.start_byte].decode("utf-8", errors="replace")
        return raw.split()

    # -- module -> TypeDef -----------------------------------------------------------------

    def typedef(self, module: _Module) -> TypeDef:
        short = module.name.rsplit(".", 1)[-1]
        kind = TypeKind.MODULE
        members: list[Any] = []
        annotation = self.text(module.type_t) if module.type_t is not None else None
        if module.struct is not None:
            kind = TypeKind.STRUCT
        elif module.type_t is not None:
            literal_members = self.union_members(module.type_t)
            if literal_members:
                kind, members = TypeKind.ENUM_TYPE, literal_members
        typedef = TypeDef(
            path=module.name,
            name=short,
            kind=kind,
            doc=module.moduledoc,
            file=self.rel,
            line=_line(module.node),
            members=members,
            annotation=annotation,
            typedoc=module.typedoc,
        )
        if module.struct is not None:
            typedef.fields = self.fields(module)
        typedef.functions = self.functions(module)
        typedef.hidden_functions = self.hidden_functions(module)
        typedef.option_reads = self.option_reads(module)
        return typedef

    def option_reads(self, module: _Module) -> list[OptionRead]:
        return [
            OptionRead(
                key=read.key,
                var=read.var,
                function=clause.name,
                arity=clause.arity,
                keyword=clause.keyword,
                line=read.line,
                how=read.function,
                default=self.default(read.default, module, clause.node.start_byte)
                if read.default is not None
                else None,
            )
            for clause in module.clauses
            for read in clause.reads
        ]

    def hidden_functions(self, module: _Module) -> list[FunctionDef]:
        found: dict[str, FunctionDef] = {}
        for clause in module.clauses:
            if clause.keyword in ("def", "defdelegate") and clause.hidden and clause.name not in found:
                params = [ParamDef(name or f"arg{i + 1}") for i, (name, _) in enumerate(clause.params)]
                found[clause.name] = FunctionDef(
                    clause.name, clause.arity, line=clause.line, params=params, file=self.rel
                )
        return list(found.values())

    def union_members(self, node: Any) -> list[Any]:
        """Members of `:a | :b | :c` or `"x" | "y"` (at least two, all atoms or all strings); else []."""
        stack = [node]
        leaves: list[Any] = []
        while stack:  # explicit stack: a generated union can be thousands deep
            current = stack.pop()
            if current.type == "binary_operator" and _operator(current) == "|":
                left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
                if left is None or right is None:
                    return []
                stack.append(right)
                stack.append(left)
            else:
                leaves.append(current)
        if len(leaves) < 2:
            return []
        kinds = {leaf.type for leaf in leaves}
        if kinds == {"atom"}:
            return [self.text(leaf)[1:] for leaf in leaves]
        if kinds <= {"atom", "quoted_atom"}:
            names = [self.string_value(leaf) if leaf.type == "quoted_atom" else self.text(leaf)[1:] for leaf in leaves]
            return names if all(n is not None for n in names) else []
        if kinds == {"string"}:
            strings = [self.string_value(leaf) for leaf in leaves]
            return strings if all(s is not None for s in strings) else []
        return []

    def fields(self, module: _Module) -> list[FieldDef]:
        struct = module.struct
        at = struct.start_byte
        args = _child_of_type(struct, "arguments")
        items = _named(args) if args is not None else []
        entries: list[tuple[str, Any, Any, str | None]] = []  # name, node, value node, comment
        if len(items) == 1 and items[0].type in ("list", "keywords"):
            container = items[0]
            entries = self.struct_entries(container if container.type == "list" else args)
        elif len(items) == 1 and items[0].type == "unary_operator":  # defstruct @fields
            attr = self.attribute_value(items[0], module, at)
            if attr is not None and attr[1].type in ("list", "keywords"):
                entries = self.struct_entries(attr[1])
            else:
                self.warn(struct, f"{module.name}: defstruct fields are not a literal list; no fields extracted")
        elif items:
            self.warn(struct, f"{module.name}: defstruct fields are not a literal list; no fields extracted")

        annotations, type_comments = self.type_t_fields(module)
        required = self.enforced_keys(module)
        wire = self.wire_fields(module, [e[0] for e in entries])
        section_docs = _fields_section(module.moduledoc)
        typedoc_docs = _fields_section(module.typedoc)
        ctor = self.constructor_defaults(module)

        fields: list[FieldDef] = []
        for name, node, value_node, comment in entries:
            f = FieldDef(name=name, line=_line(node), annotation=annotations.get(name), required=name in required)
            f.wire = wire.get(name) if wire is not None else None
            struct_default = self.default(value_node, module, at) if value_node is not None else None
            if struct_default is not None and not (struct_default.resolved and struct_default.value is None):
                f.default = struct_default
            elif name in ctor:
                f.default = ctor[name]
            else:
                f.default = struct_default
            if name in section_docs:
                f.doc, f.doc_source = section_docs[name], "moduledoc_fields"
            elif name in typedoc_docs:
                f.doc, f.doc_source = typedoc_docs[name], "typedoc_fields"
            elif name in type_comments or comment:
                f.doc, f.doc_source = type_comments.get(name) or comment, "comment"
            fields.append(f)
        return fields

    def struct_entries(self, container: Any) -> list[tuple[str, Any, Any, str | None]]:
        """(name, node, default value node, comment above) for each field of a defstruct list."""
        entries: list[tuple[str, Any, Any, str | None]] = []
        for item, comment in self.commented_items(container):
            if item.type == "atom":
                entries.append((self.text(item)[1:], item, None, comment))
            elif item.type == "pair":
                key = item.child_by_field_name("key")
                name = self.keyword_name(key) if key is not None else None
                if name is not None:
                    entries.append((name, item, item.child_by_field_name("value"), comment))
            elif item.type == "quoted_atom":
                value = self.string_value(item)
                if value is not None:
                    entries.append((value, item, None, comment))
        return entries

    def commented_items(self, container: Any) -> Iterable[tuple[Any, str | None]]:
        """The items of a list/keywords/map (one level of `keywords`/`map_content` flattened),
        each with the block of `#` comment lines directly above it (or None)."""
        block: list[str] = []
        block_end_row = -2
        last_row = -1  # end row of the last non-comment token seen
        queue = list(container.children)
        i = 0
        while i < len(queue):
            child = queue[i]
            i += 1
            if child.type in ("keywords", "map_content"):
                queue[i:i] = child.children
                continue
            if child.type == "comment":
                row = child.start_point[0]
                own_line = row != last_row
                if own_line and (not block or row == block_end_row + 1):
                    block.append(_comment_text(self.text(child)))
                    block_end_row = row
                elif own_line:
                    block, block_end_row = [_comment_text(self.text(child))], row
                else:
                    block = []
                continue
            if child.is_named:
                above = block_end_row == child.start_point[0] - 1 and block
                yield child, ("\n".join(block).strip() or None) if above else None
            block = []
            last_row = child.end_point[0]

    def type_t_fields(self, module: _Module) -> tuple[dict[str, str], dict[str, str]]:
        """Per-field typespec text and comment docs from `@type t :: %__MODULE__{...}`."""
        annotations: dict[str, str] = {}
        comments: dict[str, str] = {}
        node = module.type_t
        if node is None or node.type != "map" or _child_of_type(node, "struct") is None:
            return annotations, comments
        for item, comment in self.commented_items(node):
            if item.type != "pair":
                continue
            key, value = item.child_by_field_name("key"), item.child_by_field_name("value")
            name = self.keyword_name(key) if key is not None else None
            if name is None or value is None:
                continue
            annotations[name] = _NEWLINE_INDENT.sub(" ", self.text(value))
            if comment:
                comments[name] = comment
        return annotations, comments

    def enforced_keys(self, module: _Module) -> set[str]:
        node = module.enforce_keys
        if node is None:
            return set()
        at = module.struct.start_byte if module.struct is not None else node.end_byte
        try:
            value = self.evaluate(node, module, at)
        except _Unresolved:
            self.warn(node, f"{module.name}: @enforce_keys is not a literal list of atoms; ignored")
            return set()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return set(value)
        return set()

    def wire_fields(self, module: _Module, names: list[str]) -> dict[str, bool] | None:
        """From `@derive {Jason.Encoder, only: [...]}` (or `except:`): which fields go on the wire."""
        for derive in module.derives:
            items = _named(derive) if derive.type == "list" else [derive]
            for item in items:
                if item.type != "tuple":
                    continue
                parts = _named(item)
                if len(parts) != 2 or parts[0].type != "alias" or _strip_space(self.text(parts[0])) not in _ENCODERS:
                    continue
                if parts[1].type != "keywords":
                    continue
                for pair in _named(parts[1]):
                    key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
                    option = self.keyword_name(key) if key is not None else None
                    if option not in ("only", "except") or value is None:
                        continue
                    try:
                        listed = self.evaluate(value, module, derive.start_byte)
                    except _Unresolved:
                        self.warn(derive, f"{module.name}: @derive {option}: is not a literal list; ignored")
                        return None
                    if not isinstance(listed, list):
                        return None
                    chosen = {str(v) for v in listed}
                    if option == "only":
                        return {n: n in chosen for n in names}
                    return {n: n not in chosen for n in names}
        return None

    def constructor_defaults(self, module: _Module) -> dict[str, Default]:
        """Field defaults a `new/0..2` constructor supplies: `Keyword.get(opts, :f, default)`,
        `Keyword.get(opts, :f) || default`, `opts[:f] || default`, and a `@default_<field>`
        attribute the constructor reads."""
        result: dict[str, Default] = {}
        referenced: list[tuple[str, Any, _Clause]] = []
        for clause in module.clauses:
            if clause.name != "new" or clause.arity > 2:
                continue
            params = {name for name, _ in clause.params if name}
            for read in clause.reads:
                if read.var in params and read.default is not None and read.key not in result:
                    result[read.key] = self.default(read.default, module, clause.node.start_byte)
            referenced.extend((name, node, clause) for name, node in clause.attribute_refs)
        for name, node, clause in referenced:
            field_name = name.removeprefix("default_")
            if name.startswith("default_") and field_name not in result and name in module.attributes:
                result[field_name] = self.default(node, module, clause.node.start_byte)
        return result

    # -- functions -------------------------------------------------------------------------

    def functions(self, module: _Module) -> list[FunctionDef]:
        groups: dict[tuple[str, int], list[_Clause]] = {}
        for clause in module.clauses:
            if clause.keyword not in _PUBLIC_DEF_KEYWORDS:
                continue
            groups.setdefault((clause.name, clause.arity), []).append(clause)
        entries: dict[tuple[str, int], FunctionDef] = {}
        for (name, arity), clauses in groups.items():
            if name.startswith("_") or any(c.hidden for c in clauses):
                continue
            doc = next((c.doc for c in clauses if c.doc is not None), None)
            params = self.merged_params(clauses, module)
            min_arity = min(c.min_arity for c in clauses)
            for k in range(min_arity, arity + 1):
                key = (name, k)
                if key in entries:
                    continue
                if k < arity and (name, k) in groups:
                    continue  # defined explicitly too; that definition speaks for itself
                entries[key] = FunctionDef(
                    name=name,
                    arity=k,
                    doc=doc,
                    spec="\n".join(module.specs[key]) if key in module.specs else None,
                    line=clauses[0].line,
                    params=self.params_for_arity(params, k, arity, clauses, module),
                    file=self.rel,
                )
        return sorted(entries.values(), key=lambda f: (f.line or 0, f.name, f.arity or 0))

    def merged_params(self, clauses: list[_Clause], module: _Module) -> list[ParamDef]:
        """One ParamDef per position: the first clause that names it (not `_`-prefixed) wins."""
        arity = clauses[0].arity
        params: list[ParamDef] = []
        for i in range(arity):
            names: list[str] = [n for c in clauses if (n := c.params[i][0])]
            name = next((n for n in names if not n.startswith("_")), None) or (
                names[0].lstrip("_") if names and names[0].lstrip("_") else f"arg{i + 1}"
            )
            default_node = next((c.params[i][1] for c in clauses if c.params[i][1] is not None), None)
            owner = next((c for c in clauses if c.params[i][1] is not None), clauses[0])
            default = self.default(default_node, module, owner.node.start_byte) if default_node is not None else None
            params.append(ParamDef(name=name, required=default is None, default=default))
        return params

    def params_for_arity(
        self, params: list[ParamDef], k: int, arity: int, clauses: list[_Clause], module: _Module
    ) -> list[ParamDef]:
        """The parameters of name/k: all required ones plus the first defaulted ones that fit,
        followed by the keyword options read from an opts-like parameter among them."""
        chosen: list[ParamDef] = []
        optional_slots = k - sum(1 for p in params if p.required)
        for p in params:
            if p.required or optional_slots > 0:
                chosen.append(ParamDef(name=p.name, kind=p.kind, required=p.required, default=p.default))
                optional_slots -= 0 if p.required else 1
        opts_names = {p.name for p in chosen if OPTS_PARAM.match(p.name)}
        if not opts_names:
            return chosen
        options: dict[str, ParamDef] = {}
        for clause in clauses:
            clause_opts = {name for name, _ in clause.params if name and OPTS_PARAM.match(name)}
            clause_opts |= {name.lstrip("_") for name in clause_opts}
            for read in clause.reads:
                if read.var not in clause_opts:
                    continue
                option = options.get(read.key)
                if option is None:
                    option = options[read.key] = ParamDef(name=read.key, kind="option", required=False)
                if read.function == "fetch!":
                    option.required = True
                if option.default is None and read.default is not None:
                    option.default = self.default(read.default, module, clause.node.start_byte)
        return chosen + list(options.values())


# --------------------------------------------------------------------------------------------
# Small helpers over nodes


def _line(node: Any) -> int:
    return int(node.start_point[0]) + 1


def _named(node: Any) -> list[Any]:
    return [c for c in node.named_children if c.type != "comment"]


def _first_named(node: Any) -> Any:
    for child in node.named_children:
        if child.type != "comment":
            return child
    return None


def _child_of_type(node: Any, kind: str) -> Any:
    for child in node.children:
        if child.type == kind:
            return child
    return None


def _operator(node: Any) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def _containing(clauses: list[_Clause], starts: list[int], node: Any) -> _Clause | None:
    i = bisect.bisect_right(starts, node.start_byte) - 1
    if i >= 0 and clauses[i].node.end_byte >= node.end_byte:
        return clauses[i]
    return None


def _first_error(matches: list[tuple[int, dict[str, list[Any]]]]) -> Any:
    errors = [n for _, caps in matches for name in ("error", "missing") for n in caps.get(name, [])]
    return min(errors, key=lambda n: n.start_byte) if errors else None


# --------------------------------------------------------------------------------------------
# Literal text


def _parse_integer(text: str) -> int:
    digits = text.replace("_", "")
    prefix = digits[:2].lower()
    bases = {"0x": 16, "0o": 8, "0b": 2}
    try:
        if prefix in bases:
            return int(digits[2:], bases[prefix])
        return int(digits, 10)
    except ValueError as exc:
        raise _Unresolved from exc


def _parse_char(text: str) -> int:
    body = text[1:]
    if body.startswith("\\"):
        value = _unescape(body)
        if len(value) != 1:
            raise _Unresolved
        return ord(value)
    if len(body) != 1:
        raise _Unresolved
    return ord(body)


_ESCAPE = re.compile(r"\\(x\{[0-9A-Fa-f]+\}|x[0-9A-Fa-f]{1,2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|\r?\n|.)", re.S)
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "d": "\x7f",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "s": " ",
    "t": "\t",
    "v": "\v",
    "0": "\0",
}


def _unescape(raw: str) -> str:
    """Elixir string escapes (`\\n`, `\\t`, `\\x41`, `\\u{1F600}`, line continuation) in already-extracted text."""
    if "\\" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        seq = match.group(1)
        if seq in ("\n", "\r\n"):
            return ""
        if seq[0] in "xu" and len(seq) > 1:
            digits = seq[1:].strip("{}")
            try:
                return chr(int(digits, 16))
            except (ValueError, OverflowError):
                return match.group(0)
        return _SIMPLE_ESCAPES.get(seq, seq)

    return _ESCAPE.sub(replace, raw)


def _dedent_heredoc(raw: str) -> str:
    """The value of a heredoc body: from the line after the opening quotes, each line stripped of
    the closing quotes' indentation."""
    newline = raw.find("\n")
    body = raw[newline + 1 :] if newline >= 0 else raw
    lines = body.split("\n")
    indent = lines.pop() if lines else ""
    if indent.strip():  # closing quotes not on a line of their own (a broken heredoc)
        lines.append(indent)
        indent = ""
    width = len(indent)
    out = []
    for line in lines:
        stripped = line.lstrip(" \t")
        removed = len(line) - len(stripped)
        out.append(line[min(removed, width) :])
    return "\n".join(out) + ("\n" if out else "")


def _clean_doc(text: str) -> str | None:
    lines = text.strip("\n").rstrip()
    return lines if lines.strip() else None


def _comment_text(text: str) -> str:
    body = text.lstrip()[1:]
    return body[1:] if body.startswith(" ") else body


def _strip_space(text: str) -> str:
    return "".join(text.split())


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# `## Fields` sections in docs (regular expressions over extracted doc strings only)

_FIELDS_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+(?:struct[ \t]+)?fields:?[ \t]*#*|(?:struct[ \t]+)?fields:)[ \t]*$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]")
_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)[*+-][ \t]+"
    r"(?:`(?P<quoted>:?[A-Za-z_]\w*[?!]?):?`|(?P<bare>:?[A-Za-z_]\w*[?!]?))"
    r"(?:[ \t]*\([^)\n]*\))?"  # an optional `(type)` after the name
    r"[ \t]*(?:[-\u2013\u2014:]+|(?<=:`))[ \t]*(?P<text>.*)$"  # `- `name:` text` needs no separator
)
_ANY_BULLET = re.compile(r"^(?P<indent>[ \t]*)[*+-][ \t]+")


def _fields_section(doc: str | None) -> dict[str, str]:
    """Field name to doc from the bullet list of a `## Fields` (`### Fields`, `Fields:`) section.

    An item is a bullet naming the field (`` * `:name` - text ``, `- name: text`, `` * `name` — text ``),
    with the more-indented lines under it; a blank line ends an item, a heading or a paragraph after
    the list ends the section. The first mention of a field wins.
    """
    if not doc:
        return {}
    result: dict[str, str] = {}
    items: list[tuple[str, list[str]]] = []
    in_section = False
    base_indent: int | None = None
    current: tuple[str, list[str]] | None = None
    for line in doc.split("\n"):
        if _FIELDS_HEADING.match(line):
            in_section, base_indent, current = True, None, None
            continue
        if not in_section:
            continue
        if _HEADING.match(line):
            in_section, current = False, None
            continue
        if not line.strip():
            current = None
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if _ANY_BULLET.match(line) and (base_indent is None or indent <= base_indent):
            base_indent = indent if base_indent is None else base_indent
            bullet = _BULLET.match(line)
            current = None
            if bullet:
                name = (bullet.group("quoted") or bullet.group("bare") or "").lstrip(":")
                current = (name, [bullet.group("text").strip()])
                items.append(current)
        elif current is not None and base_indent is not None and indent > base_indent:
            current[1].append(line.strip())
        elif base_indent is not None and indent <= base_indent:
            in_section, current = False, None  # a paragraph after the list ends the section
    for name, parts in items:
        if name not in result:
            result[name] = " ".join(p for p in parts if p).strip()
    return result
