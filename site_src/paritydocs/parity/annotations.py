"""Python annotations and Elixir typespecs, reduced to one small vocabulary so they can be compared.

A type reduces to a set of `Atom`s: `("str",)`, `("int",)`, `("list", inner)`, `("model", "ModelData")`,
`("literal", "x")` (a Python `Literal` value or an Elixir string), `("atom_literal", "x")` (an Elixir atom `:x`),
`("datetime",)`, `("date",)`, `("bytes",)` (Python raw bytes), `("binary",)` (Elixir `binary()`: bytes or
text), `("none",)`, `("any",)`. Anything we cannot read reduces to `any`, which is compatible with everything:
an unknown type is never reported as a mismatch.

`compare_types` says member by member whether two types agree, and when they carry the same values in another
form (strings as atoms, a `datetime` as an ISO 8601 string, bytes as text) it names that form.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Atom = tuple  # ("kind", *args)

ANY: Atom = ("any",)
NONE: Atom = ("none",)

_PY_NAMES: dict[str, Atom] = {
    "str": ("str",),
    "int": ("int",),
    "float": ("float",),
    "bool": ("bool",),
    "bytes": ("bytes",),
    "bytearray": ("bytes",),
    "datetime": ("datetime",),
    "date": ("date",),
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
            if len(args) == 2:  # the values' type: `Dict[str, TensorData]` holds objects, `Dict[str, float]` numbers
                return {("map", _single(frozenset(_py(args[1], ctx, depth))))}
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
    "binary": ("binary",),
    "bitstring": ("binary",),
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

_EX_CALENDAR: dict[str, Atom] = {
    "DateTime": ("datetime",),
    "NaiveDateTime": ("datetime",),
    "Date": ("date",),
}

_TOKEN = re.compile(
    r'\s*(%\{|%[A-Z][\w.]*\{|"(?:[^"\\]|\\.)*"|:"[^"]*"|:[a-z_][\w?!]*|[A-Za-z_][\w.?!]*|\d[\d_.]*|[\[\]{}()|,]|=>|::|\S)'
)


def _tokens(spec: str) -> list[str]:
    return [m.group(1) for m in _TOKEN.finditer(spec)]


_LOCAL_CALL = re.compile(r"(?<![\w.:@])([a-z_]\w*)\(\s*\)")


def expand_local_types(spec: str, local_types: Mapping[str, str]) -> str:
    """`format()` → `(:png | :jpeg)` for each bare call of one of the module's own `@type`s, one level: the text
    put in is not scanned again, so `@type a :: b()`, `@type b :: a()` cannot loop. Remote types (`Foo.t()`),
    builtins and unknown names stay as written."""
    if not local_types or "(" not in spec:
        return spec
    return _LOCAL_CALL.sub(lambda m: f"({local_types[m.group(1)]})" if m.group(1) in local_types else m.group(0), spec)


def elixir_atoms(spec: str | None, enums: Mapping[str, frozenset[Atom]] | None = None) -> frozenset[Atom]:
    """Reduce a typespec (`String.t() | nil`, `[integer()]`, `list(Foo.t())`, `:a | :b`) to atoms.

    `enums` maps enum-like module names (full and short) to the atoms of their `@type t` (`enum_atoms`), so
    `QueueState.t()` reads as the atoms (or strings) it stands for.
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
        if tok == "%{":
            start = pos
            skip_group("}")
            return {_map_atom(tokens[start : pos - 1])}
        if tok.startswith("%") and tok.endswith("{"):
            skip_group("}")
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
            return {("atom_literal", tok[1:].strip('"'))} if tok not in (":", "::") else {ANY}
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
            if module in _EX_CALENDAR:
                return {_EX_CALENDAR[module]}
            if enums and module in enums:
                return set(enums[module])
            return {("model", module.split(".")[-1])}
        return {ANY}

    try:
        return frozenset(union())
    except IndexError:
        return frozenset({ANY})


def _map_atom(inner: list[str]) -> Atom:
    """`%{String.t() => TensorData.t()}` → `("map", ("model", "TensorData"))`: a map whose one key type maps to
    one value type; any other map (`%{}`, `%{a: integer()}`, several `=>`) is a plain `("map",)`."""
    depth, arrows = 0, []
    for i, tok in enumerate(inner):
        if tok in ("(", "[", "{", "%{") or (tok.startswith("%") and tok.endswith("{")):
            depth += 1
        elif tok in (")", "]", "}"):
            depth -= 1
        elif tok == "=>" and depth == 0:
            arrows.append(i)
    if len(arrows) != 1:
        return ("map",)
    value = elixir_atoms(" ".join(inner[arrows[0] + 1 :]))
    return ("map", _single(value))


