"""The Elixir syntax layer: tree-sitter parsing, end repair, the compiled queries, node helpers and the module finder.

`parse_elixir` is the one place that builds the tree-sitter parser; `run_query` runs the queries of
`queries/*.scm` (compiled together, once); `find_modules` is the one reading of `defmodule` names,
used by the extractor and by `paritydocs.suggest`, so the two cannot disagree on a module's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

__all__ = [
    "MAX_END_REPAIRS",
    "MAX_MODULE_DEPTH",
    "NEWLINE_INDENT",
    "QUERY_FILES",
    "Captures",
    "FoundModule",
    "child_of_type",
    "describe_error",
    "find_modules",
    "first_error",
    "first_named",
    "module_defs",
    "module_name",
    "named",
    "node_line",
    "node_text",
    "operator",
    "parse_elixir",
    "run_query",
    "shorten",
    "sort_captures",
    "strip_space",
]


QUERY_FILES = (
    "elixir_modules.scm",
    "elixir_option_reads.scm",
    "elixir_attribute_refs.scm",
    "elixir_struct_usage.scm",
    "elixir_errors.scm",
)
"""The query files (in `paritydocs/elixir/queries/`) compiled together into one query, run once per file."""

MAX_END_REPAIRS = 3
"""How many `end`s may be appended to a file whose parse is missing some, to recover its structure."""

MAX_MODULE_DEPTH = 100
"""Nesting depth of `defmodule` past which inner modules are skipped (with a warning)."""

_OPENERS = {"do": "end", "fn": "end", "(": ")", "[": "]", "{": "}", "<<": ">>"}
_CLOSERS = frozenset(_OPENERS.values())
NEWLINE_INDENT = re.compile(r"[ \t]*\r?\n[ \t]*")


# --------------------------------------------------------------------------------------------
# tree-sitter


_TREE_SITTER: dict[str, Any] = {}
"""Lazily built, once per process: `parser` (in `parse_elixir`) and `query` (in `run_query`)."""


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


def run_query(tree: Any) -> list[tuple[int, dict[str, list[Any]]]]:
    """All matches of the compiled queries over `tree`, in document order."""
    import tree_sitter

    query = _TREE_SITTER.get("query")
    if query is None:
        query = _TREE_SITTER["query"] = tree_sitter.Query(tree.language, _query_source())
    return list(tree_sitter.QueryCursor(query).matches(tree.root_node))


@dataclass(slots=True)
class Captures:
    """The query's captures in one file, by kind."""

    module_nodes: list[tuple[Any, Any]] = field(default_factory=list)
    read_caps: list[dict[str, list[Any]]] = field(default_factory=list)
    fallbacks: dict[int, Any] = field(default_factory=dict)
    """Node id of `x` in `x || default` → `default`."""
    refs: list[Any] = field(default_factory=list)
    builds: list[tuple[Any, Any]] = field(default_factory=list)
    """`%Mod{...}` maps: (the map, the struct's name node)."""
    uses: list[dict[str, list[Any]]] = field(default_factory=list)
    """Calls of `Mod.new/1`, `Mod.from_map/1`, … and `struct(Mod, …)` (`elixir_struct_usage.scm`)."""
    aliases: list[Any] = field(default_factory=list)
    """The arguments of each `alias` call."""
    stray_ends: list[Any] = field(default_factory=list)
    """`end`s with no `do` to close (`elixir_errors.scm`)."""


def sort_captures(matches: list[tuple[int, dict[str, list[Any]]]]) -> Captures:
    """The query's matches sorted by what they capture."""
    found = Captures()
    for _pattern, caps in matches:
        if "module" in caps:
            found.module_nodes.append((caps["module"][0], caps["module.name"][0]))
        elif "read" in caps:
            found.read_caps.append(caps)
        elif "or" in caps:
            found.fallbacks[caps["or.left"][0].id] = caps["or.default"][0]
        elif "attribute_ref" in caps:
            found.refs.append(caps["attribute_ref"][0])
        elif "build" in caps:
            found.builds.append((caps["build"][0], caps["build.module"][0]))
        elif "use" in caps:
            found.uses.append(caps)
        elif "alias" in caps:
            found.aliases.append(caps["alias.args"][0])
        elif "stray_end" in caps:
            found.stray_ends.append(caps["stray_end"][0])
    return found


