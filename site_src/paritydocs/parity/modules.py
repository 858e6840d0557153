"""The whole surface, module by module: every module of the Python SDK's packages beside the port's module that
implements it, or listed as unmapped.

A Python module meets an Elixir module, strongest evidence first: `module_map`; the port's own "Mirrors Python X"
in a `@moduledoc`, where X is the module or a class it defines; the types paired in the module (the Elixir module
of most of its paired types); the name (`queue_state_logger` ↔ `QueueStateLogger`, directly under the port's root
or sharing a word of the Python path). A module that defines nothing public is listed apart, not compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from paritydocs.model import ModuleDef, TypeDef
from paritydocs.parity.matching import mirrored_names
from paritydocs.parity.report import ModuleRow

__all__ = ["camel_name", "compare_modules", "module_named_like"]


def camel_name(python_path: str) -> str:
    """The CamelCase of a dotted path's last part: `tinker.lib.queue_state_logger` → `QueueStateLogger`."""
    return "".join(part[:1].upper() + part[1:] for part in python_path.rsplit(".", 1)[-1].split("_") if part)


def _shared(module: TypeDef, python_path: str) -> int:
    """How many words of the Python path (root and name aside) the Elixir module's path has."""
    words = set(python_path.lower().replace("_", ".").split(".")[1:-1])
    return len({p.lower() for p in module.path.split(".")[1:-1]} & words)


def module_named_like(python_path: str, elixir: Iterable[TypeDef]) -> TypeDef | None:
    """The port's module named like a Python module or class (`tinker.lib.queue_state_logger` ↔
    `Tinkex.QueueStateLogger`): one directly under the port's root or sharing a word of the Python path; the one
    sharing the most words first (`tinker.cli.commands.version` ↔ `Tinkex.CLI.Commands.Version`, not
    `Tinkex.Version`), then the shortest path. None when there is none."""
    camel = camel_name(python_path)
    candidates = [
        m
        for m in elixir
        if m.path.rsplit(".", 1)[-1] == camel and (m.path.count(".") == 1 or _shared(m, python_path) > 0)
    ]
    return min(candidates, key=lambda m: (-_shared(m, python_path), len(m.path)), default=None)


def compare_modules(
    python: list[ModuleDef],
    elixir: list[TypeDef],
    pairs: list[tuple[TypeDef, TypeDef]],
    module_map: Mapping[str, str] | None = None,
) -> list[ModuleRow]:
    """One row per Python module, in path order. `pairs` are the type pairs of the report (a module's paired
    types say where the port implements it)."""
    by_path = {m.path: m for m in elixir}
    mirrors: dict[str, tuple[TypeDef, str]] = {}
    for m in elixir:
        for name, words in mirrored_names(m.doc):
            mirrors.setdefault(name, (m, words))
    paired_in: dict[str, Counter[str]] = {}
    for py, ex in pairs:
        home = py.path.rsplit(".", 1)[0]
        paired_in.setdefault(home, Counter())[ex.path] += 1
    rows: list[ModuleRow] = []
    for module in python:
        if not module.classes and not module.functions:
            rows.append(ModuleRow(module, None, "", "defines nothing public (re-exports, constants or helpers only)"))
            continue
        target = (module_map or {}).get(module.path)
        if target and target in by_path:
            rows.append(ModuleRow(module, by_path[target], "module_map", f"`module_map`: `{target}`"))
            continue
        names = (module.path, *(f"{module.path}.{c}" for c in module.classes))
        mirrored = next((mirrors[name] for name in names if name in mirrors), None)
        if mirrored is not None:
            m, words = mirrored
            rows.append(ModuleRow(module, m, "mirrors", f"the port's `@moduledoc` (\u201c{words}\u201d)"))
            continue
        counts = paired_in.get(module.path)
        if counts:
            ex_path, n = counts.most_common(1)[0]
            rows.append(ModuleRow(module, by_path[ex_path], "types", f"{n} of its types are paired with `{ex_path}`"))
            continue
        camel = camel_name(module.path)
        named = module_named_like(module.path, elixir)
        if named is not None:
            rows.append(ModuleRow(module, named, "name", f"the name: `{camel}`"))
            continue
        searched = f"no `module_map` entry, no \u201cMirrors Python\u201d, no paired type, no module named `{camel}`"
        rows.append(ModuleRow(module, None, "", searched))
    return rows
