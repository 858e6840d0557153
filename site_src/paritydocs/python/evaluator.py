"""The sound constant evaluator: the value of a default or a constant from its `ast`, only ever one that Python
would compute; anything else is `Unresolved` and stays as written."""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import griffe

from paritydocs.model import Default, TypeKind
from paritydocs.python.loader import SdkTree
from paritydocs.python.scope import Scope, Source, clean_doc, dotted_name, last_name, source_text

# --------------------------------------------------------------------------------------
# The default evaluator
# --------------------------------------------------------------------------------------


class Unresolved(Exception):  # control flow only; never escapes this package
    """The expression has no value we can soundly report."""


@dataclass(frozen=True, slots=True)
class _ModuleRef:
    module: griffe.Module


@dataclass(frozen=True, slots=True)
class _ClassRef:
    cls: griffe.Class


@dataclass(frozen=True, slots=True)
class _EnumMemberRef:
    cls: griffe.Class
    name: str
    value: Any
    known: bool


@dataclass(frozen=True, slots=True)
class _CallRef:
    node: ast.Call
    ctx: Ctx


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where an expression is evaluated: a module, and optionally a class body up to a line."""

    module: griffe.Module
    src: Source
    class_scope: Scope | None = None
    line: int | None = None


_REFS = (_ModuleRef, _ClassRef, _EnumMemberRef, _CallRef)
_MAX_DEPTH = 64
_MAX_INT_BITS = 256


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float))


def _check_number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise Unresolved
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
        raise Unresolved
    return value


def _is_json(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


def to_json(value: Any) -> Any:
    """`value` as JSON; `Unresolved` for a reference (module, class, call) or an enum member of unknown value."""
    if isinstance(value, _EnumMemberRef):
        if not value.known:
            raise Unresolved
        value = value.value
    if isinstance(value, _REFS) or not _is_json(value):
        raise Unresolved
    return value


class EnumSource(Protocol):
    """What the evaluator asks of the class reader (`paritydocs.python.types`): a class' kind and an enum's
    members, so `Color.RED.value` evaluates without this module importing that one."""

    def kind(self, cls: griffe.Class) -> TypeKind:
        """What the class is (`TypeKind.ENUM` for an enum)."""
        ...

    def enum_members(self, cls: griffe.Class) -> list[tuple[str, Any, bool]]:
        """(name, value, value known) for each member, in source order."""
        ...


class Evaluator:
    """Evaluates expressions of the loaded tree; guards against circular constant definitions."""

    def __init__(self, tree: SdkTree, enums: EnumSource) -> None:
        self.tree = tree
        self.enums = enums
        self._evaluating: list[tuple[str, str, str, int]] = []

    def ctx_for(self, module: griffe.Module) -> Ctx | None:
        src = self.tree.source(module.filepath if isinstance(module.filepath, Path) else None)
        if src is None:
            return None
        return Ctx(module, src)

    def string_value(self, node: ast.expr, ctx: Ctx) -> str | None:
        try:
            value = self.evaluate(node, ctx)
        except Unresolved:
            return None
        return clean_doc(value) if isinstance(value, str) else None

    # ---------------------------------------------------------------- evaluator

    def default(self, node: ast.expr, ctx: Ctx) -> Default:
        expr = source_text(ctx.src, node)
        try:
            value = to_json(self.evaluate(node, ctx))
        except Unresolved:
            return Default(expr=expr, value=None, resolved=False)
        return Default(expr=expr, value=value, resolved=True)

    def evaluate(self, node: ast.AST, ctx: Ctx) -> Any:
        try:
            return self._eval(node, ctx, 0)
        except RecursionError:
            raise Unresolved from None

    def _value(self, node: ast.AST, ctx: Ctx, depth: int) -> Any:
        return to_json(self._eval(node, ctx, depth))

    def _eval(self, node: ast.AST, ctx: Ctx, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise Unresolved
        depth += 1
        if isinstance(node, ast.Constant):
            value = node.value
            if value is None or isinstance(value, (bool, str)):
                return value
            if isinstance(value, (int, float)):
                return _check_number(value)
            raise Unresolved
        if isinstance(node, (ast.Tuple, ast.List)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                raise Unresolved
            return [self._value(e, ctx, depth) for e in node.elts]
        if isinstance(node, ast.Dict):
            result: dict[str, Any] = {}
            for key, val in zip(node.keys, node.values, strict=True):
                if key is None:
                    raise Unresolved
                k = self._value(key, ctx, depth)
                if not isinstance(k, str):
                    raise Unresolved
                result[k] = self._value(val, ctx, depth)
            return result
        if isinstance(node, ast.UnaryOp):
            operand = self._value(node.operand, ctx, depth)
            if isinstance(node.op, ast.Not):
                return not operand
            if isinstance(node.op, ast.USub) and _is_number(operand):
                return _check_number(-operand)
            if isinstance(node.op, ast.UAdd) and _is_number(operand):
                return _check_number(+operand)
            if isinstance(node.op, ast.Invert) and isinstance(operand, int):
                return _check_number(~operand)
            raise Unresolved
        if isinstance(node, ast.BinOp):
            return self._binop(node, ctx, depth)
        if isinstance(node, ast.BoolOp):
            result_value: Any = None
            for i, operand_node in enumerate(node.values):
                result_value = self._value(operand_node, ctx, depth)
                last = i == len(node.values) - 1
                if not last and isinstance(node.op, ast.Or) and result_value:
                    return result_value
                if not last and isinstance(node.op, ast.And) and not result_value:
                    return result_value
            return result_value
        if isinstance(node, ast.Name):
            return self._name(node.id, ctx, depth)
        if isinstance(node, ast.Attribute):
            base = self._eval(node.value, ctx, depth)
            return self._attribute(base, node.attr, depth)
        if isinstance(node, ast.Subscript):
            container = self._value(node.value, ctx, depth)
            index = self._value(node.slice, ctx, depth)
            if isinstance(container, dict) and isinstance(index, str) and index in container:
                return container[index]
            if (
                isinstance(container, (list, str))
                and isinstance(index, int)
                and not isinstance(index, bool)
                and -len(container) <= index < len(container)
            ):
                return container[index]
            raise Unresolved
        if isinstance(node, ast.Call):
            return _CallRef(node, ctx)
        raise Unresolved

    def _binop(self, node: ast.BinOp, ctx: Ctx, depth: int) -> Any:
        left = self._value(node.left, ctx, depth)
        right = self._value(node.right, ctx, depth)
        op = node.op
        if isinstance(op, ast.Add) and isinstance(left, str) and isinstance(right, str):
            return left + right
        if not (_is_number(left) and _is_number(right)):
            raise Unresolved
        try:
            if isinstance(op, ast.Add):
                return _check_number(left + right)
            if isinstance(op, ast.Sub):
                return _check_number(left - right)
            if isinstance(op, ast.Mult):
                return _check_number(left * right)
            if isinstance(op, ast.Div):
                return _check_number(left / right)
            if isinstance(op, ast.FloorDiv):
                return _check_number(left // right)
            if isinstance(op, ast.Mod):
                return _check_number(left % right)
            if isinstance(op, ast.Pow):
                if abs(right) > 1024 or (isinstance(left, int) and abs(left) > 1 and right > _MAX_INT_BITS):
                    raise Unresolved
                result = left**right
                if isinstance(result, complex):
                    raise Unresolved
                return _check_number(result)
        except (ZeroDivisionError, OverflowError, ValueError):
            raise Unresolved from None
        raise Unresolved

    def _name(self, name: str, ctx: Ctx, depth: int) -> Any:
        scope = ctx.class_scope
        if scope is not None and ctx.line is not None:
            earlier = [b for b in scope.bindings.get(name, []) if b.line < ctx.line]
            if earlier or name in scope.dynamic:
                if len(earlier) != 1 or earlier[0].nested or earlier[0].kind != "assign" or name in scope.dynamic:
                    raise Unresolved
                binding = earlier[0]
                assert binding.value is not None  # "assign" bindings carry their value
                return self._eval(binding.value, Ctx(ctx.module, ctx.src, scope, binding.line), depth)
        return self._module_name(ctx.module, ctx.src, name, depth)

    def _module_name(self, module: griffe.Module, src: Source, name: str, depth: int) -> Any:
        scope = src.scope
        bindings = scope.bindings.get(name, [])
        if name in scope.dynamic:
            raise Unresolved
        if not bindings:
            if scope.star_lines:
                member = module.members.get(name)
                if isinstance(member, griffe.Alias):
                    return self._path_value(member.target_path, depth)
            raise Unresolved
        if len(bindings) != 1 or bindings[0].nested:
            raise Unresolved
        binding = bindings[0]
        if any(line > binding.line for line in scope.star_lines):
            raise Unresolved
        if binding.kind == "assign":
            assert binding.value is not None  # "assign" bindings carry their value
            key = (str(module.path), name)
            chain = [(m, n) for m, n, _, _ in self._evaluating]
            if key in chain:
                start = chain.index(key)
                names = [n for _, n in chain[start:]] + [name]
                self.tree.warn(
                    self.tree.rel(src.path),
                    binding.line,
                    f"circular definition of constant '{name}' ({' -> '.join(names)}); its value is left unresolved",
                )
                raise Unresolved
            self._evaluating.append((key[0], name, str(src.path), binding.line))
            try:
                return self._eval(binding.value, Ctx(module, src), depth)
            finally:
                self._evaluating.pop()
        if binding.kind == "class":
            member = module.members.get(name)
            if isinstance(member, griffe.Class):
                return _ClassRef(member)
            raise Unresolved
        if binding.kind == "from":
            member = module.members.get(name)
            if isinstance(member, griffe.Alias):
                return self._path_value(member.target_path, depth)
            if isinstance(member, griffe.Module):
                return _ModuleRef(member)
            raise Unresolved
        if binding.kind == "import" and binding.module:
            return self._path_value(binding.module, depth)
        raise Unresolved

    def _path_value(self, path: str, depth: int) -> Any:
        """The value of a dotted path: modules and classes as references, constants evaluated."""
        if self.tree.loader is None or depth > _MAX_DEPTH:
            raise Unresolved
        parts = path.split(".")
        obj: Any = self.tree.loader.modules_collection.members.get(parts[0])
        if not isinstance(obj, griffe.Module):
            raise Unresolved
        current: Any = _ModuleRef(obj)
        for part in parts[1:]:
            current = self._attribute(current, part, depth + 1)
        return current

    def _attribute(self, base: Any, attr: str, depth: int) -> Any:
        if isinstance(base, _ModuleRef):
            module = base.module
            ctx = self.ctx_for(module)
            if ctx is not None and (attr in ctx.src.scope.bindings or attr in ctx.src.scope.dynamic):
                return self._module_name(module, ctx.src, attr, depth + 1)
            member = module.members.get(attr)
            if isinstance(member, griffe.Module):
                return _ModuleRef(member)
            if ctx is not None and ctx.src.scope.star_lines and isinstance(member, griffe.Alias):
                return self._path_value(member.target_path, depth + 1)
            raise Unresolved
        if isinstance(base, _ClassRef):
            if self.enums.kind(base.cls) is TypeKind.ENUM:
                for name, value, known in self.enums.enum_members(base.cls):
                    if name == attr:
                        return _EnumMemberRef(base.cls, name, value, known)
            raise Unresolved
        if isinstance(base, _EnumMemberRef):
            if attr == "value" and base.known:
                return base.value
            if attr == "name":
                return base.name
            raise Unresolved
        if isinstance(base, _CallRef):
            callee = last_name(dotted_name(base.node.func))
            if not callee or not callee[0].isupper():
                raise Unresolved
            if any(k.arg is None for k in base.node.keywords):
                raise Unresolved
            for keyword in base.node.keywords:
                if keyword.arg == attr:
                    return self._eval(keyword.value, base.ctx, depth + 1)
            raise Unresolved
        raise Unresolved
