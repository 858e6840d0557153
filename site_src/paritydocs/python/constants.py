"""The constants of a Python SDK: every UPPER_CASE name a module or a class body binds to a value the evaluator
can compute soundly (`MAX_CHUNK_LEN = 1024`, `60 * 5`, an imported constant), with its attribute docstring.

A name bound twice at module level (`_HAVE_TORCH = True` in a `try`, `False` in its `except`) has no single
value and is left out, as is a name bound to an object (a class, a call, a compiled pattern): those are not
values the port could hold. Enum members are the enum's, not constants; names inside functions are locals.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import griffe

from paritydocs.model import ConstantDef, Default, TypeKind
from paritydocs.python.evaluator import Ctx, Evaluator, Unresolved, to_json
from paritydocs.python.loader import SdkTree, walk_objects
from paritydocs.python.scope import Source, source_text, string_after

__all__ = ["CONSTANT_NAME", "read_constants"]

CONSTANT_NAME = re.compile(r"^_*[A-Z][A-Z0-9]*(?:_+[A-Z0-9]+)*$")
"""An UPPER_CASE name, private ones (`_RETRY_DELAY_SECS`) included."""
_NOT_VALUES = frozenset({"TypeAlias", "TypeVar", "ParamSpec", "TypeVarTuple", "NewType"})

MAY_BIND_CONSTANT = re.compile(
    r"(?:^|[;:])[ \t\f(]*_*[A-Z][A-Z0-9]*(?:_+[A-Z0-9]+)*[ \t\f)\r\n]*(?:[:=]|\\)", re.MULTILINE
)
"""Text a module binding a constant has: an UPPER_CASE name that starts a line (or follows a `;`, or the `:` of
`class A: X = 1`), in parentheses or not, then `=`, `:` (its annotation) or a line continuation. A module
without it binds none, and is not parsed for its constants (a quarter of a cold build's parsing of the Tinker
trees: 477 of 614 modules bind none)."""


def _bound_names(stmt: ast.stmt) -> list[tuple[str, ast.expr | None]]:
    """(name, annotation) of a plain `NAME = value` or `NAME: T = value` statement."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return [(stmt.targets[0].id, None)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return [(stmt.target.id, stmt.annotation)]
    return []


def _is_type_statement(annotation: ast.expr | None, value: ast.expr | None) -> bool:
    """`X: TypeAlias = ...`, `T = TypeVar("T")`: a name for a type, not a value."""
    if annotation is not None and any(isinstance(n, ast.Name) and n.id in _NOT_VALUES for n in ast.walk(annotation)):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in _NOT_VALUES
    return False


class ConstantReader:
    """Reads the constants of the modules a tree has loaded."""

    def __init__(self, tree: SdkTree, evaluator: Evaluator) -> None:
        self.tree = tree
        self.evaluator = evaluator

    def read(self, tops: Iterable[str]) -> list[ConstantDef]:
        found: list[ConstantDef] = []
        for top in sorted(set(tops)):
            package = self.tree.top(top)
            if package is None:
                continue
            for obj in walk_objects(package):
                if isinstance(obj, griffe.Module) and isinstance(obj.filepath, Path):
                    found.extend(self._module(obj))
        found.sort(key=lambda c: (c.file, c.line or 0, c.name))
        return found

    def _module(self, module: griffe.Module) -> list[ConstantDef]:
        src = self.tree.source(
            module.filepath if isinstance(module.filepath, Path) else None, only_if=MAY_BIND_CONSTANT
        )
        if src is None:
            return []
        found: list[ConstantDef] = []
        seen: set[str] = set()
        body = src.tree.body
        for index, stmt in enumerate(body):
            if isinstance(stmt, ast.ClassDef):
                found.extend(self._class(module, src, stmt))
                continue
            for name, annotation in _bound_names(stmt):
                if not CONSTANT_NAME.match(name) or name in seen:
                    continue
                seen.add(name)
                value = getattr(stmt, "value", None)
                if _is_type_statement(annotation, value):
                    continue
                # the name, not the statement's value: a name bound again elsewhere has no single value
                default = self._value(ast.Name(id=name, ctx=ast.Load()), Ctx(module, src), src, value)
                if default is not None:
                    found.append(
                        self._constant(
                            name=name,
                            owner=str(module.path),
                            default=default,
                            src=src,
                            stmt=stmt,
                            kind="module",
                            body=body,
                            index=index,
                        )
                    )
        return found

    def _class(self, module: griffe.Module, src: Source, node: ast.ClassDef) -> list[ConstantDef]:
        cls = module.members.get(node.name)
        if not isinstance(cls, griffe.Class) or self.evaluator.enums.kind(cls) is TypeKind.ENUM:
            return []  # an enum's members are its values, compared as the enum's members
        found: list[ConstantDef] = []
        seen: set[str] = set()
        scope = src.class_scope(node)
        for index, stmt in enumerate(node.body):
            for name, annotation in _bound_names(stmt):
                if not CONSTANT_NAME.match(name) or name in seen:
                    continue
                seen.add(name)
                value = getattr(stmt, "value", None)
                if _is_type_statement(annotation, value) or len(scope.bindings.get(name, [])) != 1:
                    continue  # a class name bound twice has no single value either
                ctx = Ctx(module, src, class_scope=scope, line=stmt.lineno)
                default = self._value(value, ctx, src, value) if value is not None else None
                if default is not None:
                    owner = str(cls.path)
                    found.append(
                        self._constant(
                            name=name,
                            owner=owner,
                            default=default,
                            src=src,
                            stmt=stmt,
                            kind="class",
                            body=node.body,
                            index=index,
                        )
                    )
        return found

    def _value(self, node: ast.expr, ctx: Ctx, src: Source, written: ast.expr | None) -> Default | None:
        try:
            value: Any = to_json(self.evaluator.evaluate(node, ctx))
        except Unresolved:
            return None
        expr = source_text(src, written) if written is not None else ""
        return Default(expr=expr, value=value, resolved=True)

    def _constant(
        self,
        *,
        name: str,
        owner: str,
        default: Default,
        src: Source,
        stmt: ast.stmt,
        kind: str,
        body: list[ast.stmt],
        index: int,
    ) -> ConstantDef:
        return ConstantDef(
            name=name,
            owner=owner,
            value=default,
            file=self.tree.rel(src.path),
            line=stmt.lineno,
            kind=kind,
            doc=string_after(body, index),
        )


def read_constants(tree: SdkTree, evaluator: Evaluator, tops: Iterable[str]) -> list[ConstantDef]:
    """Every constant of the packages `tops` (loaded in `tree`), in file and line order."""
    return ConstantReader(tree, evaluator).read(tops)
