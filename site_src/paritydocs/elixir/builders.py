"""Builders: the value a module's constructors and decoders give each struct field when the caller or the decoded
map leaves it out, and where that value comes from (`FieldDef.default_source`).

A builder is a public `new/0..2` or `new!/0..2` (a constructor), or a public `from_*`, `decode` or `decode!`
(a decoder). In each builder clause every struct literal that builds a value (`%__MODULE__{k: v}`, `%Own.Name{}`,
`struct(__MODULE__, k: v)`; not the update form `%__MODULE__{s | k: v}` and not a pattern) is read key by key,
and the value expression `v` of a key gives a fill when it is one of

- `x || constant` (the right-most constant of a `||` chain): how `||`;
- `Map.get(m, k, constant)`, `Keyword.get(o, k, constant)`, `Access.get(m, k, constant)`, also piped;
- `List.wrap(x)` (`[]`), or an `Enum.map/filter/...` of something that gives `[]`;
- a call of a function of the same module, followed once (how `fetch_boolean/3`): its clauses are tried in order
  on the arguments as they are when the key is missing (a read such as `m["k"]` or `fetch(m, "k")` is nil), and
  the clause that runs gives a constant, a parameter the call fills with a constant or its `\\ constant` default
  (`case fetch(map, key) do nil -> default ... end`), or a fill of its own (`map[key] || []`);
- a `case` on a missing read: the branch nil takes;
- a value set outright that evaluates, or a module attribute (`type: "sample"`; not `[chunk(tokens)]`, built
  from the arguments): how `literal`;
- a variable assigned earlier in the clause (`x = Map.get(m, "x", 1)`), read as its assigned expression.

A constant is a literal that evaluates to a non-nil value, or an expression that cannot be nil though it is not
evaluated (a module attribute, a struct literal, an alias, a string, list, map or tuple): anything else may be nil,
so it fills nothing. A pattern or guard that cannot be decided for a missing value stops the search. For a `new`
constructor whose struct literal says nothing usable, the keyword options it reads with a default are used as
before (`Keyword.get(opts, :f, default)`, `opts[:f] || default`, a `@default_<f>` it reads), keyed by the option's
name. `choose_default` then weighs the fills against the `defstruct` value (documented in
`docs/reference/elixir-extract-json.md` and `docs/guide/parity-rules.md`).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from paritydocs.elixir.literals import default_of, keyword_name
from paritydocs.elixir.records import Clause, FileState, Module
from paritydocs.elixir.syntax import child_of_type, first_named, named, operator, strip_space
from paritydocs.model import Default

__all__ = ["Fill", "body_value", "builder_fills", "choose_default", "constructor_defaults", "is_builder"]


_CONSTRUCTORS = frozenset({"new", "new!"})
_DECODERS = frozenset({"decode", "decode!"})
_GETTERS = frozenset({"Map", "Keyword", "Access"})
_CANNOT_BE_NIL = frozenset({"map", "alias", "string", "sigil", "list", "tuple", "charlist", "quoted_atom"})
"""Node types whose value is never nil, evaluated or not (`%Struct{}`, `"a#{b}"`, `[x]`)."""
_LIST_KEEPING = frozenset({"map", "filter", "reject", "flat_map", "sort", "uniq", "sort_by", "uniq_by"})
"""`Enum` functions that turn an empty list into an empty list."""
_MAX_VARIABLE_HOPS = 2
"""`a = b; b = Map.get(...)`: how many assignments are followed back from a struct key's value."""


@dataclass(slots=True)
class Fill:
    """What one builder gives a field the caller left out."""

    default: Default
    source: str
    """`function/arity how`: `from_map/1 ||`, `new/1 Keyword.get`, `from_map/1 fetch_boolean/3`."""


def is_builder(clause: Clause) -> bool:
    if clause.keyword != "def" or clause.hidden:
        return False
    if clause.name in _CONSTRUCTORS:
        return clause.arity <= 2
    return clause.name.startswith("from_") or clause.name in _DECODERS


