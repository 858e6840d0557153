"""Elixir targets: where each change lands in the port (by the parity matching, `client_map` and files), and
the review notes of the types and fields."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from paritydocs.config import Settings
from paritydocs.model import SdkModel, TypeDef
from paritydocs.modelnames import Occurrence
from paritydocs.sync.codediff import added_literals, added_numbers, distinctive, elixir_numbers, number_value
from paritydocs.sync.differ import elixir_default_text, is_special_method, type_key
from paritydocs.sync.report import Change, ElixirTarget
from paritydocs.sync.revisions import PythonDiff

if TYPE_CHECKING:
    from paritydocs.parity.constants import ConstantIndex

__all__ = ["ElixirIndex", "notes_index"]

# --------------------------------------------------------------------------------------------------
# Elixir targets


class ElixirIndex:
    """Finds the Elixir target of a change: types and fields by the parity matching, clients by `client_map`,
    `*._client.*` by the `*.Config` module, and files by the types and clients defined in them."""

    def __init__(
        self,
        settings: Settings,
        diff: PythonDiff,
        elixir: SdkModel,
        occurrences: list[Occurrence],
    ) -> None:
        from paritydocs.parity.matching import match_types, mirrored_names

        self.settings = settings
        self.root = Path(elixir.source.root)
        self.texts: dict[str, str] = {}
        self._holdings: PortHoldings | None = None
        """Which of `files` hold a string (`_holding`), made when a first string is looked for."""
        self.numbers: dict[str, frozenset[int | float]] = {}
        self.modules = {t.path: t for t in elixir.types}
        self.files = sorted({t.file for t in elixir.types if t.file})
        """Every `.ex` file of the port that defines a module: where a literal of a change is looked for."""
        new_types = list(diff.new.types)
        new_keys = {type_key(t) for t in new_types}
        old_only = [t for t in diff.old.types if type_key(t) not in new_keys]
        self.py_types: dict[str, TypeDef] = {}
        for t in (*new_types, *old_only):
            self.py_types.setdefault(type_key(t), t)
            self.py_types.setdefault(t.path, t)
        self.old_types = {type_key(t): t for t in diff.old.types}
        # a change's constant as the revision it comes from has it: the new one, or the old for a removal
        self.py_constants = {c.path: c for c in (*diff.old.constants, *diff.new.constants)}
        self.elixir_constants = list(elixir.constants)
        self._constant_rows: ConstantIndex | None = None
        """The port's constants, indexed to compare one Python constant at a time (`parity.constants`)."""
        combined = SdkModel(source=diff.new.source, types=[*new_types, *old_only])
        matched = match_types(combined, elixir, prefixes=settings.type_prefixes, type_map=settings.type_map)
        self.targets: dict[str, TypeDef] = {}
        for py, ex in matched.pairs:
            self.targets[type_key(py)] = ex
            self.targets[py.path] = ex
        self.outdated: dict[str, list[int]] = {}
        for occ in occurrences:
            if occ.side == "elixir":
                lines = self.outdated.setdefault(occ.file, [])
                if occ.line not in lines:
                    lines.append(occ.line)
        configs = sorted(
            (m for m in elixir.types if m.path.endswith(".Config")), key=lambda m: (m.path.count("."), m.path)
        )
        self.config = configs[0] if configs else None
        self.clients = {
            client: self.modules[module] for client, module in settings.client_map.items() if module in self.modules
        }
        # a profile entry the user did not write (another SDK's clients) is not theirs to fix
        mine = settings.user_entries.get("client_map", frozenset()) | set(settings.python_clients)
        self.missing_clients = {c: m for c, m in settings.client_map.items() if m not in self.modules and c in mine}
        self.by_file: dict[str, TypeDef] = {}
        for key, ex in self.targets.items():
            py_type = self.py_types.get(key)
            if py_type is not None and py_type.file:
                self.by_file.setdefault(py_type.file, ex)
        for client_def in (*diff.new.clients, *diff.old.clients):
            client_module = self.clients.get(client_def.path)
            if client_module is not None and client_def.file:
                self.by_file.setdefault(client_def.file, client_module)
        self.py_modules = sorted({m.path for m in (*diff.old.modules, *diff.new.modules)})
        """Every module of both revisions: the module a change is in, for `module_map` and "Mirrors" statements."""
        self.mirrors: dict[str, tuple[TypeDef, str]] = {}
        for module in elixir.types:
            for name, words in mirrored_names(module.doc):
                self.mirrors.setdefault(name, (module, words))
        self.by_stem: dict[str, TypeDef] = {}
        for client_path, client_module in self.clients.items():
            self.by_stem.setdefault(client_path.rsplit(".", 1)[-1].lower(), client_module)

    # ---- building targets

    def module_target(self, module: TypeDef) -> ElixirTarget:
        return ElixirTarget(
            module=module.path,
            file=module.file or None,
            line=module.line,
            present=True,
            documented=bool(module.doc),
            doc=module.doc,
            outdated_lines=list(self.outdated.get(module.file, [])),
        )

    def candidate(self, typedef: TypeDef) -> str | None:
        for key in (typedef.path, typedef.public_path, typedef.name):
            if key and key in self.settings.type_map:
                return self.settings.type_map[key]
        for py_prefix, ex_prefix in self.settings.type_prefixes.items():
            for path in (typedef.public_path, typedef.path):
                if path and path.startswith(py_prefix + "."):
                    return f"{ex_prefix}.{typedef.name}"
        return None

    def type_target(self, key: str, field_name: str | None) -> ElixirTarget | None:
        typedef = self.py_types[key]
        module = self.targets.get(key)
        if module is None:
            name = self.candidate(typedef)
            if name is None:
                return None
            return ElixirTarget(module=name, file=None, line=None, field=field_name, present=False)
        if field_name is None:
            return self.module_target(module)
        return self.field_target(typedef, module, field_name)

    def field_target(self, typedef: TypeDef, module: TypeDef, name: str) -> ElixirTarget:
        from paritydocs.parity.matching import field_aliases_for, match_fields

        aliases = field_aliases_for(typedef, self.settings.field_aliases)
        py_fields = list(typedef.fields)
        old = self.old_types.get(type_key(typedef))
        removed = old.field_named(name) if old is not None and typedef.field_named(name) is None else None
        if removed is not None:
            py_fields.append(removed)
        ex_field = None
        for pair in match_fields(py_fields, module.fields, aliases):
            if pair.python is not None and pair.python.name == name:
                ex_field = pair.elixir
                break
        outdated = list(self.outdated.get(module.file, []))
        if ex_field is not None:
            from paritydocs.parity.rules import with_prose_doc

            ex_field = with_prose_doc(module, ex_field)  # a field the `@moduledoc` prose documents is documented
        if ex_field is None:
            return ElixirTarget(
                module=module.path,
                file=module.file or None,
                line=module.line,
                field=aliases.get(name, name),
                present=False,
                documented=None,
                outdated_lines=outdated,
            )
        return ElixirTarget(
            module=module.path,
            file=module.file or None,
            line=ex_field.line or module.line,
            field=ex_field.name,
            present=True,
            documented=bool(ex_field.doc),
            default=elixir_default_text(ex_field.default),
            doc=ex_field.doc,
            outdated_lines=outdated,
        )

    def path_target(self, path: str) -> ElixirTarget | None:
        # the longest type key that `path` continues with a dot: one of the parts before each of its dots
        dots = [i for i, char in enumerate(path) if char == "."]
        best = next((path[:i] for i in reversed(dots) if path[:i] in self.py_types), None)
        if best is not None:
            return self.type_target(best, None)
        client = max(
            (c for c in self.settings.client_map if path == c or path.startswith(c + ".")), key=len, default=None
        )
        if client is not None:
            module = self.clients.get(client)
            if module is not None:
                return self.module_target(module)
            return ElixirTarget(module=self.settings.client_map[client], file=None, line=None, present=False)
        parts = path.split(".")
        if "_client" in parts[1:] and self.config is not None:
            return self.module_target(self.config)
        return None

    def file_target(self, file: str) -> ElixirTarget | None:
        module = self.by_file.get(file)
        if module is None and file.endswith(".md"):
            module = self.by_stem.get(Path(file).stem.lower())  # docs/api/samplingclient.md ↔ SamplingClient
        return self.module_target(module) if module is not None else None

    def target(self, change: Change) -> ElixirTarget | None:
        target = self._target(change)
        literals = added_literals(change.diff) if change.diff else []
        numbers = added_numbers(change.diff) if change.diff else []
        if not literals and not numbers:
            return target
        first = target.file if target else None
        places = [(literal, self.literal_file(literal, first)) for literal in literals]
        number_places = [(text, self.number_file(number_value(text), first)) for text in numbers]
        if target is None:
            # no type, client or file maps the change: the port's module that already holds its strings (else its
            # numbers) is where
            for what, found_in in (("strings", places), ("numbers", number_places)):
                found = next((where for _, where in found_in if where is not None), None)
                module = self.module_in_file(found) if found else None
                if module is not None:
                    target = self.module_target(module)
                    target.found_by = f"the {what} the change added"
                    break
            else:
                return None
        target.literals = places
        target.numbers = number_places
        return target

    def literal_file(self, literal: str, first: str | None) -> str | None:
        """The port's file holding `literal`: `first` (the target's file) when it does, else the first other
        `.ex` file of the port, by path."""
        # every match holds the literal's longest verbatim part: a substring test skips the files without it, and
        # the pattern is made only once a file has it
        needle = max(_PLACEHOLDER.split(literal), key=len)
        holding = self._holding(needle)
        for file in self._files_from(first):
            if holding is not None and file not in holding and file != first:
                continue
            text = self.elixir_text(file)
            if needle in text and holds_literal(literal, text):
                return file
        return None

    def _holding(self, needle: str) -> frozenset[str] | None:
        """The port's module files whose code holds `needle` (`PortHoldings`); None for a needle that is empty or
        could span two files."""
        if not needle or _JOIN in needle:
            return None
        if self._holdings is None:
            self._holdings = PortHoldings.of(self.files, [self.elixir_text(file) for file in self.files])
        return self._holdings.holding(needle)

    def number_file(self, value: int | float | None, first: str | None) -> str | None:
        """The port's file with a number literal of `value` (`5_000_000` for 5000000): `first` when it has one,
        else the first other `.ex` file of the port, by path."""
        if value is None:
            return None
        for file in self._files_from(first):
            if file not in self.numbers:
                self.numbers[file] = numbers_of(self.elixir_text(file))
            if value in self.numbers[file]:
                return file
        return None

    def _files_from(self, first: str | None) -> list[str]:
        return ([first] if first else []) + [f for f in self.files if f != first]

    def module_in_file(self, file: str) -> TypeDef | None:
        """The first module defined in `file`."""
        return next((m for m in self.modules.values() if m.file == file), None)

    def elixir_text(self, file: str) -> str:
        """The code of a port's file, where its strings and numbers are looked for: its docs (`@moduledoc`,
        `@doc`, `@typedoc`) and whole-line comments left out, so an example in a doc is not taken for the code."""
        if file not in self.texts:
            try:
                text = (self.root / file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.texts[file] = code_of(text)
        return self.texts[file]

    def constant_target(self, change: Change) -> ElixirTarget:
        """The port's constant for a Python constant change, by the constants matching (`parity.constants`):
        present or not, its value, and whether it holds the value the change leads to."""
        from paritydocs.parity.constants import ConstantIndex
        from paritydocs.parity.findings import FindingKind

        path = change.python.path or ""
        constant = self.py_constants.get(path)
        if constant is None:
            return ElixirTarget(module=None, file=None, line=None, present=False)
        if self._constant_rows is None:
            self._constant_rows = ConstantIndex(self.elixir_constants, self.settings.constant_map)
        row = self._constant_rows.row(constant)
        ex = row.elixir
        if ex is None:
            return self.value_target(constant, change)
        kinds = {f.kind for f in row.findings}
        matches = None
        if change.kind != "constant_removed":
            if FindingKind.CONSTANT_EQUAL in kinds:
                matches = True
            elif FindingKind.CONSTANT_MISMATCH in kinds:
                matches = False
        return ElixirTarget(
            module=ex.owner,
            file=ex.file or None,
            line=ex.line,
            field=f"@{ex.name}" if ex.kind == "attribute" else f"{ex.name}/0",
            present=True,
            documented=bool(ex.doc) if ex.kind == "function" else None,
            default=ex.value.expr,
            doc=ex.doc,
            outdated_lines=list(self.outdated.get(ex.file, [])),
            matches=matches,
            found_by="constant_map" if row.how == "config" else "constant name",
        )

    def value_target(self, constant: Any, change: Change) -> ElixirTarget:
        """A constant the port has no constant of that name for: where the port holds its value, if it is
        distinctive (`codediff.distinctive`: no `0`, `60` or `1000`): an Elixir constant of that value (named
        otherwise), else a number literal anywhere under the port's folders. A seconds constant (its name ends in
        a seconds unit, or says TIMEOUT, INTERVAL or DELAY) is looked for in milliseconds too. Never done: a value
        found is where to look, not proof the port has it."""
        from paritydocs.parity.constants import constant_key

        key, unit = constant_key(constant.name)
        target = ElixirTarget(module=None, file=None, line=None, field=f"@{key}", present=False)
        searched = f"no Elixir constant named `{key}` (with or without `default_`, `python_` or a unit)"
        twin = self.path_twin_target(constant.file) if constant.file else None
        if twin is not None:  # where it would go: the port's module at the same path
            target.module, target.file, target.line = twin.module, twin.file, twin.line
            searched += f" in the port; {twin.found_by}"
        value = constant.value.value if constant.value.resolved else None
        if change.kind == "constant_removed" or not isinstance(value, int | float) or not distinctive(value):
            target.found_by = searched
            return target
        values: list[tuple[str, int | float]] = [(str(value), value)]
        if unit == "s" or any(word in constant.name.upper() for word in ("TIMEOUT", "INTERVAL", "DELAY")):
            values.append((f"{value * 1000:g} (ms)", value * 1000))
        holder = next(
            (
                (text, c)
                for text, v in values
                for c in self.elixir_constants
                if c.value.resolved and not isinstance(c.value.value, bool) and c.value.value == v
            ),
            None,
        )
        if holder is not None:
            text, c = holder
            shown = f"@{c.name}" if c.kind == "attribute" else f"{c.name}/0"
            target.found_by = f"{searched}; `{shown}` of `{c.owner}` holds its value {text}"
        else:
            target.found_by = searched
        target.numbers = [(text, self.number_file(v, None)) for text, v in values]
        return target

    def function_target(self, change: Change, target: ElixirTarget | None) -> ElixirTarget | None:
        """A new function's target is the function, not only its module: present when the module defines a
        public function of that name (or its `_async`/`!` twin's)."""
        module = self.modules.get(target.module) if target is not None and target.module else None
        if target is None or module is None:
            return target
        name = (change.python.path or "").rsplit(".", 1)[-1]
        stem = name.removesuffix("_async").removesuffix("_sync")
        if name != "__init__" and is_special_method(name):
            # `__reduce__`, `__eq__`: Python's protocols, which a port meets its own way (or not at all)
            target.present = False
            target.found_by = f"`{name}` is a Python special method: no Elixir function of that name to look for"
            return target
        if stem == "__init__":  # a type's new constructor: the port's `new`, or building the struct itself
            found = next((f for f in module.functions if f.name in ("new", "new!")), None)
            target.found_by = (
                f"the constructor `{found.name}/{found.arity}` of `{module.path}`"
                if found is not None
                else f"the struct `%{module.path}{{}}` itself (no `new`)"
            )
            return target
        _land_on_function(target, module, name)
        return target

    def _target(self, change: Change) -> ElixirTarget | None:
        if change.kind.startswith("constant_"):
            return self.constant_target(change)
        if change.kind == "function_added":
            return self.function_target(change, self._module_of_change(change))
        target = self._module_of_change(change)
        if change.kind == "parameter_added" and target is not None:
            return self.option_target(change, target)
        if change.kind == "default_changed" and target is not None and target.present:
            target.matches = self.default_matches(change, target)
        if change.kind in ("behaviour_changed", "api_breaking") and target is not None and not target.field:
            return self.method_target(change, target)
        return target

    def method_target(self, change: Change, target: ElixirTarget) -> ElixirTarget:
        """A change to a public method of a class the port maps to a module (not a type's field): present only when
        the module has a public function of that name (or its `_async`/`!` twin); a private helper's change keeps
        the module, where its callers are."""
        module = self.modules.get(target.module or "")
        path = change.python.path or ""
        owner, _, name = path.rpartition(".")
        if module is None or not name or name.startswith("_") or not owner[owner.rfind(".") + 1 :][:1].isupper():
            return target
        found = _land_on_function(target, module, name)
        if found is not None:
            target.line = found.line or target.line
        return target

    def default_matches(self, change: Change, target: ElixirTarget) -> bool | None:
        """Whether the port's field already defaults to the new Python value (seconds scaled to an `_ms` field):
        True done, False open, None when either value is not known."""
        from paritydocs.parity.rules import MS_PER_S, values_equal

        py_type = self.py_types.get(change.owner or "")
        py_field = py_type.field_named(change.field or "") if py_type is not None else None
        module = self.modules.get(target.module or "")
        ex_field = module.field_named(target.field or "") if module is not None else None
        if py_field is None or ex_field is None or py_field.default is None or ex_field.default is None:
            return None
        if not py_field.default.resolved or not ex_field.default.resolved:
            return None
        py_value, ex_value = py_field.default.value, ex_field.default.value
        if ex_field.name.endswith("_ms") and not py_field.name.endswith("_ms"):
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (py_value, ex_value)):
                return None
            py_value = py_value * MS_PER_S
        return values_equal(py_value, ex_value)

    def option_target(self, change: Change, target: ElixirTarget) -> ElixirTarget:
        """A new parameter lands as an option (or a parameter) of the port's module: present only when one of its
        functions takes a parameter of that name or reads an option of it (`Keyword.get(opts, :name)`)."""
        module = self.modules.get(target.module) if target.module else None
        name = (change.new or "").split(" ", 1)[0].split("=", 1)[0].strip()
        if module is None or not name:
            return target
        target.field = name
        read = next((r for r in module.option_reads if r.key == name), None)
        param = next((f for f in module.functions if any(p.name == name for p in f.params)), None)
        if read is not None:
            target.present, target.line = True, read.line
            target.found_by = f"the option `:{name}` that `{read.function}/{read.arity}` of `{module.path}` reads"
        elif param is not None:
            target.present, target.line = True, param.line or target.line
            target.found_by = f"the parameter `{name}` of `{param.name}/{param.arity}` in `{module.path}`"
        else:
            target.present = False
            target.found_by = f"no function of `{module.path}` takes `{name}` or reads the option `:{name}`"
        return target

    def _module_of_change(self, change: Change) -> ElixirTarget | None:
        owner = change.owner
        if owner is not None and owner in self.py_types and change.kind not in ("api_breaking", "behaviour_changed"):
            return self.type_target(owner, change.field)
        for path in (change.python.path, owner):
            if path and (path in self.py_types or "." in path):
                if path in self.py_types:
                    return self.type_target(path, change.field)
                target = self.path_target(path)
                if target is not None:
                    return target
        target = self.class_name_target(change.python.path) if change.python.path else None
        if target is None and change.python.file:
            target = self.file_target(change.python.file)
        if target is None and change.python.path:
            target = self.mapped_module_target(change.python.path, new_class=change.kind == "class_added")
        if target is None and change.python.file:
            target = self.path_twin_target(change.python.file)
        if target is None and change.kind in ("module_added", "class_added", "function_added"):
            target = self.name_target(change.python.path or "")
        return target

    def path_twin_target(self, file: str) -> ElixirTarget | None:
        """The first module of the port's file at the same path under its package as the Python file under its
        own (`src/tinker/cli/commands/checkpoint.py` ↔ `lib/tinkex/cli/commands/checkpoint.ex`)."""
        parts = Path(file).with_suffix("").parts
        if parts and parts[0] == "src":
            parts = parts[1:]
        if len(parts) < 3:  # a module right under the package: its name is no evidence of a twin
            return None
        rel = "/".join(parts[1:])
        twins = [f for f in self.files if f.count("/") == rel.count("/") + 2 and f.endswith(f"/{rel}.ex")]
        if len(twins) != 1:
            return None
        module = self.module_in_file(twins[0])
        if module is None:
            return None
        target = self.module_target(module)
        target.found_by = f"the same path in the port: `{twins[0]}`"
        return target

    def class_name_target(self, path: str) -> ElixirTarget | None:
        """The port's module named like the class a change is in (`…api_future_impl.QueueStateObserver.on_x` →
        `Tinkex.QueueStateObserver`), the innermost class first; stronger than the file it is defined in."""
        parts = path.split(".")
        for end in range(len(parts), 1, -1):
            name = parts[end - 1]
            if not name[:1].isupper() or name.isupper():
                continue  # a class is CamelCase; an UPPER_CASE name is a constant
            target = self.name_target(".".join(parts[:end]))
            if target is not None:
                return target
        return None

    def mapped_module_target(self, path: str, *, new_class: bool = False) -> ElixirTarget | None:
        """The port's module for the Python module a change is in: its `module_map` entry, else the module whose
        `@moduledoc` says it mirrors the changed object or its module (`parity.modules`' evidence, in order). For
        a `new_class`, the module the map names is where the class lands, not a sign the port has it: missing."""
        module = max((m for m in self.py_modules if path == m or path.startswith(m + ".")), key=len, default=None)
        mapped = self.settings.module_map.get(module) if module is not None else None
        if mapped is not None and mapped in self.modules:
            target = self.module_target(self.modules[mapped])
            target.found_by = f"`module_map`: `{module}` → `{mapped}`"
            if new_class:
                target.present = False
                target.found_by += f" (no `{path.rsplit('.', 1)[-1]}` in it)"
            return target
        for name in (path, module):
            if name is not None and name in self.mirrors:
                ex, words = self.mirrors[name]
                target = self.module_target(ex)
                target.found_by = f"the port's `@moduledoc` (\u201c{words}\u201d)"
                return target
        return None

    def name_target(self, path: str) -> ElixirTarget | None:
        """The port's module named like a new Python module or class (`parity.modules.module_named_like`)."""
        from paritydocs.parity.modules import camel_name, module_named_like

        module = module_named_like(path, self.modules.values())
        if module is None:
            return None
        target = self.module_target(module)
        target.found_by = f"a module named `{camel_name(path)}`"
        return target


