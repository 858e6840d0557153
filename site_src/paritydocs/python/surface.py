"""The rest of a class's Python surface, besides its declared fields: what a user reads through a `@property`,
`functools.cached_property` or pydantic `computed_field`, and what a custom `__init__` takes that no field
declares. Both become `FieldDef`s with an `origin` (`property`, `init`), so the parity rules see the whole
surface a Python user meets (an Elixir struct key the Python user reads as a property is not missing).

Private names (`_tokens_list`, `_numpy`) are storage, never surface.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from paritydocs.model import FieldDef
from paritydocs.python.docstrings import parse_python_doc
from paritydocs.python.evaluator import Ctx, Evaluator
from paritydocs.python.scope import Source, clean_doc, decorator_name, signature_args, source_text

__all__ = ["PROPERTY_DECORATORS", "init_fields", "init_node", "property_fields", "with_surface"]

PROPERTY_DECORATORS = frozenset({"property", "cached_property", "computed_field"})
"""Decorators (by last name: `functools.cached_property`, an SDK's `_compat.cached_property`) that make a method
an attribute the user reads."""


def property_fields(
    src: Source, node: ast.ClassDef, decorators: frozenset[str] = PROPERTY_DECORATORS
) -> list[FieldDef]:
    """The public properties defined directly in the class body, in source order: read-only members, typed by
    their return annotation and documented by their docstring (`doc_source` `docstring`). `decorators` are the
    names that make a property in the class's module (`PROPERTY_DECORATORS` and their local aliases). A setter
    (`@x.setter`) or deleter defines no second member."""
    found: dict[str, FieldDef] = {}
    for stmt in node.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or stmt.name.startswith("_"):
            continue
        if stmt.name in found or not decorators & {decorator_name(d) for d in stmt.decorator_list}:
            continue
        doc = clean_doc(ast.get_docstring(stmt, clean=True))
        found[stmt.name] = FieldDef(
            name=stmt.name,
            annotation=source_text(src, stmt.returns) if stmt.returns is not None else None,
            required=False,
            doc=doc,
            doc_source="docstring" if doc else None,
            line=stmt.lineno,
            origin="property",
        )
    return list(found.values())


def init_node(node: ast.ClassDef) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The `__init__` defined directly in the class body (the last one, as at runtime), if any."""
    found = None
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
            found = stmt
    return found


def init_fields(
    src: Source,
    init: ast.FunctionDef | ast.AsyncFunctionDef,
    ctx: Ctx,
    evaluator: Evaluator,
    class_docs: Sequence[str | None],
) -> list[FieldDef]:
    """The named public parameters of a custom `__init__`, in signature order: required when the signature gives
    no default. `*args`/`**kwargs` name nothing and are left out. A parameter's doc is its entry in the
    `__init__` docstring's `Args:` section, else in the first of `class_docs` (the docstrings of the class that
    defines `__init__` and of the class that inherits it) that documents it (`doc_source` `args_section`)."""
    texts = [clean_doc(ast.get_docstring(init, clean=True)), *class_docs]
    sections = [parse_python_doc(text, args_from="lines").args for text in texts if text]
    result: list[FieldDef] = []
    for kind, arg, default_node in signature_args(init.args, bound=True):
        if kind in ("vararg", "kwarg") or arg.arg.startswith("_"):
            continue
        default = evaluator.default(default_node, ctx) if default_node is not None else None
        doc = next((args[arg.arg] for args in sections if args.get(arg.arg)), None)
        result.append(
            FieldDef(
                name=arg.arg,
                annotation=source_text(src, arg.annotation) if arg.annotation is not None else None,
                required=default is None,
                default=default,
                doc=doc,
                doc_source="args_section" if doc else None,
                line=arg.lineno,
                origin="init",
            )
        )
    return result


def with_surface(declared: list[FieldDef], properties: list[FieldDef], init: list[FieldDef]) -> list[FieldDef]:
    """Declared fields first (a field wins over a same-named property or parameter), then the properties and the
    `__init__` parameters no field declares, each in source order.

    A name that is both a property and an `__init__` parameter (`TensorData.data`: passed in, read back
    converted) is one member of origin `init`: whether it is required and its default are the signature's (what
    the user passes); its type and doc are the property's (what the user reads back), the parameter's where the
    property has none."""
    taken = {f.name for f in declared}
    params = {f.name: f for f in init if f.name not in taken}
    result = list(declared)
    for prop in properties:
        if prop.name in taken:
            continue
        taken.add(prop.name)
        param = params.pop(prop.name, None)
        if param is None:
            result.append(prop)
            continue
        param.annotation = prop.annotation or param.annotation
        if prop.doc:
            param.doc, param.doc_source = prop.doc, prop.doc_source
        param.line = prop.line
        result.append(param)
    result.extend(f for f in init if f.name in params)
    return result
