"""Functions: `def` heads (clauses) and their parameters, `@spec` keys, the keyword options a body reads from an
opts-like parameter, and the public and hidden (`@doc false`) functions of a module."""

from __future__ import annotations

import re
from typing import Any

from paritydocs.elixir.literals import default_of
from paritydocs.elixir.records import Clause, FileState, Module, RawOptionRead
from paritydocs.elixir.syntax import child_of_type, first_named, named, node_line, operator
from paritydocs.model import FunctionDef, OptionRead, ParamDef

__all__ = [
    "DEF_KEYWORDS",
    "OPTS_PARAM",
    "hidden_functions",
    "merged_params",
    "option_read",
    "option_reads",
    "params_for_arity",
    "public_functions",
    "read_clause",
    "read_param",
    "spec_key",
]


DEF_KEYWORDS = frozenset({"def", "defp", "defmacro", "defmacrop", "defdelegate", "defguard", "defguardp"})
_PUBLIC_DEF_KEYWORDS = frozenset({"def", "defdelegate"})
OPTS_PARAM = re.compile(r"^_?(?:opts|options|\w+_opts|\w+_options|opts_\w+)$")
"""Names of an opts-like parameter: the keyword options read from it are listed as the function's options."""


def spec_key(state: FileState, node: Any) -> tuple[str, int] | None:
    if node.type == "binary_operator" and operator(node) == "when":
        node = node.child_by_field_name("left")
    if node is None or node.type != "binary_operator" or operator(node) != "::":
        return None
    head = node.child_by_field_name("left")
    if head is None:
        return None
    if head.type == "identifier":
        return state.text(head), 0
    if head.type == "call":
        target = head.child_by_field_name("target")
        if target is None or target.type != "identifier":
            return None
        args = child_of_type(head, "arguments")
        return state.text(target), len(named(args)) if args is not None else 0
    return None


def read_clause(state: FileState, keyword: str, stmt: Any, doc: str | None, hidden: bool) -> Clause | None:
    args = child_of_type(stmt, "arguments")
    head = first_named(args) if args is not None else None
    if head is None:
        return None
    if head.type == "binary_operator" and operator(head) == "when":
        head = head.child_by_field_name("left")
        if head is None:
            return None
    params: list[tuple[str | None, Any]] = []
    if head.type == "identifier":
        name = state.text(head)
    elif head.type == "call":
        target = head.child_by_field_name("target")
        if target is None or target.type != "identifier":
            return None  # def unquote(name)(...), def a.b(...)
        name = state.text(target)
        head_args = child_of_type(head, "arguments")
        for param in named(head_args) if head_args is not None else []:
            params.append(read_param(state, param))
    else:
        return None  # operator definitions (`def a + b`)
    return Clause(keyword, name, params, stmt, node_line(stmt), doc, hidden)


def read_param(state: FileState, node: Any) -> tuple[str | None, Any]:
    default = None
    if node.type == "binary_operator" and operator(node) == "\\\\":
        default = node.child_by_field_name("right")
        node = node.child_by_field_name("left")
    if node is None:
        return None, default
    if node.type == "identifier":
        return state.text(node), default
    if node.type == "binary_operator" and operator(node) == "=":
        for side in ("right", "left"):
            child = node.child_by_field_name(side)
            if child is not None and child.type == "identifier":
                return state.text(child), default
    return None, default


def option_read(state: FileState, caps: dict[str, list[Any]], fallbacks: dict[int, Any]) -> RawOptionRead:
    read = caps["read"][0]
    key = state.text(caps["read.key"][0])[1:]
    function = state.text(caps["read.function"][0]) if "read.function" in caps else "access"
    default = None
    if "read.args" in caps:
        values = named(caps["read.args"][0])
        expected = 2 if read.type == "binary_operator" else 3  # the pipe form has no var argument
        if len(values) >= expected and function == "get":
            default = values[expected - 1]
    if default is None and function in ("get", "access"):
        default = fallbacks.get(read.id)  # Keyword.get(opts, :key) || default
    return RawOptionRead(state.text(caps["read.var"][0]), key, function, default, node_line(read))


