"""The Elixir syntax layer: tree-sitter parsing, node helpers and the module finder."""

from __future__ import annotations

from typing import Any


def _child(node: Any, kind: str) -> Any:
    for child in node.children:
        if child.type == kind:
            return child
    return None


def _first_named(node: Any) -> Any:
    for child in node.named_children:
        if child.type != "comment":
            return child
    return None


def _module_name(node: Any, enclosing: str | None, src: bytes) -> str | None:
    if node is None or node.type != "alias":
        return None
    name = "".join(src[node.start_byte : node.end_byte].decode("utf-8", "replace").split())
    if name.startswith("Elixir."):
        return name.removeprefix("Elixir.")
    return f"{enclosing}.{name}" if enclosing else name


def _find_modules(tree: Any, src: bytes) -> dict[str, Any]:
    """Full module name → its `defmodule` call node, nested modules included."""
    found: dict[str, Any] = {}
    stack: list[tuple[Any, str | None]] = [(tree.root_node, None)]
    while stack:
        node, enclosing = stack.pop()
        inner = enclosing
        if node.type == "call":
            target = node.child_by_field_name("target")
            args = _child(node, "arguments")
            if target is not None and src[target.start_byte : target.end_byte] == b"defmodule" and args is not None:
                name = _module_name(_first_named(args), enclosing, src)
                if name is not None:
                    found.setdefault(name, node)
                    inner = name
        stack.extend((child, inner) for child in reversed(node.children))
    return found
