"""Python annotations and Elixir typespecs, reduced to one small vocabulary so they can be compared.

A type reduces to a set of `Atom`s: `("str",)`, `("int",)`, `("list", inner)`, `("model", "ModelData")`,
`("literal", "x")`, `("none",)`, `("any",)`. Anything we cannot read reduces to `any`, which is compatible
with everything: an unknown type is never reported as a mismatch.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Atom = tuple  # ("kind", *args)

ANY: Atom = ("any",)
NONE: Atom = ("none",)

_PY_NAMES: dict[str, Atom] = {
    "str": ("str",),
    "int": ("int",),
    "float": ("float",),
    "bool": ("bool",),
    "bytes": ("str",),
    "dict": ("map",),
    "Dict": ("map",),
    "Mapping": ("map",),
    "list": ("list", ANY),
    "List": ("list", ANY),
    "Sequence": ("list", ANY),
    "tuple": ("list", ANY),
    "Tuple": ("list", ANY),
    "set": ("list", ANY),
    "None": NONE,
    "NoneType": NONE,
    "Any": ANY,
    "object": ANY,
}
_PY_LISTS = {"list", "List", "Sequence", "tuple", "Tuple", "set", "Set", "Iterable"}
_PY_MAPS = {"dict", "Dict", "Mapping", "MutableMapping"}
_PY_UNWRAP = {"Annotated", "Required", "NotRequired", "ReadOnly", "ClassVar", "Final"}


@dataclass(frozen=True, slots=True)
class PyContext:
    """What the Python side knows: alias name → aliased annotation text (`ModelID: TypeAlias = str`,
    `StopReason = Literal["length", "stop"]`). With `expand=False` aliases stay names (`("model", "StopReason")`),
    so `LossFnType` can meet Elixir's `LossFnType.t()` as well as `String.t()`."""

    aliases: Mapping[str, str]
    expand: bool = True

    def kept(self) -> PyContext:
        return PyContext(self.aliases, expand=False)


