"""Reading one file: parse it (repairing a truncated one), find its modules and read each body's statements in
order (`@moduledoc`, `@type t`, `defstruct`, `@doc`/`@spec`/`def`, ...), then turn each module into a `TypeDef`."""

from __future__ import annotations

import bisect
import re
from typing import Any

from paritydocs.elixir.aliases import alias_typedefs, local_types
from paritydocs.elixir.constants import module_constants
from paritydocs.elixir.docs import doc_value
from paritydocs.elixir.functions import (
    DEF_KEYWORDS,
    hidden_functions,
    option_read,
    option_reads,
    public_functions,
    read_clause,
    spec_key,
)
from paritydocs.elixir.literals import keyword_name
from paritydocs.elixir.records import Clause, FileResult, FileState, Module
from paritydocs.elixir.structs import (
    STRUCT_KEYWORDS,
    TYPE_ATTRIBUTES,
    derived_encoders,
    is_type_t,
    struct_fields,
    union_member_lines,
    union_members,
)
from paritydocs.elixir.syntax import (
    MAX_END_REPAIRS,
    MAX_MODULE_DEPTH,
    NEWLINE_INDENT,
    Captures,
    child_of_type,
    describe_error,
    first_error,
    first_named,
    module_defs,
    named,
    node_line,
    parse_elixir,
    run_query,
    shorten,
    sort_captures,
)
from paritydocs.elixir.usage import read_usage
from paritydocs.model import TypeDef, TypeKind

__all__ = ["captures", "file_references", "module_body", "module_typedef", "parse", "read_modules", "run", "statements"]


_MODULE_REF = re.compile(r"\b[A-Z]\w*(?:\.[A-Z]\w*)+\b")
_MULTI_ALIAS = re.compile(r"\b([A-Z]\w*(?:\.[A-Z]\w*)*)\.\{([^}]*)\}")


# -- parse -----------------------------------------------------------------------------


def parse(state: FileState) -> tuple[Any, list[tuple[int, dict[str, list[Any]]]]]:
    tree = parse_elixir(state.src)
    matches = run_query(tree)
    if not tree.root_node.has_error:
        return tree, matches
    line, what = describe_error(state.src, first_error(matches))
    state.syntax_error = True
    # A truncated file (missing `end`s at the bottom) parses cleanly once they are appended;
    # the repaired tree keeps the module structure the broken one loses.
    for count in range(1, MAX_END_REPAIRS + 1):
        patched = state.src + b"\n" + b"end\n" * count
        repaired = parse_elixir(patched)
        if not repaired.root_node.has_error:
            state.warn(line, f"{what}; parsed as if {count} `end` were appended at the end of the file")
            state.src = patched  # node offsets now refer to the patched text
            return repaired, run_query(repaired)
    state.warn(line, f"{what}; extracted what could be parsed")
    return tree, matches


# -- run -------------------------------------------------------------------------------


def captures(state: FileState) -> Captures:
    """Parse the file and sort the query's captures by what they are."""
    _tree, matches = parse(state)
    return sort_captures(matches)


def run(state: FileState) -> FileResult:
    found = captures(state)
    module_nodes, read_caps, fallbacks, refs = found.module_nodes, found.read_caps, found.fallbacks, found.refs
    reads = [(caps["read"][0], option_read(state, caps, fallbacks)) for caps in read_caps]

    for node in found.stray_ends if not state.syntax_error else ():  # else the syntax error is the news
        state.warn(node, "`end` with no `do` to close: the code after it is outside the module it was written in")
    modules = read_modules(state, module_nodes)
    clauses = sorted((c for m in modules for c in m.clauses), key=lambda c: c.node.start_byte)
    starts = [c.node.start_byte for c in clauses]
    for node, read in reads:
        clause = _containing(clauses, starts, node)
        if clause is not None:
            clause.reads.append(read)
    for node in refs:
        clause = _containing(clauses, starts, node)
        if clause is not None:
            operand = node.child_by_field_name("operand")
            clause.attribute_refs.append((state.text(operand), node))
    read_usage(state, modules, lambda node: _containing(clauses, starts, node), found)
    # a module of `@type` aliases also yields each alias as a type of its own (`aliases.alias_typedefs`)
    typedefs = [t for m in modules for t in (module_typedef(state, m), *alias_typedefs(state, m))]
    references = file_references(state)
    for typedef in typedefs:
        typedef.references = references
    return FileResult(typedefs, state.warnings)


def file_references(state: FileState) -> list[str]:
    """Module names the file mentions in full (`Tinkex.Foo`) or through a multi-alias (`alias Tinkex.{A, B}`)."""
    text = state.src.decode("utf-8", errors="replace")
    names = set(_MODULE_REF.findall(text))
    for head, tail in _MULTI_ALIAS.findall(text):
        names.update(f"{head}.{part.strip()}" for part in tail.split(",") if part.strip())
    return sorted(names)


# -- modules ---------------------------------------------------------------------------