def _stem(name: str) -> str:
    return name.removesuffix("_async").removesuffix("_sync")


def _port_function(module: TypeDef, name: str) -> Any:
    """The port's public function for a Python method: its own name first, then its stem's (`sample_async` →
    `sample`), the stem's `!` and `_async` twins."""
    stem = _stem(name)
    candidates = (name, stem, f"{stem}!", f"{stem}_async")
    return min(
        (f for f in module.functions if f.name in candidates), key=lambda f: candidates.index(f.name), default=None
    )


def _land_on_function(target: ElixirTarget, module: TypeDef, name: str) -> Any:
    """Point `target` at the port's function for the Python method `name` (`_port_function`): what was found, or
    that it is missing. Returns the function, or None."""
    found = _port_function(module, name)
    if found is None:
        target.present = False
        target.found_by = f"no public function `{_stem(name)}` in `{module.path}`"
    else:
        target.found_by = f"the function `{found.name}/{found.arity}` of `{module.path}`"
    return found


_JOIN = "\x00"
"""Between two files' code in `PortHoldings._joined`; a needle that holds it is looked for file by file, so no
match spans two files."""
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_DOC_ATTRIBUTE = re.compile(
    r'@(?:moduledoc|doc|typedoc)\s+(?:~[sS])?(?:"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*")'
)
_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