def builder_fills(state: FileState, module: Module) -> dict[str, list[Fill]]:
    """Field name to the non-nil fills the module's builders give it: constructors first, then decoders, each in
    source order, one fill per builder (its first)."""
    per_builder: dict[tuple[str, int], dict[str, Fill]] = {}
    order: list[tuple[str, int]] = []
    scope = _Scope(state, module, _local_functions(module))
    for clause in module.clauses:
        if not is_builder(clause):
            continue
        key = (clause.name, clause.arity)
        if key not in per_builder:
            per_builder[key] = {}
            order.append(key)
        found = per_builder[key]
        label = f"{clause.name}/{clause.arity}"
        for name, value in _struct_entries(state, module, clause):
            if name in found:
                continue
            filled = _fill(scope, clause, value, _MAX_VARIABLE_HOPS)
            if filled is not None:
                found[name] = Fill(filled[0], f"{label} {filled[1]}")
    for name, (key, (default, how)) in constructor_defaults(state, module).items():
        # Options a constructor reads with a default, where its struct literal gave nothing usable
        # (`{:ok, lr} <- validate(Keyword.get(opts, :lr, 0.1))` ... `%__MODULE__{lr: lr}`).
        if key not in per_builder:
            per_builder[key] = {}
            order.append(key)
        per_builder[key].setdefault(name, Fill(default, f"{key[0]}/{key[1]} {how}"))
    passed_in = _taken_from_arguments(state, module)
    ranked = sorted(order, key=lambda k: (k[0] not in _CONSTRUCTORS, order.index(k)))
    result: dict[str, list[Fill]] = {}
    for key in ranked:
        for name, each in per_builder[key].items():
            if name not in passed_in:
                result.setdefault(name, []).append(each)
    return result


def _taken_from_arguments(state: FileState, module: Module) -> set[str]:
    """Fields some constructor or decoder (of any arity: `new(type, message, opts)`) sets straight from a required
    parameter: the caller always gives those, so what another builder fills in is not a default."""
    taken: set[str] = set()
    for clause in module.clauses:
        named_like_builder = clause.name in _CONSTRUCTORS or clause.name.startswith("from_") or clause.name in _DECODERS
        if clause.keyword != "def" or not named_like_builder:
            continue
        required = {name for name, default in clause.params if name and default is None}
        for name, value in _struct_entries(state, module, clause):
            if value.type == "identifier" and state.text(value) in required:
                taken.add(name)
    return taken


def choose_default(struct_default: Default | None, fills: list[Fill]) -> tuple[Default | None, str | None]:
    """The field's default and its source, from the `defstruct` entry and the builders' fills.

    A nil (or absent) `defstruct` default gives way to the first fill; a non-nil one stays, and a fill that
    differs from it is named in the source (`defstruct (from_map/1 || gives false)`). Between fills that
    differ, the first wins (a constructor before the decoders) and the source names the first that differs.
    """
    nil_struct = struct_default is None or (struct_default.resolved and struct_default.value is None)
    if not fills:
        return struct_default, None
    if not nil_struct:
        assert struct_default is not None
        other = next((f for f in fills if _differs(struct_default, f.default)), None)
        if other is None:
            return struct_default, None
        return struct_default, f"defstruct ({other.source} gives {other.default.expr})"
    chosen = fills[0]
    other = next((f for f in fills[1:] if _differs(chosen.default, f.default)), None)
    if other is None:
        return chosen.default, chosen.source
    return chosen.default, f"{chosen.source} ({other.source} gives {other.default.expr})"


def _differs(a: Default, b: Default) -> bool:
    """Both evaluated and not the same JSON value (`false` is not `0`); unevaluated ones are not compared."""
    if not (a.resolved and b.resolved):
        return False
    return json.dumps(a.value, sort_keys=True) != json.dumps(b.value, sort_keys=True)


def constructor_defaults(state: FileState, module: Module) -> dict[str, tuple[tuple[str, int], tuple[Default, str]]]:
    """Field defaults a `new/0..2` constructor supplies through the keyword options it reads, keyed by the
    option's name: `Keyword.get(opts, :f, default)`, `Keyword.get(opts, :f) || default`, `opts[:f] || default`,
    and a `@default_<field>` attribute the constructor reads. Each with its (name, arity) and how."""
    result: dict[str, tuple[tuple[str, int], tuple[Default, str]]] = {}
    referenced: list[tuple[str, Any, Clause]] = []
    for clause in module.clauses:
        if clause.name != "new" or clause.arity > 2:
            continue
        params = {name for name, _ in clause.params if name}
        for read in clause.reads:
            if read.var in params and read.default is not None and read.key not in result:
                how = "Keyword.get" if read.function == "get" else "||"
                default = default_of(state, read.default, module, clause.node.start_byte)
                result[read.key] = ((clause.name, clause.arity), (default, how))
        referenced.extend((name, node, clause) for name, node in clause.attribute_refs)
    for name, node, clause in referenced:
        field_name = name.removeprefix("default_")
        if name.startswith("default_") and field_name not in result and name in module.attributes:
            default = default_of(state, node, module, clause.node.start_byte)
            result[field_name] = ((clause.name, clause.arity), (default, f"@{name}"))
    return result


