"""Structs: a module's fields (`defstruct`), their types and comments (`@type t`), `@enforce_keys`, the fields
an encoder puts on the wire (`@derive`), defaults (the struct's, or what a constructor or decoder fills in:
`builders`) and docs (a `## Fields` section of the `@moduledoc` or `@typedoc`, or a comment above the field);
and enum-like `@type t` unions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from paritydocs.elixir.builders import builder_fills, choose_default
from paritydocs.elixir.docs import fields_section
from paritydocs.elixir.literals import (
    Unresolved,
    attribute_value,
    default_of,
    evaluate,
    keyword_name,
    string_value,
)
from paritydocs.elixir.records import FileState, Module
from paritydocs.elixir.syntax import NEWLINE_INDENT, child_of_type, named, node_line, operator, strip_space
from paritydocs.model import FieldDef

__all__ = [
    "STRUCT_KEYWORDS",
    "TYPE_ATTRIBUTES",
    "commented_items",
    "derived_encoders",
    "enforced_keys",
    "is_type_t",
    "struct_entries",
    "struct_fields",
    "type_t_fields",
    "union_member_lines",
    "union_members",
    "wire_fields",
]


STRUCT_KEYWORDS = frozenset({"defstruct", "defexception"})
TYPE_ATTRIBUTES = frozenset({"type", "typep", "opaque"})
_ENCODERS = frozenset({"Jason.Encoder", "JSON.Encoder", "Poison.Encoder"})


def is_type_t(state: FileState, node: Any) -> bool:
    if node.type != "binary_operator" or operator(node) != "::":
        return False
    left = node.child_by_field_name("left")
    if left is None:
        return False
    if left.type == "identifier":
        return state.text(left) == "t"
    if left.type == "call":
        target = left.child_by_field_name("target")
        args = child_of_type(left, "arguments")
        return (
            target is not None
            and target.type == "identifier"
            and state.text(target) == "t"
            and (args is None or not named(args))
        )
    return False


def _union_leaves(node: Any) -> list[Any]:
    """The operands of `a | b | c`, left to right (one node when it is no union, [] when an operand is missing)."""
    stack = [node]
    leaves: list[Any] = []
    while stack:  # explicit stack: a generated union can be thousands deep
        current = stack.pop()
        if current.type == "binary_operator" and operator(current) == "|":
            left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
            if left is None or right is None:
                return []
            stack.append(right)
            stack.append(left)
        else:
            leaves.append(current)
    return leaves


def union_member_lines(state: FileState, node: Any) -> dict[str, int]:
    """Where each member of a `@type t` union is written: an atom or string member (as `union_members` names
    it), or a remote type's module, last name (`FutureCompletedResponse.t()` → `FutureCompletedResponse`)."""
    leaves = _union_leaves(node)
    if len(leaves) < 2:
        return {}
    lines: dict[str, int] = {}
    for leaf in leaves:
        text = state.text(leaf).strip()
        if leaf.type == "atom":
            name: str | None = text[1:]
        elif leaf.type in ("quoted_atom", "string"):
            name = string_value(state, leaf)
        elif text.endswith(".t()"):
            name = text[: -len(".t()")].rsplit(".", 1)[-1]
        else:
            name = None
        if name is not None:
            lines.setdefault(name, node_line(leaf))
    return lines


def union_members(state: FileState, node: Any) -> list[Any]:
    """Members of `:a | :b | :c` or `"x" | "y"` (at least two, all atoms or all strings); else []."""
    leaves = _union_leaves(node)
    if len(leaves) < 2:
        return []
    kinds = {leaf.type for leaf in leaves}
    if kinds == {"atom"}:
        return [state.text(leaf)[1:] for leaf in leaves]
    if kinds <= {"atom", "quoted_atom"}:
        names = [string_value(state, leaf) if leaf.type == "quoted_atom" else state.text(leaf)[1:] for leaf in leaves]
        return names if all(n is not None for n in names) else []
    if kinds == {"string"}:
        strings = [string_value(state, leaf) for leaf in leaves]
        return strings if all(s is not None for s in strings) else []
    return []


def struct_fields(state: FileState, module: Module) -> list[FieldDef]:
    struct = module.struct
    at = struct.start_byte
    args = child_of_type(struct, "arguments")
    items = named(args) if args is not None else []
    entries: list[tuple[str, Any, Any, str | None]] = []  # name, node, value node, comment
    if len(items) == 1 and items[0].type in ("list", "keywords"):
        container = items[0]
        entries = struct_entries(state, container if container.type == "list" else args)
    elif len(items) == 1 and items[0].type == "unary_operator":  # defstruct @fields
        attr = attribute_value(state, items[0], module, at)
        if attr is not None and attr[1].type in ("list", "keywords"):
            entries = struct_entries(state, attr[1])
        else:
            state.warn(struct, f"{module.name}: defstruct fields are not a literal list; no fields extracted")
    elif items:
        state.warn(struct, f"{module.name}: defstruct fields are not a literal list; no fields extracted")

    annotations, type_comments = type_t_fields(state, module)
    required = enforced_keys(state, module)
    wire = wire_fields(state, module, [e[0] for e in entries])
    section_docs = fields_section(module.moduledoc)
    typedoc_docs = fields_section(module.typedoc)
    fills = builder_fills(state, module)

    fields: list[FieldDef] = []
    for name, node, value_node, comment in entries:
        f = FieldDef(name=name, line=node_line(node), annotation=annotations.get(name), required=name in required)
        f.wire = wire.get(name) if wire is not None else None
        struct_default = default_of(state, value_node, module, at) if value_node is not None else None
        f.default, f.default_source = choose_default(struct_default, fills.get(name, []))
        if name in section_docs:
            f.doc, f.doc_source = section_docs[name], "moduledoc_fields"
        elif name in typedoc_docs:
            f.doc, f.doc_source = typedoc_docs[name], "typedoc_fields"
        elif name in type_comments or comment:
            f.doc, f.doc_source = type_comments.get(name) or comment, "comment"
        fields.append(f)
    return fields


