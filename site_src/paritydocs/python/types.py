"""The types of the loaded tree as `TypeDef`s: classes (their kind, MRO and fields), enums and type aliases."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import griffe

from paritydocs.model import Default, FieldDef, TypeDef, TypeKind
from paritydocs.python.docstrings import raw_docstring
from paritydocs.python.evaluator import Ctx, Evaluator, Unresolved, to_json
from paritydocs.python.loader import SdkTree, final
from paritydocs.python.scope import (
    AST_TYPE_ALIAS,
    Source,
    annotation_head,
    clean_doc,
    comment_doc,
    dotted_name,
    last_name,
    source_text,
    string_after,
    subscript_args,
    unwrap_annotated,
)
from paritydocs.python.surface import PROPERTY_DECORATORS, init_fields, init_node, property_fields, with_surface

_PYDANTIC_NAMES = {"BaseModel", "StrictBase", "GenericModel", "RootModel"}
_ENUM_NAMES = {"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "ReprEnum"}
_FRAMEWORK_NAMES = {"model_config", "model_fields", "model_computed_fields", "Config", "__slots__"}
_UNION_HEADS = {"Union", "Optional"}
_FACTORY_VALUES: dict[str, Any] = {"list": [], "dict": {}, "set": [], "tuple": []}
_FIELD_ORIGINS = ("pydantic", "dataclasses", "attr", "attrs")
_SURFACE_KINDS = (TypeKind.PYDANTIC_MODEL, TypeKind.DATACLASS, TypeKind.CLASS)
"""Kinds whose instances have properties and may have a custom `__init__` (see `paritydocs.python.surface`)."""


class TypeReader:
    """The types of the loaded tree: what each class is (`kind`), its MRO, fields and enum members, and its aliases."""

    def __init__(self, tree: SdkTree) -> None:
        self.tree = tree
        self.evaluator = Evaluator(tree, self)
        self._kinds: dict[str, TypeKind] = {}
        self._mros: dict[str, list[griffe.Class]] = {}
        self._enum_cache: dict[str, list[tuple[str, Any, bool]]] = {}
        self._reexports: dict[str, dict[str, str]] = {}

    # ---------------------------------------------------------------- types

    def extract_types(self, specs: Sequence[str]) -> list[TypeDef]:
        found: dict[str, TypeDef] = {}
        for spec in specs:
            spec = spec.strip()
            obj = self.tree.resolve_spec(spec)
            if obj is None:
                if not self.tree.load_failed(spec):
                    self.tree.warn(
                        self.tree.not_found_location(spec),
                        None,
                        f"module '{spec}' not found under {self.tree.root}; check the `python_modules` setting",
                    )
                continue
            if isinstance(obj, griffe.Module):
                for module_type in self._module_types(obj, obj):
                    found.setdefault(module_type.path, module_type)
                continue
            typedef = self._object_type(obj, explicit=True)
            if typedef is None:
                filepath = getattr(obj, "filepath", None)
                self.tree.warn(
                    self.tree.rel(filepath if isinstance(filepath, Path) else None),
                    getattr(obj, "lineno", None),
                    f"'{spec}' is not a class or a type alias; nothing extracted from it",
                )
                continue
            if spec != typedef.path:
                typedef.public_path = spec
            found.setdefault(typedef.path, typedef)
        return sorted(found.values(), key=lambda t: (t.file, t.line or 0, t.path))

    def _module_types(self, module: griffe.Module, package: griffe.Module, private: bool = False) -> Iterator[TypeDef]:
        for name, member in list(module.members.items()):
            if isinstance(member, (griffe.Alias, griffe.Module)):
                continue
            if name.startswith("_"):
                continue
            typedef = self._object_type(member, explicit=False)
            if typedef is None:
                continue
            typedef.public_path = self._public_path(typedef.path, package)
            if private and typedef.public_path is None:
                continue
            yield typedef
        for name, member in list(module.members.items()):
            if isinstance(member, griffe.Module):
                if not name.isidentifier():  # `g&h.py`: no import can name it, and its path would break pages
                    filepath = getattr(member, "filepath", None)
                    self.tree.warn(
                        self.tree.rel(filepath if isinstance(filepath, Path) else None),
                        None,
                        f"'{name}' is not a Python module name (it cannot be imported); its types are skipped",
                    )
                    continue
                yield from self._module_types(member, package, private or name.startswith("_"))

    def _public_path(self, path: str, package: griffe.Module) -> str | None:
        """Where the package given in `modules` re-exports `path` (`tinker.types.ModelData`)."""
        return self._reexport_index(package).get(path)

    def _reexport_index(self, pkg: griffe.Module) -> dict[str, str]:
        key = str(pkg.path)
        if key not in self._reexports:
            index: dict[str, str] = {}
            for name, member in pkg.members.items():
                if not isinstance(member, griffe.Alias) or name.startswith("_"):
                    continue
                target = final(member)
                if target is None:
                    continue
                target_path = str(target.path)
                current = index.get(target_path)
                # Prefer the name the type is defined with.
                if current is None or (name == target.name and current.rsplit(".", 1)[-1] != target.name):
                    index[target_path] = f"{pkg.path}.{name}"
            self._reexports[key] = index
        return self._reexports[key]

    def _object_type(self, obj: Any, *, explicit: bool) -> TypeDef | None:
        if isinstance(obj, griffe.Class):
            return self._class_type(obj)
        if isinstance(obj, (griffe.Attribute, griffe.TypeAlias)):
            return self._alias_type(obj, explicit=explicit)
        return None

    # ---------------------------------------------------------------- classes

    def _class_type(self, cls: griffe.Class) -> TypeDef:
        kind = self.kind(cls)
        src, node = self.tree.class_node(cls)
        fp = cls.filepath if isinstance(cls.filepath, Path) else None
        doc = clean_doc(raw_docstring(cls))
        if node is not None and src is not None:
            bases = [source_text(src, b) for b in node.bases]
            bases += [source_text(src, k) for k in node.keywords if k.arg is None]
            line: int | None = node.lineno
        else:
            bases = [str(b) for b in cls.bases]
            line = cls.lineno
        typedef = TypeDef(
            path=str(cls.path),
            name=cls.name,
            kind=kind,
            doc=doc,
            file=self.tree.rel(fp),
            line=line,
            bases=bases,
        )
        if kind is TypeKind.ENUM:
            members = self.enum_members(cls)
            if all(known for _, _, known in members):
                typedef.members = [value for _, value, _ in members]
            else:
                typedef.members = [name for name, _, _ in members]
            for (name, _, _), member in zip(members, typedef.members, strict=True):
                attribute = cls.members.get(name)
                if attribute is not None and attribute.lineno:
                    typedef.member_lines.setdefault(str(member), attribute.lineno)
        else:
            typedef.fields = self.fields(cls, kind)
        return typedef

    def kind(self, cls: griffe.Class, seen: frozenset[str] = frozenset()) -> TypeKind:
        key = str(cls.path)
        if key in self._kinds:
            return self._kinds[key]
        if key in seen:
            return TypeKind.CLASS
        seen = seen | {key}
        result = TypeKind.CLASS
        base_kinds = [self._base_kind(base, seen) for base in cls.bases]
        for wanted in (TypeKind.PYDANTIC_MODEL, TypeKind.TYPED_DICT, TypeKind.ENUM):
            if wanted in base_kinds:
                result = wanted
                break
        else:
            for decorator in cls.decorators:
                value = decorator.value
                if isinstance(value, griffe.ExprCall):
                    value = value.function
                if last_name(str(value)) == "dataclass":
                    result = TypeKind.DATACLASS
                    break
        self._kinds[key] = result
        return result

    def _base_kind(self, base: Any, seen: frozenset[str]) -> TypeKind | None:
        path = self.tree.expr_path(base)
        target = self.tree.lookup(path)
        if isinstance(target, griffe.Class):
            if str(target.path) in seen:
                return None
            kind = self.kind(target, seen)
            return kind if kind in (TypeKind.PYDANTIC_MODEL, TypeKind.TYPED_DICT, TypeKind.ENUM) else None
        last = last_name(path) or ""
        if not isinstance(target, griffe.Class):
            if path.startswith("pydantic") and last in _PYDANTIC_NAMES:
                return TypeKind.PYDANTIC_MODEL
            if last in ("BaseModel", "StrictBase"):
                return TypeKind.PYDANTIC_MODEL
            if last == "TypedDict":
                return TypeKind.TYPED_DICT
            if last in _ENUM_NAMES:
                return TypeKind.ENUM
        return None

    def base_classes(self, cls: griffe.Class) -> list[griffe.Class]:
        result = []
        for base in cls.bases:
            target = self.tree.lookup(self.tree.expr_path(base))
            if isinstance(target, griffe.Class) and target is not cls:
                result.append(target)
        return result

    def mro(self, cls: griffe.Class, seen: frozenset[str] = frozenset()) -> list[griffe.Class]:
        """C3 linearisation over the base classes found in the SDK (others are ignored)."""
        key = str(cls.path)
        if key in self._mros:
            return self._mros[key]
        if key in seen:
            return [cls]
        seen = seen | {key}
        bases = self.base_classes(cls)
        sequences = [list(self.mro(b, seen)) for b in bases] + [list(bases)]
        result: list[griffe.Class] = [cls]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                break
            for seq in sequences:
                head = seq[0]
                if not any(head in s[1:] for s in sequences):
                    break
            else:
                # Inconsistent hierarchy: fall back to depth-first order without repeats.
                for seq in sequences:
                    for c in seq:
                        if c not in result:
                            result.append(c)
                break
            result.append(head)
            sequences = [s[1:] if s[0] is head else s for s in sequences]
        self._mros[key] = result
        return result

    def fields(self, cls: griffe.Class, kind: TypeKind) -> list[FieldDef]:
        lineage = [cls]
        if kind in (TypeKind.PYDANTIC_MODEL, TypeKind.DATACLASS, TypeKind.TYPED_DICT):
            lineage = [c for c in reversed(self.mro(cls)[1:]) if self.kind(c) is kind] + [cls]
        ordered: dict[str, FieldDef] = {}
        properties: dict[str, FieldDef] = {}
        for c in lineage:
            own = self._own_fields(c, kind)
            if kind in _SURFACE_KINDS:
                own += self._own_properties(c)
            for f in own:
                if c is not cls:
                    f.inherited_from = str(c.path)
                # A redefined field keeps its place (as in pydantic and dataclasses).
                (properties if f.origin else ordered)[f.name] = f
        if kind not in _SURFACE_KINDS:
            return list(ordered.values())
        return with_surface(list(ordered.values()), list(properties.values()), self._init_fields(cls, kind, lineage))

    def _own_properties(self, cls: griffe.Class) -> list[FieldDef]:
        src, node = self.tree.class_node(cls)
        module = self.tree.module_of(cls)
        if src is None or node is None or module is None:
            return []
        # `from ._compat import cached_property as cached`: a property decorator under a local name
        local = {
            name
            for name, member in module.members.items()
            if isinstance(member, griffe.Alias) and last_name(member.target_path) in PROPERTY_DECORATORS
        }
        return property_fields(src, node, PROPERTY_DECORATORS | local)

    def _init_fields(self, cls: griffe.Class, kind: TypeKind, lineage: list[griffe.Class]) -> list[FieldDef]:
        """The parameters of the `__init__` the class runs, when the SDK writes it: its own, else (pydantic
        models, plain classes) the nearest base's. A dataclass without its own runs the generated one, which
        takes exactly the fields."""
        for c in reversed(lineage) if kind is not TypeKind.DATACLASS else [cls]:
            src, node = self.tree.class_node(c)
            module = self.tree.module_of(c)
            init = init_node(node) if node is not None else None
            if src is None or node is None or module is None or init is None:
                continue
            ctx = Ctx(module, src, src.class_scope(node), init.lineno)
            params = init_fields(src, init, ctx, self.evaluator, [raw_docstring(c), raw_docstring(cls)])
            if c is not cls:
                for f in params:
                    f.inherited_from = str(c.path)
            return params
        return []

    def _own_fields(self, cls: griffe.Class, kind: TypeKind) -> list[FieldDef]:
        src, node = self.tree.class_node(cls)
        module = self.tree.module_of(cls)
        if src is None or node is None or module is None:
            return []
        total = True
        for keyword in node.keywords:
            if keyword.arg == "total" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False:
                total = False
        scope = src.class_scope(node)
        result: list[FieldDef] = []
        for index, stmt in enumerate(node.body):
            if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                continue
            name = stmt.target.id
            if name.startswith("_") or name in _FRAMEWORK_NAMES:
                continue
            head = annotation_head(stmt.annotation)
            if head == "ClassVar" or (kind is TypeKind.DATACLASS and head == "InitVar"):
                continue
            ctx = Ctx(module, src, scope, stmt.lineno)
            fdef = FieldDef(name=name, annotation=source_text(src, stmt.annotation), line=stmt.lineno)
            doc = string_after(node.body, index)
            description: str | None = None
            if kind is TypeKind.TYPED_DICT:
                fdef.required = self._typed_dict_required(stmt.annotation, total)
            else:
                description = self._field_default(fdef, stmt, ctx)
            after = node.body[index - 1].end_lineno or 0 if index else node.lineno
            comment = comment_doc(src, stmt, after) if not doc else None
            if doc:
                fdef.doc, fdef.doc_source = doc, "attribute_docstring"
            elif comment is not None and comment[1]:  # a `#:` doc comment is the field's doc, as in Sphinx
                fdef.doc, fdef.doc_source = comment[0], "comment"
            elif description:
                fdef.doc, fdef.doc_source = description, "field_description"
            elif comment is not None:
                fdef.doc, fdef.doc_source = comment[0], "comment"
            result.append(fdef)
        return result

    @staticmethod
    def _typed_dict_required(annotation: ast.expr, total: bool) -> bool:
        node = annotation
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            with suppress(SyntaxError):
                node = ast.parse(node.value.strip(), mode="eval").body
        while True:
            node, _ = unwrap_annotated(node)
            head = annotation_head(node) if isinstance(node, ast.Subscript) else None
            if head == "Required":
                return True
            if head == "NotRequired":
                return False
            if head == "ReadOnly" and isinstance(node, ast.Subscript):
                node = subscript_args(node)[0]
                continue
            return total

    def _field_default(self, fdef: FieldDef, stmt: ast.AnnAssign, ctx: Ctx) -> str | None:
        """Fill `required`/`default`; return a `Field(description=...)` text if any."""
        description: str | None = None
        _, metadata = unwrap_annotated(stmt.annotation)
        field_calls = [m for m in metadata if isinstance(m, ast.Call) and self._is_field_call(m, ctx)]
        value = stmt.value
        if value is not None and isinstance(value, ast.Call) and self._is_field_call(value, ctx):
            field_calls.append(value)
            value = None
        for call in field_calls:
            kwargs = {k.arg: k.value for k in call.keywords if k.arg}
            if "description" in kwargs:
                description = self.evaluator.string_value(kwargs["description"], ctx) or description
        if value is not None:
            fdef.default = self.evaluator.default(value, ctx)
            fdef.required = False
            return description
        if not field_calls:
            fdef.required = True
            return description
        call = field_calls[-1]  # an assigned `= Field(...)` wins over `Annotated[..., Field(...)]`
        if any(k.arg is None for k in call.keywords):
            # `Field(**options)`: the default may be in there; say nothing we cannot know.
            fdef.default = Default(expr=source_text(ctx.src, call))
            fdef.required = False
            return description
        kwargs = {k.arg: k.value for k in call.keywords if k.arg}
        default_node = call.args[0] if call.args else kwargs.get("default")
        factory = kwargs.get("default_factory")
        if default_node is not None and not self._is_required_marker(default_node):
            fdef.default = self.evaluator.default(default_node, ctx)
            fdef.required = False
        elif factory is not None:
            fdef.default = self._factory_default(factory, ctx)
            fdef.required = False
        else:
            fdef.required = True
        return description

    @staticmethod
    def _is_required_marker(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return True
        return last_name(dotted_name(node)) == "PydanticUndefined"

    def _factory_default(self, factory: ast.expr, ctx: Ctx) -> Default:
        expr = f"default_factory={source_text(ctx.src, factory)}"
        if isinstance(factory, ast.Name) and factory.id in _FACTORY_VALUES:
            shadowed = factory.id in ctx.src.scope.bindings or factory.id in ctx.src.scope.dynamic
            if ctx.class_scope is not None and factory.id in ctx.class_scope.bindings:
                shadowed = True
            if not shadowed and not ctx.src.scope.star_lines:
                value = _FACTORY_VALUES[factory.id]
                return Default(expr=expr, value=type(value)(), resolved=True)
        return Default(expr=expr, value=None, resolved=False)

    def _callee_path(self, call: ast.Call, ctx: Ctx) -> tuple[str | None, bool]:
        """The callee's dotted path through imports, and whether it was followed to a definition."""
        text = dotted_name(call.func)
        if text is None:
            return None, False
        first, _, rest = text.partition(".")
        member = ctx.module.members.get(first)
        if isinstance(member, griffe.Alias):
            followed = self.tree.follow_path(member.target_path)
            return (f"{followed}.{rest}" if rest else followed), True
        if member is not None:
            return str(member.path) + (f".{rest}" if rest else ""), True
        return text, False

    def _is_field_call(self, call: ast.Call, ctx: Ctx) -> bool:
        path, followed = self._callee_path(call, ctx)
        if path is None or last_name(path) not in ("Field", "field"):
            return False
        return (not followed) or path.startswith(_FIELD_ORIGINS)

    # ---------------------------------------------------------------- enums

    def enum_members(self, cls: griffe.Class) -> list[tuple[str, Any, bool]]:
        """(name, value, value known) for each member, in source order."""
        key = str(cls.path)
        if key in self._enum_cache:
            return self._enum_cache[key]
        self._enum_cache[key] = []
        src, node = self.tree.class_node(cls)
        module = self.tree.module_of(cls)
        if src is None or node is None or module is None:
            return []
        lineage = [c for c in self.mro(cls) if self.kind(c) is TypeKind.ENUM]
        base_paths = {self.tree.expr_path(b) for c in lineage for b in c.bases}
        base_names = {last_name(p) for p in base_paths}
        str_enum = "StrEnum" in base_names or "str" in base_names
        int_enum = bool({"IntEnum", "IntFlag", "int"} & base_names)
        custom = any(
            name in c.members for c in lineage for name in ("__new__", "_generate_next_value_", "_missing_value_")
        )
        flag = bool({"Flag", "IntFlag"} & base_names)
        scope = src.class_scope(node)
        members: list[tuple[str, Any, bool]] = []
        for stmt in node.body:
            targets: list[ast.expr]
            if isinstance(stmt, ast.Assign):
                targets, value_node = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                targets, value_node = [stmt.target], stmt.value
            else:
                continue
            for target in targets:
                if not isinstance(target, ast.Name) or target.id.startswith("_"):
                    continue
                name = target.id
                value: Any = None
                known = False
                if not custom:
                    if isinstance(value_node, ast.Call) and not value_node.args and not value_node.keywords:
                        path, followed = self._callee_path(value_node, Ctx(module, src, scope, stmt.lineno))
                        if last_name(path) == "auto" and (not followed or (path or "").startswith("enum")):
                            if str_enum and not flag:
                                value, known = name.lower(), True
                            members.append((name, value, known))
                            continue
                    try:
                        value = to_json(self.evaluator.evaluate(value_node, Ctx(module, src, scope, stmt.lineno)))
                        known = True
                    except Unresolved:
                        value, known = None, False
                    if known and str_enum and not isinstance(value, str):
                        value, known = None, False
                    if known and int_enum and (not isinstance(value, int) or isinstance(value, bool)):
                        value, known = None, False
                members.append((name, value, known))
        self._enum_cache[key] = members
        return members

    # ---------------------------------------------------------------- aliases

    def _alias_statement(self, obj: Any) -> tuple[Source, ast.stmt] | None:
        module = self.tree.module_of(obj)
        if module is None:
            return None
        src = self.tree.source(module.filepath if isinstance(module.filepath, Path) else None)
        if src is None:
            return None
        match: ast.stmt | None = None
        for stmt in src.tree.body:
            names: list[str] = []
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                names = [stmt.targets[0].id]
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                names = [stmt.target.id]
            elif AST_TYPE_ALIAS is not None and isinstance(stmt, AST_TYPE_ALIAS):  # pragma: no cover - 3.12+
                name_node = getattr(stmt, "name", None)
                names = [name_node.id] if isinstance(name_node, ast.Name) else []
            if obj.name in names:
                match = stmt  # the last top-level binding wins, as at runtime
        return (src, match) if match is not None else None

    def _alias_type(self, obj: Any, *, explicit: bool) -> TypeDef | None:
        found = self._alias_statement(obj)
        if found is None:
            return None
        src, stmt = found
        module = self.tree.module_of(obj)
        assert module is not None  # _alias_statement found its module
        value = getattr(stmt, "value", None)
        if not isinstance(value, ast.expr):
            return None
        is_type_alias = not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or (
            isinstance(stmt, ast.AnnAssign) and annotation_head(stmt.annotation) == "TypeAlias"
        )
        inner, _ = unwrap_annotated(value)
        arms = self._union_arms(inner, is_type_alias)
        kind: TypeKind | None
        if annotation_head(inner) == "Literal" and isinstance(inner, ast.Subscript):
            kind = TypeKind.LITERAL_ALIAS
        elif arms is not None:
            literal_arms = [a for a in arms if isinstance(a, ast.Subscript) and annotation_head(a) == "Literal"]
            kind = TypeKind.LITERAL_ALIAS if arms and len(literal_arms) == len(arms) else TypeKind.UNION_ALIAS
        elif is_type_alias:
            kind = TypeKind.TYPE_ALIAS
        else:
            kind = None
        if kind is None:
            return None
        index = src.tree.body.index(stmt)
        typedef = TypeDef(
            path=str(obj.path),
            name=str(obj.name),
            kind=kind,
            doc=string_after(src.tree.body, index),
            file=self.tree.rel(src.path),
            line=stmt.lineno,
            annotation=source_text(src, value),
        )
        if kind is TypeKind.LITERAL_ALIAS:
            ctx = Ctx(module, src)
            typedef.members = self._literal_members(inner, ctx, typedef.member_lines)
        elif kind is TypeKind.UNION_ALIAS and arms:
            for arm in arms:  # by last name, as `parity.matching.python_union_members` names them
                name = source_text(src, arm).rsplit(".", 1)[-1].strip("'\"")
                if name and name != "None":
                    typedef.member_lines.setdefault(name, arm.lineno)
        return typedef

    @staticmethod
    def _union_arms(node: ast.expr, allow_pipe: bool) -> list[ast.expr] | None:
        if isinstance(node, ast.Subscript) and annotation_head(node) in _UNION_HEADS:
            args = subscript_args(node)
            if annotation_head(node) == "Optional":
                return [*args, ast.Constant(value=None)]
            return args
        if allow_pipe and isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            arms: list[ast.expr] = []
            stack: list[ast.expr] = [node]
            while stack:
                current = stack.pop()
                if isinstance(current, ast.BinOp) and isinstance(current.op, ast.BitOr):
                    stack += [current.right, current.left]
                else:
                    arms.append(current)
            return arms
        return None

    def _literal_members(self, node: ast.expr, ctx: Ctx, lines: dict[str, int]) -> list[Any]:
        """The values of a `Literal` (nested and unions of them flattened); `lines` gets where each is written."""
        members: list[Any] = []
        arms = self._union_arms(node, True) or [node]
        for arm in arms:
            arm, _ = unwrap_annotated(arm)
            if not isinstance(arm, ast.Subscript):
                continue
            for arg in subscript_args(arm):
                if isinstance(arg, ast.Subscript) and annotation_head(arg) == "Literal":
                    members.extend(self._literal_members(arg, ctx, lines))
                    continue
                try:
                    value = to_json(self.evaluator.evaluate(arg, ctx))
                except Unresolved:
                    self.tree.warn(
                        self.tree.rel(ctx.src.path),
                        getattr(arg, "lineno", None),
                        f"Literal member `{source_text(ctx.src, arg)}` could not be evaluated; left out of the members",
                    )
                    continue
                if value not in members:
                    members.append(value)
                    lines.setdefault(str(value), arg.lineno)
        return members