# -- struct literals ---------------------------------------------------------------------


def _struct_entries(state: FileState, module: Module, clause: Clause) -> Iterator[tuple[str, Any]]:
    """(key, value node) of each struct literal the clause's body builds."""
    for node in _body_nodes(clause):
        pairs: list[Any] = []
        if node.type == "map":
            struct = child_of_type(node, "struct")
            if struct is None or not _own(state, module, struct):
                continue
            content = child_of_type(node, "map_content")
            for item in named(content) if content is not None else []:
                if item.type == "keywords":
                    pairs.extend(named(item))  # `%__MODULE__{s | k: v}` has a binary_operator here: skipped
        elif node.type == "call":
            target = node.child_by_field_name("target")
            args = child_of_type(node, "arguments")
            if target is None or args is None or state.text(target) not in ("struct", "struct!"):
                continue
            values = named(args)
            if len(values) == 2 and _own(state, module, values[0]):
                fields = values[1]
                if fields.type == "list":
                    fields = child_of_type(fields, "keywords") or fields
                if fields.type == "keywords":
                    pairs.extend(named(fields))
        for pair in pairs:
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            name = keyword_name(state, key) if key is not None else None
            if name is not None and value is not None:
                yield name, value


def _own(state: FileState, module: Module, node: Any) -> bool:
    return strip_space(state.text(node)) in ("__MODULE__", module.name)


def _body_nodes(clause: Clause) -> Iterator[Any]:
    """The nodes of the clause's body in document order, patterns left out: the head, the left side of `->`
    (case, fn and with clauses) and of `=`, `<-` (matches)."""
    args = child_of_type(clause.node, "arguments")
    head = first_named(args) if args is not None else None
    stack = list(reversed(clause.node.children))
    while stack:
        node = stack.pop()
        if head is not None and node == head:
            continue
        yield node
        children = list(node.children)
        if node.type == "stab_clause" or (node.type == "binary_operator" and operator(node) in ("=", "<-")):
            left = node.child_by_field_name("left")
            children = [c for c in children if left is None or c != left]
        stack.extend(reversed(children))


# -- what a value expression fills --------------------------------------------------------


@dataclass(slots=True)
class _Scope:
    """The module a builder clause is read in, with its local functions by name."""

    state: FileState
    module: Module
    helpers: dict[str, list[Clause]]


def _fill(scope: _Scope, clause: Clause, node: Any, hops: int, *, follow: bool = True) -> tuple[Default, str] | None:
    """What the value expression `node` of `clause` gives when what it reads is missing: (default, how), or None
    when that may be nil. `hops`: variables still to follow back; `follow`: whether a local call may be followed."""
    state, module = scope.state, scope.module
    at = clause.node.start_byte
    constant = _constant(state, module, node, at)
    if constant is not None:
        # A value set outright is a default only when it is data-free: `[chunk(tokens)]` is built from arguments.
        fixed = constant.resolved or (node.type == "unary_operator" and operator(node) == "@")
        return (constant, "literal") if fixed and not _is_nil(constant) else None
    if node.type == "block" and len(named(node)) == 1:
        return _fill(scope, clause, named(node)[0], hops, follow=follow)
    if node.type == "binary_operator" and operator(node) == "||":
        right = node.child_by_field_name("right")
        if right is None:
            return None
        default = _constant(state, module, right, at)
        if default is not None:
            return (default, "||") if not _is_nil(default) else None
        if right.type == "binary_operator" and operator(right) == "||":
            return _fill(scope, clause, right, hops, follow=follow)  # `a || b || []`
        return None
    if node.type == "identifier" and hops > 0:
        assigned = _assignment(state, clause, state.text(node), node.start_byte)
        return _fill(scope, clause, assigned, hops - 1, follow=follow) if assigned is not None else None
    if _is_case(state, node):
        value = _case_result(scope, clause, node, {}, 1)
        return (value, "case") if value is not None else None
    call = _call(state, node)
    if call is None:
        return None
    target, args = call
    if target.type == "dot":
        left, right = target.child_by_field_name("left"), target.child_by_field_name("right")
        if left is None or right is None:
            return None
        owner, name = strip_space(state.text(left)), state.text(right)
        if (owner, name) == ("List", "wrap") and len(args) == 1:
            return Default("[]", [], True), "List.wrap"  # List.wrap(nil) is []
        if owner == "Enum" and name in _LIST_KEEPING and args:
            # `(m["xs"] || []) |> Enum.map(&f/1)`: the empty list stays empty
            inner = _fill(scope, clause, args[0], hops, follow=follow)
            return inner if inner is not None and inner[0].resolved and inner[0].value == [] else None
        return _getter_default(scope, owner, name, args, at)
    if target.type == "identifier" and follow:
        return _helper_fill(scope, clause, state.text(target), args)
    return None