def python_atoms(annotation: str | None, ctx: PyContext, _depth: int = 0) -> frozenset[Atom]:
    if not annotation or _depth > 8:
        return frozenset({ANY})
    try:
        node = ast.parse(annotation.strip(), mode="eval").body
    except SyntaxError:
        return frozenset({ANY})
    return frozenset(_py(node, ctx, _depth))


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _py(node: ast.expr, ctx: PyContext, depth: int) -> set[Atom]:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return {NONE}
        if isinstance(node.value, str):  # a forward reference
            return set(python_atoms(node.value, ctx, depth + 1))
        return {ANY}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _py(node.left, ctx, depth) | _py(node.right, ctx, depth)
    if isinstance(node, ast.Subscript):
        head = _name(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head in {"Optional"}:
            return _py(args[0], ctx, depth) | {NONE}
        if head == "Union":
            return set().union(*(_py(a, ctx, depth) for a in args))
        if head == "Literal":
            return {("literal", a.value) if isinstance(a, ast.Constant) else ANY for a in args}
        if head in _PY_UNWRAP:
            return _py(args[0], ctx, depth)
        if head in _PY_LISTS:
            inner = frozenset(_py(args[0], ctx, depth)) if args else frozenset({ANY})
            return {("list", _single(inner))}
        if head in _PY_MAPS:
            return {("map",)}
        if head == "Type":
            return {ANY}
        return {ANY}
    name = _name(node)
    if name is None:
        return {ANY}
    if name in _PY_NAMES:
        return {_PY_NAMES[name]}
    if name in ctx.aliases and ctx.expand:
        return set(python_atoms(ctx.aliases[name], ctx, depth + 1))
    if name[:1].isupper():
        return {("model", name)}
    return {ANY}


def _single(atoms: frozenset[Atom]) -> Atom:
    """Collapse a list's element union to one atom (lists compare by element kind, loosely)."""
    non_none = [a for a in atoms if a != NONE]
    return non_none[0] if len(non_none) == 1 else ANY


# ---- Elixir typespecs ---------------------------------------------------------------------------

_EX_BUILTINS: dict[str, Atom] = {
    "String.t": ("str",),
    "binary": ("str",),
    "bitstring": ("str",),
    "charlist": ("str",),
    "integer": ("int",),
    "non_neg_integer": ("int",),
    "pos_integer": ("int",),
    "neg_integer": ("int",),
    "float": ("float",),
    "number": ("number",),
    "boolean": ("bool",),
    "map": ("map",),
    "keyword": ("map",),
    "list": ("list", ANY),
    "nonempty_list": ("list", ANY),
    "any": ANY,
    "term": ANY,
    "atom": ("atom",),
    "nil": NONE,
}

_TOKEN = re.compile(
    r'\s*(%\{|%[A-Z][\w.]*\{|"(?:[^"\\]|\\.)*"|:"[^"]*"|:[a-z_][\w?!]*|[A-Za-z_][\w.?!]*|\d[\d_.]*|[\[\]{}()|,]|=>|::|\S)'
)


def _tokens(spec: str) -> list[str]:
    return [m.group(1) for m in _TOKEN.finditer(spec)]


def elixir_atoms(spec: str | None, enums: Mapping[str, list[Any]] | None = None) -> frozenset[Atom]:
    """Reduce a typespec (`String.t() | nil`, `[integer()]`, `list(Foo.t())`, `:a | :b`) to atoms.

    `enums` maps enum-like module names (full and short) to their members, so `QueueState.t()` reads as
    the atoms it stands for.
    """
    if not spec:
        return frozenset({ANY})
    tokens = _tokens(spec)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def skip_group(close: str) -> None:
        depth = 1
        pairs = {"(": ")", "[": "]", "{": "}", "%{": "}"}
        stack = [close]
        while pos < len(tokens) and depth:
            tok = take()
            if tok in pairs or (tok.startswith("%") and tok.endswith("{")):
                stack.append(pairs.get(tok, "}"))
                depth += 1
            elif stack and tok == stack[-1]:
                stack.pop()
                depth -= 1

    def union() -> set[Atom]:
        atoms = term()
        while peek() == "|":
            take()
            atoms |= term()
        return atoms

    def term() -> set[Atom]:
        tok = peek()
        if tok is None:
            return {ANY}
        take()
        if tok == "[":
            if peek() == "]":
                take()
                return {("list", ANY)}
            inner = union()
            while peek() not in (None, "]"):
                take()
            if peek() == "]":
                take()
            return {("list", _single(frozenset(inner)))}
        if tok == "%{" or (tok.startswith("%") and tok.endswith("{")):
            skip_group("}")
            if tok == "%{":
                return {("map",)}
            return {("model", tok[1:-1].split(".")[-1])}
        if tok == "{":
            skip_group("}")
            return {("tuple",)}
        if tok == "(":
            inner = union()
            if peek() == ")":
                take()
            return inner
        if tok.startswith('"'):
            return {("literal", tok[1:-1])}
        if tok.startswith(":"):
            return {("literal", tok[1:].strip('"'))} if tok not in (":", "::") else {ANY}
        if tok[0].isdigit():
            return {("int",)}
        # a name, maybe a call: name(...)
        args: set[Atom] | None = None
        if peek() == "(":
            take()
            if peek() == ")":
                take()
                args = set()
            else:
                args = union()
                while peek() not in (None, ")"):
                    take()
                if peek() == ")":
                    take()
        if tok in ("list", "nonempty_list") and args:
            return {("list", _single(frozenset(args)))}
        if tok in _EX_BUILTINS:
            return {_EX_BUILTINS[tok]}
        if tok in {"true", "false"}:
            return {("bool",)}
        if tok.endswith(".t") and tok[:1].isupper():
            module = tok[:-2]
            if enums and module in enums:
                return {("literal", str(m)) for m in enums[module]}
            return {("model", module.split(".")[-1])}
        return {ANY}

    try:
        return frozenset(union())
    except IndexError:
        return frozenset({ANY})


# ---- compatibility ------------------------------------------------------------------------------


def _compatible_atom(py: Atom, ex: Atom, same_model: Callable[[str, str], bool]) -> bool:
    if ANY in (py, ex):
        return True
    pk, ek = py[0], ex[0]
    if pk == ek == "list":
        return _compatible_atom(py[1], ex[1], same_model)
    if pk == ek == "model":
        return same_model(py[1], ex[1])
    if pk == ek == "literal":
        return str(py[1]) == str(ex[1])
    if pk == "literal":
        # Literal["x"] is carried as String.t() or as an atom in the port
        return (
            (isinstance(py[1], str) and ek in ("str", "atom"))
            or (isinstance(py[1], bool) and ek == "bool")
            or (isinstance(py[1], int) and ek in ("int", "number"))
        )
    if ek == "literal":
        return pk in ("str",) and isinstance(ex[1], str)
    if pk == "float" and ek == "number":
        return True
    if pk == "int" and ek == "number":
        return True
    if pk == "model" and ek in ("map",):
        return True  # a TypedDict-ish model carried as a plain map: loose, but not wrong
    if pk == "map" and ek == "model":
        return True
    return pk == ek


def types_compatible(py: frozenset[Atom], ex: frozenset[Atom], same_model: Callable[[str, str], bool]) -> bool:
    """Whether every non-nil Python alternative has an Elixir counterpart and vice versa.

    Nullability is left to the optionality rule.
    """
    py_ = {a for a in py if a != NONE} or {ANY}
    ex_ = {a for a in ex if a != NONE} or {ANY}
    if ANY in py_ or ANY in ex_:
        return True
    forward = all(any(_compatible_atom(p, e, same_model) for e in ex_) for p in py_)
    backward = all(any(_compatible_atom(p, e, same_model) for p in py_) for e in ex_)
    return forward and backward


def nullable(atoms: frozenset[Atom]) -> bool:
    return NONE in atoms