# ---- compatibility ------------------------------------------------------------------------------

STRINGS_AS_ATOMS = "strings_as_atoms"
"""Python `Literal` strings carried as Elixir atoms (`"png"` ↔ `:png`)."""
STRINGS_AS_ATOMS_RECASED = "strings_as_atoms_recased"
"""Python `Literal` strings carried as Elixir atoms of another case (`"DEBUG"` ↔ `:debug`)."""
DATETIME_AS_STRING = "datetime_as_string"
"""A Python `datetime`/`date` (parsed) carried as an Elixir `String.t()` (the ISO 8601 text)."""
BYTES_AS_STRING = "bytes_as_string"
"""Python raw `bytes` carried as an Elixir `String.t()` (text, usually base64)."""
MODEL_AS_MAP = "model_as_map"
"""A Python object type (a model or dataclass the port has a struct for) carried as an Elixir plain `map()`:
the form is written `model_as_map:PythonName:Elixir.Module` (`model_as_map_form`, `model_as_map_names`)."""


def model_as_map_form(py_name: str, ex_module: str) -> str:
    return f"{MODEL_AS_MAP}:{py_name}:{ex_module}"


def model_as_map_names(form: str) -> tuple[str, str] | None:
    """(Python name, Elixir module) of a `model_as_map` form; None for any other form."""
    kind, _, rest = form.partition(":")
    if kind != MODEL_AS_MAP:
        return None
    py_name, _, ex_module = rest.partition(":")
    return py_name, ex_module


_SAME = ""


StructFor = Callable[[str], "str | None"]
"""A Python object type's name → the Elixir struct module it is paired with (None: no struct, or not an object)."""


def _no_structs(_name: str) -> str | None:
    return None


def _match_atom(py: Atom, ex: Atom, same_model: Callable[[str, str], bool], struct_for: StructFor) -> str | None:
    """How a Python member meets an Elixir one: `_SAME`, a representation (`STRINGS_AS_ATOMS`, …), or None."""
    if ANY in (py, ex):
        return _SAME
    pk, ek = py[0], ex[0]
    if pk == ek == "list":
        return _match_atom(py[1], ex[1], same_model, struct_for)
    if pk == ek == "map":
        py_value = py[1] if len(py) > 1 else ANY
        ex_value = ex[1] if len(ex) > 1 else None
        if ex_value is not None:
            return _match_atom(py_value, ex_value, same_model, struct_for)
        # a bare `map()`: says nothing of its values, unless Python's are objects the port has a struct for
        if py_value[0] == "model" and (module := struct_for(str(py_value[1]))) is not None:
            return model_as_map_form(str(py_value[1]), module)
        return _SAME
    if pk == ek == "model":
        return _SAME if same_model(py[1], ex[1]) else None
    if pk == "literal" and ek in ("literal", "atom_literal"):
        if not isinstance(py[1], str):
            return None  # an Elixir literal is a string or an atom; a Python int or bool literal never meets one
        if py[1] == ex[1]:
            return STRINGS_AS_ATOMS if ek == "atom_literal" else _SAME
        if ek == "atom_literal" and py[1].lower() == str(ex[1]).lower():
            return STRINGS_AS_ATOMS_RECASED  # "DEBUG" ↔ :debug, converted at the wire by the port
        return None
    if pk == "literal":
        # Literal["x"] is carried as String.t() (or an atom() in the port)
        if isinstance(py[1], str):
            return _SAME if ek in ("str", "binary") else STRINGS_AS_ATOMS if ek == "atom" else None
        if isinstance(py[1], bool):
            return _SAME if ek == "bool" else None
        if isinstance(py[1], int):
            return _SAME if ek in ("int", "number") else None
        return None
    if ek in ("literal", "atom_literal"):
        if not isinstance(ex[1], str):
            return None
        if pk in ("str",):
            return _SAME if ek == "literal" else STRINGS_AS_ATOMS
        return None
    if pk in ("datetime", "date") and ek == "str":
        return DATETIME_AS_STRING
    if pk == "bytes" and ek == "str":
        return BYTES_AS_STRING
    if ek == "binary" and pk in ("bytes", "str"):
        return _SAME
    if pk in ("float", "int") and ek == "number":
        return _SAME
    if pk == "model" and ek == "map":
        if (module := struct_for(str(py[1]))) is not None:
            return model_as_map_form(str(py[1]), module)  # the port has the struct but its typespec says `map()`
        return _SAME  # a TypedDict-ish model carried as a plain map: loose, but not wrong
    if pk == "map" and ek == "model":
        return _SAME
    return _SAME if pk == ek else None


