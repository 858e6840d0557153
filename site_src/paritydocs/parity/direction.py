"""Which way a type's data flows between the port and the API: **sent** (the port encodes it: a request), **received**
(the port decodes it: a response), **both**, or unknown. The optionality rule weighs a difference by it: a port
that decodes a response more leniently than Python is rarely wrong; a port that can send a request without a field
the API requires is.

Evidence, strongest first, the first that says anything wins:

1. `type_directions` (configuration), by the Python type's short name or path, or the Elixir module;
2. the port's code: `@derive Jason.Encoder` or a `to_json/1`, `to_map/1`, `encode/1` function (encodes); a
   `from_map/1`, `from_json/1`, `decode/1` or `parse/1` function (decodes); both, both;
3. the Python clients: a type a client method takes as a parameter is sent, one it returns is received;
4. the name: `…Request`, `…Params`, `…Input` are sent; `…Response`, `…Result`, `…Output` are received.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from paritydocs.model import SdkModel, TypeDef, TypeKind

__all__ = [
    "ENCODING_FUNCTIONS",
    "UNKNOWN",
    "Direction",
    "DirectionCall",
    "ParameterTypes",
    "port_encoders",
    "type_direction",
    "unused_structs",
]


class Direction(str, enum.Enum):
    SENT = "sent"
    RECEIVED = "received"
    BOTH = "both"
    UNKNOWN = "unknown"

    @property
    def sends(self) -> bool:
        return self in (Direction.SENT, Direction.BOTH)

    @property
    def only_received(self) -> bool:
        return self is Direction.RECEIVED


@dataclass(frozen=True, slots=True)
class DirectionCall:
    """A type's direction and the evidence for it, as the finding message says it (`the port decodes it with
    from_map/1`)."""

    direction: Direction
    evidence: str


UNKNOWN = DirectionCall(Direction.UNKNOWN, "")

ENCODING_FUNCTIONS = ("to_json", "to_map", "encode")
"""Functions of an Elixir module that put its struct on the wire."""
_DECODING_FUNCTIONS = ("from_map", "from_json", "decode", "parse")
_SENT_NAME = re.compile(r"(Request|Params|Input)$")
_RECEIVED_NAME = re.compile(r"(Response|Result|Output)$")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


@dataclass(frozen=True, slots=True)
class ParameterTypes:
    """The Python type names the clients' methods take (`taken`) and return (`returned`), from the annotations."""

    taken: frozenset[str]
    returned: frozenset[str]

    @classmethod
    def of(cls, clients: Iterable[TypeDef]) -> ParameterTypes:
        taken: set[str] = set()
        returned: set[str] = set()
        for client in clients:
            for method in client.functions:
                for param in method.params:
                    taken.update(_names(param.annotation))
                returned.update(_names(method.returns))
        return cls(frozenset(taken), frozenset(returned))


def _names(annotation: str | None) -> set[str]:
    """The last part of every dotted name in an annotation (`types.SampleResponse` → `SampleResponse`)."""
    return {part.rsplit(".", 1)[-1] for part in _DOTTED.findall(annotation or "")}


def _functions(ex: TypeDef, names: tuple[str, ...]) -> list[str]:
    return [f"{f.name}/{f.arity}" for f in ex.functions if f.name in names and f.arity in (1, 2)]


def port_encoders(ex: TypeDef) -> list[str]:
    """How the port's own code puts the struct on the wire (`@derive Jason.Encoder`, `to_json/1`), or nothing."""
    return [f"@derive {name}" for name in ex.encoders] + _functions(ex, ENCODING_FUNCTIONS)


def type_direction(
    py: TypeDef, ex: TypeDef, configured: Mapping[str, str], clients: ParameterTypes | None = None
) -> DirectionCall:
    """Which way `py` ↔ `ex` flows, and why (see the module's docstring for the order of the evidence)."""
    for key in (py.name, py.path, py.public_path, ex.path):
        if key and key in configured:
            return DirectionCall(Direction(configured[key]), f"`type_directions` says `{configured[key]}`")
    encodes = port_encoders(ex)
    decodes = _functions(ex, _DECODING_FUNCTIONS)
    if encodes and decodes:
        return DirectionCall(Direction.BOTH, f"the port encodes it ({encodes[0]}) and decodes it ({decodes[0]})")
    if encodes:
        return DirectionCall(Direction.SENT, f"the port encodes it ({encodes[0]})")
    if decodes:
        return DirectionCall(Direction.RECEIVED, f"the port decodes it ({decodes[0]})")
    if clients is not None:
        taken, returned = py.name in clients.taken, py.name in clients.returned
        if taken and returned:
            return DirectionCall(Direction.BOTH, "a Python client method takes it and one returns it")
        if taken:
            return DirectionCall(Direction.SENT, "a Python client method takes it")
        if returned:
            return DirectionCall(Direction.RECEIVED, "a Python client method returns it")
    if _SENT_NAME.search(py.name):
        return DirectionCall(Direction.SENT, f"its name (`{py.name}`)")
    if _RECEIVED_NAME.search(py.name):
        return DirectionCall(Direction.RECEIVED, f"its name (`{py.name}`)")
    return UNKNOWN


def unused_structs(elixir: SdkModel) -> set[str]:
    """The port's structs (and enum types) that nothing of the port builds or reads: not reachable from its
    modules of functions (clients, API modules, helpers) through the module names each file mentions
    (`TypeDef.references`, aliases included), a struct defined in the file of a reachable module counting as
    reached (`defmodule State` inside `Tinkex.Future`, used as `%State{}`). A finding about such a struct reaches
    no user of the port. A port read without any module of functions has none: nothing says what it uses."""
    modules = {m.path: m for m in elixir.types}
    by_file: dict[str, list[str]] = {}
    for module in elixir.types:
        if module.file:
            by_file.setdefault(module.file, []).append(module.path)
    reached: set[str] = set()
    stack = [m.path for m in elixir.types if m.kind is TypeKind.MODULE]
    if not stack:
        return set()  # no module of functions was read (the types alone): nothing says what the port uses
    while stack:
        path = stack.pop()
        if path in reached:
            continue
        reached.add(path)
        module = modules[path]
        stack.extend(r for r in module.references if r in modules and r not in reached)
        stack.extend(p for p in by_file.get(module.file, ()) if p not in reached)
    return {m.path for m in elixir.types if m.kind in (TypeKind.STRUCT, TypeKind.ENUM_TYPE) and m.path not in reached}
