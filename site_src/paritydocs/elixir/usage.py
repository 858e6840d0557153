"""What a module's functions do with structs, read for the parity rules that weigh a finding by the port's
program flow (`parity.usage`):

- where a function **builds** a struct (`%Mod{key: value}`, `Mod.new(key: value)`, `struct(Mod, key: value)`)
  and which keys it gives a value other than a literal `nil`; a pattern (`%Mod{} = x`, a function head, the left
  of `->`) and an update (`%Mod{s | key: v}`) build nothing;
- where it **decodes** one (`Mod.from_map(json)`, `from_json`, `decode`, `parse`) and which keys the decoded value
  was matched to hold there (`def from_json(%{"type" => "try_again"} = json), do: TryAgainResponse.from_map(json)`).

Module names are resolved as Elixir does within the file: `alias A.B` (`B`), `alias A.{B, C}`, `alias A.B, as: C`,
`__MODULE__`, and a module defined inside the enclosing one (`%State{}` in `Tinkex.Future` is
`Tinkex.Future.State`). An alias counts from where it is written to the end of the file (Elixir scopes it to the
enclosing module or function: two modules of one file aliasing one short name differently are rare).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paritydocs.elixir.literals import keyword_name, string_value
from paritydocs.elixir.records import Clause, FileState, Module
from paritydocs.elixir.syntax import Captures, child_of_type, first_named, named, node_line, operator, strip_space
from paritydocs.model import DecodeCall, StructBuild

__all__ = ["Aliases", "read_usage"]

_DECODERS = frozenset({"from_map", "from_json", "decode", "parse"})


class Aliases:
    """The file's `alias` declarations, in order, and the modules it defines: how a name in its code resolves."""

    def __init__(self, state: FileState, alias_args: list[Any], defined: set[str]) -> None:
        self.defined = defined
        self.entries: list[tuple[int, str, str]] = []  # (start byte, short name, full name)
        for args in alias_args:
            for short, full in _declared(state, args):
                self.entries.append((args.start_byte, short, full))

    def resolve(self, name: str, at: int, enclosing: str) -> str:
        """The full name of module `name` as written at byte `at` inside module `enclosing`."""
        if name == "__MODULE__":
            return enclosing
        head, _, rest = name.partition(".")
        if head == "__MODULE__":
            return f"{enclosing}.{rest}"
        full = None
        for start, short, target in self.entries:
            if start < at and short == head:
                full = target  # the last alias before the use wins
        if full is not None:
            return f"{full}.{rest}" if rest else full
        nested = f"{enclosing}.{name}"
        return nested if nested in self.defined else name


def _declared(state: FileState, args: Any) -> list[tuple[str, str]]:
    """(short name, full name) of each module one `alias` declares."""
    target = first_named(args)
    if target is None:
        return []
    if target.type == "alias":
        full = strip_space(state.text(target))
        short = full.rsplit(".", 1)[-1]
        keywords = child_of_type(args, "keywords")
        for pair in named(keywords) if keywords is not None else []:
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and value is not None and state.text(key).strip() == "as:" and value.type == "alias":
                short = strip_space(state.text(value))
        return [(short, full)]
    if target.type == "dot":
        left, right = target.child_by_field_name("left"), target.child_by_field_name("right")
        if left is not None and right is not None and left.type == "alias" and right.type == "tuple":
            head = strip_space(state.text(left))
            parts = [strip_space(state.text(p)) for p in named(right) if p.type == "alias"]
            return [(p.rsplit(".", 1)[-1], f"{head}.{p}") for p in parts]
    return []


def read_usage(
    state: FileState, modules: list[Module], clause_of: Callable[[Any], Clause | None], found: Captures
) -> None:
    """Append each build and decoder call of the file (`found.builds`, `found.uses`) to the module whose clause
    holds it (`clause_of(node)`: the clause, or None outside any function)."""
    aliases = Aliases(state, found.aliases, {m.name for m in modules})
    module_of = {id(c): m for m in modules for c in m.clauses}
    for node, name_node in found.builds:
        clause = clause_of(node)
        if clause is None or _in_pattern(node, clause):
            continue
        items = _contents(node)
        if any(c.type == "binary_operator" and operator(c) == "|" for c in items):
            continue  # `%Mod{s | key: v}`: an update of a struct built elsewhere
        module = module_of[id(clause)]
        target = aliases.resolve(strip_space(state.text(name_node)), node.start_byte, module.name)
        given = _keyword_keys(state, items) or []
        module.builds.append(StructBuild(target, node_line(node), _name(clause), "struct", given))
    for caps in found.uses:
        node = caps["use"][0]
        clause = clause_of(node)
        if clause is None or _in_pattern(node, clause):
            continue
        module = module_of[id(clause)]
        target = aliases.resolve(strip_space(state.text(caps["use.module"][0])), node.start_byte, module.name)
        args = named(caps["use.args"][0])
        function = state.text(caps["use.function"][0]) if "use.function" in caps else None
        if function is None:  # struct(Mod, attrs) / struct!(Mod, attrs)
            keys = _literal_keys(state, args[1]) if len(args) == 2 else ([] if len(args) == 1 else None)
            module.builds.append(_build(target, node, clause, "kernel", keys))
        elif function == "new":
            keys = _literal_keys(state, args[0]) if len(args) == 1 else ([] if not args else None)
            module.builds.append(_build(target, node, clause, "new", keys))
        elif function in _DECODERS and len(args) == 1:
            matched = _matched_keys(state, node, clause, state.text(args[0])) if args[0].type == "identifier" else []
            module.decodes.append(DecodeCall(target, node_line(node), function, _name(clause), matched))
    for module in modules:
        module.builds.sort(key=lambda b: b.line)


