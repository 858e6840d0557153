"""The constants of an Elixir module: its attributes bound once to a literal (`@max_chunk_len 1024`,
`@default_byte_budget 5 * 1024 * 1024`) and its public zero-arity functions whose body is a literal
(`def max_chunk_len, do: 1024`).

Attributes Elixir itself reads (`@moduledoc`, `@spec`, `@derive`, …) are not constants; an attribute defined
twice (accumulated, or redefined between functions) has no single value; a function returning an attribute is
that attribute, listed once. Private functions are the module's own business.
"""

from __future__ import annotations

from typing import Any

from paritydocs.elixir.builders import body_value
from paritydocs.elixir.literals import MAX_LITERAL_BYTES, default_of
from paritydocs.elixir.records import FileState, Module
from paritydocs.elixir.syntax import node_line, operator
from paritydocs.model import ConstantDef

__all__ = ["RESERVED_ATTRIBUTES", "module_constants"]

RESERVED_ATTRIBUTES = frozenset(
    {
        "moduledoc",
        "doc",
        "typedoc",
        "type",
        "typep",
        "opaque",
        "spec",
        "callback",
        "macrocallback",
        "optional_callbacks",
        "impl",
        "behaviour",
        "derive",
        "enforce_keys",
        "compile",
        "deprecated",
        "dialyzer",
        "external_resource",
        "on_load",
        "on_definition",
        "before_compile",
        "after_compile",
        "after_verify",
        "vsn",
        "since",
        "file",
        "fallback_to_any",
        "nifs",
    }
)
"""Attributes the compiler or a tool reads: documentation, types, behaviours, compilation."""


def _is_attribute_reference(state: FileState, node: Any) -> bool:
    if node.type != "unary_operator" or operator(node) != "@":
        return False
    operand = node.child_by_field_name("operand")
    return operand is not None and operand.type == "identifier"


def module_constants(state: FileState, module: Module) -> list[ConstantDef]:
    """The module's constants, in source order."""
    found: list[tuple[int, ConstantDef]] = []
    for name, definitions in module.attributes.items():
        if name in RESERVED_ATTRIBUTES or len(definitions) != 1:
            continue
        at, value = definitions[0]
        if value.end_byte - value.start_byte > MAX_LITERAL_BYTES:
            continue  # generated data (a table of megabytes), not a value to compare; a field default warns
        default = default_of(state, value, module, at)
        if not default.resolved:
            continue  # `System.schedulers_online()`, a module name, a call: no value the Python SDK could hold
        line = node_line(value)
        found.append((at, ConstantDef(name, module.name, default, file=state.rel, line=line, kind="attribute")))
    seen: set[str] = set()
    for clause in module.clauses:
        if clause.keyword != "def" or clause.params or clause.hidden or clause.name in seen:
            continue
        if sum(1 for c in module.clauses if c.name == clause.name and not c.params) > 1:
            continue  # several clauses: not one literal
        seen.add(clause.name)
        body = body_value(state, clause)
        if body is None or _is_attribute_reference(state, body) or body.end_byte - body.start_byte > MAX_LITERAL_BYTES:
            continue  # `def max_len, do: @max_len` is the attribute, already listed
        default = default_of(state, body, module, clause.node.start_byte)
        if default.resolved:
            constant = ConstantDef(
                clause.name, module.name, default, file=state.rel, line=clause.line, kind="function", doc=clause.doc
            )
            found.append((clause.node.start_byte, constant))
    found.sort(key=lambda item: item[0])
    return [c for _, c in found]