def _call(state: FileState, node: Any) -> tuple[Any, list[Any]] | None:
    """(target, arguments) of `f(a, b)` or of `a |> f(b)` (as `f(a, b)`)."""
    piped: list[Any] = []
    if node.type == "binary_operator" and operator(node) == "|>":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None:
            return None
        piped, node = [left], right
    if node.type != "call":
        return None
    target = node.child_by_field_name("target")
    if target is None or child_of_type(node, "do_block") is not None:
        return None
    args = child_of_type(node, "arguments")
    return target, piped + (named(args) if args is not None else [])


def _getter_default(scope: _Scope, owner: str, name: str, args: list[Any], at: int) -> tuple[Default, str] | None:
    if owner not in _GETTERS or name != "get" or len(args) != 3:
        return None
    default = _constant(scope.state, scope.module, args[2], at)
    if default is None or _is_nil(default):
        return None
    return default, f"{owner}.get"


# -- one local call, followed --------------------------------------------------------------
#
# What a helper returns when the value it looks at is missing is worked out by running its clauses on an abstract
# argument list: each argument is a constant (`Default`), MISSING (a read of the decoded map or options, nil when
# the key is absent) or UNKNOWN. A clause is taken when its patterns and guard hold for those arguments; a pattern or
# guard that cannot be decided stops the search (nothing is filled), so an answer is only given when it is certain.


class _Abstract(enum.Enum):
    MISSING = "missing"
    """A read that is nil when the field's key is absent."""
    UNKNOWN = "unknown"


_Value = Default | _Abstract
_TYPE_GUARDS = frozenset(
    {
        "is_binary", "is_bitstring", "is_boolean", "is_float", "is_function", "is_integer", "is_list", "is_map",
        "is_number", "is_pid", "is_port", "is_reference", "is_struct", "is_tuple",
    }
)  # fmt: skip
"""Guards nil fails (`is_atom(nil)` holds: not here)."""
_MAX_CASE_DEPTH = 3


def _helper_fill(scope: _Scope, caller: Clause, name: str, args: list[Any]) -> tuple[Default, str] | None:
    fitting = [c for c in scope.helpers.get(name, []) if c.min_arity <= len(args) <= c.arity]
    if not fitting:
        return None
    arity = fitting[0].arity
    clauses = [c for c in fitting if c.arity == arity]
    passed = [_classify(scope, caller, arg) for arg in args]
    for position in range(len(args), arity):  # left out: the head's `\\ default`
        owner = next((c for c in clauses if c.params[position][1] is not None), None)
        constant = (
            _constant(scope.state, scope.module, owner.params[position][1], owner.node.start_byte) if owner else None
        )
        passed.append(constant if constant is not None else _Abstract.UNKNOWN)
    for helper in clauses:
        env: dict[str, _Value] = {}
        taken = _match_all(scope.state, _head_params(helper), passed, env)
        if taken is None:
            return None
        if not taken:
            continue
        guard = _truth(scope.state, _guard(helper), env)
        if guard is None:
            return None
        if not guard:
            continue
        body = body_value(scope.state, helper)
        value = _result(scope, helper, body, env, 0) if body is not None else None
        return (value, f"{name}/{arity}") if value is not None else None
    return None