def option_reads(state: FileState, module: Module) -> list[OptionRead]:
    return [
        OptionRead(
            key=read.key,
            var=read.var,
            function=clause.name,
            arity=clause.arity,
            keyword=clause.keyword,
            line=read.line,
            how=read.function,
            default=default_of(state, read.default, module, clause.node.start_byte)
            if read.default is not None
            else None,
        )
        for clause in module.clauses
        for read in clause.reads
    ]


def hidden_functions(state: FileState, module: Module) -> list[FunctionDef]:
    found: dict[str, FunctionDef] = {}
    for clause in module.clauses:
        if clause.keyword in ("def", "defdelegate") and clause.hidden and clause.name not in found:
            params = [ParamDef(name or f"arg{i + 1}") for i, (name, _) in enumerate(clause.params)]
            found[clause.name] = FunctionDef(clause.name, clause.arity, line=clause.line, params=params, file=state.rel)
    return list(found.values())


# -- functions -------------------------------------------------------------------------


def public_functions(state: FileState, module: Module) -> list[FunctionDef]:
    groups: dict[tuple[str, int], list[Clause]] = {}
    for clause in module.clauses:
        if clause.keyword not in _PUBLIC_DEF_KEYWORDS:
            continue
        groups.setdefault((clause.name, clause.arity), []).append(clause)
    entries: dict[tuple[str, int], FunctionDef] = {}
    for (name, arity), clauses in groups.items():
        if name.startswith("_") or any(c.hidden for c in clauses):
            continue
        doc = next((c.doc for c in clauses if c.doc is not None), None)
        params = merged_params(state, clauses, module)
        min_arity = min(c.min_arity for c in clauses)
        for k in range(min_arity, arity + 1):
            key = (name, k)
            if key in entries:
                continue
            if k < arity and (name, k) in groups:
                continue  # defined explicitly too; that definition speaks for itself
            entries[key] = FunctionDef(
                name=name,
                arity=k,
                doc=doc,
                spec="\n".join(module.specs[key]) if key in module.specs else None,
                line=clauses[0].line,
                params=params_for_arity(state, params, k, arity, clauses=clauses, module=module),
                file=state.rel,
            )
    return sorted(entries.values(), key=lambda f: (f.line or 0, f.name, f.arity or 0))


def merged_params(state: FileState, clauses: list[Clause], module: Module) -> list[ParamDef]:
    """One ParamDef per position: the first clause that names it (not `_`-prefixed) wins."""
    arity = clauses[0].arity
    params: list[ParamDef] = []
    for i in range(arity):
        names: list[str] = [n for c in clauses if (n := c.params[i][0])]
        name = next((n for n in names if not n.startswith("_")), None) or (
            names[0].lstrip("_") if names and names[0].lstrip("_") else f"arg{i + 1}"
        )
        default_node = next((c.params[i][1] for c in clauses if c.params[i][1] is not None), None)
        owner = next((c for c in clauses if c.params[i][1] is not None), clauses[0])
        default = default_of(state, default_node, module, owner.node.start_byte) if default_node is not None else None
        params.append(ParamDef(name=name, required=default is None, default=default))
    return params


def params_for_arity(
    state: FileState, params: list[ParamDef], k: int, arity: int, *, clauses: list[Clause], module: Module
) -> list[ParamDef]:
    """The parameters of name/k: all required ones plus the first defaulted ones that fit,
    followed by the keyword options read from an opts-like parameter among them."""
    chosen: list[ParamDef] = []
    optional_slots = k - sum(1 for p in params if p.required)
    for p in params:
        if p.required or optional_slots > 0:
            chosen.append(ParamDef(name=p.name, kind=p.kind, required=p.required, default=p.default))
            optional_slots -= 0 if p.required else 1
    opts_names = {p.name for p in chosen if OPTS_PARAM.match(p.name)}
    if not opts_names:
        return chosen
    options: dict[str, ParamDef] = {}
    for clause in clauses:
        clause_opts = {name for name, _ in clause.params if name and OPTS_PARAM.match(name)}
        clause_opts |= {name.lstrip("_") for name in clause_opts}
        for read in clause.reads:
            if read.var not in clause_opts:
                continue
            option = options.get(read.key)
            if option is None:
                option = options[read.key] = ParamDef(name=read.key, kind="option", required=False)
            if read.function == "fetch!":
                option.required = True
            if option.default is None and read.default is not None:
                option.default = default_of(state, read.default, module, clause.node.start_byte)
    return chosen + list(options.values())