class PortHoldings:
    """Which of the port's module files hold a string, for `ElixirIndex.literal_file`: found by one search of all
    their code joined (by `_JOIN`, so no match spans two files), and kept for the process's next index. The
    ranges of a build share one; after an `.ex` edit, what the last one found is carried over and only the
    files whose code changed are searched again (a `serve` rebuild searched all of the port's code once for
    each string, 0.03 s of it)."""

    _last: ClassVar[PortHoldings | None] = None
    """The holdings the last index of this process made."""

    def __init__(self, files: list[str], texts: list[str]) -> None:
        self.files, self.texts = files, texts
        self.found: dict[str, frozenset[str]] = {}
        """A string looked for → the files that hold it."""
        self.searches = 0
        """Strings looked for in the joined code (for the tests)."""
        self._joined: str | None = None
        self._starts: list[int] = []
        """Where each file's code starts in `_joined`."""

    @classmethod
    def of(cls, files: list[str], texts: list[str]) -> PortHoldings:
        """The holdings of these files with this code: the last ones when nothing changed; else new ones, given
        what the last ones found where the files are the same and only some of their code changed."""
        last = cls._last
        if last is not None and last.files == files:
            changed = [i for i, (was, now) in enumerate(zip(last.texts, texts, strict=True)) if was != now]
            if not changed:
                return last
            holdings = cls(files, texts)
            gone = {files[i] for i in changed}
            for needle, found in last.found.items():
                holdings.found[needle] = frozenset(
                    {f for f in found if f not in gone} | {files[i] for i in changed if needle in texts[i]}
                )
        else:
            holdings = cls(files, texts)
        cls._last = holdings
        return holdings

    def holding(self, needle: str) -> frozenset[str]:
        found = self.found.get(needle)
        if found is None:
            found = self.found[needle] = frozenset(self._search(needle))
        return found

    def _search(self, needle: str) -> set[str]:
        self.searches += 1
        if self._joined is None:
            self._starts = list(itertools.accumulate((len(t) + len(_JOIN) for t in self.texts[:-1]), initial=0))
            self._joined = _JOIN.join(self.texts)
        found: set[str] = set()
        at = self._joined.find(needle)
        while at >= 0:
            index = bisect.bisect_right(self._starts, at) - 1
            found.add(self.files[index])
            if index + 1 == len(self._starts):
                break
            at = self._joined.find(needle, self._starts[index + 1])  # the next file's code
        return found


