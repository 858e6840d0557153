"""`@type` aliases of a module of aliases, each as a type of its own.

A port keeps the counterparts of Python type aliases (`LossFnInputs = Dict[str, TensorData]`, a `Union[...]`
of chunk types) as `@type loss_fn_inputs :: ...` inside one module (`Tinkex.Types.TypeAliases`). Such a
module has no `defstruct`, no `@type t` and no public function: its public `@type`s are all it offers, so
each becomes a `TypeDef` (path `Module.name`, its `@typedoc` as its doc) that matching can pair with a Python
alias. `@type`s beside a struct, a `@type t` or public functions (a GenServer's `@type state`) are helpers of
that module and stay out, as do `@typep` and `@opaque`. A struct module's own zero-arity `@type`/`@typep`s
other than `t` are kept as its `local_types` (`local_types`): a field typed `format()` is compared by the spec
`@type format :: :png | :jpeg` names.
"""

from __future__ import annotations

import re
from typing import Any

from paritydocs.elixir.docs import doc_value
from paritydocs.elixir.records import FileState, Module
from paritydocs.elixir.structs import TYPE_ATTRIBUTES
from paritydocs.elixir.syntax import NEWLINE_INDENT, child_of_type, node_line
from paritydocs.model import TypeDef, TypeKind

__all__ = ["alias_typedefs", "is_alias_module", "local_types", "union_parts"]

_REMOTE_T = re.compile(r"^[A-Z]\w*(?:\.[A-Z]\w*)*\.t\(\)$")
_OPEN, _CLOSE = "([{", ")]}"
_PUBLIC_DEFS = frozenset({"def", "defmacro", "defdelegate", "defguard"})


def is_alias_module(module: Module) -> bool:
    """A module of aliases: no struct, no `@type t`, no public function, and at least one public `@type`."""
    if module.struct is not None or module.type_t is not None or not module.attributes.get("type"):
        return False
    return not any(clause.keyword in _PUBLIC_DEFS for clause in module.clauses)


def union_parts(spec: str) -> list[str]:
    """The top-level `|` alternatives of a typespec, as written (`A.t() | B.t()` → `["A.t()", "B.t()"]`)."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(spec):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif char == "|" and depth == 0 and spec[i - 1 : i + 2] != "||":
            parts.append(spec[start:i].strip())
            start = i + 1
    parts.append(spec[start:].strip())
    return [p for p in parts if p]


def _alias_kind(spec: str) -> TypeKind:
    """A union of two or more struct types (`A.t() | B.t()`) is a union alias; anything else a plain alias."""
    parts = union_parts(spec)
    if len(parts) >= 2 and all(_REMOTE_T.match(p) for p in parts):
        return TypeKind.UNION_ALIAS
    return TypeKind.TYPE_ALIAS


def _typedoc_before(state: FileState, module: Module, start: int, previous: int) -> str | None:
    """The `@typedoc` written between the previous type attribute and this one, if any."""
    chosen: Any = None
    for at, value in module.attributes.get("typedoc", []):
        if previous < at < start:
            chosen = value
    return doc_value(state, chosen, module) if chosen is not None else None


def _type_name(state: FileState, value: Any) -> tuple[str, Any] | None:
    """`name :: spec` or `name() :: spec` → (name, the spec node); None for `name(a) :: spec` and other shapes."""
    left, right = value.child_by_field_name("left"), value.child_by_field_name("right")
    if value.type != "binary_operator" or left is None or right is None:
        return None
    name_node = left
    if left.type == "call":
        args = child_of_type(left, "arguments")
        if args is not None and args.named_child_count:
            return None  # a parameterised type: expanding it would need its arguments substituted
        name_node = left.child_by_field_name("target")
    if name_node is None or name_node.type != "identifier":
        return None
    return state.text(name_node), right


def local_types(state: FileState, module: Module) -> dict[str, str]:
    """A struct module's own zero-arity `@type`/`@typep name :: spec` other than `t`, name → spec as written (the
    first definition of a name wins). Only for a struct: its fields are what the rules compare."""
    if module.struct is None:
        return {}
    found: dict[str, str] = {}
    for attribute in ("type", "typep"):
        for _at, value in module.attributes.get(attribute, []):
            named_spec = _type_name(state, value)
            if named_spec is not None and named_spec[0] != "t":
                found.setdefault(named_spec[0], NEWLINE_INDENT.sub(" ", state.text(named_spec[1])).strip())
    return found


def alias_typedefs(state: FileState, module: Module) -> list[TypeDef]:
    """The public `@type name :: spec` of a module of aliases, as `TypeDef`s in source order (else none)."""
    if not is_alias_module(module):
        return []
    typed = sorted((at, name, value) for name in TYPE_ATTRIBUTES for at, value in module.attributes.get(name, []))
    result: list[TypeDef] = []
    previous = -1
    for at, attribute, value in typed:
        left, right = value.child_by_field_name("left"), value.child_by_field_name("right")
        if attribute == "type" and value.type == "binary_operator" and left is not None and right is not None:
            name_node = left.child_by_field_name("target") if left.type == "call" else left
            if name_node is not None and name_node.type == "identifier":
                spec = NEWLINE_INDENT.sub(" ", state.text(right)).strip()
                doc = _typedoc_before(state, module, at, previous)
                name = state.text(name_node)
                result.append(
                    TypeDef(
                        path=f"{module.name}.{name}",
                        name=name,
                        kind=_alias_kind(spec),
                        doc=doc,
                        typedoc=doc,
                        file=state.rel,
                        line=node_line(value),
                        annotation=spec,
                    )
                )
        previous = at
    return result
