"""The differ: the changes between two loaded Python revisions (types, fields, defaults, docstrings, Griffe's
breaking changes, added parameters and functions, behaviour, model names)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import griffe

from paritydocs.config import Settings
from paritydocs.model import ConstantDef, Default, FieldDef, TypeDef, TypeKind
from paritydocs.modelnames import Occurrence, apply_updates, classify, compile_updates, scan_tree
from paritydocs.parity.rules import py_value
from paritydocs.python.loader import alias_target, walk_objects
from paritydocs.python.modules import is_test_module_name
from paritydocs.sync.codediff import Enclosing, code_lines, read_lines, replaced_lines, syntax, unified
from paritydocs.sync.report import Change, PythonLocation
from paritydocs.sync.revisions import Tree
from paritydocs.textsafe import brief

__all__ = ["Differ", "elixir_default_text", "type_key"]

# --------------------------------------------------------------------------------------------------
# Comparing the two revisions (everything that does not depend on the Elixir tree)


_ALIAS_KINDS = {TypeKind.LITERAL_ALIAS, TypeKind.UNION_ALIAS, TypeKind.TYPE_ALIAS, TypeKind.ENUM}


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _default_text(default: Default | None) -> str | None:
    """A Python default for people: the evaluated value in Python syntax, else the expression as written."""
    if default is None:
        return None
    return repr(default.value) if default.resolved else default.expr


def elixir_default_text(default: Default | None) -> str | None:
    """An Elixir default in Elixir syntax (`nil`, `1_000`, `:atom`), else the expression as written."""
    from paritydocs.parity.rules import ex_value

    if default is None:
        return None
    if not default.resolved or default.expr.startswith(":"):
        return default.expr
    return ex_value(default.value)


def _defaults_differ(old: Default | None, new: Default | None) -> bool:
    """The values when both were evaluated (as JSON, so `1` and `True` differ), else the expressions."""
    if old is None or new is None:
        return (old is None) != (new is None)
    if old.resolved and new.resolved:
        return json.dumps(old.value, sort_keys=True) != json.dumps(new.value, sort_keys=True)
    return old.expr != new.expr


def type_key(typedef: TypeDef) -> str:
    return typedef.public_path or typedef.path


class Differ:
    def __init__(self, settings: Settings, old: Tree, new: Tree) -> None:
        self.settings = settings
        self.old = old
        self.new = new
        self.updates = compile_updates(settings.model_names)
        self.changes: list[Change] = []
        self.warnings: list[str] = [*old.warnings, *new.warnings]
        self.doc_paths: set[str] = set()
        self.removed_paths: set[str] = set()
        """Dotted paths (defining and public) of the types and fields found removed."""
        self.renamed_only: set[str] = set()
        """Files whose every changed line is a model-name replacement."""
        self._functions: dict[int, dict[str, dict[str, Any]]] = {}
        self.constant_paths: set[str] = set()
        """Constants compared by `constants` (their value changes are not listed again as code)."""

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def doc_change(
        self, owner: str, field_name: str | None, old: str | None, new: str | None, loc: PythonLocation
    ) -> None:
        """A docstring added, removed or changed; whitespace-only and model-name-only edits are not."""
        if _norm(old) == _norm(new):
            return
        name = (field_name or owner).rsplit(".", 1)[-1]
        if name.startswith("_") and not name.startswith("__"):
            return  # a private helper's docstring is not user documentation
        if old and new and _norm(apply_updates(old, self.updates)) == _norm(new):
            return  # only model names changed: listed once, as model-name lines
        subject = f"{owner}.{field_name}" if field_name else owner
        self.doc_paths.add(subject)
        if not old:
            kind, what = "doc_added", "Docstring added to"
        elif not new:
            kind, what = "doc_removed", "Docstring removed from"
        else:
            kind, what = "doc_changed", "Docstring changed:"
        self.add(Change(kind, loc, f"{what} `{subject}`", old=old, new=new, owner=owner, field=field_name))

    # ---- types and fields (from extract_python)

    def types(self) -> None:
        old_types = {type_key(t): t for t in self.old.model.types}
        new_types = {type_key(t): t for t in self.new.model.types}
        for key, new in new_types.items():
            old = old_types.get(key)
            if old is None:
                loc = PythonLocation(key, new.file, None, new.line)
                self.add(Change("type_added", loc, f"New type `{key}` ({new.kind.value})", new=new.doc, owner=key))
                self.doc_paths.add(key)
                continue
            self.compare_type(key, old, new)
        for key, old in old_types.items():
            if key not in new_types:
                loc = PythonLocation(key, old.file, old.line, None)
                self.removed_paths.update({old.path, key})
                self.add(Change("type_removed", loc, f"Type `{key}` removed", old=old.doc, owner=key))

    def compare_type(self, key: str, old: TypeDef, new: TypeDef) -> None:
        file = new.file or old.file
        self.doc_change(key, None, old.doc, new.doc, PythonLocation(key, file, old.line, new.line))
        if old.members != new.members or (new.kind in _ALIAS_KINDS and old.annotation != new.annotation):
            before = ", ".join(map(repr, old.members)) if old.members else old.annotation
            after = ", ".join(map(repr, new.members)) if new.members else new.annotation
            loc = PythonLocation(key, file, old.line, new.line)
            self.add(
                Change(
                    "type_changed",
                    loc,
                    f"`{key}` changed: {len(new.members)} members",
                    old=before,
                    new=after,
                    owner=key,
                )
            )
        old_fields = {f.name: f for f in old.fields}
        new_names = {f.name for f in new.fields}
        for nf in new.fields:
            of = old_fields.get(nf.name)
            path = f"{key}.{nf.name}"
            if of is None:
                loc = PythonLocation(path, file, None, nf.line)
                detail = f"`{nf.annotation}`" if nf.annotation else "no annotation"
                default = f", default `{nf.default.expr}`" if nf.default else ", required"
                self.add(
                    Change(
                        "field_added",
                        loc,
                        f"New field `{path}`: {detail}{default}",
                        new=_field_text(nf),
                        owner=key,
                        field=nf.name,
                    )
                )
                self.doc_paths.add(path)
                continue
            self.compare_field(key, file, of, nf)
        for of in old.fields:
            if of.name not in new_names:
                path = f"{key}.{of.name}"
                loc = PythonLocation(path, file, of.line, None)
                self.removed_paths.update({path, f"{old.path}.{of.name}"})
                self.add(
                    Change(
                        "field_removed", loc, f"Field `{path}` removed", old=_field_text(of), owner=key, field=of.name
                    )
                )

    def compare_field(self, key: str, file: str, old: FieldDef, new: FieldDef) -> None:
        path = f"{key}.{old.name}"
        loc = PythonLocation(path, file, old.line, new.line)
        if _norm(old.annotation) != _norm(new.annotation) or old.required != new.required:
            self.add(
                Change(
                    "field_type_changed",
                    loc,
                    f"Type of `{path}` changed",
                    old=_field_text(old),
                    new=_field_text(new),
                    owner=key,
                    field=old.name,
                )
            )
        if _defaults_differ(old.default, new.default):
            before, after = _default_text(old.default), _default_text(new.default)
            self.add(
                Change(
                    "default_changed",
                    loc,
                    f"Default of `{path}` changed: `{before or 'none'}` → `{after or 'none'}`",
                    old=before,
                    new=after,
                    owner=key,
                    field=old.name,
                )
            )
        self.doc_change(key, old.name, old.doc, new.doc, loc)

    # ---- Griffe: breaking changes, added parameters, behaviour

    def breaking(self) -> None:
        for top, new_mod in self.new.tops.items():
            old_mod = self.old.tops.get(top)
            if old_mod is None:
                continue
            try:
                breakages = list(griffe.find_breaking_changes(old_mod, new_mod))
            except Exception as err:  # a griffe bug must not hide the rest of the report
                self.warnings.append(f"griffe could not compare the APIs of '{top}': {brief(err)}")
                continue
            for breakage in breakages:
                self.breakage(breakage)

    def breakage(self, breakage: Any) -> None:
        obj = breakage.obj
        path = obj.path
        removed = breakage.kind is griffe.BreakageKind.OBJECT_REMOVED
        if removed and path in self.removed_paths:
            return  # our field/type removal says the same, with the Elixir target: keep one
        old_obj = obj if removed else self.old.get(path)
        new_obj = None if removed else (self.new.get(path) or obj)
        file = (self.old.rel(alias_target(old_obj)) if removed else self.new.rel(alias_target(new_obj))) or None
        loc = PythonLocation(path, file, _lineno(old_obj), _lineno(new_obj))
        details = f" ({breakage.details})" if breakage.details else ""
        self.add(
            Change(
                "api_breaking",
                loc,
                f"{breakage.kind.value}: `{path}`{details}",
                old=_breakage_value(breakage.old_value),
                new=_breakage_value(breakage.new_value),
                owner=_owner_of(path, obj),
            )
        )

    def code_changes_in(self, file: str) -> list[str]:
        """Names (dotted, from the module) of the functions and methods of `file` whose code differs between the
        two revisions, outside `behaviour_modules` (no diff is shown for them: the report lists where to look), and
        the private ones added (`name (new)`) or removed (`name (removed)`): public ones are items of their own."""

        old, new = self._functions_by_file(self.old).get(file, {}), self._functions_by_file(self.new).get(file, {})
        changed = []

        def short(fn: Any, path: str) -> str:
            module = str(fn.module.path)
            return path[len(module) + 1 :] if path.startswith(module + ".") else path

        for path, fn in old.items():
            if path not in new and not _is_public_name(fn.name):
                changed.append(f"{short(fn, path)} (removed)")  # a public one is Griffe's removal breakage
        for path, fn in new.items():
            before = old.get(path)
            if before is None:
                if not _is_public_name(fn.name):
                    changed.append(f"{short(fn, path)} (new)")  # a public one is listed as an addition
                continue
            lines_before, lines_after = code_lines(before), code_lines(fn)
            if lines_before is not None and [t for _, t in lines_before] == [t for _, t in (lines_after or [])]:
                continue  # the same text (moved at most): the same code, no need to parse it
            after = syntax(fn)
            if syntax(before) != after or (after is None and lines_before != lines_after):
                changed.append(short(fn, path))
        return sorted(changed)

    def _functions_by_file(self, tree: Tree) -> dict[str, dict[str, Any]]:
        """Every function and method of a revision's packages, by file then path (built once per revision)."""
        cached = self._functions.get(id(tree))
        if cached is None:
            cached = {}
            for top in tree.tops.values():
                for obj in walk_objects(top):
                    if obj.is_function and (rel := tree.rel(obj)) is not None:
                        cached.setdefault(rel, {})[obj.path] = obj
            self._functions[id(tree)] = cached
        return cached

    def scope(self, tree: Tree, paths: Iterable[str]) -> dict[str, Any]:
        objects: dict[str, Any] = {}
        for path in paths:
            root = tree.get(path)
            if root is None:
                continue
            for obj in walk_objects(root):
                objects.setdefault(obj.path, obj)
        return objects

    def parameters(self) -> None:
        """Optional parameters added to functions anywhere in the packages (Griffe reports required ones as
        breaking), and public functions added to the client classes, `python_modules` and `behaviour_modules`."""
        paths = [*self.settings.behaviour_modules, *self.settings.python_clients, *self.settings.python_modules]
        paths.extend(self.new.tops)  # every module of the packages: an exception's new keyword argument too
        old_objs = self.scope(self.old, paths)
        for path, new in self.scope(self.new, paths).items():
            if not new.is_function:
                continue
            old = old_objs.get(path)
            if old is None or not old.is_function:
                if (
                    old is None
                    and _is_public_name(new.name)
                    and not _is_test(new)
                    and new.parent is not None
                    and new.parent.path in old_objs
                ):
                    loc = PythonLocation(path, self.new.rel(new), None, new.lineno or None)
                    self.add(Change("function_added", loc, f"New function `{path}`", new=_signature(new), owner=path))
                continue
            old_names = {p.name for p in old.parameters}
            for param in new.parameters:
                if param.name in old_names or param.required:
                    continue
                loc = PythonLocation(path, self.new.rel(new), old.lineno or None, new.lineno or None)
                default = f" = {param.default}" if param.default is not None else ""
                self.add(
                    Change(
                        "parameter_added",
                        loc,
                        f"New parameter `{param.name}` of `{path}`",
                        new=f"{param.name}{default}",
                        owner=path,
                    )
                )

    def additions(self) -> None:
        """Public classes, functions and modules that appeared anywhere in the packages (Griffe reports removals,
        not additions): the outermost new object only, and none already listed (a type, a function of a client)."""
        listed = {c.python.path for c in self.changes}
        type_files = {c.python.file for c in self.changes if c.kind == "type_added"}
        for top, new_mod in self.new.tops.items():
            old_mod = self.old.tops.get(top)
            if old_mod is None:
                continue
            old_paths = {obj.path for obj in walk_objects(old_mod)}
            for obj in walk_objects(new_mod):
                path = obj.path
                if path in old_paths or path in listed or not (obj.is_class or obj.is_function or obj.is_module):
                    continue
                parent = obj.parent
                if parent is not None and parent.path not in old_paths:
                    continue  # inside a new class or module: that one is listed
                if not _is_public_name(obj.name) or obj.name == "__init__" or _is_test(obj):
                    continue
                if (obj.is_module or obj.is_class) and self.new.rel(obj) in type_files:
                    continue  # the module (or class) of a new type: the type is listed, with its fields
                what = "module" if obj.is_module else "class" if obj.is_class else "function"
                kind = {"module": "module_added", "class": "class_added", "function": "function_added"}[what]
                new_text = _signature(obj) if obj.is_function else _docstring(obj)
                loc = PythonLocation(path, self.new.rel(obj), None, _lineno(obj))
                self.add(Change(kind, loc, f"New {what} `{path}`", new=new_text, owner=path))
                listed.add(path)

    def behaviour(self) -> None:
        scope = self.settings.behaviour_modules
        for path in scope:
            if self.old.get(path) is None and self.new.get(path) is None:
                self.warnings.append(
                    f"behaviour_modules: `{path}` is in neither revision ({self.old.spec}, {self.new.spec})"
                )
        old_objs = self.scope(self.old, scope)
        new_objs = self.scope(self.new, scope)
        for path, new in new_objs.items():
            old = old_objs.get(path)
            if old is None:
                continue
            file_old, file_new = self.old.rel(old), self.new.rel(new)
            loc = PythonLocation(path, file_new or file_old, old.lineno or None, new.lineno or None)
            if path not in self.doc_paths:
                self.doc_change(path, None, _docstring(old), _docstring(new), loc)
            if new.is_function or (new.is_attribute and path not in self.constant_paths):
                self.body(path, old, new, loc)

    def body(self, path: str, old: Any, new: Any, loc: PythonLocation) -> None:
        before = code_lines(old)
        after = code_lines(new)
        if before is None or after is None:
            return
        if [t.rstrip() for _, t in before] == [t.rstrip() for _, t in after]:
            return
        tree_old, tree_new = syntax(old), syntax(new)
        if tree_old is not None and tree_old == tree_new:
            return  # reformatted or comments only: same code
        diff = unified(before, after, loc.file or "", self.old.rel(old) or "")
        if not diff:
            return
        what = "Code" if new.is_function else "Value"
        self.add(Change("behaviour_changed", loc, f"{what} of `{path}` changed", diff=diff, owner=path))

    # ---- model names (docstrings, docs/, any text file)

    def model_names(self) -> None:
        if not self.updates:
            return
        old_root, new_root = self.old.root, self.new.root
        by_file: OrderedDict[str, list[Occurrence]] = OrderedDict()
        for occ in scan_tree(old_root, "python", self.updates):
            by_file.setdefault(occ.file, []).append(occ)
        enclosing = Enclosing(self.new)
        for rel in by_file:
            new_path = new_root / rel
            if not new_path.is_file():
                continue
            before = read_lines(old_root / rel)
            after = read_lines(new_path)
            replaced = list(replaced_lines(before, after, self.updates))
            if before != after and [apply_updates(line, self.updates) for line in before] == after:
                self.renamed_only.add(rel)
            for i, j, update in replaced:
                owner = enclosing.find(rel, j + 1) if rel.endswith(".py") else None
                audience, reason = classify(rel)
                loc = PythonLocation(owner, rel, i + 1, j + 1)
                self.add(
                    Change(
                        "model_name",
                        loc,
                        f"`{update.old}` → `{update.new}` in {rel}:{j + 1} ({reason})",
                        old=before[i].strip(),
                        new=after[j].strip(),
                        owner=owner or rel,
                        audience=audience,
                    )
                )

    # ---- constants (from extract_python): every module of the packages, with old and new values

    def constants(self) -> None:
        old = {c.path: c for c in self.old.model.constants}
        new = {c.path: c for c in self.new.model.constants}
        for path, nc in new.items():
            oc = old.get(path)
            if oc is None:
                loc = PythonLocation(path, nc.file, None, nc.line)
                shown = _constant_text(nc)
                self.add(Change("constant_added", loc, f"New constant `{path}` = `{shown}`", new=shown, owner=path))
            elif oc.value.value != nc.value.value or type(oc.value.value) is not type(nc.value.value):
                loc = PythonLocation(path, nc.file, oc.line, nc.line)
                before, after = _constant_text(oc), _constant_text(nc)
                summary = f"Constant `{path}` changed: `{before}` → `{after}`"
                self.add(Change("constant_changed", loc, summary, old=before, new=after, owner=path))
            self.constant_paths.add(path)
        for path, oc in old.items():
            if path not in new:
                loc = PythonLocation(path, oc.file, oc.line, None)
                self.removed_paths.add(path)
                self.constant_paths.add(path)
                shown = _constant_text(oc)
                self.add(Change("constant_removed", loc, f"Constant `{path}` removed", old=shown, owner=path))

    def run(self) -> list[Change]:
        self.types()
        self.constants()
        self.breaking()
        self.parameters()
        self.additions()
        self.behaviour()
        self.model_names()
        return self.changes