# What the targets' searches make of a port file is a function of its text alone: kept by that text (the 20,000
# most recently used of each), so the ranges of a build share it, and a `serve` rebuild after a `.ex` edit
# searches the edited file again, not the port.
PORT_CODE_KEPT = 20_000


@functools.lru_cache(maxsize=PORT_CODE_KEPT)
def code_of(text: str) -> str:
    """A port file's code: `text` without its `@moduledoc`, `@doc` and `@typedoc` and its whole-line comments."""
    return _COMMENT_LINE.sub("", _DOC_ATTRIBUTE.sub("", text))


@functools.lru_cache(maxsize=PORT_CODE_KEPT)
def numbers_of(code: str) -> frozenset[int | float]:
    return frozenset(elixir_numbers(code))


@functools.lru_cache(maxsize=PORT_CODE_KEPT)
def holds_literal(literal: str, code: str) -> bool:
    """Whether `code` holds `literal` as the port would write it (`literal_pattern`)."""
    return literal_pattern(literal).search(code) is not None


def literal_pattern(literal: str) -> re.Pattern[str]:
    """How a Python string literal can appear in the port: a placeholder of an f-string or `.format` (`{name}`)
    stands for an Elixir interpolation or any short text (`#{name}`, `~p`); a literal shorter than 12 characters
    must be a whole string of its own (`"params"`, or the atom `:params`; not the inside of `"query_params"`)."""
    parts = [re.escape(part) for part in _PLACEHOLDER.split(literal)]
    body = r"(?:#\{[^}]*\}|[^\n]{0,40}?)".join(parts)
    if len(_PLACEHOLDER.sub("", literal)) < 12:
        # `"params"` is the atom `:params` as a key, or `params:` in a keyword list or map
        atom = rf"|(?<![\w:]):{body}\b|(?<![\w:]){body}:(?=\s)" if literal.isidentifier() else ""
        return re.compile(rf"[\"']{body}[\"']{atom}")
    return re.compile(body)


def notes_index(parity: Any) -> tuple[dict[str, Any], dict[tuple[str, str], list[str]]]:
    types: dict[str, Any] = {}
    fields: dict[tuple[str, str], list[str]] = {}
    if parity is None:
        return types, fields
    for pair in parity.pairs:
        for key in (pair.python.path, pair.python.public_path):
            if key:
                types.setdefault(key, pair)
                for row in pair.rows:
                    if row.python is not None and row.notes:
                        fields.setdefault((key, row.python.name), []).extend(row.notes)
    return types, fields