def _classify(scope: _Scope, clause: Clause, node: Any, hops: int = _MAX_VARIABLE_HOPS) -> _Value:
    """An argument as the helper sees it when the field's key is missing."""
    state = scope.state
    constant = _constant(state, scope.module, node, clause.node.start_byte)
    if constant is not None:
        return constant
    filled = _fill(scope, clause, node, hops, follow=False)
    if filled is not None:
        return filled[0]
    if node.type == "identifier":
        assigned = _assignment(state, clause, state.text(node), node.start_byte) if hops > 0 else None
        return _classify(scope, clause, assigned, hops - 1) if assigned is not None else _Abstract.UNKNOWN
    if node.type == "access_call" or (node.type == "binary_operator" and operator(node) == "||"):
        return _Abstract.MISSING  # m[k], m["a"] || m[:a]
    call = _call(state, node)
    if call is None:
        return _Abstract.UNKNOWN
    target, _args = call
    if target.type == "identifier":
        return _Abstract.MISSING  # a local reader: fetch(map, "k")
    left, right = target.child_by_field_name("left"), target.child_by_field_name("right")
    if (
        left is not None
        and right is not None
        and strip_space(state.text(left)) in _GETTERS
        and state.text(right) == "get"
    ):
        return _Abstract.MISSING
    return _Abstract.UNKNOWN


def _match_all(state: FileState, patterns: list[Any], values: list[_Value], env: dict[str, _Value]) -> bool | None:
    if len(patterns) != len(values):
        return False
    for pattern, value in zip(patterns, values, strict=True):
        taken = _match(state, pattern, value, env)
        if taken is not True:
            return taken
    return True


def _match(state: FileState, pattern: Any, value: _Value, env: dict[str, _Value]) -> bool | None:
    """Whether `pattern` matches `value` (None: cannot tell), binding its variable in `env`."""
    if pattern.type == "binary_operator" and operator(pattern) == "\\\\":
        pattern = pattern.child_by_field_name("left")
    if pattern is None:
        return None
    if pattern.type == "identifier":
        env[state.text(pattern)] = value
        return True
    nil_value = value is _Abstract.MISSING or (isinstance(value, Default) and _is_nil(value))
    if pattern.type == "nil":
        if nil_value:
            return True
        return False if isinstance(value, Default) and value.resolved else None
    if nil_value and pattern.type in ("atom", "string", "integer", "float", "boolean", "map", "tuple", "list"):
        return False  # `%{} = m`, `[_ | _]`, `"x"`: nil matches none of these
    return None


def _truth(state: FileState, guard: Any, env: dict[str, _Value]) -> bool | None:
    """A guard's truth for the bound values; None when it cannot be decided."""
    if guard is None:
        return True
    if guard.type == "binary_operator" and operator(guard) in ("and", "or", "when"):
        left = _truth(state, guard.child_by_field_name("left"), env)
        op = operator(guard)
        if op == "or":
            right = _truth(state, guard.child_by_field_name("right"), env)
            return True if True in (left, right) else (None if None in (left, right) else False)
        if left is False:
            return False  # `and` short-circuits: `is_integer(v) and v > 0` with v nil
        right = _truth(state, guard.child_by_field_name("right"), env)
        return False if right is False else (True if left and right else None)
    if guard.type == "unary_operator" and operator(guard) == "not":
        operand = guard.child_by_field_name("operand")
        inner = _truth(state, operand, env) if operand is not None else None
        return None if inner is None else not inner
    call = _call(state, guard)
    if call is None or call[0].type != "identifier" or len(call[1]) != 1 or call[1][0].type != "identifier":
        return None
    check, var = state.text(call[0]), state.text(call[1][0])
    value = env.get(var, _Abstract.UNKNOWN)
    nil_value = value is _Abstract.MISSING or (isinstance(value, Default) and _is_nil(value))
    if check == "is_nil" and (nil_value or isinstance(value, Default)):
        return nil_value if nil_value or value.resolved else None  # type: ignore[union-attr]
    if check in _TYPE_GUARDS and nil_value:
        return False
    return None


