"""The whole surface, module by module: every module of the Python SDK's packages beside the port's module that
implements it, or listed as unmapped.

A Python module meets an Elixir module, strongest evidence first: `module_map`; the port's own "Mirrors Python X"
in a `@moduledoc`, where X is the module or a class it defines; the types paired in the module (the Elixir module
of most of its paired types); the name (`queue_state_logger` ↔ `QueueStateLogger`, directly under the port's root
or sharing a word of the Python path). A module that defines nothing public is listed apart, not compared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from paritydocs.model import ModuleDef, TypeDef
from paritydocs.parity.matching import mirrored_names
from paritydocs.parity.report import ModuleRow

__all__ = ["compare_modules"]


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _shared(module: TypeDef, python_path: str) -> int:
    """How many words of the Python path (root and name aside) the Elixir module's path has."""
    words = set(python_path.lower().replace("_", ".").split(".")[1:-1])
    return len({p.lower() for p in module.path.split(".")[1:-1]} & words)


def _near(module: TypeDef, python_path: str) -> bool:
    """Directly under the port's root (`Tinkex.QueueStateLogger`), or sharing a word of the Python path."""
    return module.path.count(".") == 1 or _shared(module, python_path) > 0


def compare_modules(
    python: list[ModuleDef],
    elixir: list[TypeDef],
    pairs: list[tuple[TypeDef, TypeDef]],
    module_map: Mapping[str, str] | None = None,
) -> list[ModuleRow]:
    """One row per Python module, in path order. `pairs` are the type pairs of the report (a module's paired
    types say where the port implements it)."""
    by_path = {m.path: m for m in elixir}
    by_name: dict[str, list[TypeDef]] = {}
    for m in elixir:
        by_name.setdefault(m.path.rsplit(".", 1)[-1], []).append(m)
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
        mirrored = next(
            (
                (m, words, name)
                for name in (module.path, *(f"{module.path}.{c}" for c in module.classes))
                if (found := mirrors.get(name)) is not None
                for m, words in [found]
            ),
            None,
        )
        if mirrored is not None:
            m, words, _ = mirrored
            rows.append(ModuleRow(module, m, "mirrors", f"the port's `@moduledoc` (\u201c{words}\u201d)"))
            continue
        counts = paired_in.get(module.path)
        if counts:
            ex_path, n = counts.most_common(1)[0]
            rows.append(ModuleRow(module, by_path[ex_path], "types", f"{n} of its types are paired with `{ex_path}`"))
            continue
        camel = _camel(module.path.rsplit(".", 1)[-1])
        candidates = sorted(
            (m for m in by_name.get(camel, []) if _near(m, module.path)),
            key=lambda m: (
                -_shared(m, module.path),
                len(m.path),
            ),  # `Tinkex.CLI.Commands.Version` over `Tinkex.Version`
        )
        if candidates:
            rows.append(ModuleRow(module, candidates[0], "name", f"the name: `{camel}`"))
            continue
        searched = f"no `module_map` entry, no \u201cMirrors Python\u201d, no paired type, no module named `{camel}`"
        rows.append(ModuleRow(module, None, "", searched))
    return rows