def _name(clause: Clause) -> str:
    return f"{clause.name}/{clause.arity}"


def _build(target: str, node: Any, clause: Clause, how: str, keys: list[str] | None) -> StructBuild:
    return StructBuild(target, node_line(node), _name(clause), how, keys or [], open=keys is None)


def _keyword_keys(state: FileState, items: list[Any]) -> list[str] | None:
    """The keys of the `key: value` pairs (or `:key => value`, `"key" => value`) among `items`, the contents of a
    struct, map or keyword list, given a value other than a literal nil; None when they hold anything else
    (`%{opts | …}`, a spread, a key that interpolates)."""
    pairs: list[tuple[str | None, Any]] = []  # (key, value node) of every pair, in order
    for child in items:
        if child.type == "keywords":
            for pair in named(child):
                key = pair.child_by_field_name("key")
                pairs.append((keyword_name(state, key) if key is not None else None, pair.child_by_field_name("value")))
        elif child.type == "binary_operator" and operator(child) == "=>":
            left = child.child_by_field_name("left")
            pairs.append((_key_text(state, left) if left is not None else None, child.child_by_field_name("right")))
        else:
            return None
    if any(name is None or value is None for name, value in pairs):
        return None
    return [name for name, value in pairs if name is not None and value.type != "nil"]


def _contents(node: Any) -> list[Any]:
    """The items of a struct or map (`%Mod{...}`, `%{...}`): its `map_content`'s children, or none."""
    content = child_of_type(node, "map_content")
    return named(content) if content is not None else []


def _literal_keys(state: FileState, arg: Any) -> list[str] | None:
    """The keys a keyword list or map argument written out in place sets (`new(a: 1)`, `new([a: 1])`,
    `new(%{a: 1})`); None when the argument is anything else (`new(opts)`)."""
    if arg.type == "keywords":
        return _keyword_keys(state, [arg])
    if arg.type == "list":
        return _keyword_keys(state, named(arg))
    if arg.type == "map" and child_of_type(arg, "struct") is None:
        return _keyword_keys(state, _contents(arg))
    return None


def _key_text(state: FileState, node: Any) -> str | None:
    """The key an `=>` pair names: an atom, a quoted atom or a string; None for anything else."""
    if node.type == "atom":
        return state.text(node)[1:]
    if node.type in ("quoted_atom", "string"):
        return string_value(state, node, keep_interpolation=True)
    return None


def _in_pattern(node: Any, clause: Clause) -> bool:
    """`node` is (in) a pattern: the function's head, the left of `->` or of `=`."""
    head_args = child_of_type(clause.node, "arguments")
    head = first_named(head_args) if head_args is not None else None
    child, parent = node, node.parent
    while parent is not None and child.id != clause.node.id:
        if head is not None and child.id == head.id:
            return True
        if parent.type == "stab_clause" and child.type == "arguments":
            return True
        if parent.type == "binary_operator" and operator(parent) in ("=", "<-"):
            left = parent.child_by_field_name("left")
            if left is not None and left.id == child.id:
                return True
        child, parent = parent, parent.parent
    return False


def _matched_keys(state: FileState, node: Any, clause: Clause, var: str) -> list[str]:
    """The keys `var` was matched to hold by the nearest pattern binding it around `node`: a `case`/`fn` clause
    (`%{"type" => "x"} = m ->`) or the function's head (`def f(%{"type" => "x"} = json)`)."""
    parent = node.parent
    while parent is not None:
        if parent.type == "stab_clause":
            left = child_of_type(parent, "arguments")
            found = _bound_map(state, left, var) if left is not None else None
            if found is not None:
                return found
        if parent.id == clause.node.id:
            head_args = child_of_type(parent, "arguments")
            found = _bound_map(state, head_args, var) if head_args is not None else None
            return found or []
        parent = parent.parent
    return []


def _bound_map(state: FileState, pattern: Any, var: str) -> list[str] | None:
    """The keys of the map pattern bound to `var` in `pattern` (`%{"type" => "x"} = var`), else None."""
    stack = [pattern]
    while stack:
        current = stack.pop()
        if current.type == "binary_operator" and operator(current) == "=":
            sides = [current.child_by_field_name("left"), current.child_by_field_name("right")]
            names = [s for s in sides if s is not None and s.type == "identifier" and state.text(s) == var]
            maps = [s for s in sides if s is not None and s.type == "map" and child_of_type(s, "struct") is None]
            if names and maps:
                keys = _keyword_keys(state, _contents(maps[0]))
                return keys or []
        stack.extend(current.named_children)
    return None