def struct_entries(state: FileState, container: Any) -> list[tuple[str, Any, Any, str | None]]:
    """(name, node, default value node, comment above) for each field of a defstruct list."""
    entries: list[tuple[str, Any, Any, str | None]] = []
    for item, comment in commented_items(state, container):
        if item.type == "atom":
            entries.append((state.text(item)[1:], item, None, comment))
        elif item.type == "pair":
            key = item.child_by_field_name("key")
            name = keyword_name(state, key) if key is not None else None
            if name is not None:
                entries.append((name, item, item.child_by_field_name("value"), comment))
        elif item.type == "quoted_atom":
            value = string_value(state, item)
            if value is not None:
                entries.append((value, item, None, comment))
    return entries


def commented_items(state: FileState, container: Any) -> Iterable[tuple[Any, str | None]]:
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
                block.append(_comment_text(state.text(child)))
                block_end_row = row
            elif own_line:
                block, block_end_row = [_comment_text(state.text(child))], row
            else:
                block = []
            continue
        if child.is_named:
            above = block_end_row == child.start_point[0] - 1 and block
            yield child, ("\n".join(block).strip() or None) if above else None
        block = []
        last_row = child.end_point[0]


def type_t_fields(state: FileState, module: Module) -> tuple[dict[str, str], dict[str, str]]:
    """Per-field typespec text and comment docs from `@type t :: %__MODULE__{...}`."""
    annotations: dict[str, str] = {}
    comments: dict[str, str] = {}
    node = module.type_t
    if node is None or node.type != "map" or child_of_type(node, "struct") is None:
        return annotations, comments
    for item, comment in commented_items(state, node):
        if item.type != "pair":
            continue
        key, value = item.child_by_field_name("key"), item.child_by_field_name("value")
        name = keyword_name(state, key) if key is not None else None
        if name is None or value is None:
            continue
        annotations[name] = NEWLINE_INDENT.sub(" ", state.text(value))
        if comment:
            comments[name] = comment
    return annotations, comments


def enforced_keys(state: FileState, module: Module) -> set[str]:
    node = module.enforce_keys
    if node is None:
        return set()
    at = module.struct.start_byte if module.struct is not None else node.end_byte
    try:
        value = evaluate(state, node, module, at)
    except Unresolved:
        state.warn(node, f"{module.name}: @enforce_keys is not a literal list of atoms; ignored")
        return set()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return set(value)
    return set()


def _encoder_derives(state: FileState, module: Module) -> Iterator[tuple[Any, str, Any]]:
    """(the `@derive` node, the encoder's name, its `only:`/`except:` keywords or None) of every JSON encoder that
    `@derive` names: `@derive Jason.Encoder`, `@derive {Jason.Encoder, only: [...]}`, either in a list."""
    for derive in module.derives:
        for item in named(derive) if derive.type == "list" else [derive]:
            parts = named(item) if item.type == "tuple" else [item]
            head = parts[0] if parts else item
            name = strip_space(state.text(head)) if head.type == "alias" else ""
            if name in _ENCODERS:
                options = parts[1] if item.type == "tuple" and len(parts) == 2 and parts[1].type == "keywords" else None
                yield derive, name, options


def derived_encoders(state: FileState, module: Module) -> list[str]:
    """The JSON encoders `@derive` names, in order."""
    found: list[str] = []
    for _, name, _ in _encoder_derives(state, module):
        if name not in found:
            found.append(name)
    return found


def wire_fields(state: FileState, module: Module, names: list[str]) -> dict[str, bool] | None:
    """From `@derive {Jason.Encoder, only: [...]}` (or `except:`): which fields go on the wire."""
    for derive, _, options in _encoder_derives(state, module):
        if options is None:
            continue
        for pair in named(options):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            option = keyword_name(state, key) if key is not None else None
            if option not in ("only", "except") or value is None:
                continue
            try:
                listed = evaluate(state, value, module, derive.start_byte)
            except Unresolved:
                state.warn(derive, f"{module.name}: @derive {option}: is not a literal list; ignored")
                return None
            if not isinstance(listed, list):
                return None
            chosen = {str(v) for v in listed}
            if option == "only":
                return {n: n in chosen for n in names}
            return {n: n not in chosen for n in names}
    return None


def _comment_text(text: str) -> str:
    body = text.lstrip()[1:]
    return body[1:] if body.startswith(" ") else body