def read_modules(state: FileState, found: list[tuple[Any, Any]]) -> list[Module]:
    result: list[Module] = []
    too_deep: list[Any] = []
    for found_module in module_defs(found, state.src):  # the module finder `paritydocs.suggest` uses too
        node, name = found_module.node, found_module.name
        if found_module.too_deep:
            too_deep.append(node)  # one warning for them all, below: not one per module
            continue
        if name is None:
            state.warn(node, f"module name `{shorten(state.text(found_module.name_node))}` is not an alias; skipped")
            continue
        module = Module(name=name, node=node, body=module_body(state, node))
        if module.body is None:
            if not state.syntax_error:  # else the syntax error is the news
                state.warn(node, f"defmodule {name} has no do-block")
        else:
            statements(state, module)
        result.append(module)
    if too_deep:
        more = f" ({len(too_deep)} modules, to line {node_line(too_deep[-1])})" if len(too_deep) > 1 else ""
        state.warn(too_deep[0], f"defmodule nested more than {MAX_MODULE_DEPTH} deep; skipped{more}")
    return result


def module_body(state: FileState, node: Any) -> list[Any] | None:
    """The statements of `defmodule X do ... end`, or of `defmodule X, do: (...)`."""
    block = child_of_type(node, "do_block")
    if block is not None:
        return list(block.named_children)
    args = child_of_type(node, "arguments")
    keywords = child_of_type(args, "keywords") if args is not None else None
    for pair in named(keywords) if keywords is not None else []:
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is not None and value is not None and keyword_name(state, key) == "do":
            return list(value.named_children) if value.type == "block" else [value]
    return None


def statements(state: FileState, module: Module) -> None:
    pending_doc: str | None = None
    doc_false = False
    impl = False
    pending_typedoc: str | None = None
    for stmt in module.body or []:
        kind = stmt.type
        if kind == "unary_operator":
            operand = stmt.child_by_field_name("operand")
            op = stmt.child_by_field_name("operator")
            if op is None or op.type != "@" or operand is None or operand.type != "call":
                continue
            target = operand.child_by_field_name("target")
            if target is None or target.type != "identifier":
                continue
            name = state.text(target)
            args = child_of_type(operand, "arguments")
            value = first_named(args) if args is not None else None
            if value is None:
                continue
            module.attributes.setdefault(name, []).append((stmt.start_byte, value))
            if name == "moduledoc":
                if value.type == "boolean" and state.text(value) == "false":
                    module.moduledoc = None
                else:
                    doc = doc_value(state, value, module)
                    if doc is not None:
                        module.moduledoc = doc
            elif name == "doc":
                if value.type == "boolean" and state.text(value) == "false":
                    doc_false = True
                else:
                    doc = doc_value(state, value, module)
                    if doc is not None:
                        pending_doc = doc
            elif name == "impl":
                impl = not (value.type == "boolean" and state.text(value) == "false")
            elif name == "typedoc":
                pending_typedoc = doc_value(state, value, module)
            elif name in TYPE_ATTRIBUTES:
                if is_type_t(state, value) and module.type_t is None:
                    module.type_t = value.child_by_field_name("right")
                    module.typedoc = pending_typedoc
                pending_typedoc = None
            elif name == "spec":
                key = spec_key(state, value)
                if key is not None:
                    module.specs.setdefault(key, []).append(NEWLINE_INDENT.sub(" ", state.text(value)))
            elif name == "enforce_keys":
                module.enforce_keys = value
            elif name == "derive":
                module.derives.append(value)
        elif kind == "call":
            target = stmt.child_by_field_name("target")
            if target is None or target.type != "identifier":
                continue
            keyword = state.text(target)
            if keyword in DEF_KEYWORDS:
                clause = read_clause(state, keyword, stmt, pending_doc, doc_false or (impl and pending_doc is None))
                if clause is not None:
                    module.clauses.append(clause)
                pending_doc, doc_false, impl = None, False, False
            elif keyword in STRUCT_KEYWORDS:
                if module.struct is None:
                    module.struct = stmt
                else:
                    state.warn(stmt, f"{module.name}: second {keyword} ignored")


# -- module -> TypeDef -----------------------------------------------------------------


def module_typedef(state: FileState, module: Module) -> TypeDef:
    short = module.name.rsplit(".", 1)[-1]
    kind = TypeKind.MODULE
    members: list[Any] = []
    annotation = state.text(module.type_t) if module.type_t is not None else None
    if module.struct is not None:
        kind = TypeKind.STRUCT
    elif module.type_t is not None:
        literal_members = union_members(state, module.type_t)
        if literal_members:
            kind, members = TypeKind.ENUM_TYPE, literal_members
    typedef = TypeDef(
        path=module.name,
        name=short,
        kind=kind,
        doc=module.moduledoc,
        file=state.rel,
        line=node_line(module.node),
        members=members,
        annotation=annotation,
        typedoc=module.typedoc,
    )
    if module.struct is None and module.type_t is not None:
        typedef.member_lines = union_member_lines(state, module.type_t)
    typedef.constants = module_constants(state, module)
    if module.struct is not None:
        typedef.fields = struct_fields(state, module)
        typedef.local_types = local_types(state, module)
        typedef.encoders = derived_encoders(state, module)
    typedef.functions = public_functions(state, module)
    typedef.hidden_functions = hidden_functions(state, module)
    typedef.option_reads = option_reads(state, module)
    typedef.builds, typedef.decodes = module.builds, module.decodes
    return typedef


def _containing(clauses: list[Clause], starts: list[int], node: Any) -> Clause | None:
    i = bisect.bisect_right(starts, node.start_byte) - 1
    if i >= 0 and clauses[i].node.end_byte >= node.end_byte:
        return clauses[i]
    return None