@dataclass(frozen=True, slots=True)
class TypeComparison:
    """Two types member by member (nil left out: nullability is the optionality rule's)."""

    python_only: tuple[Atom, ...] = ()
    """Python members with no Elixir counterpart."""
    elixir_only: tuple[Atom, ...] = ()
    """Elixir members with no Python counterpart."""
    representations: tuple[str, ...] = ()
    """How Python members meet their Elixir counterparts when not in the same form (`STRINGS_AS_ATOMS`,
    `STRINGS_AS_ATOMS_RECASED`, `DATETIME_AS_STRING`, `BYTES_AS_STRING`)."""

    @property
    def compatible(self) -> bool:
        """Every member has a counterpart (possibly in another form)."""
        return not self.python_only and not self.elixir_only

    @property
    def same(self) -> bool:
        """Compatible and in the same form."""
        return self.compatible and not self.representations


def compare_types(
    py: frozenset[Atom],
    ex: frozenset[Atom],
    same_model: Callable[[str, str], bool],
    struct_for: StructFor = _no_structs,
) -> TypeComparison:
    """Member by member: which members of each side have no counterpart, and in which forms they meet.

    `struct_for` names the Elixir struct a Python object type is paired with: a Python `TensorData` object against
    an Elixir `map()` then meets it in another form (`MODEL_AS_MAP`) instead of as the same value."""
    py_ = {a for a in py if a != NONE} or {ANY}
    ex_ = {a for a in ex if a != NONE} or {ANY}
    if ANY in py_ or ANY in ex_:
        return TypeComparison()
    forms: set[str] = set()

    def best(matches: list[str | None]) -> str | None:
        found = [m for m in matches if m is not None]
        if not found:
            return None
        return _SAME if _SAME in found else sorted(found)[0]

    python_only: list[Atom] = []
    for p in sorted(py_, key=repr):
        how = best([_match_atom(p, e, same_model, struct_for) for e in ex_])
        if how is None:
            python_only.append(p)
        elif how:
            forms.add(how)
    # Forms are counted from the Python side only: an Elixir spec that also takes atoms beside the strings
    # (`LossFnType.t() | String.t()`) accepts every Python value as it is, and a `String.t()` beside
    # `DateTime.t()` (the port keeping a value it could not parse) meets the `datetime` in another form without
    # being a second kind of value.
    elixir_only = [
        e for e in sorted(ex_, key=repr) if best([_match_atom(p, e, same_model, struct_for) for p in py_]) is None
    ]
    return TypeComparison(tuple(python_only), tuple(elixir_only), tuple(sorted(forms)))


def types_compatible(py: frozenset[Atom], ex: frozenset[Atom], same_model: Callable[[str, str], bool]) -> bool:
    """Whether every non-nil Python alternative has an Elixir counterpart and vice versa, in any form.

    Nullability is left to the optionality rule.
    """
    return compare_types(py, ex, same_model).compatible


def nullable(atoms: frozenset[Atom]) -> bool:
    return NONE in atoms


def describe_atom(atom: Atom, *, python: bool) -> str:
    """A member as its language writes it: `"png"` / `:png`, `str` / `String.t()`, `list[int]` / `[integer()]`."""
    kind = atom[0]
    if kind == "literal":
        value = atom[1]
        if isinstance(value, str):
            return '"' + value.replace('"', '\\"') + '"'
        return repr(value) if python else str(value).lower()
    if kind == "atom_literal":
        return ":" + str(atom[1])
    if kind == "list":
        inner = describe_atom(atom[1], python=python)
        return f"list[{inner}]" if python else f"[{inner}]"
    if kind == "model":
        return str(atom[1]) if python else f"{atom[1]}.t()"
    if kind == "map" and len(atom) > 1 and atom[1] != ANY:
        inner = describe_atom(atom[1], python=python)
        return f"dict[str, {inner}]" if python else f"%{{String.t() => {inner}}}"
    names = _PY_SHOWN if python else _EX_SHOWN
    return names.get(kind, kind)


_PY_SHOWN = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "map": "dict",
    "none": "None",
    "any": "Any",
    "datetime": "datetime",
    "date": "date",
    "bytes": "bytes",
    "number": "float",
}
_EX_SHOWN = {
    "str": "String.t()",
    "int": "integer()",
    "float": "float()",
    "number": "number()",
    "bool": "boolean()",
    "map": "map()",
    "none": "nil",
    "any": "term()",
    "atom": "atom()",
    "tuple": "tuple()",
    "datetime": "DateTime.t()",
    "date": "Date.t()",
    "binary": "binary()",
}


def enum_atoms(spec: str | None) -> frozenset[Atom]:
    """The atoms of an enum-like module's `@type t` (`:a | :b`, or strings), for `elixir_atoms`'s `enums`."""
    return frozenset(a for a in elixir_atoms(spec) if a != NONE)