def _is_test(obj: Any) -> bool:
    """A test shipped inside the package (`internal_client_holder_test`, `TestSessionlessTelemetry`)."""
    module = obj if obj.is_module else getattr(obj, "module", None)
    return is_test_module_name(str(getattr(module, "name", ""))) or (obj.is_class and obj.name.startswith("Test"))


def _constant_text(constant: ConstantDef) -> str:
    return py_value(constant.value.value) if constant.value.resolved else constant.value.expr


def is_special_method(name: str) -> bool:
    """`__init__`, `__reduce__`, `__eq__`: one of Python's protocols."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_public_name(name: str) -> bool:
    """A public name, or a special method (`__init__`, `__reduce__`, `__eq__`): Python's protocols are API too
    (pickling, equality), though their names start with an underscore."""
    return not name.startswith("_") or is_special_method(name)


def _field_text(f: FieldDef) -> str:
    text = f.name
    if f.annotation:
        text += f": {f.annotation}"
    if f.default is not None:
        text += f" = {f.default.expr}"
    return text


def _lineno(obj: Any) -> int | None:
    if obj is None:
        return None
    if getattr(obj, "is_alias", False):
        return obj.alias_lineno or None
    return obj.lineno or None  # Griffe gives a generated member (a dataclass's `__init__`) line 0


def _owner_of(path: str, obj: Any) -> str:
    """Group a breakage under its class (or function), not the parameter or attribute."""
    parent = getattr(obj, "parent", None)
    member = getattr(obj, "is_attribute", False) or getattr(obj, "is_function", False)
    if member and parent is not None and getattr(parent, "is_class", False):
        return str(parent.path)
    return path


def _breakage_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, griffe.Parameter):
        text = value.name
        if value.annotation is not None:
            text += f": {value.annotation}"
        if value.default is not None:
            text += f" = {value.default}"
        return text
    if isinstance(value, list | tuple):
        return ", ".join(str(getattr(v, "canonical_path", v)) for v in value)
    if hasattr(value, "path") and hasattr(value, "kind"):
        return f"{value.kind.value} {value.path}"
    return str(value)


def _signature(function: Any) -> str:
    params = []
    for p in function.parameters:
        text = p.name
        if p.annotation is not None:
            text += f": {p.annotation}"
        if p.default is not None:
            text += f" = {p.default}"
        params.append(text)
    returns = f" -> {function.returns}" if function.returns is not None else ""
    return f"{function.name}({', '.join(params)}){returns}"


def _docstring(obj: Any) -> str | None:
    doc = getattr(obj, "docstring", None)
    return doc.value if doc is not None and doc.value else None