def describe_error(src: bytes, node: Any) -> tuple[int, str]:
    """The line and a short description of the first syntax error."""
    last_line = src.count(b"\n") + (0 if src.endswith(b"\n") else 1)
    if node is None:
        return 1, "syntax error"
    line = min(node_line(node), max(last_line, 1))
    if node.is_missing:
        return line, f"missing `{node.type}`"
    if node.end_byte >= len(src.rstrip()):  # the error runs to the end: something is not closed
        openers: list[Any] = []
        for child in node.children:
            if child.is_named:
                continue
            if child.type in ('"""', "'''", '"', "'"):
                return node_line(child), "unterminated string or heredoc"
            if child.type in _OPENERS:
                openers.append(child)
            elif child.type in _CLOSERS and openers and _OPENERS[openers[-1].type] == child.type:
                openers.pop()
        if openers:
            return line, f"syntax error; `{openers[-1].type}` on line {node_line(openers[-1])} is never closed"
    return line, "syntax error"


# --------------------------------------------------------------------------------------------
# Small helpers over nodes


def node_text(src: bytes, node: Any) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def node_line(node: Any) -> int:
    return int(node.start_point[0]) + 1


def named(node: Any) -> list[Any]:
    return [c for c in node.named_children if c.type != "comment"]


def first_named(node: Any) -> Any:
    for child in node.named_children:
        if child.type != "comment":
            return child
    return None


def child_of_type(node: Any, kind: str) -> Any:
    for child in node.children:
        if child.type == kind:
            return child
    return None


def operator(node: Any) -> str | None:
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def first_error(matches: list[tuple[int, dict[str, list[Any]]]]) -> Any:
    errors = [n for _, caps in matches for name in ("error", "missing") for n in caps.get(name, [])]
    return min(errors, key=lambda n: n.start_byte) if errors else None


def strip_space(text: str) -> str:
    return "".join(text.split())


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# The module finder


def module_name(node: Any, enclosing: str | None, src: bytes) -> str | None:
    """The full name of a module named `node` (an alias, `__MODULE__`, `__MODULE__.Inner`) inside `enclosing`."""
    if node.type == "alias":
        name = strip_space(node_text(src, node))
        if name.startswith("Elixir."):
            return name.removeprefix("Elixir.")
        return f"{enclosing}.{name}" if enclosing else name
    if node.type == "identifier" and node_text(src, node) == "__MODULE__":
        return enclosing
    if node.type == "dot":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None and right.type == "alias":
            head = module_name(left, enclosing, src) if left.type != "alias" else strip_space(node_text(src, left))
            if head is not None:
                return f"{head}.{strip_space(node_text(src, right))}"
    return None


@dataclass(frozen=True, slots=True)
class FoundModule:
    """One `defmodule` of a file, as `module_defs` reads it."""

    node: Any
    """The `defmodule` call."""
    name_node: Any
    """Its first argument: the name as written."""
    name: str | None
    """The full name, enclosing modules' included; None when it is not an alias (or the module is too deep)."""
    too_deep: bool = False
    """Nested more than MAX_MODULE_DEPTH deep: skipped, its name not read."""


def module_defs(found: list[tuple[Any, Any]], src: bytes) -> Iterator[FoundModule]:
    """Each `defmodule` of (call node, name node) pairs (`Captures.module_nodes`), in document order, with its
    full name. A module with no name (`name` None) does not enclose the modules inside it."""
    found.sort(key=lambda pair: (pair[0].start_byte, -pair[0].end_byte))
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
            yield FoundModule(node, name_node, None, too_deep=True)
            continue
        name = module_name(name_node, enclosing, src)
        if name is not None:
            stack.append((node.end_byte, name))
        yield FoundModule(node, name_node, name)


def find_modules(tree: Any, src: bytes) -> dict[str, Any]:
    """Full module name → its `defmodule` call node, nested modules included (the first of a name wins)."""
    found: dict[str, Any] = {}
    for module in module_defs(sort_captures(run_query(tree)).module_nodes, src):
        if module.name is not None:
            found.setdefault(module.name, module.node)
    return found