def _result(scope: _Scope, clause: Clause, node: Any, env: dict[str, _Value], depth: int) -> Default | None:
    """The non-nil constant the expression `node` (a helper's return value) gives, else None."""
    state = scope.state
    if node.type == "identifier" and state.text(node) in env:
        value = env[state.text(node)]
        return value if isinstance(value, Default) and not _is_nil(value) else None
    if _is_case(state, node) and depth < _MAX_CASE_DEPTH:
        return _case_result(scope, clause, node, env, depth + 1)
    filled = _fill(scope, clause, node, _MAX_VARIABLE_HOPS, follow=False)
    return filled[0] if filled is not None else None


def _is_case(state: FileState, node: Any) -> bool:
    target = node.child_by_field_name("target") if node.type == "call" else None
    return target is not None and target.type == "identifier" and state.text(target) == "case"


def _case_result(scope: _Scope, clause: Clause, node: Any, env: dict[str, _Value], depth: int) -> Default | None:
    """`case subject do ... end` when the subject is missing (nil): the first clause that takes nil."""
    state = scope.state
    args = child_of_type(node, "arguments")
    block = child_of_type(node, "do_block")
    subject = first_named(args) if args is not None else None
    if subject is None or block is None:
        return None
    if subject.type == "identifier" and state.text(subject) in env:
        value = env[state.text(subject)]
    else:
        value = _classify(scope, clause, subject)
    if value is not _Abstract.MISSING:
        return None  # a subject that is there: which branch runs depends on data
    for stab in named(block):
        if stab.type != "stab_clause":
            continue
        left, body = stab.child_by_field_name("left"), stab.child_by_field_name("right")
        guard = None
        if left is not None and left.type == "binary_operator" and operator(left) == "when":
            left, guard = left.child_by_field_name("left"), left.child_by_field_name("right")
        patterns = named(left) if left is not None else []
        local = dict(env)
        taken = _match_all(state, patterns, [value], local)
        if taken is None:
            return None
        if taken:
            truth = _truth(state, guard, local)
            if truth is None:
                return None
            if truth:
                inner = [c for c in named(body) if c.type != "comment"] if body is not None else []
                return _result(scope, clause, inner[-1], local, depth) if inner else None
    return None


def _guard(clause: Clause) -> Any:
    args = child_of_type(clause.node, "arguments")
    head = first_named(args) if args is not None else None
    if head is not None and head.type == "binary_operator" and operator(head) == "when":
        return head.child_by_field_name("right")
    return None


def _constant(state: FileState, module: Module, node: Any, at: int) -> Default | None:
    """The node's value when it is a constant (nil included), else None: see the module docstring."""
    default = default_of(state, node, module, at)
    if default.resolved:
        return default
    if node.type in _CANNOT_BE_NIL or (node.type == "unary_operator" and operator(node) == "@"):
        return default
    return None


def _is_nil(default: Default) -> bool:
    return default.resolved and default.value is None


def _assignment(state: FileState, clause: Clause, var: str, before: int) -> Any:
    """The right side of the last `var = ...` in the clause before byte `before`."""
    found = None
    for node in _body_nodes(clause):
        if node.start_byte >= before:
            break
        if node.type == "binary_operator" and operator(node) == "=":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier" and state.text(left) == var:
                found = node.child_by_field_name("right")
    return found


def _local_functions(module: Module) -> dict[str, list[Clause]]:
    found: dict[str, list[Clause]] = {}
    for clause in module.clauses:
        if clause.keyword in ("def", "defp"):
            found.setdefault(clause.name, []).append(clause)
    return found


def _head_params(clause: Clause) -> list[Any]:
    args = child_of_type(clause.node, "arguments")
    head = first_named(args) if args is not None else None
    if head is not None and head.type == "binary_operator" and operator(head) == "when":
        head = head.child_by_field_name("left")
    if head is None or head.type != "call":
        return []
    head_args = child_of_type(head, "arguments")
    return named(head_args) if head_args is not None else []


def body_value(state: FileState, clause: Clause) -> Any:
    """The expression whose value the clause returns: `do: x`, or the last expression of its do-block."""
    args = child_of_type(clause.node, "arguments")
    keywords = child_of_type(args, "keywords") if args is not None else None
    for pair in named(keywords) if keywords is not None else []:
        key = pair.child_by_field_name("key")
        if key is not None and keyword_name(state, key) == "do":
            return pair.child_by_field_name("value")
    block = child_of_type(clause.node, "do_block")
    if block is not None:
        inner = [c for c in named(block) if c.type != "comment"]
        return inner[-1] if inner else None
    return None
