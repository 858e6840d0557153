"""The records of one file's extraction: its state (`FileState`), what a module body says, and the file's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paritydocs.elixir.syntax import node_line, node_text
from paritydocs.model import DecodeCall, ExtractionWarning, StructBuild, TypeDef

__all__ = ["Clause", "FileResult", "FileState", "Module", "RawOptionRead"]


@dataclass(slots=True)
class FileResult:
    types: list[TypeDef]
    warnings: list[ExtractionWarning]


@dataclass(slots=True)
class Clause:
    """One `def`/`defp`/... head, with the module it belongs to."""

    keyword: str
    name: str
    params: list[tuple[str | None, Any]]
    """(name or None, default expression node or None) per parameter."""
    node: Any
    line: int
    doc: str | None
    hidden: bool
    reads: list[RawOptionRead] = field(default_factory=list)
    attribute_refs: list[tuple[str, Any]] = field(default_factory=list)
    """(attribute name, `@name` node) for each module attribute the clause reads."""

    @property
    def arity(self) -> int:
        return len(self.params)

    @property
    def min_arity(self) -> int:
        return sum(1 for _, default in self.params if default is None)


@dataclass(slots=True)
class RawOptionRead:
    var: str
    key: str
    function: str
    """`get`, `fetch`, `fetch!` or `access` (`opts[:key]`)."""
    default: Any
    """The default expression node, or None."""
    line: int


@dataclass(slots=True)
class Module:
    """What the statements of one module body say, before it becomes a TypeDef."""

    name: str
    node: Any
    body: list[Any] | None
    """The body's statements (comments included), None when there is no body."""
    attributes: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    """Attribute name to its definitions: (start byte, value node), in order."""
    clauses: list[Clause] = field(default_factory=list)
    specs: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    moduledoc: str | None = None
    typedoc: str | None = None
    type_t: Any = None
    """The right side of `@type t ::`."""
    struct: Any = None
    """The `defstruct`/`defexception` call."""
    enforce_keys: Any = None
    derives: list[Any] = field(default_factory=list)
    builds: list[StructBuild] = field(default_factory=list)
    decodes: list[DecodeCall] = field(default_factory=list)


class FileState:
    """One file being extracted: its path, its source bytes and its warnings (each line and message once).

    `src` is the text the tree's node offsets refer to: once `reader.parse` has appended `end`s to repair a
    truncated file, the patched text.
    """

    def __init__(self, rel: str, data: bytes, warnings: list[ExtractionWarning]) -> None:
        self.rel = rel
        self.src = data
        self.warnings = warnings
        self.warned: set[tuple[int | None, str]] = set()
        self.syntax_error = False

    # -- helpers ---------------------------------------------------------------------------

    def text(self, node: Any) -> str:
        return node_text(self.src, node)

    def warn(self, node_or_line: Any, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) or node_or_line is None else node_line(node_or_line)
        if (line, message) not in self.warned:  # the same default can be evaluated twice
            self.warned.add((line, message))
            self.warnings.append(ExtractionWarning(self.rel, line, message))
